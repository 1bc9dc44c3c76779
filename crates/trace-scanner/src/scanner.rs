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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::chromium_crypt;
use crate::decode;
use crate::leveldb;
use crate::manifest::{Manifest, Marker, KEEP_CATEGORIES, TRACE_CATEGORIES};
use crate::matcher::Matcher;
use crate::nss::{self, Key4};

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

impl ScanReport {
    /// Fails the test, saying what and where, if any trace is left or any keeper is lost.
    pub fn assert_clean(&self) {
        let traces: Vec<String> = self
            .traces(None)
            .iter()
            .map(|m| format!("{} {} {} {}", m.browser, m.category, m.token, m.profile))
            .collect();
        assert!(
            traces.is_empty(),
            "traces left:\n{}\n{}",
            traces.join("\n"),
            self.details()
        );
        let missing: Vec<&str> = self
            .missing_keepers()
            .iter()
            .map(|m| m.token.as_str())
            .collect();
        assert!(missing.is_empty(), "keepers lost: {missing:?}\n{self}");
    }

    pub fn marker(&self, token: &str) -> Option<&Marker> {
        self.markers.iter().find(|m| m.token == token)
    }

    /// Sets the domains the clean kept (for `keep_if_kept_domain`).
    pub fn set_kept_domains(&mut self, domains: &[&str]) {
        self.kept_domains = Some(domains.iter().map(|d| d.to_string()).collect());
    }

    pub fn is_keeper(&self, m: &Marker) -> bool {
        m.is_keeper(self.kept_domains.as_deref())
    }

    /// All findings of a token.
    pub fn findings_for(&self, token: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.token == token).collect()
    }

    /// Whether the token was found anywhere (live or leftover).
    pub fn found(&self, token: &str) -> bool {
        self.findings.iter().any(|f| f.token == token)
    }

    /// Whether the token was found live.
    pub fn live(&self, token: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.token == token && f.state == State::Live)
    }

    /// Findings of the markers of a category.
    pub fn markers_of(&self, category: &str) -> Vec<&Finding> {
        let tokens: HashSet<&str> = self
            .markers
            .iter()
            .filter(|m| m.category == category)
            .map(|m| m.token.as_str())
            .collect();
        self.findings
            .iter()
            .filter(|f| tokens.contains(f.token.as_str()))
            .collect()
    }

    /// Keepers that are not found live.
    pub fn missing_keepers(&self) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| self.is_keeper(m) && !self.live(&m.token))
            .collect()
    }

    /// Non-keeper markers found anywhere (live or leftover), optionally
    /// of one browser.
    pub fn traces(&self, browser: Option<&str>) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| {
                !self.is_keeper(m) && browser.is_none_or(|b| m.browser == b) && self.found(&m.token)
            })
            .collect()
    }

    /// Non-keeper markers found live.
    pub fn live_traces(&self, browser: Option<&str>) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| {
                !self.is_keeper(m) && browser.is_none_or(|b| m.browser == b) && self.live(&m.token)
            })
            .collect()
    }

    /// Markers (traces and keepers) found nowhere.
    pub fn not_found(&self) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| !self.found(&m.token))
            .collect()
    }

    /// Per-category counts: known categories first, then any other.
    pub fn summary(&self) -> Vec<CategorySummary> {
        let mut order: Vec<String> = TRACE_CATEGORIES
            .iter()
            .chain(KEEP_CATEGORIES)
            .map(|s| s.to_string())
            .collect();
        for m in &self.markers {
            if !order.contains(&m.category) {
                order.push(m.category.clone());
            }
        }
        let mut live: HashSet<&str> = HashSet::new();
        let mut any: HashSet<&str> = HashSet::new();
        for f in &self.findings {
            any.insert(&f.token);
            if f.state == State::Live {
                live.insert(&f.token);
            }
        }
        order
            .into_iter()
            .map(|category| {
                let mut s = CategorySummary {
                    category,
                    ..Default::default()
                };
                for m in self.markers.iter().filter(|m| m.category == s.category) {
                    s.planted += 1;
                    let (l, a) = (
                        live.contains(m.token.as_str()),
                        any.contains(m.token.as_str()),
                    );
                    if !a {
                        s.not_found += 1;
                    }
                    if self.is_keeper(m) {
                        s.keepers += 1;
                        if !l {
                            s.keepers_missing += 1;
                        }
                    } else if l {
                        s.live += 1;
                    } else if a {
                        s.leftover_only += 1;
                    }
                }
                s
            })
            .filter(|s| s.planted > 0 || TRACE_CATEGORIES.contains(&s.category.as_str()))
            .collect()
    }

    /// A multi-line description of where each token was found.
    pub fn details(&self) -> String {
        let mut by_token: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &self.findings {
            by_token.entry(&f.token).or_default().push(f);
        }
        let mut out = String::new();
        for (token, fs) in by_token {
            let cat = self
                .marker(token)
                .map(|m| m.category.as_str())
                .unwrap_or("?");
            out.push_str(&format!("{token} [{cat}]\n"));
            for f in fs {
                out.push_str(&format!(
                    "    {:?} {} ({})\n",
                    f.state,
                    f.file.display(),
                    f.how
                ));
            }
        }
        out
    }
}

impl fmt::Display for ScanReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scanned {} files, {} bytes under {}",
            self.files_scanned,
            self.bytes_scanned,
            self.home.display()
        )?;
        writeln!(
            f,
            "{:<11} {:>7} {:>5} {:>13} {:>9} {:>7} {:>15}",
            "category",
            "planted",
            "live",
            "leftover-only",
            "not-found",
            "keepers",
            "keepers-missing"
        )?;
        let mut total = CategorySummary {
            category: "total".into(),
            ..Default::default()
        };
        for s in self.summary() {
            total.planted += s.planted;
            total.live += s.live;
            total.leftover_only += s.leftover_only;
            total.not_found += s.not_found;
            total.keepers += s.keepers;
            total.keepers_missing += s.keepers_missing;
            write_row(f, &s)?;
        }
        write_row(f, &total)?;
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}

fn write_row(f: &mut fmt::Formatter<'_>, s: &CategorySummary) -> fmt::Result {
    writeln!(
        f,
        "{:<11} {:>7} {:>5} {:>13} {:>9} {:>7} {:>15}",
        s.category, s.planted, s.live, s.leftover_only, s.not_found, s.keepers, s.keepers_missing
    )
}

// ------------------------------------------------------------- scanner

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

impl<'a> Scanner<'a> {
    fn new(home: &Path, markers: &'a [Marker]) -> Scanner<'a> {
        let tokens: Vec<&str> = markers.iter().map(|m| m.token.as_str()).collect();
        Scanner {
            home: home.to_path_buf(),
            markers,
            matcher: Matcher::new(&tokens),
            tmp: tempfile::tempdir().expect("temporary directory"),
            counter: AtomicUsize::new(0),
            key4: Mutex::new(HashMap::new()),
        }
    }

    fn run(self) -> ScanReport {
        let mut out = Out::default();
        let units = self.collect_units(&mut out);
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 16);
        let results: Vec<Out> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut o = Out::default();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(unit) = units.get(i) else { break };
                            match unit {
                                Unit::File(p) => self.scan_file(p, &mut o),
                                Unit::LevelDb(files) => self.scan_leveldb(files, &mut o),
                            }
                        }
                        o
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("scanner thread"))
                .collect()
        });
        let mut findings = BTreeSet::new();
        for r in results {
            findings.extend(r.findings);
            out.notes.extend(r.notes);
            out.files += r.files;
            out.bytes += r.bytes;
        }
        out.notes.sort();
        out.notes.dedup();
        ScanReport {
            home: self.home.clone(),
            markers: self.markers.to_vec(),
            findings: findings.into_iter().collect(),
            notes: out.notes,
            kept_domains: None,
            files_scanned: out.files,
            bytes_scanned: out.bytes,
        }
    }

    fn rel(&self, p: &Path) -> PathBuf {
        p.strip_prefix(&self.home).unwrap_or(p).to_path_buf()
    }

    /// Walks the home (never following links) and groups the files.
    fn collect_units(&self, out: &mut Out) -> Vec<Unit> {
        let mut files = Vec::new();
        let mut ldb: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        let mut is_ldb_dir: HashMap<PathBuf, bool> = HashMap::new();
        for e in walkdir::WalkDir::new(&self.home).follow_links(false) {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    out.notes.push(format!("walk: {err}"));
                    continue;
                }
            };
            if !e.file_type().is_file() {
                continue;
            }
            let path = e.into_path();
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            let in_ldb = *is_ldb_dir
                .entry(dir.clone())
                .or_insert_with(|| dir.join("CURRENT").is_file());
            if in_ldb && is_leveldb_data_file(&path) {
                ldb.entry(dir).or_default().push(path);
            } else {
                files.push(path);
            }
        }
        let mut units: Vec<Unit> = ldb.into_values().map(Unit::LevelDb).collect();
        units.extend(files.into_iter().map(Unit::File));
        units
    }

    fn finding(&self, o: &mut Out, token: usize, file: &Path, how: String, state: State) {
        o.findings.push(Finding {
            token: self.matcher.token(token).to_string(),
            file: self.rel(file),
            how,
            state,
        });
    }

    fn read(&self, path: &Path, o: &mut Out) -> Option<Vec<u8>> {
        match fs::read(path) {
            Ok(d) => {
                o.files += 1;
                o.bytes += d.len() as u64;
                Some(d)
            }
            Err(e) => {
                o.notes
                    .push(format!("{}: unreadable: {e}", self.rel(path).display()));
                None
            }
        }
    }

    // ------------------------------------------------ generic content

    /// Searches a buffer and everything decoded from it.
    fn content_hits(&self, data: &[u8], how: &str, depth: u32, opts: Opts, hits: &mut Hits) {
        self.matcher.find(data, |i, enc| {
            hits.push((i, format!("{how}/{}", enc.label())))
        });
        if depth >= MAX_DEPTH || data.len() < 8 {
            return;
        }
        let d = depth + 1;
        if data.starts_with(decode::MOZLZ4_MAGIC) {
            if let Some(out) = decode::mozlz4(data) {
                self.content_hits(&out, &format!("{how}/mozlz4"), d, RAW, hits);
            }
        }
        if data.starts_with(decode::SNAPPY_FRAMED_MAGIC) {
            if let Some(out) = decode::snappy_framed(data) {
                self.content_hits(&out, &format!("{how}/snappy-framed"), d, RAW, hits);
            }
        }
        for out in decode::gzip_streams(data, MAX_CANDIDATES) {
            self.content_hits(&out, &format!("{how}/gzip"), d, RAW, hits);
        }
        if opts.v10_scan {
            if let Some(plain) = chromium_crypt::decrypt_v10(data) {
                // a whole value: exact plaintext
                self.content_hits(
                    &plain,
                    &format!("{how}/v10"),
                    d,
                    Opts {
                        snappy: false,
                        v10_scan: false,
                    },
                    hits,
                );
            } else {
                for plain in chromium_crypt::v10_prefixes(data, V10_PREFIX_MAX, MAX_CANDIDATES) {
                    self.matcher.find(&plain, |i, enc| {
                        hits.push((i, format!("{how}/v10/{}", enc.label())))
                    });
                }
            }
        }
        if opts.snappy {
            if let Some((_, out)) = decode::snappy_raw_search(data, 8) {
                self.content_hits(&out, &format!("{how}/snappy"), d, RAW, hits);
            }
        }
    }

    fn emit(&self, o: &mut Out, file: &Path, hits: Hits, state: State) {
        let set: BTreeSet<(usize, String)> = hits.into_iter().collect();
        for (t, how) in set {
            self.finding(o, t, file, how, state);
        }
    }

    // --------------------------------------------------- one file

    fn scan_file(&self, path: &Path, o: &mut Out) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // SQLite sidecars are read with their database.
        let mut orphan = None;
        for suffix in ["-wal", "-journal", "-shm"] {
            if let Some(main) = name.strip_suffix(suffix) {
                let main = path.with_file_name(main);
                if is_sqlite_file(&main) {
                    return;
                }
                match fs::symlink_metadata(&main) {
                    // an empty database with a WAL: SQLite replays the WAL
                    Ok(m) if m.is_file() && m.len() == 0 && suffix == "-wal" => {
                        self.scan_sqlite(&main, &[], o);
                        return;
                    }
                    Ok(_) => {}
                    // the database is gone: nothing reads this file again
                    Err(_) => orphan = Some(&suffix[1..]),
                }
            }
        }
        let Some(data) = self.read(path, o) else {
            return;
        };
        if data.is_empty() {
            return;
        }
        if let Some(kind) = orphan {
            let mut hits = Hits::new();
            self.content_hits(&data, &format!("orphan-{kind}"), 0, RAW, &mut hits);
            self.emit(o, path, hits, State::Leftover);
            return;
        }
        let state = if is_backup(&self.rel(path)) {
            State::Leftover
        } else {
            State::Live
        };
        if data.starts_with(SQLITE_MAGIC) {
            self.scan_sqlite(path, &data, o);
            return;
        }
        let mut hits = Hits::new();
        if let Some(records) = snss_v10_records(&data) {
            // Chromium's Sessions_Encrypted: SNSS with v10 records.
            self.matcher.find(&data, |i, enc| {
                hits.push((i, format!("raw/{}", enc.label())))
            });
            for rec in records {
                if let Some(plain) = chromium_crypt::decrypt_v10(rec) {
                    self.content_hits(&plain, "snss/v10", 1, RAW, &mut hits);
                } else if rec.starts_with(chromium_crypt::V11) {
                    o.notes.push(format!(
                        "{}: v11 (keyring) record, undecryptable",
                        self.rel(path).display()
                    ));
                }
            }
        } else if leveldb::is_table(&data) {
            // a table outside a LevelDB directory (no CURRENT)
            match leveldb::read_table(&data) {
                Ok((entries, _)) => {
                    for e in entries {
                        self.content_hits(&e.key, "leveldb-table", 1, CELL, &mut hits);
                        self.content_hits(&e.value, "leveldb-table", 1, CELL, &mut hits);
                    }
                }
                Err(err) => o.notes.push(format!("{}: {err}", self.rel(path).display())),
            }
            self.content_hits(&data, "raw", 0, RAW, &mut hits);
        } else {
            let opts = Opts {
                snappy: is_blob_file(path),
                v10_scan: true,
            };
            self.content_hits(&data, "raw", 0, opts, &mut hits);
            if name.starts_with("MANIFEST-") {
                for rec in leveldb::log_records(&data) {
                    self.content_hits(&rec, "leveldb-manifest", 1, RAW, &mut hits);
                }
            }
        }
        if looks_like_json(&name, &data) {
            self.json_values(path, &data, &mut hits, o);
        }
        self.emit(o, path, hits, state);
    }

    // ---------------------------------------------------- Firefox NSS

    /// The key4.db of the profile holding `file`, if any.
    // Writes by path only in its own private temporary folder (self.tmp), never in the home.
    #[allow(clippy::disallowed_methods)]
    fn key4_for(&self, file: &Path) -> Option<Arc<Key4>> {
        let dir = file.parent()?;
        let key4 = dir.join("key4.db");
        if !key4.is_file() {
            return None;
        }
        let mut cache = self.key4.lock().unwrap();
        if let Some(k) = cache.get(dir) {
            return Some(k.clone());
        }
        // Open a copy: the home is never written to.
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let copy_dir = self.tmp.path().join(format!("key4-{n}"));
        let k = match fs::create_dir_all(&copy_dir)
            .and_then(|_| copy_db(&key4, &copy_dir.join("key4.db")))
        {
            Ok(copy) => nss::open_key4(&copy),
            Err(e) => Key4::Unreadable(format!("copying key4.db: {e}")),
        };
        let _ = fs::remove_dir_all(&copy_dir);
        let k = Arc::new(k);
        cache.insert(dir.to_path_buf(), k.clone());
        Some(k)
    }

    /// Decodes the string values of a JSON file: NSS ciphertexts (Firefox
    /// logins) are decrypted, other base64 strings decoded and searched
    /// (Chromium keeps some values base64-encoded in its JSON files).
    fn json_values(&self, path: &Path, data: &[u8], hits: &mut Hits, o: &mut Out) {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        let mut strings = Vec::new();
        json_strings(&value, &mut strings);
        for s in &strings {
            if let Some(bytes) = base64_value(s) {
                self.content_hits(&bytes, "json/base64", 1, CELL, hits);
            }
        }
        self.nss_strings(path, strings.into_iter(), "json", hits, o);
    }

    fn nss_strings<'s>(
        &self,
        path: &Path,
        strings: impl Iterator<Item = &'s str>,
        how: &str,
        hits: &mut Hits,
        o: &mut Out,
    ) {
        let mut key4: Option<Option<Arc<Key4>>> = None;
        let mut locked = 0usize;
        let mut failed = 0usize;
        for s in strings {
            let Some(der_bytes) = nss::nss_b64(s) else {
                continue;
            };
            let k = key4.get_or_insert_with(|| self.key4_for(path));
            match k.as_deref() {
                Some(Key4::Unlocked(keys)) => match keys.decrypt(&der_bytes) {
                    Some(plain) => self.content_hits(&plain, &format!("{how}/nss"), 1, RAW, hits),
                    None => failed += 1,
                },
                Some(Key4::PrimaryPassword) => locked += 1,
                Some(Key4::Unreadable(_)) | None => failed += 1,
            }
        }
        let rel = self.rel(path);
        if locked > 0 {
            o.notes.push(format!(
                "{}: {locked} NSS values encrypted, not checked (primary password set)",
                rel.display()
            ));
        }
        if failed > 0 {
            let why = match key4.flatten().as_deref() {
                Some(Key4::Unreadable(e)) => e.clone(),
                None => "no key4.db beside it".into(),
                _ => "did not decrypt".into(),
            };
            o.notes.push(format!(
                "{}: {failed} NSS values undecrypted: {why}",
                rel.display()
            ));
        }
    }

    // ------------------------------------------------------- SQLite

    // Writes by path only in its own private temporary folder (self.tmp), never in the home.
    #[allow(clippy::disallowed_methods)]
    fn scan_sqlite(&self, path: &Path, main: &[u8], o: &mut Out) {
        let wal_path = sidecar(path, "-wal");
        let journal_path = sidecar(path, "-journal");
        let wal = if wal_path.is_file() {
            self.read(&wal_path, o)
        } else {
            None
        };
        let journal = if journal_path.is_file() {
            self.read(&journal_path, o)
        } else {
            None
        };

        let mut live = Hits::new();
        let mut failed: Option<String> = None;
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let dir = self.tmp.path().join(format!("db-{n}"));
        let copy = dir.join("db");
        let prepared = fs::create_dir_all(&dir)
            .and_then(|_| fs::write(&copy, main))
            .and_then(|_| {
                wal.as_ref()
                    .map_or(Ok(()), |w| fs::write(dir.join("db-wal"), w))
            })
            .and_then(|_| {
                journal
                    .as_ref()
                    .map_or(Ok(()), |j| fs::write(dir.join("db-journal"), j))
            });
        match prepared {
            Err(e) => failed = Some(format!("copy failed: {e}")),
            Ok(()) => {
                if let Err(e) = self.sqlite_cells(path, &copy, &mut live, o) {
                    failed = Some(e.to_string());
                }
            }
        }
        let _ = fs::remove_dir_all(&dir);

        let rel = self.rel(path);
        if let Some(err) = &failed {
            o.notes.push(format!(
                "{}: SQLite not readable ({err}); raw bytes count as live",
                rel.display()
            ));
        }
        let live_tokens: HashSet<usize> = live.iter().map(|(t, _)| *t).collect();
        self.emit(o, path, live, State::Live);

        for (file, bytes, label) in [
            (path.to_path_buf(), Some(main), "sqlite-leftover"),
            (wal_path, wal.as_deref(), "wal"),
            (journal_path, journal.as_deref(), "journal"),
        ] {
            let Some(bytes) = bytes else { continue };
            let mut hits = Hits::new();
            let label = if failed.is_some() {
                format!("sqlite-unreadable-{label}")
            } else {
                label.to_string()
            };
            self.content_hits(bytes, &label, 0, RAW, &mut hits);
            hits.retain(|(t, _)| !live_tokens.contains(t));
            let state = if failed.is_some() {
                State::Live
            } else {
                State::Leftover
            };
            self.emit(o, &file, hits, state);
        }
    }

    /// Reads every cell of every table of the database copy.
    fn sqlite_cells(
        &self,
        orig: &Path,
        copy: &Path,
        hits: &mut Hits,
        o: &mut Out,
    ) -> rusqlite::Result<()> {
        use rusqlite::types::ValueRef;
        let conn = rusqlite::Connection::open(copy)?;
        let tables: Vec<String> = {
            let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let rel = self.rel(orig);
        let profile_has_key4 = orig.parent().is_some_and(|d| d.join("key4.db").is_file());
        for table in tables {
            let res: rusqlite::Result<()> = (|| {
                let mut stmt =
                    conn.prepare(&format!("SELECT * FROM \"{}\"", table.replace('"', "\"\"")))?;
                let cols: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
                let mut rows = stmt.query([])?;
                let mut nss_texts: Vec<String> = Vec::new();
                while let Some(row) = rows.next()? {
                    for (i, col) in cols.iter().enumerate() {
                        let how = || format!("sqlite-live:{table}.{col}");
                        match row.get_ref(i)? {
                            ValueRef::Text(t) => {
                                self.content_hits(
                                    t,
                                    &how(),
                                    0,
                                    Opts {
                                        snappy: false,
                                        v10_scan: false,
                                    },
                                    hits,
                                );
                                if profile_has_key4 && t.len() >= 40 && t.first() == Some(&b'M') {
                                    nss_texts.push(String::from_utf8_lossy(t).into_owned());
                                }
                            }
                            ValueRef::Blob(b) => {
                                if b.starts_with(chromium_crypt::V11) {
                                    o.notes.push(format!(
                                        "{}: {table}.{col} holds v11 (keyring) values, undecryptable",
                                        rel.display()
                                    ));
                                }
                                self.content_hits(b, &how(), 0, CELL, hits);
                            }
                            _ => {}
                        }
                    }
                }
                if !nss_texts.is_empty() {
                    self.nss_strings(
                        orig,
                        nss_texts.iter().map(String::as_str),
                        &format!("sqlite-live:{table}"),
                        hits,
                        o,
                    );
                }
                Ok(())
            })();
            if let Err(e) = res {
                o.notes.push(format!(
                    "{}: table {table} not readable: {e}",
                    rel.display()
                ));
            }
        }
        Ok(())
    }

    // ------------------------------------------------------ LevelDB

    fn scan_leveldb(&self, files: &[PathBuf], o: &mut Out) {
        // (file index, entry)
        let mut entries: Vec<(usize, leveldb::Entry, &'static str)> = Vec::new();
        let mut raws: Vec<Option<Vec<u8>>> = Vec::new();
        for (fi, f) in files.iter().enumerate() {
            let data = self.read(f, o);
            if let Some(d) = &data {
                if is_log_name(f) {
                    for rec in leveldb::log_records(d) {
                        match leveldb::write_batch(&rec) {
                            Some(batch) => {
                                entries.extend(batch.into_iter().map(|e| (fi, e, "leveldb-log")))
                            }
                            None => {
                                // not a batch: keep it as a put so its bytes are searched
                                entries.push((
                                    fi,
                                    leveldb::Entry {
                                        key: Vec::new(),
                                        seq: u64::MAX,
                                        put: true,
                                        value: rec,
                                    },
                                    "leveldb-log-record",
                                ));
                            }
                        }
                    }
                } else {
                    match leveldb::read_table(d) {
                        Ok((es, _)) => {
                            entries.extend(es.into_iter().map(|e| (fi, e, "leveldb-table")))
                        }
                        Err(e) => o.notes.push(format!("{}: {e}", self.rel(f).display())),
                    }
                }
            }
            raws.push(data);
        }
        // The newest record of each key is live.
        let mut newest: HashMap<&[u8], u64> = HashMap::new();
        for (_, e, kind) in &entries {
            if *kind == "leveldb-log-record" {
                continue;
            }
            let s = newest.entry(e.key.as_slice()).or_insert(e.seq);
            *s = (*s).max(e.seq);
        }
        let mut per_file: Vec<(Hits, Hits)> =
            files.iter().map(|_| (Hits::new(), Hits::new())).collect();
        for (fi, e, kind) in &entries {
            let current = *kind == "leveldb-log-record"
                || (e.put && newest.get(e.key.as_slice()) == Some(&e.seq));
            let (label, slot) = if current {
                (kind.to_string(), &mut per_file[*fi].0)
            } else if e.put {
                (format!("{kind}-superseded"), &mut per_file[*fi].1)
            } else {
                (format!("{kind}-deleted"), &mut per_file[*fi].1)
            };
            self.content_hits(&e.key, &format!("{label}:key"), 1, RAW, slot);
            self.content_hits(&e.value, &label, 1, CELL, slot);
        }
        for (fi, f) in files.iter().enumerate() {
            let (live, old) = std::mem::take(&mut per_file[fi]);
            let seen: HashSet<usize> = live.iter().chain(old.iter()).map(|(t, _)| *t).collect();
            let live_set: HashSet<usize> = live.iter().map(|(t, _)| *t).collect();
            self.emit(o, f, live, State::Live);
            let old: Hits = old
                .into_iter()
                .filter(|(t, _)| !live_set.contains(t))
                .collect();
            self.emit(o, f, old, State::Leftover);
            if let Some(raw) = &raws[fi] {
                let mut hits = Hits::new();
                self.content_hits(raw, "leveldb-raw", 0, RAW, &mut hits);
                hits.retain(|(t, _)| !seen.contains(t));
                self.emit(o, f, hits, State::Leftover);
            }
        }
    }
}

// ------------------------------------------------------------ helpers

/// Whether a file should be parsed as JSON.
fn looks_like_json(name: &str, data: &[u8]) -> bool {
    const CHROMIUM_JSON: &[&str] = &[
        "Preferences",
        "Secure Preferences",
        "Local State",
        "Bookmarks",
        "Bookmarks.bak",
        "AccountBookmarks",
    ];
    name.ends_with(".json")
        || CHROMIUM_JSON.contains(&name)
        || (data.len() < (64 << 20)
            && data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'))
}

/// Decodes a string that is plausibly base64 (at least 16 characters of
/// the standard or URL-safe alphabet, with or without padding).
fn base64_value(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let s = s.trim();
    if s.len() < 16
        || !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/-_=".contains(&b))
    {
        return None;
    }
    let e = &base64::engine::general_purpose::STANDARD;
    let url = &base64::engine::general_purpose::URL_SAFE_NO_PAD;
    e.decode(s)
        .or_else(|_| url.decode(s.trim_end_matches('=')))
        .ok()
}

fn json_strings<'v>(v: &'v serde_json::Value, out: &mut Vec<&'v str>) {
    match v {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies a database and its sidecars into `to` (a file path).
// `to` is in the scanner's private temporary folder.
#[allow(clippy::disallowed_methods)]
fn copy_db(from: &Path, to: &Path) -> std::io::Result<PathBuf> {
    fs::copy(from, to)?;
    for s in ["-wal", "-journal"] {
        let side = sidecar(from, s);
        if side.is_file() {
            fs::copy(&side, sidecar(to, s))?;
        }
    }
    Ok(to.to_path_buf())
}

fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.file_type().is_file() {
        return false;
    }
    let mut head = [0u8; 16];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|_| &head == SQLITE_MAGIC)
}

fn is_log_name(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.strip_suffix(".log")
        .is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()))
}

/// `.ldb`, `.sst` and `NNNNNN.log` files of a LevelDB directory.
fn is_leveldb_data_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    is_log_name(p) || name.ends_with(".ldb") || name.ends_with(".sst")
}

/// Files whose content the browser does not read back in normal use.
pub fn is_backup(rel: &Path) -> bool {
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.ends_with(".bak")
        || name.ends_with(".baklz4")
        || name.ends_with("-backup.json")
        || name.ends_with('~')
        || (name.ends_with(".old") && name != "LOG.old")
        || rel.components().any(|c| c.as_os_str() == "bookmarkbackups")
}

/// Files that hold stored values that may be raw snappy
/// (Chromium IndexedDB blobs, Firefox IndexedDB external files).
fn is_blob_file(p: &Path) -> bool {
    p.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c.ends_with(".indexeddb.blob") || c.ends_with(".files") || c == "blob_storage"
    })
}

/// The records of an encrypting SNSS file (`SNSS`, u32 version, then
/// u32-length records that start with `v10`/`v11`).
fn snss_v10_records(data: &[u8]) -> Option<Vec<&[u8]>> {
    let mut rest = data.strip_prefix(b"SNSS")?.get(4..)?;
    let mut out = Vec::new();
    while rest.len() >= 4 {
        let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
        let Some(rec) = rest.get(4..4 + len) else {
            break;
        };
        if !(rec.starts_with(chromium_crypt::V10) || rec.starts_with(chromium_crypt::V11)) {
            return if out.is_empty() { None } else { Some(out) };
        }
        out.push(rec);
        rest = &rest[4 + len..];
    }
    (!out.is_empty()).then_some(out)
}
