//! Encrypted login fields: parsed and decrypted with the private keys.

use base64::Engine;

use super::cipher::{aes256_cbc_decrypt, des3_cbc_decrypt};
use super::pbe::{octets_of, oid_of};
use super::{NssKeys, OID_AES256_CBC, OID_DES_EDE3_CBC};
use crate::der;

/// The parts of an encrypted login field.
#[derive(Debug, PartialEq, Eq)]
pub struct LoginCipher<'a> {
    pub key_id: &'a [u8],
    /// The cipher's OID, dotted.
    pub algorithm: String,
    pub iv: &'a [u8],
    pub ciphertext: &'a [u8],
}

/// Parses the DER of an encrypted login field.
pub fn parse_login_cipher(bytes: &[u8]) -> Option<LoginCipher<'_>> {
    let top = der::seq(&der::read_all(bytes)?)?;
    let [key_id, cipher, ciphertext] = top.as_slice() else {
        return None;
    };
    let cipher = der::seq(cipher)?;
    Some(LoginCipher {
        key_id: octets_of(Some(key_id))?,
        algorithm: oid_of(cipher.first())?,
        iv: octets_of(cipher.get(1))?,
        ciphertext: octets_of(Some(ciphertext))?,
    })
}

/// Decodes a base64 string that holds an NSS login ciphertext (it starts
/// with `M`, the base64 of a SEQUENCE tag, and parses).
pub fn nss_b64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    if s.len() < 40 || !s.starts_with('M') {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD.decode(s).ok()?;
    parse_login_cipher(&bytes)?;
    Some(bytes)
}

impl NssKeys {
    /// The key of that id, or else the first key (NSS databases hold one).
    fn key_for(&self, id: &[u8]) -> Option<&[u8]> {
        let found = self.keys.iter().find(|(kid, _)| kid == id);
        found.or(self.keys.first()).map(|(_, key)| key.as_slice())
    }

    /// Decrypts the DER of a login field; `None` if it does not decrypt.
    pub fn decrypt(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let c = parse_login_cipher(bytes)?;
        let key = self.key_for(c.key_id)?;
        match c.algorithm.as_str() {
            OID_AES256_CBC => aes256_cbc_decrypt(key.get(..32)?, c.iv, c.ciphertext),
            OID_DES_EDE3_CBC => des3_cbc_decrypt(key.get(..24)?, c.iv, c.ciphertext),
            _ => None,
        }
    }

    /// Decrypts a base64 login field.
    pub fn decrypt_b64(&self, s: &str) -> Option<Vec<u8>> {
        self.decrypt(&nss_b64(s)?)
    }
}
