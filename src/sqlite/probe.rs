//! Before a database is changed, in the dry run as in the clean: does it have every table and
//! column the clean's statements use, and may code of the tested version use it? A database
//! newer than tested that passes is cleaned with a note; one that fails is refused as it is.

use super::{DbClean, Note, Version};
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

/// Reads the schema of the database attached as `name` (from `path`), so that an error in
/// it names `path`.
pub(super) fn check_attached(conn: &Connection, name: &str, path: &Path) -> Result<()> {
    let read = format!(
        "SELECT count(*) FROM \"{}\".sqlite_master",
        name.replace('"', "\"\"")
    );
    let tables: i64 = conn
        .query_row(&read, [], |r| r.get(0))
        .map_err(|e| Error::Sqlite {
            path: path.into(),
            source: e,
        })?;
    if tables == 0 {
        return Err(Error::Schema {
            path: path.into(),
            what: "it holds no tables (emptied?)".into(),
        });
    }
    Ok(())
}

pub(super) fn table_names(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let names = stmt.query_map([], |r| r.get(0))?.collect();
    names
}

/// Probes the database for what the clean uses, before anything is changed: the tables the
/// schema names, every table and column each step to run uses, and, for Chromium, whether
/// the database says code tested with gomme's newest version can still use it. The version
/// itself refuses nothing: a newer one whose probes pass gives a [`Note`].
pub(super) fn probe(
    conn: &Connection,
    path: &Path,
    tables: &[String],
    clean: &DbClean,
) -> Result<Option<Note>> {
    let sql = |e| Error::Sqlite {
        path: path.into(),
        source: e,
    };
    let refuse = |what: String| Error::Schema {
        path: path.into(),
        what,
    };
    let has_table = |t: &str| tables.iter().any(|have| have == t);
    if let Some(missing) = clean.schema.tables.iter().find(|t| !has_table(t)) {
        return Err(refuse(format!(
            "it has no table {missing}, which gomme needs"
        )));
    }
    for step in &clean.steps {
        if step.needs_table.is_some_and(|t| !has_table(t)) {
            continue;
        }
        for (table, columns) in &step.uses {
            let (schema, name) = table.split_once('.').unwrap_or(("main", table));
            let have = column_names(conn, schema, name).map_err(sql)?;
            if have.is_empty() {
                return Err(refuse(format!(
                    "it has no table {table}, which gomme needs"
                )));
            }
            if let Some(missing) = columns.iter().find(|c| !have.iter().any(|h| h == *c)) {
                return Err(refuse(format!(
                    "its table {table} has no column {missing}, which gomme needs"
                )));
            }
        }
    }
    let Some(tested) = clean.schema.version else {
        return Ok(None);
    };
    if matches!(tested, Version::MetaTable(..)) && !has_table("meta") {
        // Nothing recorded, nothing to compare: the probes decide alone.
        return Ok(None);
    }
    let (query, high) = match tested {
        Version::UserVersion(_, high) => ("PRAGMA user_version", high),
        Version::MetaTable(_, high) => (
            "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'version'",
            high,
        ),
    };
    // A database that records no version (a `meta` table without the row) has passed every
    // probe: nothing to note.
    let Some(version) = conn
        .query_row(query, [], |r| r.get::<_, Option<i64>>(0))
        .optional()
        .map_err(sql)?
        .flatten()
    else {
        return Ok(None);
    };
    if let Version::MetaTable(..) = tested {
        let compatible: Option<i64> = conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'last_compatible_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql)?;
        if let Some(compatible) = compatible.filter(|c| *c > high) {
            return Err(refuse(format!(
                "it says only code of its version {compatible} or later can use it, and gomme \
                 was tested with version {high}"
            )));
        }
    }
    if version <= high {
        // Older than tested, or tested: every probe passed, nothing to note.
        return Ok(None);
    }
    let note = Note {
        database: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        version,
        tested: high,
    };
    Ok(Some(note))
}

/// The columns of `table` in the database `schema` (hidden and generated ones too); none if
/// there is no such table.
pub(super) fn column_names(
    conn: &Connection,
    schema: &str,
    table: &str,
) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_xinfo(?1, ?2)")?;
    let names = stmt.query_map([table, schema], |r| r.get(0))?.collect();
    names
}
