//! Chromium's Linux `v10` encryption (OSCrypt without a keyring).
//!
//! With `--password-store=basic` (or no keyring available), Chromium on
//! Linux encrypts cookie values, saved passwords, card numbers and the
//! `Sessions_Encrypted/` records with a fixed key:
//! PBKDF2-HMAC-SHA1(password "peanuts", salt "saltysalt", 1 iteration,
//! 16 bytes), AES-128-CBC, IV = 16 spaces, PKCS#7 padding, and the
//! ciphertext is prefixed with `v10`. (`v11` uses a secret from the
//! keyring and cannot be decrypted here.) Since M130 the plaintext of a
//! cookie starts with SHA-256(host_key).

use std::sync::OnceLock;

use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, BlockEncryptMut, KeyIvInit};

type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;
type Aes128CbcEnc = cbc::Encryptor<aes::Aes128>;

pub const V10: &[u8; 3] = b"v10";
pub const V11: &[u8; 3] = b"v11";
const IV: [u8; 16] = [b' '; 16];

/// The fixed `v10` key.
pub fn v10_key() -> &'static [u8; 16] {
    static KEY: OnceLock<[u8; 16]> = OnceLock::new();
    KEY.get_or_init(|| {
        let mut key = [0u8; 16];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(b"peanuts", b"saltysalt", 1, &mut key);
        key
    })
}

/// Decrypts a whole `v10…` value (checks the padding).
pub fn decrypt_v10(value: &[u8]) -> Option<Vec<u8>> {
    let ct = value.strip_prefix(V10.as_slice())?;
    if ct.is_empty() || !ct.len().is_multiple_of(16) {
        return None;
    }
    let mut buf = ct.to_vec();
    let n = Aes128CbcDec::new(v10_key().into(), &IV.into())
        .decrypt_padded_mut::<Pkcs7>(&mut buf)
        .ok()?
        .len();
    buf.truncate(n);
    Some(buf)
}

/// Encrypts `plain` as a `v10…` value (for tests and synthetic inputs).
pub fn encrypt_v10(plain: &[u8]) -> Vec<u8> {
    let mut buf = plain.to_vec();
    buf.resize(plain.len() / 16 * 16 + 16, 0);
    let ct = Aes128CbcEnc::new(v10_key().into(), &IV.into())
        .encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
        .expect("buffer sized for padding");
    let mut out = V10.to_vec();
    out.extend_from_slice(ct);
    out
}

/// Decrypts up to `max` bytes of CBC blocks after a `v10` found somewhere
/// in raw bytes whose end is unknown (a free page, a WAL frame, a
/// session file). CBC decrypts each block from itself and the one before,
/// so the plaintext prefix is right whatever follows; no padding check.
pub fn decrypt_v10_prefix(data_after_v10: &[u8], max: usize) -> Vec<u8> {
    let n = data_after_v10.len().min(max) / 16 * 16;
    if n == 0 {
        return Vec::new();
    }
    let mut buf = data_after_v10[..n].to_vec();
    let mut prev = IV;
    let cipher = {
        use aes::cipher::KeyInit;
        aes::Aes128::new(v10_key().into())
    };
    use aes::cipher::BlockDecrypt;
    for chunk in buf.chunks_exact_mut(16) {
        let mut cur = [0u8; 16];
        cur.copy_from_slice(chunk);
        let block = aes::Block::from_mut_slice(chunk);
        cipher.decrypt_block(block);
        for (b, p) in chunk.iter_mut().zip(prev.iter()) {
            *b ^= p;
        }
        prev = cur;
    }
    buf
}

/// Every plaintext prefix found after a `v10` marker in `data`, at most
/// `max_hits` of them, each at most `max_len` bytes.
pub fn v10_prefixes(data: &[u8], max_len: usize, max_hits: usize) -> Vec<Vec<u8>> {
    memchr::memmem::find_iter(data, V10)
        .take(max_hits)
        .map(|pos| decrypt_v10_prefix(&data[pos + 3..], max_len))
        .filter(|p| !p.is_empty())
        .collect()
}
