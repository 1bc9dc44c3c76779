//! Firefox saved logins, decrypted the way NSS does, from the formats
//! (PKCS#5 v2.1 / RFC 8018, PKCS#12 PBE as NSS applies it, and the
//! `key4.db` layout), apart from gomme's own code: the scanner checks gomme,
//! so it must not share its decoder.
//!
//! * `key4.db` is SQLite. Table `metaData`, row `id = 'password'`:
//!   `item1` = the global salt, `item2` = a PBE item that decrypts to
//!   `"password-check"` with the right primary password. When the empty
//!   password does not open it, a primary password is set and nothing is
//!   decrypted (it is never guessed).
//! * Table `nssPrivate`: `a11` = the PBE-encrypted private key, `a102` = its
//!   key id.
//! * A PBE item is DER `SEQUENCE { SEQUENCE { OID scheme, params },
//!   OCTET STRING ciphertext }`. The password is SHA-1(global salt ||
//!   primary password). Schemes:
//!   - PBES2 (Firefox since 2019): params = `SEQUENCE { SEQUENCE { OID
//!     pbkdf2, SEQUENCE { OCTET STRING salt, INTEGER iterations, INTEGER
//!     key length?, SEQUENCE { OID prf, NULL }? } }, SEQUENCE { OID
//!     aes256-cbc, OCTET STRING iv } }`; PBKDF2-HMAC-SHA256 (HMAC-SHA1 when
//!     no prf is named) gives the AES-256 key. NSS stores only 14 bytes of
//!     the IV, the tail of an encoded OCTET STRING: the IV is `04 0e` + them.
//!   - pbeWithSha1AndTripleDES-CBC (older databases): params = `SEQUENCE {
//!     OCTET STRING entry salt, INTEGER iterations }`; the 3DES key and IV
//!     come from HMAC-SHA1 as firepwd describes (below).
//! * A login field (`encryptedUsername`, `encryptedPassword`, …) is base64
//!   DER `SEQUENCE { OCTET STRING key id, SEQUENCE { OID des-ede3-cbc or
//!   aes256-cbc, OCTET STRING iv }, OCTET STRING ciphertext }`, encrypted
//!   with the private key of that id.

use std::path::Path;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::{Digest, Sha1};

use crate::der::{self, Tlv};

pub const OID_PBES2: &str = "1.2.840.113549.1.5.13";
pub const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
pub const OID_HMAC_SHA1: &str = "1.2.840.113549.2.7";
pub const OID_HMAC_SHA256: &str = "1.2.840.113549.2.9";
pub const OID_AES256_CBC: &str = "2.16.840.1.101.3.4.1.42";
pub const OID_DES_EDE3_CBC: &str = "1.2.840.113549.3.7";
pub const OID_PBE_SHA1_3DES: &str = "1.2.840.113549.1.12.5.1.3";

/// The key id NSS gives the logins key.
pub const LOGINS_KEY_ID: [u8; 16] = [0xf8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// More PBKDF2 iterations than this is no database a browser wrote (Firefox
/// uses 10,000): refused rather than computed.
const MAX_ITERATIONS: u64 = 1_000_000;

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

// ---- ciphers ----

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

// ---- password-based encryption ----

/// SHA-1(global salt || primary password): the password both schemes use.
fn hashed_password(global_salt: &[u8], password: &[u8]) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(global_salt);
    h.update(password);
    h.finalize().into()
}

fn oid_of(t: Option<&Tlv<'_>>) -> Option<String> {
    let t = t?;
    (t.tag == der::OID).then(|| der::oid_string(t.value))
}

fn octets_of<'a>(t: Option<&Tlv<'a>>) -> Option<&'a [u8]> {
    let t = t?;
    (t.tag == der::OCTET_STRING).then_some(t.value)
}

fn uint_of(t: Option<&Tlv<'_>>) -> Option<u64> {
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
fn sha1_3des_key(pass: &[u8], entry_salt: &[u8]) -> Option<([u8; 24], [u8; 8])> {
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

// ---- key4.db ----

/// Opens a key4.db read-only and unlocks it with the empty primary
/// password. (The scanner gives it a copy: the home is not touched.)
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
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let (global_salt, check): (Vec<u8>, Vec<u8>) = db.query_row(
        "SELECT item1, item2 FROM metaData WHERE id = 'password'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let unlocked = decrypt_pbe(&check, &global_salt, b"")
        .is_some_and(|plain| plain.starts_with(b"password-check"));
    if !unlocked {
        return Ok(Key4::PrimaryPassword);
    }
    let mut keys = NssKeys::default();
    let mut stmt = db.prepare("SELECT a11, a102 FROM nssPrivate")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let a11: Option<Vec<u8>> = row.get(0)?;
        let a102: Option<Vec<u8>> = row.get(1)?;
        if let (Some(a11), Some(id)) = (a11, a102) {
            if let Some(key) = decrypt_pbe(&a11, &global_salt, b"") {
                keys.keys.push((id, key));
            }
        }
    }
    Ok(Key4::Unlocked(keys))
}

// ---- login fields ----

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

// ---- builders, for tests: a synthetic key4.db and login fields ----

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    fn fixture_manifest() -> Manifest {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/manifest.json");
        Manifest::load(path).unwrap()
    }

    fn unlocked(path: &Path) -> NssKeys {
        match open_key4(path) {
            Key4::Unlocked(keys) => keys,
            other => panic!("{}: {other:?}", path.display()),
        }
    }

    /// The fixture's Firefox logins (found through the manifest, never by
    /// folder name) decrypt to the planted tokens: username `<token>`,
    /// password `pw<token>`.
    #[test]
    fn fixture_logins_decrypt_to_the_planted_tokens() {
        let m = fixture_manifest();
        let home = m.home_dir();
        let mut checked = 0;
        for marker in m
            .markers
            .iter()
            .filter(|k| k.browser == "firefox" && k.category == "logins")
        {
            let profile = home.join(&marker.profile);
            let keys = unlocked(&profile.join("key4.db"));
            assert_eq!(keys.keys.len(), 1, "{}", marker.profile);
            assert_eq!(keys.keys[0].0, LOGINS_KEY_ID);
            assert_eq!(keys.keys[0].1.len(), 32, "an AES-256 key");
            let text = std::fs::read_to_string(profile.join("logins.json")).unwrap();
            let logins: serde_json::Value = serde_json::from_str(&text).unwrap();
            let logins = logins["logins"].as_array().unwrap();
            assert_eq!(logins.len(), 1, "{}", marker.profile);
            let field = |name: &str| {
                let b64 = logins[0][name].as_str().unwrap();
                let c = parse_login_cipher(&nss_b64(b64).unwrap())
                    .unwrap()
                    .algorithm;
                assert_eq!(c, OID_AES256_CBC, "Firefox 153 writes AES");
                String::from_utf8(keys.decrypt_b64(b64).unwrap()).unwrap()
            };
            assert_eq!(field("encryptedUsername"), marker.token);
            assert_eq!(field("encryptedPassword"), format!("pw{}", marker.token));
            checked += 1;
        }
        assert_eq!(
            checked, 2,
            "the fixture's two Firefox profiles with a login"
        );
    }

    /// The fixture's key4.db is PBES2; the wrong password and a changed
    /// byte of ciphertext both fail to decrypt.
    #[test]
    fn fixture_password_check_is_pbes2_and_only_opens_with_the_empty_password() {
        let m = fixture_manifest();
        let home = m.home_dir();
        let profiles: Vec<_> = m
            .profiles
            .iter()
            .filter(|p| p.browser == "firefox" && home.join(&p.path).join("key4.db").is_file())
            .collect();
        assert!(!profiles.is_empty());
        for p in profiles {
            let db = rusqlite::Connection::open_with_flags(
                home.join(&p.path).join("key4.db"),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )
            .unwrap();
            let (salt, check): (Vec<u8>, Vec<u8>) = db
                .query_row(
                    "SELECT item1, item2 FROM metaData WHERE id = 'password'",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            let top = der::seq(&der::read_all(&check).unwrap()).unwrap();
            let alg = der::seq(&top[0]).unwrap();
            assert_eq!(der::oid_string(alg[0].value), OID_PBES2, "{}", p.path);
            assert_eq!(
                decrypt_pbe(&check, &salt, b"").as_deref(),
                Some(&b"password-check"[..])
            );
            assert_eq!(decrypt_pbe(&check, &salt, b"hunter2"), None);
            assert_eq!(decrypt_pbe(&check, b"another salt", b""), None);
            let mut damaged = check.clone();
            let last = damaged.len() - 1;
            damaged[last] ^= 0x01;
            assert_ne!(
                decrypt_pbe(&damaged, &salt, b"").as_deref(),
                Some(&b"password-check"[..])
            );
        }
    }

    #[test]
    fn pbe_schemes_round_trip_and_know_their_password() {
        for scheme in [Pbe::Pbes2, Pbe::Sha1TripleDes] {
            let item = encrypt_pbe(b"a secret of 26 bytes here!", b"salt", b"pw", scheme, 9);
            assert_eq!(
                decrypt_pbe(&item, b"salt", b"pw").as_deref(),
                Some(&b"a secret of 26 bytes here!"[..]),
                "{scheme:?}"
            );
            assert_ne!(
                decrypt_pbe(&item, b"salt", b"").as_deref(),
                Some(&b"a secret of 26 bytes here!"[..]),
                "{scheme:?}"
            );
        }
    }

    /// An old (3DES) key4.db and a 3DES login field, built from the format,
    /// open as a new one does.
    #[test]
    fn triple_des_key4_and_login_field() {
        let dir = tempfile::tempdir().unwrap();
        let key = [0x5au8; 32];
        for (name, password) in [("open.db", &b""[..]), ("locked.db", b"hunter2")] {
            write_key4_with(&dir.path().join(name), password, &key, Pbe::Sha1TripleDes).unwrap();
        }
        let keys = unlocked(&dir.path().join("open.db"));
        assert_eq!(keys.keys, vec![(LOGINS_KEY_ID.to_vec(), key.to_vec())]);
        assert!(matches!(
            open_key4(&dir.path().join("locked.db")),
            Key4::PrimaryPassword
        ));
        let field = encrypt_login_field_3des(&key, &[1; 8], b"gmk3desuser");
        assert_eq!(keys.decrypt_b64(&field).unwrap(), b"gmk3desuser");
        let field = encrypt_login_field(&key, &[2; 16], b"gmkaesuser");
        assert_eq!(keys.decrypt_b64(&field).unwrap(), b"gmkaesuser");
        // Another key does not decrypt it (the padding check fails, or the
        // bytes are not the plaintext).
        let other = NssKeys {
            keys: vec![(LOGINS_KEY_ID.to_vec(), vec![0x11; 32])],
        };
        assert_ne!(
            other.decrypt_b64(&field).as_deref(),
            Some(&b"gmkaesuser"[..])
        );
    }

    #[test]
    fn login_field_parsing_refuses_what_is_not_one() {
        let iv = der::sequence(&[der::oid(OID_AES256_CBC), der::octets(&[0; 16])]);
        let good = der::sequence(&[
            der::octets(&LOGINS_KEY_ID),
            iv.clone(),
            der::octets(&[0; 16]),
        ]);
        assert!(parse_login_cipher(&good).is_some());
        for bad in [
            der::sequence(&[der::octets(&LOGINS_KEY_ID), iv.clone()]),
            der::sequence(&[der::integer(1), iv.clone(), der::octets(&[0; 16])]),
            der::sequence(&[
                der::octets(&LOGINS_KEY_ID),
                der::octets(&[0; 16]),
                der::octets(&[0; 16]),
            ]),
            [good.clone(), vec![0]].concat(),
            good[..good.len() - 1].to_vec(),
        ] {
            assert_eq!(parse_login_cipher(&bad), None, "{bad:02x?}");
        }
        assert_eq!(
            nss_b64("not base64 at all, but forty characters long"),
            None
        );
        // Every truncation and every one-byte change of a real field: no panic.
        let field = nss_b64(&encrypt_login_field(&[3; 32], &[4; 16], b"gmkx")).unwrap();
        let keys = NssKeys {
            keys: vec![(LOGINS_KEY_ID.to_vec(), vec![3; 32])],
        };
        for n in 0..field.len() {
            assert_eq!(keys.decrypt(&field[..n]), None);
            let mut changed = field.clone();
            changed[n] ^= 0xff;
            let _ = keys.decrypt(&changed);
        }
    }
}
