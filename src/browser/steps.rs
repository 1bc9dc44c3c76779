//! Steps the families' rules share: removing a database with its sidecars, the entries of a
//! folder, the files download records name; database steps; the cookies to keep.

use super::Planner;
use crate::category::Category;
use crate::sqlite::{quote, DbClean, Schema, Sql, Step, Version, SIDECARS};
use std::fs;
use std::path::{Path, PathBuf};

/// Plans the removal of a database file together with its WAL, shared-memory and journal
/// files: a leftover WAL would be replayed into a new database.
pub(super) fn remove_database_file(p: &mut Planner, category: Category, base: &Path, name: &str) {
    p.remove(category, base, name);
    for suffix in SIDECARS {
        p.remove(category, base, &format!("{name}{suffix}"));
    }
}

/// Plans the removal of the entries of the folder `base` that `pick` chooses. A `base` that is
/// a link, or is reached through one, is not even listed: its names belong to whatever it
/// leads to.
pub(super) fn remove_entries(
    p: &mut Planner,
    category: Category,
    base: &Path,
    pick: impl Fn(&str) -> bool,
) {
    if crate::fsops::exists(base) && !crate::fsops::is_plain_dir(base) {
        tracing::warn!(
            path = %crate::sanitize::for_terminal(&base.to_string_lossy()),
            "is a link, leads through one or is not a folder; not followed"
        );
        return;
    }
    p.remove_entries(category, base, pick);
}

/// Plans the removal of the downloaded files a browser database records: `sql` reads one
/// recorded location per row, `to_path` turns it into a path. Records that no longer match a
/// file gomme may delete are only counted in the log.
pub(super) fn remove_downloaded_files(
    p: &mut Planner,
    db: &Path,
    sql: &str,
    to_path: fn(&str) -> Option<PathBuf>,
) {
    if !db.is_file() {
        return;
    }
    let recorded = match p.query(db, sql) {
        Ok(recorded) => recorded,
        Err(e) => return p.error(Category::Downloads, &e),
    };
    let mut unmatched = 0;
    for location in recorded {
        let removed = to_path(&location).is_some_and(|path| remove_downloaded_file(p, &path));
        unmatched += usize::from(!removed);
    }
    if unmatched > 0 {
        tracing::info!(
            unmatched,
            "download records name files that are gone, links or outside the home; not deleted"
        );
    }
}

/// Plans the removal of a downloaded file the browser recorded, if it is still a regular file
/// inside the home. Anything else (gone, a link, outside the home) is left alone and only
/// counted in the log: the record no longer matches a file gomme may delete.
fn remove_downloaded_file(p: &mut Planner, recorded: &Path) -> bool {
    let (Some(parent), Some(name)) = (recorded.parent(), recorded.file_name()) else {
        return false;
    };
    let Some(parent) = p.canonical_folder(parent) else {
        return false;
    };
    if !parent.starts_with(&p.profile.home) || parent == p.profile.home {
        return false;
    }
    let path = parent.join(name);
    let is_file = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
    if is_file {
        p.remove(
            Category::Downloads,
            &p.profile.home.clone(),
            &path
                .strip_prefix(&p.profile.home)
                .expect("checked above")
                .to_string_lossy(),
        );
    }
    is_file
}

/// The local path a `file://` URI names, if it is one.
pub(super) fn file_uri_path(uri: &str) -> Option<std::path::PathBuf> {
    url::Url::parse(uri).ok()?.to_file_path().ok()
}

pub(super) fn step(category: Category, sql: impl Into<String>) -> Step {
    Step {
        category,
        sql: Sql::One(sql.into()),
        counted: true,
        needs_table: None,
        uses: Vec::new(),
    }
}

/// A step on a table that only some Firefox versions have.
pub(super) fn step_if(category: Category, table: &'static str, sql: impl Into<String>) -> Step {
    Step {
        needs_table: Some(table),
        ..step(category, sql)
    }
}

/// A step that tidies kept rows (counters, orphans) and is not counted as removed items.
pub(super) fn fixup(category: Category, sql: impl Into<String>) -> Step {
    Step {
        counted: false,
        ..step(category, sql)
    }
}

/// Plans a database clean if the database is there.
pub(super) fn database_if_present(
    p: &mut Planner,
    path: PathBuf,
    tables: &'static [&'static str],
    version: Option<Version>,
    steps: Vec<Step>,
) {
    if path.is_file() && !steps.is_empty() {
        p.database(DbClean {
            path,
            schema: Schema { tables, version },
            attach: Vec::new(),
            steps,
        });
    }
}

/// SQL that is true for a cookie whose `column` (its host) is a kept domain or one of its
/// subdomains. Domains were checked to be plain host names when options were parsed.
pub(super) fn keep_cookies(column: &str, domains: &[String]) -> String {
    if domains.is_empty() {
        return "0".into();
    }
    domains
        .iter()
        .map(|d| {
            let d = d.trim_start_matches('.');
            format!(
                "{column} = {} OR {column} = {} OR {column} LIKE {}",
                quote(d),
                quote(&format!(".{d}")),
                quote(&format!("%.{d}"))
            )
        })
        .collect::<Vec<_>>()
        .join(" OR ")
}
