//! LevelDB readers: sorted tables (`.ldb`, `.sst`) and write-ahead logs
//! (`NNNNNN.log`, also the `MANIFEST-*` files), per the documented formats
//! (`doc/table_format.md`, `doc/log_format.md`).
//!
//! Chromium keeps Local Storage, Session Storage, IndexedDB and several
//! internal databases in LevelDB.

/// An entry: internal key = user key + 8-byte (sequence << 8 | type).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: Vec<u8>,
    pub seq: u64,
    /// true = value (put), false = deletion.
    pub put: bool,
    pub value: Vec<u8>,
}

pub const TABLE_MAGIC: u64 = 0xdb47_7524_8b80_fb57;
pub const BLOCK_SIZE: usize = 32 * 1024;
const LOG_HEADER: usize = 7;

/// Reads a LevelDB varint32/64.
pub fn varint(data: &[u8]) -> Option<(u64, &[u8])> {
    let mut v = 0u64;
    for (i, &b) in data.iter().enumerate().take(10) {
        v |= ((b & 0x7f) as u64) << (7 * i);
        if b & 0x80 == 0 {
            return Some((v, &data[i + 1..]));
        }
    }
    None
}

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn block_handle(data: &[u8]) -> Option<((usize, usize), &[u8])> {
    let (off, rest) = varint(data)?;
    let (size, rest) = varint(rest)?;
    Some(((off as usize, size as usize), rest))
}

/// Whether the bytes end with a LevelDB table footer.
pub fn is_table(data: &[u8]) -> bool {
    data.len() >= 48 && data[data.len() - 8..] == TABLE_MAGIC.to_le_bytes()
}

/// Reads a block, decompressing snappy (type 1). Unknown compression
/// types give an error string.
pub fn read_block(data: &[u8], (off, size): (usize, usize)) -> Result<Vec<u8>, String> {
    let end = off.checked_add(size).ok_or("bad handle")?;
    let raw = data.get(off..end).ok_or("block out of range")?;
    let kind = *data.get(end).ok_or("missing block trailer")?;
    match kind {
        0 => Ok(raw.to_vec()),
        1 => snap::raw::Decoder::new()
            .decompress_vec(raw)
            .map_err(|e| format!("snappy block: {e}")),
        k => Err(format!("block compression type {k} not supported")),
    }
}

/// (key, value) pairs of a block.
pub type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// Decodes the entries of a block (keys prefix-compressed, restarts at the end).
pub fn block_entries(block: &[u8]) -> Result<KeyValues, String> {
    if block.len() < 4 {
        return Err("short block".into());
    }
    let n = u32::from_le_bytes(block[block.len() - 4..].try_into().unwrap()) as usize;
    let restarts = n
        .checked_mul(4)
        .and_then(|r| block.len().checked_sub(4 + r))
        .ok_or("bad restart count")?;
    let mut rest = &block[..restarts];
    let mut key: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (shared, r) = varint(rest).ok_or("bad entry")?;
        let (non_shared, r) = varint(r).ok_or("bad entry")?;
        let (vlen, r) = varint(r).ok_or("bad entry")?;
        let (shared, non_shared, vlen) = (shared as usize, non_shared as usize, vlen as usize);
        if shared > key.len() || r.len() < non_shared + vlen {
            return Err("entry out of range".into());
        }
        key.truncate(shared);
        key.extend_from_slice(&r[..non_shared]);
        out.push((key.clone(), r[non_shared..non_shared + vlen].to_vec()));
        rest = &r[non_shared + vlen..];
    }
    Ok(out)
}

fn split_internal(ikey: &[u8]) -> (Vec<u8>, u64, bool) {
    if ikey.len() < 8 {
        return (ikey.to_vec(), 0, true);
    }
    let (user, tag) = ikey.split_at(ikey.len() - 8);
    let tag = u64::from_le_bytes(tag.try_into().unwrap());
    (user.to_vec(), tag >> 8, tag & 0xff == 1)
}

/// Reads every entry of a table, following the index block.
/// Also returns the decompressed data blocks (for a raw search that
/// does not depend on entry parsing).
pub fn read_table(data: &[u8]) -> Result<(Vec<Entry>, Vec<Vec<u8>>), String> {
    if !is_table(data) {
        return Err("not a LevelDB table (no footer magic)".into());
    }
    let footer = &data[data.len() - 48..];
    let (_metaindex, rest) = block_handle(footer).ok_or("bad footer")?;
    let (index, _) = block_handle(rest).ok_or("bad footer")?;
    let index_block = read_block(data, index)?;
    let mut entries = Vec::new();
    let mut blocks = Vec::new();
    for (_, handle) in block_entries(&index_block)? {
        let (h, _) = block_handle(&handle).ok_or("bad index entry")?;
        let block = read_block(data, h)?;
        for (ikey, value) in block_entries(&block)? {
            let (key, seq, put) = split_internal(&ikey);
            entries.push(Entry {
                key,
                seq,
                put,
                value,
            });
        }
        blocks.push(block);
    }
    Ok((entries, blocks))
}

/// Reassembles the records of a log file (FULL, or FIRST MIDDLE* LAST
/// fragments across 32 KiB blocks). Corrupt fragments are skipped.
pub fn log_records(data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut pending: Option<Vec<u8>> = None;
    let mut block_start = 0;
    while block_start < data.len() {
        let block = &data[block_start..data.len().min(block_start + BLOCK_SIZE)];
        let mut p = 0;
        while p + LOG_HEADER <= block.len() {
            let len = u16::from_le_bytes([block[p + 4], block[p + 5]]) as usize;
            let kind = block[p + 6];
            let start = p + LOG_HEADER;
            if kind == 0 && len == 0 {
                // zero padding (preallocated space)
                break;
            }
            let Some(frag) = block.get(start..start + len) else {
                break;
            };
            match kind {
                1 => {
                    out.push(frag.to_vec());
                    pending = None;
                }
                2 => pending = Some(frag.to_vec()),
                3 => {
                    if let Some(p) = pending.as_mut() {
                        p.extend_from_slice(frag);
                    }
                }
                4 => {
                    if let Some(mut p) = pending.take() {
                        p.extend_from_slice(frag);
                        out.push(p);
                    }
                }
                _ => {}
            }
            p = start + len;
        }
        block_start += BLOCK_SIZE;
    }
    if let Some(p) = pending {
        // a record cut short by a crash: keep what is there
        out.push(p);
    }
    out
}

/// Decodes a WriteBatch record: u64 sequence, u32 count, then
/// (tag 1: put key value | tag 0: delete key) with varint lengths.
pub fn write_batch(record: &[u8]) -> Option<Vec<Entry>> {
    if record.len() < 12 {
        return None;
    }
    let seq = u64::from_le_bytes(record[..8].try_into().unwrap());
    let count = u32::from_le_bytes(record[8..12].try_into().unwrap()) as u64;
    let mut rest = &record[12..];
    let mut out = Vec::new();
    for i in 0..count {
        let (&tag, r) = rest.split_first()?;
        let (klen, r) = varint(r)?;
        let key = r.get(..klen as usize)?;
        let r = &r[klen as usize..];
        match tag {
            1 => {
                let (vlen, r) = varint(r)?;
                let value = r.get(..vlen as usize)?;
                out.push(Entry {
                    key: key.to_vec(),
                    seq: seq + i,
                    put: true,
                    value: value.to_vec(),
                });
                rest = &r[vlen as usize..];
            }
            0 => {
                out.push(Entry {
                    key: key.to_vec(),
                    seq: seq + i,
                    put: false,
                    value: Vec::new(),
                });
                rest = r;
            }
            _ => return None,
        }
    }
    Some(out)
}

// ---- writers, for tests ----

/// Builds a log file holding the given records, fragmenting across blocks.
/// (The CRC is not checked by the reader and is written as zero.)
pub fn build_log(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for rec in records {
        let mut rest: &[u8] = rec;
        let mut first = true;
        loop {
            let left = BLOCK_SIZE - out.len() % BLOCK_SIZE;
            if left < LOG_HEADER {
                out.extend(std::iter::repeat_n(0u8, left));
                continue;
            }
            let avail = left - LOG_HEADER;
            let n = rest.len().min(avail);
            let last = n == rest.len();
            let kind = match (first, last) {
                (true, true) => 1u8,
                (true, false) => 2,
                (false, false) => 3,
                (false, true) => 4,
            };
            out.extend([0, 0, 0, 0]);
            out.extend((n as u16).to_le_bytes());
            out.push(kind);
            out.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            first = false;
            if last {
                break;
            }
        }
    }
    out
}

/// Builds a WriteBatch record.
pub fn build_batch(seq: u64, ops: &[(&[u8], Option<&[u8]>)]) -> Vec<u8> {
    let mut out = seq.to_le_bytes().to_vec();
    out.extend((ops.len() as u32).to_le_bytes());
    for (k, v) in ops {
        out.push(if v.is_some() { 1 } else { 0 });
        put_varint(&mut out, k.len() as u64);
        out.extend_from_slice(k);
        if let Some(v) = v {
            put_varint(&mut out, v.len() as u64);
            out.extend_from_slice(v);
        }
    }
    out
}

fn build_block(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    // One restart point, with real prefix compression.
    let mut out = Vec::new();
    let mut prev: &[u8] = &[];
    for (k, v) in entries {
        let shared = prev
            .iter()
            .zip(k.iter())
            .take_while(|(a, b)| a == b)
            .count();
        put_varint(&mut out, shared as u64);
        put_varint(&mut out, (k.len() - shared) as u64);
        put_varint(&mut out, v.len() as u64);
        out.extend_from_slice(&k[shared..]);
        out.extend_from_slice(v);
        prev = k;
    }
    out.extend(0u32.to_le_bytes());
    out.extend(1u32.to_le_bytes());
    out
}

/// Builds a table with one data block per `entries_per_block` entries,
/// snappy-compressed when `snappy`. Keys must be sorted; each entry is
/// (user key, sequence, value).
pub fn build_table(
    entries: &[(&[u8], u64, &[u8])],
    entries_per_block: usize,
    snappy: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut index = Vec::new();
    let push_block = |out: &mut Vec<u8>, block: Vec<u8>| -> (usize, usize) {
        let (kind, body) = if snappy {
            (1u8, snap::raw::Encoder::new().compress_vec(&block).unwrap())
        } else {
            (0u8, block)
        };
        let off = out.len();
        out.extend_from_slice(&body);
        out.push(kind);
        out.extend([0, 0, 0, 0]);
        (off, body.len())
    };
    for chunk in entries.chunks(entries_per_block.max(1)) {
        let items: Vec<(Vec<u8>, Vec<u8>)> = chunk
            .iter()
            .map(|(k, seq, v)| {
                let mut ik = k.to_vec();
                ik.extend(((seq << 8) | 1).to_le_bytes());
                (ik, v.to_vec())
            })
            .collect();
        let last_key = items.last().unwrap().0.clone();
        let (off, size) = push_block(&mut out, build_block(&items));
        let mut h = Vec::new();
        put_varint(&mut h, off as u64);
        put_varint(&mut h, size as u64);
        index.push((last_key, h));
    }
    let meta = push_block(&mut out, build_block(&[]));
    let idx = push_block(&mut out, build_block(&index));
    let mut footer = Vec::new();
    for (o, s) in [meta, idx] {
        put_varint(&mut footer, o as u64);
        put_varint(&mut footer, s as u64);
    }
    footer.resize(40, 0);
    footer.extend(TABLE_MAGIC.to_le_bytes());
    out.extend(footer);
    out
}
