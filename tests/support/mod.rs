//! Test support shared by the integration tests: the trace scanner and
//! the fixture manifest. Include with `mod support;`.
#![allow(dead_code)]

pub mod chromium_crypt;
pub mod decode;
pub mod der;
pub mod leveldb;
pub mod manifest;
pub mod matcher;
pub mod nss;
pub mod scanner;
