//! LevelDB directories: tables and logs decoded, the newest record of
//! each key live, older or deleted ones leftover.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{Hits, Out, Scanner, State, CELL, RAW};
use crate::leveldb;

impl Scanner<'_> {
    pub(super) fn scan_leveldb(&self, files: &[PathBuf], o: &mut Out) {
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

fn is_log_name(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.strip_suffix(".log")
        .is_some_and(|stem| !stem.is_empty() && stem.bytes().all(|b| b.is_ascii_digit()))
}

/// `.ldb`, `.sst` and `NNNNNN.log` files of a LevelDB directory.
pub(super) fn is_leveldb_data_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    is_log_name(p) || name.ends_with(".ldb") || name.ends_with(".sst")
}
