//! Cleaning a browser database: every change is one transaction, counted the same way in the
//! dry run (the same statements, on a private copy, rolled back) and in the clean (committed).
//! After the commit nothing of the deleted rows stays readable: `secure_delete` zeroes them,
//! the WAL is checkpointed and truncated, and `VACUUM` drops the free pages.
//!
//! SQLite opens files by path (the database, then its `-wal`, `-shm` and `-journal` when it
//! needs them). gomme checks the way to a database without following any link, opens it with
//! `SQLITE_OPEN_NOFOLLOW`, and on Linux, when running as root, works on it with the file
//! permissions of the profile's owner (`fsops::ActingAs`): a folder swapped for a link during
//! the clean can then lead SQLite nowhere that person could not write to themselves.

use crate::category::Category;
use crate::error::{Error, Result};
use crate::fsops;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One statement of a database clean.
#[derive(Debug, Clone)]
pub struct Step {
    pub category: Category,
    pub sql: Sql,
    /// Whether the rows it changes are counted as removed items (deletes are; counter resets
    /// on kept rows are not).
    pub counted: bool,
    /// Run only if this table exists (browsers add and drop tables across versions).
    pub needs_table: Option<&'static str>,
    /// Every table the statement reads or changes, with the columns of it the statement
    /// names: what the database is probed for before anything is changed (see
    /// [`Uses`]). A test runs each statement on a database made of exactly these.
    pub uses: Vec<Uses>,
}

/// A table a statement uses and the columns of it the statement names (none for a plain
/// `DELETE FROM`). A table of an attached database is named with its schema:
/// `places.moz_places`.
pub type Uses = (&'static str, &'static [&'static str]);

impl Step {
    /// The step, declaring what it uses (see [`Step::uses`]).
    pub fn using(self, uses: &[Uses]) -> Step {
        Step {
            uses: uses.to_vec(),
            ..self
        }
    }
}

/// What a step runs.
#[derive(Debug, Clone)]
pub enum Sql {
    /// One statement.
    One(String),
    /// `DELETE FROM` every table but SQLite's own, `meta` and these, as the database holds
    /// them when the step runs (Chromium's databases that only hold what a person left, whose
    /// tables come and go with versions).
    EmptyAllBut(&'static [&'static str]),
}

/// What a browser database must look like before gomme changes it. Beyond `tables`, what is
/// checked is what the steps use ([`Step::uses`]): a browser update that adds a column, a
/// table or a version number changes nothing for them, one that drops or renames what they
/// use refuses the database, untouched.
#[derive(Debug, Clone)]
pub struct Schema {
    /// Tables that must exist: without them this is not the database gomme knows.
    pub tables: &'static [&'static str],
    /// The schema versions gomme was tested with, where the browser records one: a database
    /// outside them is still cleaned if its probes pass, with a note when it is newer.
    pub version: Option<Version>,
}

/// Where a browser records its schema version, and the range gomme was tested with (the
/// highest is the committed fixture's, made by the browsers named in its manifest).
#[derive(Debug, Clone, Copy)]
pub enum Version {
    /// `PRAGMA user_version` (Firefox).
    UserVersion(i64, i64),
    /// The `version` row of the `meta` table (Chromium). Chromium also records there the
    /// oldest version whose code can still use the database (`last_compatible_version`):
    /// one above the highest tested says code tested with that one cannot, and the database
    /// is refused.
    MetaTable(i64, i64),
}

/// What a clean noticed about a database it cleaned (or, in a dry run, would clean): its
/// schema is newer than any gomme was tested with, and every probe passed. It names the
/// database's file and versions only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Note {
    /// The database's file name (`places.sqlite`, `History`).
    pub database: String,
    /// The schema version it records.
    pub version: i64,
    /// The newest schema version gomme was tested with.
    pub tested: i64,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} is at schema version {}, newer than tested (up to {}), and has everything \
             gomme uses in it",
            self.database, self.version, self.tested
        )
    }
}

/// The statements to run on one database, in order, in one transaction.
#[derive(Debug, Clone)]
pub struct DbClean {
    pub path: PathBuf,
    pub schema: Schema,
    /// Other databases the statements read, attached under a name (`places` for favicons).
    pub attach: Vec<(String, PathBuf)>,
    pub steps: Vec<Step>,
}

mod probe;
mod scratch;

use probe::{check_attached, probe, table_names};

use scratch::scratch_run;
pub use scratch::Scratch;

/// The sidecar files SQLite keeps next to a database.
pub const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

fn sidecar(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl DbClean {
    /// Runs the clean on scratch copies (the dry run) and returns the rows changed per step,
    /// with what it noticed.
    pub fn count(&self, scratch: &mut Scratch) -> Result<Ran> {
        // Refused in the dry run exactly as the clean would refuse it.
        self.check_files(&mut scratch.folders)?;
        scratch_run(self, scratch)
    }

    /// Runs the clean on the database itself, committed and compacted, and returns the rows
    /// changed per step (`None` when there was nothing to change, and so nothing was written),
    /// with what it noticed. `folders` are the open folders of the profile's clean.
    pub fn clean(
        &self,
        folders: &mut fsops::Folders,
        home: &Path,
    ) -> Result<(Option<Vec<u64>>, Option<Note>)> {
        let owner = self.check_files(folders)?;
        if let Some(probe) = self.changes_nothing(home)? {
            // A clean that finds nothing writes nothing: the database is not even opened
            // (opening it would make and remove its `-shm`, changing its folder).
            return Ok((None, probe.note));
        }
        let attach: Vec<_> = self
            .attach
            .iter()
            .map(|(name, other)| (name.clone(), path_value(other)))
            .collect();
        let _acting = fsops::ActingAs::new(owner).map_err(|e| Error::io(&self.path, e))?;
        fsops::point("sqlite-open", &self.path);
        let conn = open_real(&self.path)?;
        let ran = run(&conn, &self.path, &attach, self, Run::Real)?;
        Ok((Some(ran.rows), ran.note))
    }

    /// Checks, before SQLite opens anything, every file it may open for this clean: the
    /// database and those it attaches must be fit to change in place (regular, one name, the
    /// profile's owner's), and so must their sidecars, if there: a FIFO at a `-journal` would
    /// block SQLite's `open`, a hard link would carry the change elsewhere. Says whose they are.
    pub fn check_files(&self, folders: &mut fsops::Folders) -> Result<fsops::Owner> {
        check_database(folders, &self.path).and_then(|owner| {
            for (_, other) in &self.attach {
                check_database(folders, other)?;
            }
            Ok(owner)
        })
    }

    /// Whether this clean would change nothing, when that can be told without touching the
    /// home: the database and those it attaches, read into memory (each with no WAL frames or
    /// journal to go with it, and not too large), run the steps to no change. `None` when it
    /// would change something, or when it cannot be told so cheaply: a WAL with frames means
    /// the browser wrote since the last clean, and its frames must go anyway.
    fn changes_nothing(&self, home: &Path) -> Result<Option<Ran>> {
        let mut probe = Scratch::within(home);
        for db in std::iter::once(&self.path).chain(self.attach.iter().map(|(_, p)| p)) {
            if !probe.load_in_memory(db)? {
                return Ok(None);
            }
        }
        let ran = probe.with(&self.path, &self.attach, |conn| {
            run(conn, &self.path, &[], self, Run::Probe)
        })?;
        Ok(ran.rows.iter().all(|n| *n == 0).then_some(ran))
    }

    /// The categories this clean serves, for messages: `history, downloads`.
    pub fn categories(&self) -> String {
        let mut cats: Vec<&str> = Vec::new();
        for step in &self.steps {
            if !cats.contains(&step.category.id()) {
                cats.push(step.category.id());
            }
        }
        cats.join(", ")
    }
}

/// Each row of `sql`, read by `row`, from the scratch copy of `db`.
pub fn query<T>(
    scratch: &mut Scratch,
    db: &Path,
    sql: &str,
    row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    scratch.with(db, &[], |conn| rows(conn, db, sql, row))
}

/// Each row of `sql`, read by `row`, from `db` as it is, for a clean about to change it: from
/// a copy in memory when one can be made cheaply (so a database with nothing to remove is not
/// opened, and its folder not changed), else from `db` itself (see [`query_in_place`]).
pub fn query_before_clean<T>(
    scratch: &mut Scratch,
    folders: &mut fsops::Folders,
    db: &Path,
    sql: &str,
    row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    if scratch.load_in_memory(db)? {
        return query(scratch, db, sql, row);
    }
    query_in_place(folders, db, sql, row)
}

/// Each row of `sql`, read by `row`, from `db` itself, opened as a clean opens it (no link on
/// the way, as the profile's owner): for a clean about to change it anyway, which then needs
/// no scratch copy.
pub fn query_in_place<T>(
    folders: &mut fsops::Folders,
    db: &Path,
    sql: &str,
    row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let owner = check_database(folders, db)?;
    let _acting = fsops::ActingAs::new(owner).map_err(|e| Error::io(db, e))?;
    let conn = open_real(db)?;
    rows(&conn, db, sql, row)
}

fn rows<T>(
    conn: &Connection,
    db: &Path,
    sql: &str,
    row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let err = |e| Error::Sqlite {
        path: db.into(),
        source: e,
    };
    let mut stmt = conn.prepare(sql).map_err(err)?;
    let rows = stmt
        .query_map([], row)
        .map_err(err)?
        .collect::<rusqlite::Result<Vec<T>>>()
        .map_err(err)?;
    Ok(rows)
}

/// See [`DbClean::check_files`], for one database.
fn check_database(folders: &mut fsops::Folders, db: &Path) -> Result<fsops::Owner> {
    let owner = folders.check_in_place(db)?;
    for suffix in SIDECARS {
        folders.check_sidecar(&sidecar(db, suffix), owner)?;
    }
    Ok(owner)
}

/// Opens a database in a home: never through a link, temporary data (`VACUUM`'s copy) kept in
/// memory rather than in a temporary folder the profile's owner may not be allowed to write.
fn open_real(path: &Path) -> Result<Connection> {
    let conn = open_with(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NOFOLLOW,
    )?;
    conn.pragma_update(None, "temp_store", "MEMORY")
        .map_err(|e| Error::Sqlite {
            path: path.into(),
            source: e,
        })?;
    Ok(conn)
}

fn open_with(path: &Path, flags: OpenFlags) -> Result<Connection> {
    let sql = |e| Error::Sqlite {
        path: path.into(),
        source: e,
    };
    let conn =
        Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(sql)?;
    // A browser that starts meanwhile must make us fail fast, not hang a logoff script.
    conn.busy_timeout(Duration::from_secs(2)).map_err(sql)?;
    Ok(conn)
}

/// Where [`run`] runs the steps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    /// On the database itself: committed, then compacted so that nothing of the deleted rows
    /// stays readable.
    Real,
    /// On a scratch copy: committed there (the dry run; later steps see what earlier ones did).
    Scratch,
    /// On a scratch copy, only to learn whether anything would change: stopped at the first
    /// step that changes a row, and rolled back.
    Probe,
}

/// What running a clean's steps gave: the rows changed per step, and what was noticed.
#[derive(Debug, Clone)]
pub struct Ran {
    pub rows: Vec<u64>,
    pub note: Option<Note>,
}

/// Runs the steps in one transaction (see [`Run`]), once the database passed its probes.
fn run(
    conn: &Connection,
    path: &Path,
    attach: &[(String, rusqlite::types::Value)],
    clean: &DbClean,
    how: Run,
) -> Result<Ran> {
    let real = how == Run::Real;
    let sql = |e| Error::Sqlite {
        path: path.into(),
        source: e,
    };
    if real {
        fsops::point("sqlite-begin", path);
    }
    let tables = table_names(conn).map_err(sql)?;
    for ((name, other), (_, path)) in attach.iter().zip(&clean.attach) {
        conn.execute("ATTACH DATABASE ?1 AS ?2", (other, name))
            .map_err(|e| Error::Sqlite {
                path: path.clone(),
                source: e,
            })?;
    }
    // A damaged attached database is named as itself: it would otherwise fail the first step
    // that reads it, under this database's name (favicons blamed for a broken places).
    if how == Run::Real {
        for (name, other) in &clean.attach {
            check_attached(conn, name, other)?;
        }
    }
    // After attaching: a step's probe may look at an attached table (`places.moz_places`).
    let note = probe(conn, path, &tables, clean)?;
    conn.pragma_update(None, "secure_delete", true)
        .map_err(sql)?;
    let tx =
        rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate).map_err(sql)?;
    let mut rows = Vec::with_capacity(clean.steps.len());
    for step in &clean.steps {
        if step
            .needs_table
            .is_some_and(|t| !tables.iter().any(|have| have == t))
        {
            rows.push(0);
            continue;
        }
        if real {
            fsops::point("sqlite-step", path);
        }
        let changed = match &step.sql {
            Sql::One(statement) => tx.execute(statement, []).map_err(sql)?,
            Sql::EmptyAllBut(keep) => {
                let mut changed = 0;
                for table in tables.iter().filter(|t| {
                    !t.starts_with("sqlite_") && *t != "meta" && !keep.contains(&t.as_str())
                }) {
                    let statement = format!("DELETE FROM \"{}\"", table.replace('"', "\"\""));
                    changed += tx.execute(&statement, []).map_err(sql)?;
                }
                changed
            }
        };
        rows.push(changed as u64);
        if how == Run::Probe && changed > 0 {
            // Dropped: rolled back.
            return Ok(Ran { rows, note });
        }
    }
    if real {
        fsops::point("sqlite-commit", path);
    }
    tx.commit().map_err(sql)?;
    for (name, _) in attach {
        conn.execute("DETACH DATABASE ?1", [name]).map_err(sql)?;
    }
    if !real {
        return Ok(Ran { rows, note });
    }
    // Nothing of the deleted rows may survive in the WAL or in free pages. The WAL is written
    // back and emptied first (the browser's old frames included): `VACUUM` then writes a whole
    // new copy of the database into it, which must not come on top of them on a full disk.
    fsops::point("sqlite-compact", path);
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(sql)?;
    fsops::point("sqlite-vacuum", path);
    conn.execute_batch("VACUUM").map_err(sql)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .map_err(sql)?;
    fsops::point("sqlite-done", path);
    Ok(Ran { rows, note })
}

/// A file name as SQLite takes it: its bytes as they are on Unix (a folder name that is not
/// UTF-8 must still name the same file), UTF-8 elsewhere.
fn path_value(path: &Path) -> rusqlite::types::Value {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        match path.to_str() {
            Some(text) => rusqlite::types::Value::Text(text.to_owned()),
            None => rusqlite::types::Value::Blob(path.as_os_str().as_bytes().to_vec()),
        }
    }
    #[cfg(not(unix))]
    {
        rusqlite::types::Value::Text(path.to_string_lossy().into_owned())
    }
}

/// Quotes a text value for SQL (single quotes doubled).
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clean of `db` whose one step uses `moz_places(id, typed)`, tested up to version 86.
    fn clean(version: Version) -> DbClean {
        DbClean {
            path: PathBuf::from("profile/places.sqlite"),
            schema: Schema {
                tables: &["moz_places"],
                version: Some(version),
            },
            attach: Vec::new(),
            steps: vec![Step {
                category: Category::History,
                sql: Sql::One("UPDATE moz_places SET typed = 0 WHERE id > 0".into()),
                counted: false,
                needs_table: None,
                uses: vec![("moz_places", &["id", "typed"])],
            }],
        }
    }

    fn probed(setup: &str, version: Version) -> Result<Option<Note>> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(setup).unwrap();
        let tables = table_names(&conn).unwrap();
        probe(&conn, Path::new("places.sqlite"), &tables, &clean(version))
    }

    const PLACES: &str =
        "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, typed INTEGER, url TEXT);";
    const META: &str =
        "CREATE TABLE meta (key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);";

    #[test]
    fn a_newer_version_whose_probes_pass_gives_a_note_an_older_one_none() {
        let newer = probed(
            &format!("{PLACES} PRAGMA user_version = 90;"),
            Version::UserVersion(69, 86),
        );
        let note = newer.unwrap().expect("a note");
        assert_eq!(
            (note.database.as_str(), note.version, note.tested),
            ("places.sqlite", 90, 86)
        );
        for v in [86, 68] {
            let setup = format!("{PLACES} PRAGMA user_version = {v};");
            assert!(probed(&setup, Version::UserVersion(69, 86))
                .unwrap()
                .is_none());
        }
    }

    #[test]
    fn a_missing_column_or_table_refuses_and_says_which() {
        let e = probed(
            "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);",
            Version::UserVersion(69, 86),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("its table moz_places has no column typed"),
            "{e}"
        );
        let e = probed("CREATE TABLE other (id);", Version::UserVersion(69, 86))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no table moz_places"), "{e}");
    }

    #[test]
    fn chromium_compatible_versions_past_the_tested_one_refuse() {
        let meta = |version: i64, compatible: i64| {
            format!(
                "{PLACES} {META} INSERT INTO meta VALUES ('version', '{version}'), \
                 ('last_compatible_version', '{compatible}');"
            )
        };
        let tested = Version::MetaTable(66, 70);
        assert_eq!(probed(&meta(75, 16), tested).unwrap().unwrap().version, 75);
        assert!(probed(&meta(70, 70), tested).unwrap().is_none());
        let e = probed(&meta(75, 71), tested).unwrap_err().to_string();
        assert!(e.contains("only code of its version 71 or later"), "{e}");
        // Nothing recorded: the probes decide alone.
        assert!(probed(&format!("{PLACES} {META}"), tested)
            .unwrap()
            .is_none());
        assert!(probed(PLACES, tested).unwrap().is_none());
    }
}
