//! Scratch copies of a profile's databases, for the dry run and for the clean's look before it
//! writes: in memory when cheap, else in a private temporary folder, read from the home through
//! descriptors opened without links.

use super::{open_with, path_value, run, sidecar, DbClean, Ran, Run};
use crate::error::{Error, Result};
use crate::fsops;
use rusqlite::{Connection, OpenFlags};
use std::fs;
use std::path::{Path, PathBuf};

/// Scratch copies of a profile's databases for the dry run. The dry run runs the very same
/// statements, in the same order, committed, on these copies: later steps see what earlier
/// ones did (favicons are cleaned against the cleaned history), and the home is not touched,
/// not even an `-shm` file or an mtime.
///
/// A database whose changes are all in the file itself (no WAL frames, no journal: what a
/// clean leaves, and most of what a closed browser leaves) is copied into memory; the others,
/// and the very large, into files in a private temporary folder.
#[derive(Default)]
pub struct Scratch {
    /// Made when the first file copy is.
    dir: Option<tempfile::TempDir>,
    copies: Vec<(PathBuf, Copy)>,
    /// Copies attempted so far, whether they worked or not (each has its own name).
    slots: usize,
    /// The profile's folders, read without following links.
    pub(super) folders: fsops::Folders,
}

/// A scratch copy of a database.
enum Copy {
    File(PathBuf),
    /// A database in memory (SQLite's `memdb`), with the one connection that holds it.
    Memory(Connection),
}

/// The largest database copied into memory rather than to a file.
const MAX_IN_MEMORY: u64 = 16 * 1024 * 1024;

impl Scratch {
    /// Scratch copies of databases of the home `home` (see [`fsops::Folders::within`]).
    pub fn within(home: &Path) -> Self {
        Scratch {
            folders: fsops::Folders::within(home),
            ..Scratch::default()
        }
    }

    /// The scratch copy of `db`, made on first use.
    fn copy_of(&mut self, db: &Path) -> Result<&mut Copy> {
        if let Some(i) = self.copies.iter().position(|(orig, _)| orig == db) {
            return Ok(&mut self.copies[i].1);
        }
        // A fresh name per attempt: a copy that failed (a link, an unreadable file) must not
        // make every later database of the profile fail too.
        let slot = self.slots;
        self.slots += 1;
        let copy = match self.memory_copy(db)? {
            Some(copy) => copy,
            None => {
                if self.dir.is_none() {
                    let dir =
                        tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
                    self.dir = Some(dir);
                }
                let dir = self.dir.as_ref().expect("just made").path();
                let name = db.file_name().unwrap_or_default().to_string_lossy();
                let copy = dir.join(format!("{slot}-{name}"));
                copy_db(&mut self.folders, db, &copy)?;
                Copy::File(copy)
            }
        };
        self.copies.push((db.to_path_buf(), copy));
        Ok(&mut self.copies.last_mut().expect("just pushed").1)
    }

    /// Makes the scratch copy of `db` in memory, if it can be (see [`Scratch::memory_copy`]);
    /// whether it is there.
    pub(super) fn load_in_memory(&mut self, db: &Path) -> Result<bool> {
        if self.copies.iter().any(|(orig, _)| orig == db) {
            return Ok(true);
        }
        match self.memory_copy(db)? {
            Some(copy) => {
                self.copies.push((db.to_path_buf(), copy));
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// `db` read into memory, if it has no WAL frames or journal to go with it and is not
    /// too large.
    fn memory_copy(&mut self, db: &Path) -> Result<Option<Copy>> {
        use std::io::Read;
        let mut file = self.folders.open_regular(db)?;
        let len = file.metadata().map_err(|e| Error::io(db, e))?.len();
        if len > MAX_IN_MEMORY {
            return Ok(None);
        }
        for suffix in ["-wal", "-journal"] {
            if let Some((side, f)) = open_sidecar(&mut self.folders, db, suffix)? {
                if f.metadata().map_err(|e| Error::io(&side, e))?.len() > 0 {
                    return Ok(None);
                }
            }
        }
        let mut bytes = Vec::with_capacity(len as usize);
        (&mut file)
            .take(MAX_IN_MEMORY + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(db, e))?;
        // A WAL-mode database says so in its header (bytes 18 and 19); in memory it has no WAL,
        // and its (empty) WAL has nothing to add.
        if bytes.len() >= 20 && bytes[18] == 2 && bytes[19] == 2 {
            bytes[18] = 1;
            bytes[19] = 1;
        }
        let mut conn = Connection::open_in_memory().map_err(|e| Error::Sqlite {
            path: db.into(),
            source: e,
        })?;
        deserialize(&mut conn, "main", db, &bytes)?;
        Ok(Some(Copy::Memory(conn)))
    }

    /// Runs `f` on a connection to the scratch copy of `db`, with the scratch copies of
    /// `attach` attached (as they are now: a step reads them, it does not change them).
    pub(super) fn with<R>(
        &mut self,
        db: &Path,
        attach: &[(String, PathBuf)],
        f: impl FnOnce(&Connection) -> Result<R>,
    ) -> Result<R> {
        let sql = |e| Error::Sqlite {
            path: db.into(),
            source: e,
        };
        // What each attached copy is now: a file to attach, or an image to load.
        let mut attached = Vec::new();
        for (name, other) in attach {
            attached.push(match self.copy_of(other)? {
                Copy::File(path) => (name, other, Attached::File(path_value(path))),
                Copy::Memory(conn) => (
                    name,
                    other,
                    Attached::Image(
                        conn.serialize("main")
                            .map_err(|e| Error::Sqlite {
                                path: other.clone(),
                                source: e,
                            })?
                            .to_vec(),
                    ),
                ),
            });
        }
        let mut owned = None;
        let conn = match self.copy_of(db)? {
            Copy::Memory(conn) => conn,
            Copy::File(path) => owned.insert(open_scratch_file(path, db)?),
        };
        // Read before anything is attached: a damaged attached database must not be blamed on
        // this one (SQLite reads every attached schema at the first statement).
        conn.query_row("SELECT count(*) FROM main.sqlite_master", [], |_| Ok(()))
            .map_err(sql)?;
        for (name, other, copy) in &attached {
            match copy {
                Attached::File(path) => {
                    conn.execute("ATTACH DATABASE ?1 AS ?2", (path, name))
                        .map_err(|e| Error::Sqlite {
                            path: other.to_path_buf(),
                            source: e,
                        })?;
                }
                Attached::Image(bytes) => {
                    conn.execute("ATTACH DATABASE ':memory:' AS ?1", [name])
                        .map_err(sql)?;
                    deserialize(conn, name, other, bytes)?;
                }
            }
        }
        for (name, other) in attach {
            super::check_attached(conn, name, other)?;
        }
        let out = f(&*conn);
        for (name, _, _) in &attached {
            let _ = conn.execute("DETACH DATABASE ?1", [name]);
        }
        out
    }
}

/// Runs `clean`'s steps on its scratch copies; the rows changed per step.
pub(super) fn scratch_run(clean: &DbClean, scratch: &mut Scratch) -> Result<Ran> {
    scratch.with(&clean.path, &clean.attach, |conn| {
        run(conn, &clean.path, &[], clean, Run::Scratch)
    })
}

/// A scratch copy as another database's step reads it.
enum Attached {
    File(rusqlite::types::Value),
    /// The copy's content, loaded into the connection that attaches it.
    Image(Vec<u8>),
}

/// Opens the file copy at `path` of `db`. It is deleted right after: no need to wait for the
/// disk, to share it (no `-shm` file, no locks) or to write the WAL back into it on close.
fn open_scratch_file(path: &Path, db: &Path) -> Result<Connection> {
    // Errors name the real database, not its scratch copy.
    let conn = open_with(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|e| e.at(db))?;
    let setup = || -> rusqlite::Result<()> {
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")?;
        conn.pragma_update(None, "synchronous", "OFF")?;
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )?;
        Ok(())
    };
    setup().map_err(|e| Error::Sqlite {
        path: db.into(),
        source: e,
    })?;
    Ok(conn)
}

/// Loads the database image `bytes` into the schema `schema` of `conn`.
fn deserialize(conn: &mut Connection, schema: &str, db: &Path, bytes: &[u8]) -> Result<()> {
    // An empty file is an empty database to SQLite; an empty image is refused ("out of
    // memory"). The fresh schema is that empty database already.
    if bytes.is_empty() {
        return Ok(());
    }
    conn.deserialize_read_exact(schema, bytes, bytes.len(), false)
        .map_err(|e| Error::Sqlite {
            path: db.into(),
            source: e,
        })
}

/// Copies a database and its sidecars to `copy`, reading each through a descriptor opened
/// without following any link. A sidecar that is a link is refused, as SQLite would refuse it
/// in the clean.
fn copy_db(folders: &mut fsops::Folders, db: &Path, copy: &Path) -> Result<()> {
    copy_file(&folders.open_regular(db)?, db, copy)?;
    for suffix in ["-wal", "-journal"] {
        if let Some((side, file)) = open_sidecar(folders, db, suffix)? {
            copy_file(&file, &side, &sidecar(copy, suffix))?;
        }
    }
    Ok(())
}

/// The `suffix` sidecar of `db` (its WAL, its journal), opened as the database is (never
/// through a link), if there is one.
pub(super) fn open_sidecar(
    folders: &mut fsops::Folders,
    db: &Path,
    suffix: &str,
) -> Result<Option<(PathBuf, fs::File)>> {
    let side = sidecar(db, suffix);
    match folders.open_regular(&side) {
        Ok(file) => Ok(Some((side, file))),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn copy_file(mut from: &fs::File, path: &Path, to: &Path) -> Result<()> {
    // `to` is in this run's own private temporary folder, not in a home.
    #[allow(clippy::disallowed_methods)]
    let mut out = fs::File::create(to).map_err(|e| Error::io(to, e))?;
    std::io::copy(&mut from, &mut out).map_err(|e| Error::io(path, e))?;
    Ok(())
}
