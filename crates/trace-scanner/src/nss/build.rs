//! Builders, for tests: a synthetic key4.db and login fields.

use std::path::Path;

use base64::Engine;

use super::cipher::{aes256_cbc_encrypt, des3_cbc_encrypt};
use super::pbe::{hashed_password, sha1_3des_key};
use super::{
    LOGINS_KEY_ID, OID_AES256_CBC, OID_DES_EDE3_CBC, OID_HMAC_SHA256, OID_PBES2, OID_PBE_SHA1_3DES,
    OID_PBKDF2,
};
use crate::der;

/// The PBE schemes a synthetic key4.db can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pbe {
    /// PBKDF2-HMAC-SHA256 and AES-256-CBC, as Firefox writes today.
    Pbes2,
    /// pbeWithSha1AndTripleDES-CBC, as older Firefox wrote.
    Sha1TripleDes,
}

/// PBE-encrypts `plain` as NSS does (`seed` varies the salt and the IV).
pub fn encrypt_pbe(
    plain: &[u8],
    global_salt: &[u8],
    password: &[u8],
    scheme: Pbe,
    seed: u8,
) -> Vec<u8> {
    let pass = hashed_password(global_salt, password);
    let salt = [seed; 32];
    match scheme {
        Pbe::Pbes2 => {
            let iterations = 1u64;
            let mut key = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(&pass, &salt, iterations as u32, &mut key);
            let iv14 = [seed.wrapping_add(1); 14];
            let iv = [&[der::OCTET_STRING, 14][..], &iv14].concat();
            let kdf = der::sequence(&[
                der::oid(OID_PBKDF2),
                der::sequence(&[
                    der::octets(&salt),
                    der::integer(iterations),
                    der::integer(32),
                    der::sequence(&[der::oid(OID_HMAC_SHA256), der::null()]),
                ]),
            ]);
            let cipher = der::sequence(&[der::oid(OID_AES256_CBC), der::octets(&iv14)]);
            der::sequence(&[
                der::sequence(&[der::oid(OID_PBES2), der::sequence(&[kdf, cipher])]),
                der::octets(&aes256_cbc_encrypt(&key, &iv, plain)),
            ])
        }
        Pbe::Sha1TripleDes => {
            let entry_salt = &salt[..20];
            let (key, iv) = sha1_3des_key(&pass, entry_salt).expect("20-byte salt");
            der::sequence(&[
                der::sequence(&[
                    der::oid(OID_PBE_SHA1_3DES),
                    der::sequence(&[der::octets(entry_salt), der::integer(1)]),
                ]),
                der::octets(&des3_cbc_encrypt(&key, &iv, plain)),
            ])
        }
    }
}

/// Writes a minimal key4.db (PBES2) holding `master_key` under
/// `LOGINS_KEY_ID`, protected by `password` (empty = no primary password).
pub fn write_key4(path: &Path, password: &[u8], master_key: &[u8; 32]) -> rusqlite::Result<()> {
    write_key4_with(path, password, master_key, Pbe::Pbes2)
}

/// [`write_key4`] with a chosen PBE scheme.
pub fn write_key4_with(
    path: &Path,
    password: &[u8],
    master_key: &[u8; 32],
    scheme: Pbe,
) -> rusqlite::Result<()> {
    let db = rusqlite::Connection::open(path)?;
    let global_salt = [7u8; 20];
    db.execute_batch(
        "CREATE TABLE metaData (id PRIMARY KEY UNIQUE ON CONFLICT REPLACE, item1, item2);
         CREATE TABLE nssPrivate (id PRIMARY KEY UNIQUE ON CONFLICT ABORT, a0, a11, a102);",
    )?;
    let check = encrypt_pbe(b"password-check", &global_salt, password, scheme, 1);
    db.execute(
        "INSERT INTO metaData VALUES ('password', ?1, ?2)",
        rusqlite::params![global_salt.to_vec(), check],
    )?;
    let a11 = encrypt_pbe(master_key, &global_salt, password, scheme, 3);
    db.execute(
        "INSERT INTO nssPrivate VALUES (1, 4, ?1, ?2)",
        rusqlite::params![a11, LOGINS_KEY_ID.to_vec()],
    )?;
    Ok(())
}

/// Encrypts a login field as Firefox does (AES-256-CBC), base64 DER.
pub fn encrypt_login_field(master_key: &[u8; 32], iv: &[u8; 16], plain: &[u8]) -> String {
    let bytes = der::sequence(&[
        der::octets(&LOGINS_KEY_ID),
        der::sequence(&[der::oid(OID_AES256_CBC), der::octets(iv)]),
        der::octets(&aes256_cbc_encrypt(master_key, iv, plain)),
    ]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Encrypts a login field as older Firefox did (3DES-CBC, the key's first
/// 24 bytes), base64 DER.
pub fn encrypt_login_field_3des(master_key: &[u8], iv: &[u8; 8], plain: &[u8]) -> String {
    let bytes = der::sequence(&[
        der::octets(&LOGINS_KEY_ID),
        der::sequence(&[der::oid(OID_DES_EDE3_CBC), der::octets(iv)]),
        der::octets(&des3_cbc_encrypt(&master_key[..24], iv, plain)),
    ]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
