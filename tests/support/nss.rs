//! Firefox login decryption with `key4.db` (NSS softoken, SQLite), the
//! same algorithm as the well-known `firepwd`/`firefox_decrypt` tools.
//!
//! * `metaData` row `id='password'`: `item1` = global salt, `item2` = a
//!   PBE-encrypted `"password-check\x02\x02"`. If it does not decrypt with
//!   the empty primary password, a primary password is set and nothing is
//!   decrypted (never guessed).
//! * `nssPrivate`: `a11` = the PBE-encrypted master key, `a102` = its key id.
//! * PBE is PBES2 (PBKDF2-HMAC-SHA256 with key material
//!   SHA1(global_salt || primary_password), AES-256-CBC, IV = `04 0e` ||
//!   14 bytes from the DER) or, in old databases,
//!   pbeWithSha1AndTripleDES-CBC.
//! * A login field (`encryptedUsername`, `encryptedPassword`,
//!   `encryptedUnknownFields`) is base64 DER
//!   `SEQ { keyId, SEQ { algorithm OID, iv }, ciphertext }`, with
//!   des-ede3-cbc or aes256-cbc.

use std::path::Path;

use aes::cipher::{BlockEncryptMut, KeyIvInit};
use base64::Engine;
use sha1::{Digest, Sha1};

use super::der;

#[allow(unused_imports)] // each test crate uses some of them
pub use gomme::nss::{
    aes256_cbc_decrypt, decrypt_pbe, des3_cbc_decrypt, strip_pkcs7, OID_AES256_CBC,
    OID_DES_EDE3_CBC, OID_HMAC_SHA256, OID_PBES2, OID_PBE_SHA1_3DES, OID_PBKDF2,
};

/// The key id NSS gives the logins key.
pub const LOGINS_KEY_ID: [u8; 16] = [0xf8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// What a key4.db gave.
#[derive(Clone, Debug)]
pub enum Key4 {
    /// Unlocked with the empty primary password.
    Unlocked(NssKeys),
    /// A primary password is set: logins are encrypted, not checked.
    PrimaryPassword,
    /// Missing or unreadable key database.
    Unreadable(String),
}

/// Decrypted NSS private keys: (key id, key bytes).
#[derive(Clone, Debug, Default)]
pub struct NssKeys {
    pub keys: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Opens a key4.db (read-only, immutable: the home is not touched) and
/// unlocks it with the empty primary password.
pub fn open_key4(path: &Path) -> Key4 {
    if !path.is_file() {
        return Key4::Unreadable(format!("{} missing", path.display()));
    }
    match read_key4(path) {
        Ok(k) => k,
        Err(e) => Key4::Unreadable(format!("{}: {e}", path.display())),
    }
}

fn read_key4(path: &Path) -> rusqlite::Result<Key4> {
    use rusqlite::{Connection, OpenFlags};
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let (global_salt, check): (Vec<u8>, Vec<u8>) = conn.query_row(
        "SELECT item1, item2 FROM metaData WHERE id = 'password'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let ok =
        decrypt_pbe(&check, &global_salt, b"").is_some_and(|p| p.starts_with(b"password-check"));
    if !ok {
        return Ok(Key4::PrimaryPassword);
    }
    let mut stmt = conn.prepare("SELECT a11, a102 FROM nssPrivate")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<Vec<u8>>>(0)?,
            r.get::<_, Option<Vec<u8>>>(1)?,
        ))
    })?;
    let mut keys = NssKeys::default();
    for row in rows {
        let (Some(a11), Some(a102)) = row? else {
            continue;
        };
        if let Some(plain) = decrypt_pbe(&a11, &global_salt, b"") {
            keys.keys.push((a102, plain));
        }
    }
    Ok(Key4::Unlocked(keys))
}

/// The parts of an encrypted login field.
#[derive(Debug, PartialEq, Eq)]
pub struct LoginCipher<'a> {
    pub key_id: &'a [u8],
    pub algorithm: String,
    pub iv: &'a [u8],
    pub ciphertext: &'a [u8],
}

/// Parses the DER of an encrypted login field.
pub fn parse_login_cipher(der_bytes: &[u8]) -> Option<LoginCipher<'_>> {
    let (top, rest) = der::read(der_bytes)?;
    if !rest.is_empty() {
        return None;
    }
    let top = der::seq(&top)?;
    if top.len() != 3 || top[0].tag != der::OCTET_STRING || top[2].tag != der::OCTET_STRING {
        return None;
    }
    let alg = der::seq(&top[1])?;
    let algorithm = der::oid_string(alg.first().filter(|t| t.tag == der::OID)?.value);
    let iv = alg.get(1).filter(|t| t.tag == der::OCTET_STRING)?.value;
    Some(LoginCipher {
        key_id: top[0].value,
        algorithm,
        iv,
        ciphertext: top[2].value,
    })
}

/// Decodes base64 and checks that it is an NSS login ciphertext.
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
    fn key_for(&self, id: &[u8]) -> Option<&[u8]> {
        self.keys
            .iter()
            .find(|(kid, _)| kid == id)
            .or_else(|| self.keys.first())
            .map(|(_, k)| k.as_slice())
    }

    /// Decrypts a DER login ciphertext; `None` if it does not decrypt.
    pub fn decrypt(&self, der_bytes: &[u8]) -> Option<Vec<u8>> {
        let c = parse_login_cipher(der_bytes)?;
        let key = self.key_for(c.key_id)?;
        let plain = match c.algorithm.as_str() {
            OID_DES_EDE3_CBC => {
                strip_pkcs7(des3_cbc_decrypt(key.get(..24)?, c.iv, c.ciphertext)?, 8)
            }
            OID_AES256_CBC => {
                strip_pkcs7(aes256_cbc_decrypt(key.get(..32)?, c.iv, c.ciphertext)?, 16)
            }
            _ => return None,
        };
        Some(plain)
    }

    /// Decrypts a base64 login field.
    pub fn decrypt_b64(&self, s: &str) -> Option<Vec<u8>> {
        self.decrypt(&nss_b64(s)?)
    }
}

// ---- builders, for tests: a synthetic key4.db and login fields ----

fn aes256_cbc_encrypt(key: &[u8], iv: &[u8], plain: &[u8]) -> Vec<u8> {
    let mut buf = plain.to_vec();
    buf.resize(plain.len() / 16 * 16 + 16, 0);
    let n = cbc::Encryptor::<aes::Aes256>::new_from_slices(key, iv)
        .expect("key and iv sizes")
        .encrypt_padded_mut::<aes::cipher::block_padding::Pkcs7>(&mut buf, plain.len())
        .expect("buffer sized for padding")
        .len();
    buf.truncate(n);
    buf
}

/// PBES2-encrypts `plain` (padded with PKCS#7) like NSS does.
pub fn encrypt_pbe(
    plain: &[u8],
    global_salt: &[u8],
    password: &[u8],
    entry_salt: &[u8; 32],
    iv14: &[u8; 14],
) -> Vec<u8> {
    let iterations = 1u32;
    let k = Sha1::new()
        .chain_update(global_salt)
        .chain_update(password)
        .finalize();
    let mut key = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(&k, entry_salt, iterations, &mut key);
    let mut iv = vec![0x04, 0x0e];
    iv.extend_from_slice(iv14);
    let ct = aes256_cbc_encrypt(&key, &iv, plain);
    der::sequence(&[
        der::sequence(&[
            der::oid(OID_PBES2),
            der::sequence(&[
                der::sequence(&[
                    der::oid(OID_PBKDF2),
                    der::sequence(&[
                        der::octets(entry_salt),
                        der::integer(iterations as u64),
                        der::integer(32),
                        der::sequence(&[der::oid(OID_HMAC_SHA256), vec![0x05, 0x00]]),
                    ]),
                ]),
                der::sequence(&[der::oid(OID_AES256_CBC), der::octets(iv14)]),
            ]),
        ]),
        der::octets(&ct),
    ])
}

/// Writes a minimal key4.db holding `master_key` under `LOGINS_KEY_ID`,
/// protected by `password` (empty = no primary password).
pub fn write_key4(path: &Path, password: &[u8], master_key: &[u8; 32]) -> rusqlite::Result<()> {
    let conn = rusqlite::Connection::open(path)?;
    let global_salt = [7u8; 20];
    conn.execute_batch(
        "CREATE TABLE metaData (id PRIMARY KEY UNIQUE ON CONFLICT REPLACE, item1, item2);
         CREATE TABLE nssPrivate (id PRIMARY KEY UNIQUE ON CONFLICT ABORT, a0, a11, a102);",
    )?;
    let check = encrypt_pbe(
        b"password-check",
        &global_salt,
        password,
        &[1; 32],
        &[2; 14],
    );
    conn.execute(
        "INSERT INTO metaData VALUES ('password', ?1, ?2)",
        rusqlite::params![global_salt.to_vec(), check],
    )?;
    let a11 = encrypt_pbe(master_key, &global_salt, password, &[3; 32], &[4; 14]);
    conn.execute(
        "INSERT INTO nssPrivate VALUES (1, 4, ?1, ?2)",
        rusqlite::params![a11, LOGINS_KEY_ID.to_vec()],
    )?;
    Ok(())
}

/// Encrypts a login field as Firefox does (AES-256-CBC), base64 DER.
pub fn encrypt_login_field(master_key: &[u8; 32], iv: &[u8; 16], plain: &[u8]) -> String {
    let ct = aes256_cbc_encrypt(master_key, iv, plain);
    let der_bytes = der::sequence(&[
        der::octets(&LOGINS_KEY_ID),
        der::sequence(&[der::oid(OID_AES256_CBC), der::octets(iv)]),
        der::octets(&ct),
    ]);
    base64::engine::general_purpose::STANDARD.encode(der_bytes)
}
