//! The trace scanner of gomme's tests: finds every marker token planted in a
//! browser fixture home, says whether the browser can still read it (live)
//! or it only survives in leftover bytes, and reads the fixture manifest that
//! lists the tokens. It does not depend on gomme, the thing it checks: its
//! DER reader and NSS decryption are its own.
//!
//! The root clippy.toml applies here too (clippy looks for it in the parent
//! folders): the scanner writes by path only into its private temporary
//! folder, where an `#[allow]` says so.

pub mod chromium_crypt;
pub mod decode;
pub mod der;
pub mod leveldb;
pub mod manifest;
pub mod matcher;
pub mod nss;
pub mod scanner;
