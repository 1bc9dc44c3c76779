//! The DER reader and writer, from the library (which reads `key4.db` with it).
pub use gomme::nss::der::*;
