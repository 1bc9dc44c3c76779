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

mod build;
mod cipher;
mod key4;
mod login;
mod pbe;
#[cfg(test)]
mod tests;

pub use build::{
    encrypt_login_field, encrypt_login_field_3des, encrypt_pbe, write_key4, write_key4_with, Pbe,
};
pub use cipher::{aes256_cbc_decrypt, aes256_cbc_encrypt, des3_cbc_decrypt, des3_cbc_encrypt};
pub use key4::open_key4;
pub use login::{nss_b64, parse_login_cipher, LoginCipher};
pub use pbe::decrypt_pbe;

pub const OID_PBES2: &str = "1.2.840.113549.1.5.13";
pub const OID_PBKDF2: &str = "1.2.840.113549.1.5.12";
pub const OID_HMAC_SHA1: &str = "1.2.840.113549.2.7";
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
