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

use aes::cipher::{block_padding::NoPadding, BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use hmac::Mac;
use sha1::{Digest, Sha1};

use super::der;

pub const OID_PBES2: &str = "1.2.840.113549.1.5.13";
pub const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
pub const OID_HMAC_SHA256: &str = "1.2.840.113549.2.9";
pub const OID_AES256_CBC: &str = "2.16.840.1.101.3.4.1.42";
pub const OID_DES_EDE3_CBC: &str = "1.2.840.113549.3.7";
pub const OID_PBE_SHA1_3DES: &str = "1.2.840.113549.1.12.5.1.3";

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

fn strip_pkcs7(mut v: Vec<u8>, block: usize) -> Vec<u8> {
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

fn aes256_cbc_decrypt(key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
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

fn des3_cbc_decrypt(key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
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
