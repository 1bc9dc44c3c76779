//! SQLite databases: a copy opened with its WAL and journal, every cell
//! of every table read (live), the raw bytes of the database, WAL and
//! journal searched (leftover).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use super::{Hits, Opts, Out, Scanner, State, CELL, RAW, SQLITE_MAGIC};
use crate::chromium_crypt;

impl Scanner<'_> {
    // Writes by path only in its own private temporary folder (self.tmp), never in the home.
    #[allow(clippy::disallowed_methods)]
    pub(super) fn scan_sqlite(&self, path: &Path, main: &[u8], o: &mut Out) {
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
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies a database and its sidecars into `to` (a file path).
// `to` is in the scanner's private temporary folder.
#[allow(clippy::disallowed_methods)]
pub(super) fn copy_db(from: &Path, to: &Path) -> std::io::Result<PathBuf> {
    fs::copy(from, to)?;
    for s in ["-wal", "-journal"] {
        let side = sidecar(from, s);
        if side.is_file() {
            fs::copy(&side, sidecar(to, s))?;
        }
    }
    Ok(to.to_path_buf())
}

pub(super) fn is_sqlite_file(path: &Path) -> bool {
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
