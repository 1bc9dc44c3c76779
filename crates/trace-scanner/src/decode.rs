//! Decoders that turn stored bytes into more bytes to search:
//! mozlz4, gzip, snappy (raw and framed).

use std::io::Read;

/// Firefox's `mozLz40\0` magic (`.jsonlz4`, `.baklz4`, `.mozlz4`, `.lz4`).
pub const MOZLZ4_MAGIC: &[u8; 8] = b"mozLz40\0";
/// gzip member header: ID1 ID2 CM=deflate.
pub const GZIP_MAGIC: &[u8; 3] = b"\x1f\x8b\x08";
/// Snappy framing format stream identifier chunk.
pub const SNAPPY_FRAMED_MAGIC: &[u8; 10] = b"\xff\x06\x00\x00sNaPpY";

/// Upper bound for one decompressed buffer.
pub const MAX_OUTPUT: usize = 512 << 20;

/// Decodes a mozlz4 file: magic, u32 LE decompressed size, LZ4 block.
pub fn mozlz4(data: &[u8]) -> Option<Vec<u8>> {
    let body = data.strip_prefix(MOZLZ4_MAGIC.as_slice())?;
    let size = u32::from_le_bytes(body.get(..4)?.try_into().ok()?) as usize;
    if size > MAX_OUTPUT {
        return None;
    }
    lz4_flex::block::decompress_size_prepended(body).ok()
}

/// Encodes a buffer as mozlz4 (used by tests to build inputs).
pub fn mozlz4_encode(data: &[u8]) -> Vec<u8> {
    let mut out = MOZLZ4_MAGIC.to_vec();
    out.extend(lz4_flex::block::compress_prepend_size(data));
    out
}

/// Decodes every gzip stream that starts somewhere in `data` (the magic
/// is searched for, so HTTP cache entries with a header before the body
/// work too). A truncated or corrupt stream yields what decoded before
/// the error. At most `max_streams` candidates are tried.
pub fn gzip_streams(data: &[u8], max_streams: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for pos in memchr::memmem::find_iter(data, GZIP_MAGIC).take(max_streams) {
        if let Some(d) = gzip_at(&data[pos..]) {
            if !d.is_empty() {
                out.push(d);
            }
        }
    }
    out
}

/// Decodes one gzip stream (and following members) at the start of `data`.
pub fn gzip_at(data: &[u8]) -> Option<Vec<u8>> {
    if !data.starts_with(GZIP_MAGIC) {
        return None;
    }
    let mut dec = flate2::read::MultiGzDecoder::new(data).take(MAX_OUTPUT as u64);
    let mut out = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match dec.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    Some(out)
}

/// Decompresses raw (block-format) snappy, with sanity limits so that
/// random bytes are rejected cheaply.
pub fn snappy_raw(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 2 {
        return None;
    }
    let len = snap::raw::decompress_len(data).ok()?;
    // A snappy stream cannot expand more than ~ 64x per input byte
    // (a 3-byte copy produces at most 64 bytes), so larger claims are bogus.
    if len == 0 || len > MAX_OUTPUT || len > data.len().saturating_mul(64) + 64 {
        return None;
    }
    snap::raw::Decoder::new().decompress_vec(data).ok()
}

/// Tries raw snappy at each offset in `0..=max_skip` (values are often
/// preceded by a small header: version varints, wrapper tags); returns
/// the first decompression that works and grows the data.
pub fn snappy_raw_search(data: &[u8], max_skip: usize) -> Option<(usize, Vec<u8>)> {
    for skip in 0..=max_skip.min(data.len().saturating_sub(2)) {
        if let Some(out) = snappy_raw(&data[skip..]) {
            if out.len() + skip > data.len() || skip == 0 {
                return Some((skip, out));
            }
        }
    }
    None
}

/// Decodes a snappy framed stream (Firefox IndexedDB external files).
/// Keeps what decoded before an error.
pub fn snappy_framed(data: &[u8]) -> Option<Vec<u8>> {
    if !data.starts_with(SNAPPY_FRAMED_MAGIC) {
        return None;
    }
    let mut dec = snap::read::FrameDecoder::new(data).take(MAX_OUTPUT as u64);
    let mut out = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match dec.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) => break,
        }
    }
    Some(out)
}
