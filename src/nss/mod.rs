//! Firefox's key database (`key4.db`, NSS softoken): whether a primary password is set.
//!
//! `metaData` row `id='password'`: `item1` is the global salt, `item2` a PBE-encrypted
//! `"password-check"`. When it opens with the empty password, no primary password is set. PBE
//! is PBES2 (PBKDF2-HMAC-SHA256 over SHA1(global salt || password), AES-256-CBC, IV `04 0e` ||
//! 14 bytes from the DER) or, in old databases, pbeWithSha1AndTripleDES-CBC: the algorithm of
//! NSS itself and of the well-known `firepwd` tool. Nothing is ever guessed: only the empty
//! password is tried.

pub mod der;

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, KeyIvInit};
use hmac::Mac;
use sha1::{Digest, Sha1};

pub const OID_PBES2: &str = "1.2.840.113549.1.5.13";
pub const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
pub const OID_HMAC_SHA256: &str = "1.2.840.113549.2.9";
pub const OID_AES256_CBC: &str = "2.16.840.1.101.3.4.1.42";
pub const OID_DES_EDE3_CBC: &str = "1.2.840.113549.3.7";
pub const OID_PBE_SHA1_3DES: &str = "1.2.840.113549.1.12.5.1.3";

/// Whether a primary password protects the key database whose `metaData` `password` row
/// holds `global_salt` (`item1`) and `check` (`item2`): the check does not open with the empty
/// password. `None` when the check is not one gomme can read (an unknown algorithm, damaged).
pub fn primary_password_set(global_salt: &[u8], check: &[u8]) -> Option<bool> {
    if !readable_pbe(check) {
        return None;
    }
    Some(!decrypt_pbe(check, global_salt, b"").is_some_and(|p| p.starts_with(b"password-check")))
}

/// Whether `item` is a PBE structure of an algorithm [`decrypt_pbe`] knows.
fn readable_pbe(item: &[u8]) -> bool {
    let alg = || -> Option<String> {
        let (top, _) = der::read(item)?;
        let top = der::seq(&top)?;
        let alg = der::seq(top.first()?)?;
        Some(der::oid_string(
            alg.first().filter(|t| t.tag == der::OID)?.value,
        ))
    };
    matches!(alg().as_deref(), Some(OID_PBES2 | OID_PBE_SHA1_3DES))
}

pub fn strip_pkcs7(mut v: Vec<u8>, block: usize) -> Vec<u8> {
    if let Some(&p) = v.last() {
        let p = p as usize;
        if (1..=block).contains(&p)
            && v.len() >= p
            && v[v.len() - p..].iter().all(|&b| b as usize == p)
        {
            v.truncate(v.len() - p);
        }
    }
    v
}

pub fn aes256_cbc_decrypt(key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    if key.len() != 32 || iv.len() != 16 || ct.is_empty() || !ct.len().is_multiple_of(16) {
        return None;
    }
    let mut buf = ct.to_vec();
    cbc::Decryptor::<aes::Aes256>::new_from_slices(key, iv)
        .ok()?
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .ok()?;
    Some(buf)
}

pub fn des3_cbc_decrypt(key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    if key.len() < 24 || iv.len() != 8 || ct.is_empty() || !ct.len().is_multiple_of(8) {
        return None;
    }
    let mut buf = ct.to_vec();
    cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key[..24], iv)
        .ok()?
        .decrypt_padded_mut::<NoPadding>(&mut buf)
        .ok()?;
    Some(buf)
}

/// Decrypts a PBE-encrypted item (`metaData.item2`, `nssPrivate.a11`).
/// Returns the plaintext with padding still on.
pub fn decrypt_pbe(item: &[u8], global_salt: &[u8], password: &[u8]) -> Option<Vec<u8>> {
    let (top, _) = der::read(item)?;
    let top = der::seq(&top)?;
    let alg = der::seq(top.first()?)?;
    let ct = top.get(1).filter(|t| t.tag == der::OCTET_STRING)?.value;
    let oid = der::oid_string(alg.first().filter(|t| t.tag == der::OID)?.value);
    match oid.as_str() {
        OID_PBES2 => {
            let params = der::seq(alg.get(1)?)?;
            let kdf = der::seq(params.first()?)?;
            if der::oid_string(kdf.first()?.value) != OID_PBKDF2 {
                return None;
            }
            let kdf_params = der::seq(kdf.get(1)?)?;
            let entry_salt = kdf_params
                .first()
                .filter(|t| t.tag == der::OCTET_STRING)?
                .value;
            let iterations = der::uint(kdf_params.get(1).filter(|t| t.tag == der::INTEGER)?.value)?;
            let mut key_len = 32u64;
            let mut prf = OID_HMAC_SHA256.to_string();
            for t in &kdf_params[2..] {
                match t.tag {
                    der::INTEGER => key_len = der::uint(t.value)?,
                    der::SEQUENCE => prf = der::oid_string(der::seq(t)?.first()?.value),
                    _ => {}
                }
            }
            if prf != OID_HMAC_SHA256 || key_len != 32 || iterations == 0 || iterations > 10_000_000
            {
                return None;
            }
            let enc = der::seq(params.get(1)?)?;
            if der::oid_string(enc.first()?.value) != OID_AES256_CBC {
                return None;
            }
            let iv_tail = enc.get(1).filter(|t| t.tag == der::OCTET_STRING)?.value;
            let mut iv = vec![0x04, 0x0e];
            iv.extend_from_slice(iv_tail);
            let k = Sha1::new()
                .chain_update(global_salt)
                .chain_update(password)
                .finalize();
            let mut key = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(&k, entry_salt, iterations as u32, &mut key);
            aes256_cbc_decrypt(&key, &iv, ct)
        }
        OID_PBE_SHA1_3DES => {
            let params = der::seq(alg.get(1)?)?;
            let entry_salt = params.first().filter(|t| t.tag == der::OCTET_STRING)?.value;
            let (key, iv) = moz_3des_key(global_salt, password, entry_salt);
            des3_cbc_decrypt(&key, &iv, ct)
        }
        _ => None,
    }
}

/// Key derivation of NSS's legacy pbeWithSha1AndTripleDES-CBC.
fn moz_3des_key(global_salt: &[u8], password: &[u8], entry_salt: &[u8]) -> (Vec<u8>, Vec<u8>) {
    type HmacSha1 = hmac::Hmac<Sha1>;
    let hp = Sha1::new()
        .chain_update(global_salt)
        .chain_update(password)
        .finalize();
    let mut pes = entry_salt.to_vec();
    pes.resize(20.max(entry_salt.len()), 0);
    let chp = Sha1::new()
        .chain_update(hp)
        .chain_update(entry_salt)
        .finalize();
    let mac = |parts: &[&[u8]]| {
        let mut m = HmacSha1::new_from_slice(&chp).expect("hmac key");
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    };
    let k1 = mac(&[&pes, entry_salt]);
    let tk = mac(&[&pes]);
    let k2 = mac(&[&tk, entry_salt]);
    let k = [k1, k2].concat();
    (k[..24].to_vec(), k[k.len() - 8..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_gomme_cannot_read_is_neither_yes_nor_no() {
        assert_eq!(primary_password_set(b"salt", b""), None);
        assert_eq!(primary_password_set(b"salt", &[0x30, 0x00]), None);
        // An encryption gomme does not know: not read, so the key database stays.
        let unknown =
            der::sequence(&[der::sequence(&[der::oid("1.2.3.4")]), der::octets(&[0; 16])]);
        assert_eq!(primary_password_set(b"salt", &unknown), None);
    }
}
