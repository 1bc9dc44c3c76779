//! The two block ciphers NSS uses, in CBC mode with PKCS#7 padding.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>>
where
    C: aes::cipher::BlockCipher + BlockDecryptMut + aes::cipher::KeyInit,
{
    let dec = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buf = ciphertext.to_vec();
    // Checks the PKCS#7 padding and the length (a whole number of blocks).
    let n = dec.decrypt_padded_mut::<Pkcs7>(&mut buf).ok()?.len();
    buf.truncate(n);
    Some(buf)
}

fn cbc_encrypt<C>(key: &[u8], iv: &[u8], plain: &[u8], block: usize) -> Vec<u8>
where
    C: aes::cipher::BlockCipher + BlockEncryptMut + aes::cipher::KeyInit,
{
    let enc = cbc::Encryptor::<C>::new_from_slices(key, iv).expect("key and IV sizes");
    let mut buf = plain.to_vec();
    buf.resize((plain.len() / block + 1) * block, 0);
    let n = enc
        .encrypt_padded_mut::<Pkcs7>(&mut buf, plain.len())
        .expect("room for the padding")
        .len();
    buf.truncate(n);
    buf
}

/// AES-256-CBC with PKCS#7 padding; `None` for a wrong key size or padding.
pub fn aes256_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    cbc_decrypt::<aes::Aes256>(key, iv, ciphertext)
}

/// Three-key triple DES (EDE) in CBC mode with PKCS#7 padding.
pub fn des3_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    cbc_decrypt::<des::TdesEde3>(key, iv, ciphertext)
}

pub fn aes256_cbc_encrypt(key: &[u8], iv: &[u8], plain: &[u8]) -> Vec<u8> {
    cbc_encrypt::<aes::Aes256>(key, iv, plain, 16)
}

pub fn des3_cbc_encrypt(key: &[u8], iv: &[u8], plain: &[u8]) -> Vec<u8> {
    cbc_encrypt::<des::TdesEde3>(key, iv, plain, 8)
}
