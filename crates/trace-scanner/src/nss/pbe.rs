//! Password-based encryption of `key4.db` items: PBES2 and
//! pbeWithSha1AndTripleDES-CBC.

use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};

use super::cipher::{aes256_cbc_decrypt, des3_cbc_decrypt};
use super::{
    OID_AES256_CBC, OID_HMAC_SHA1, OID_HMAC_SHA256, OID_PBES2, OID_PBE_SHA1_3DES, OID_PBKDF2,
};
use crate::der::{self, Tlv};

/// More PBKDF2 iterations than this is no database a browser wrote (Firefox
/// uses 10,000): refused rather than computed.
const MAX_ITERATIONS: u64 = 1_000_000;

/// SHA-1(global salt || primary password): the password both schemes use.
pub(super) fn hashed_password(global_salt: &[u8], password: &[u8]) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(global_salt);
    h.update(password);
    h.finalize().into()
}

pub(super) fn oid_of(t: Option<&Tlv<'_>>) -> Option<String> {
    let t = t?;
    (t.tag == der::OID).then(|| der::oid_string(t.value))
}

pub(super) fn octets_of<'a>(t: Option<&Tlv<'a>>) -> Option<&'a [u8]> {
    let t = t?;
    (t.tag == der::OCTET_STRING).then_some(t.value)
}

pub(super) fn uint_of(t: Option<&Tlv<'_>>) -> Option<u64> {
    let t = t?;
    if t.tag != der::INTEGER {
        return None;
    }
    der::uint(t.value)
}

/// Decrypts a PBE item of `key4.db` (`item2` of the password check, `a11` of
/// a private key). `None` when it is malformed, of an unknown scheme, or
/// does not decrypt with this password (bad padding).
pub fn decrypt_pbe(item: &[u8], global_salt: &[u8], password: &[u8]) -> Option<Vec<u8>> {
    let top = der::seq(&der::read_all(item)?)?;
    let [algorithm, ciphertext] = top.as_slice() else {
        return None;
    };
    let ciphertext = octets_of(Some(ciphertext))?;
    let algorithm = der::seq(algorithm)?;
    let scheme = oid_of(algorithm.first())?;
    let params = algorithm.get(1)?;
    let pass = hashed_password(global_salt, password);
    match scheme.as_str() {
        OID_PBES2 => pbes2_decrypt(params, &pass, ciphertext),
        OID_PBE_SHA1_3DES => {
            let params = der::seq(params)?;
            let entry_salt = octets_of(params.first())?;
            let iterations = uint_of(params.get(1))?;
            // NSS writes 1; the derivation below has no iteration loop.
            if iterations != 1 {
                return None;
            }
            let (key, iv) = sha1_3des_key(&pass, entry_salt)?;
            des3_cbc_decrypt(&key, &iv, ciphertext)
        }
        _ => None,
    }
}

fn pbes2_decrypt(params: &Tlv<'_>, pass: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    let params = der::seq(params)?;
    let [kdf, cipher] = params.as_slice() else {
        return None;
    };
    let kdf = der::seq(kdf)?;
    if oid_of(kdf.first())? != OID_PBKDF2 {
        return None;
    }
    let kdf_params = der::seq(kdf.get(1)?)?;
    let salt = octets_of(kdf_params.first())?;
    let iterations = uint_of(kdf_params.get(1))?;
    if iterations == 0 || iterations > MAX_ITERATIONS {
        return None;
    }
    // Then an optional key length (INTEGER) and an optional PRF (SEQUENCE).
    let mut key_len = 32;
    let mut prf = OID_HMAC_SHA1.to_string();
    for t in &kdf_params[2..] {
        match t.tag {
            der::INTEGER => key_len = der::uint(t.value)?,
            der::SEQUENCE => prf = oid_of(der::seq(t)?.first())?,
            _ => return None,
        }
    }
    if key_len != 32 {
        return None;
    }
    let cipher = der::seq(cipher)?;
    if oid_of(cipher.first())? != OID_AES256_CBC {
        return None;
    }
    let iv = octets_of(cipher.get(1))?;
    let iv: Vec<u8> = match iv.len() {
        16 => iv.to_vec(),
        14 => [&[der::OCTET_STRING, 14][..], iv].concat(),
        _ => return None,
    };
    let mut key = [0u8; 32];
    let rounds = iterations as u32;
    match prf.as_str() {
        OID_HMAC_SHA256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(pass, salt, rounds, &mut key),
        OID_HMAC_SHA1 => pbkdf2::pbkdf2_hmac::<Sha1>(pass, salt, rounds, &mut key),
        _ => return None,
    }
    aes256_cbc_decrypt(&key, &iv, ciphertext)
}

/// pbeWithSha1AndTripleDES-CBC as NSS applies it to `key4.db` (firepwd's
/// description): with `pes` = the entry salt padded with zeros to 20
/// bytes and `chp` = SHA-1(password || entry salt),
/// `k1` = HMAC-SHA1(chp, pes || entry salt),
/// `k2` = HMAC-SHA1(chp, HMAC-SHA1(chp, pes) || entry salt);
/// `k1 || k2` is 40 bytes: the 3DES key is the first 24, the IV the last 8.
pub(super) fn sha1_3des_key(pass: &[u8], entry_salt: &[u8]) -> Option<([u8; 24], [u8; 8])> {
    if entry_salt.len() > 20 {
        return None;
    }
    let mut pes = entry_salt.to_vec();
    pes.resize(20, 0);
    let chp: [u8; 20] = {
        let mut h = Sha1::new();
        h.update(pass);
        h.update(entry_salt);
        h.finalize().into()
    };
    let hmac = |parts: &[&[u8]]| -> Vec<u8> {
        let mut m = Hmac::<Sha1>::new_from_slice(&chp).expect("HMAC takes any key size");
        for p in parts {
            m.update(p);
        }
        m.finalize().into_bytes().to_vec()
    };
    let k1 = hmac(&[&pes, entry_salt]);
    let tk = hmac(&[&pes]);
    let k2 = hmac(&[&tk, entry_salt]);
    let k = [k1, k2].concat();
    let mut key = [0u8; 24];
    key.copy_from_slice(&k[..24]);
    let mut iv = [0u8; 8];
    iv.copy_from_slice(&k[32..]);
    Some((key, iv))
}
