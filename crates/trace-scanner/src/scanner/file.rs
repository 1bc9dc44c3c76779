//! One file that is not SQLite nor part of a LevelDB directory: its raw
//! bytes, an encrypting SNSS file's records, a stray LevelDB table, a
//! LevelDB MANIFEST, a JSON file's string values.

use std::fs;
use std::path::Path;

use super::sqlite::is_sqlite_file;
use super::{Hits, Opts, Out, Scanner, State, CELL, RAW, SQLITE_MAGIC};
use crate::chromium_crypt;
use crate::leveldb;

impl Scanner<'_> {
    pub(super) fn scan_file(&self, path: &Path, o: &mut Out) {
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
}

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
