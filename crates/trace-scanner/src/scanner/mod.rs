//! The trace scanner: finds every planted marker token still present
//! anywhere under a home directory, and says whether the browser can
//! still read it (**live**) or it only survives in leftover bytes
//! (SQLite free pages, WAL frames, rollback journals, superseded LevelDB
//! records, backup files).
//!
//! What is searched, for every regular file (symlinks are never followed):
//! * the raw bytes, in UTF-8/Latin-1 and UTF-16LE;
//! * mozlz4 (`mozLz40\0` magic, whatever the file name), gzip streams
//!   (anywhere in a file, e.g. an HTTP cache entry), snappy framed streams,
//!   recursively up to [`MAX_DEPTH`] layers;
//! * Chromium `v10` ciphertexts (fixed Linux key) wherever `v10` occurs:
//!   whole values in SQLite cells, records of `Sessions_Encrypted/` SNSS
//!   files, and CBC-decrypted prefixes after any `v10` in raw bytes (so a
//!   deleted cookie in a free page is still found);
//! * SQLite databases (header `SQLite format 3\0`): a copy of the database
//!   with its `-wal` and `-journal` is opened, replaying the WAL or rolling
//!   back a hot journal as the browser would, and every cell of every table
//!   is read: text, blobs, blobs decrypted (`v10`) or decompressed (raw
//!   snappy, mozlz4, gzip). Tokens seen in cells are live; tokens seen only
//!   in the raw bytes of the database, its WAL or its journal are leftover;
//! * LevelDB directories: tables (footer, index, snappy blocks, prefix
//!   compressed keys) and logs (32 KiB blocks, fragments reassembled,
//!   WriteBatches decoded); the newest record of each key is live, older
//!   or deleted ones are leftover; values are also tried as raw snappy
//!   (Chromium IndexedDB compresses large values);
//! * Firefox logins: every base64 NSS ciphertext in a JSON file or SQLite
//!   cell of a profile with a `key4.db` is decrypted with the real
//!   algorithm (empty primary password only; with a primary password the
//!   logins are reported as "encrypted, not checked").

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex};

use crate::manifest::{Manifest, Marker};
use crate::matcher::Matcher;
use crate::nss::Key4;

mod content;
mod file;
mod leveldb_dir;
mod logins;
mod report;
mod run;
mod sqlite;

pub use file::is_backup;

/// Decoding layers followed inside one file.
pub const MAX_DEPTH: u32 = 5;
/// How far after a `v10` found in raw bytes the scanner decrypts.
pub const V10_PREFIX_MAX: usize = 8 * 1024;
/// At most this many `v10`/gzip candidates per buffer.
const MAX_CANDIDATES: usize = 4096;
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Whether the browser can still read a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// In a live SQLite cell, the current value of a LevelDB key, or the
    /// content of a file the browser reads.
    Live,
    /// Only in free pages, WAL frames, a journal, an overwritten or
    /// deleted LevelDB record, or a backup file.
    Leftover,
}

/// One place a token was found.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Finding {
    pub token: String,
    /// Path of the file, relative to the home.
    pub file: PathBuf,
    /// How it was found: the decoding layers, `/`-separated, ending with
    /// the encoding, e.g. `sqlite-live:moz_cookies.value/utf8`,
    /// `leveldb-log/snappy/utf16le`, `wal/utf8`, `raw/mozlz4/utf8`,
    /// `sqlite-live:cookies.encrypted_value/v10/utf8`, `raw/nss/utf8`.
    pub how: String,
    pub state: State,
}

/// Per-category counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CategorySummary {
    pub category: String,
    /// Markers of the category in the manifest (traces and keepers).
    pub planted: usize,
    /// Non-keeper markers found live.
    pub live: usize,
    /// Non-keeper markers found only in leftover bytes.
    pub leftover_only: usize,
    /// Markers found nowhere (traces and keepers).
    pub not_found: usize,
    /// Keeper markers of the category.
    pub keepers: usize,
    /// Keepers not found live.
    pub keepers_missing: usize,
}

/// The result of a scan.
#[derive(Clone, Debug)]
pub struct ScanReport {
    pub home: PathBuf,
    pub markers: Vec<Marker>,
    pub findings: Vec<Finding>,
    /// Things the scanner could not check (undecryptable values, tables
    /// that failed, logins behind a primary password…).
    pub notes: Vec<String>,
    /// Domains kept by the clean; `None` = those named by the markers'
    /// `keep_if_kept_domain` were kept.
    pub kept_domains: Option<Vec<String>>,
    pub files_scanned: usize,
    pub bytes_scanned: u64,
}

// ------------------------------------------------------------------ API

/// Scans the home named by a manifest for all its markers.
pub fn scan_manifest(manifest: &Manifest) -> ScanReport {
    scan(&manifest.home_dir(), &manifest.markers)
}

/// Scans `home` for the markers.
pub fn scan(home: &Path, markers: &[Marker]) -> ScanReport {
    Scanner::new(home, markers).run()
}

/// Scans `home` for bare tokens (category `unknown`).
pub fn scan_tokens(home: &Path, tokens: &[&str]) -> ScanReport {
    let markers: Vec<Marker> = tokens.iter().map(|t| Marker::bare(t, "unknown")).collect();
    scan(home, &markers)
}

// ------------------------------------------------------------- scanner
// The scanner's state; its methods are in the submodules, one per kind of
// content: `run` (walk, threads), `content` (any buffer), `file`, `sqlite`,
// `leveldb_dir`, `logins`.

/// A unit of work: one file, or one LevelDB directory.
enum Unit {
    File(PathBuf),
    LevelDb(Vec<PathBuf>),
}

/// Hits of tokens inside one buffer: (token index, how).
type Hits = Vec<(usize, String)>;

#[derive(Default)]
struct Out {
    findings: Vec<Finding>,
    notes: Vec<String>,
    files: usize,
    bytes: u64,
}

struct Scanner<'a> {
    home: PathBuf,
    markers: &'a [Marker],
    matcher: Matcher,
    tmp: tempfile::TempDir,
    counter: AtomicUsize,
    key4: Mutex<HashMap<PathBuf, Arc<Key4>>>,
}

/// Decoding options for one buffer.
#[derive(Clone, Copy)]
struct Opts {
    /// Try raw snappy on the buffer (SQLite blobs, LevelDB values).
    snappy: bool,
    /// Decrypt after every `v10` found in the bytes.
    v10_scan: bool,
}

const RAW: Opts = Opts {
    snappy: false,
    v10_scan: true,
};
const CELL: Opts = Opts {
    snappy: true,
    v10_scan: true,
};
