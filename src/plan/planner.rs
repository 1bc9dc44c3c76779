//! The planner an engine fills in for one profile: files and folders to remove (measured at
//! once), JSON settings edits (counted on a copy in memory) and database cleans (counted when
//! planning ends, on scratch copies, in order).

use super::{Options, ProfilePlan};
use crate::category::Category;
use crate::deadline;
use crate::error::{Error, Result};
use crate::fsops::{self, Counts};
use crate::profile::Profile;
use crate::sqlite::{DbClean, Note, Scratch};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One step of a plan.
#[derive(Debug, Clone)]
pub enum Action {
    /// Remove a file or a folder tree. `base` is the profile or cache folder it must stay in.
    Remove {
        category: Category,
        path: PathBuf,
        base: PathBuf,
        counts: Counts,
    },
    /// Delete rows from a database, one transaction; `rows` is what the dry run counted per
    /// step, `note` what it noticed (a schema newer than tested).
    Database {
        clean: DbClean,
        rows: Vec<u64>,
        note: Option<Note>,
    },
    /// Remove entries from a settings file, keeping every other setting; `counts` is what
    /// the dry run counted.
    EditJson {
        path: PathBuf,
        edit: Arc<dyn SettingsEdit>,
        counts: BTreeMap<Category, u64>,
    },
}

/// An edit of a settings file: its new content, and how many entries each category lost (all
/// zero: nothing to change, nothing written). The dry run applies it to what it read.
pub trait SettingsEdit: std::fmt::Debug + Send + Sync {
    fn apply(&self, path: &Path, bytes: &[u8]) -> Result<(Vec<u8>, BTreeMap<Category, u64>)>;
}

/// An edit of a JSON settings file (Chromium's `Preferences`, `Local State`): `apply` changes
/// the value in place and says how many entries each category lost.
pub trait JsonEdit: std::fmt::Debug + Send + Sync {
    fn apply(&self, json: &mut serde_json::Value) -> BTreeMap<Category, u64>;
}

impl<T: JsonEdit> SettingsEdit for T {
    fn apply(&self, path: &Path, bytes: &[u8]) -> Result<(Vec<u8>, BTreeMap<Category, u64>)> {
        let mut json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| Error::Damaged {
                path: path.into(),
                what: format!("not valid JSON (line {})", e.line()),
            })?;
        let counts = JsonEdit::apply(self, &mut json);
        let bytes = serde_json::to_vec(&json).map_err(|e| Error::io(path, e.into()))?;
        Ok((bytes, counts))
    }
}

/// The largest settings file gomme edits.
const MAX_SETTINGS: u64 = 64 * 1024 * 1024;

/// Applies `edit` to the settings file at `path`; writes it back (atomically) only when
/// `write` and something changed. A file gomme may not change in place (a hard link, another
/// account's) is refused whether or not it would be written, so the dry run says what the
/// clean would. Never read through a link (in any folder on the way), never a FIFO, never
/// more than `MAX_SETTINGS`.
pub(super) fn edit_json(
    folders: &mut fsops::Folders,
    path: &Path,
    edit: &dyn SettingsEdit,
    write: bool,
) -> Result<BTreeMap<Category, u64>> {
    folders.check_in_place(path)?;
    let bytes = folders.read_regular(path, MAX_SETTINGS)?;
    let (edited, counts) = edit.apply(path, &bytes)?;
    if write && counts.values().any(|n| *n > 0) {
        folders.replace_file(path, &edited)?;
    }
    Ok(counts)
}

impl Action {
    pub(super) fn tally(&self, rows: Option<&[u64]>, into: &mut BTreeMap<Category, Counts>) {
        match self {
            Action::Remove {
                category, counts, ..
            } => *into.entry(*category).or_default() += *counts,
            Action::Database {
                clean,
                rows: planned,
                ..
            } => {
                let rows = rows.unwrap_or(planned);
                for (step, n) in clean.steps.iter().zip(rows) {
                    if step.counted {
                        *into.entry(step.category).or_default() += Counts {
                            items: *n,
                            bytes: 0,
                        };
                    }
                }
            }
            Action::EditJson { counts, .. } => {
                for (category, n) in counts {
                    *into.entry(*category).or_default() += Counts {
                        items: *n,
                        bytes: 0,
                    };
                }
            }
        }
    }
}

/// Collects a profile's actions while an engine plans it. Files are measured at once;
/// databases are counted when the planner finishes, on scratch copies, in order.
pub struct Planner<'a> {
    pub profile: &'a Profile,
    pub opts: &'a Options,
    handled: BTreeSet<Category>,
    pub(super) actions: Vec<Action>,
    pub(super) errors: Vec<String>,
    scratch: Scratch,
    folders: fsops::Folders,
    /// Folders resolved by [`Planner::canonical_folder`] (downloads share a few folders).
    canonical: BTreeMap<PathBuf, Option<PathBuf>>,
    /// Folders listed by [`Planner::remove_interrupted_writes`], once each.
    listings: BTreeMap<PathBuf, Arc<Vec<String>>>,
}

impl<'a> Planner<'a> {
    pub(super) fn new(profile: &'a Profile, opts: &'a Options) -> Self {
        Planner {
            profile,
            opts,
            handled: BTreeSet::new(),
            actions: Vec::new(),
            errors: Vec::new(),
            scratch: Scratch::within(&profile.home),
            folders: fsops::Folders::within(&profile.home),
            canonical: BTreeMap::new(),
            listings: BTreeMap::new(),
        }
    }

    /// Whether the category was asked for; if so, it is reported (even when nothing is found).
    pub fn wants(&mut self, category: Category) -> bool {
        let wanted = self.opts.categories.contains(&category);
        if wanted {
            self.handled.insert(category);
        }
        wanted
    }

    /// Records a problem with one part of the profile; planning goes on with the rest.
    pub fn error(&mut self, category: Category, e: &Error) {
        tracing::debug!(%category, "{e}");
        self.errors.push(format!("{category}: {e}"));
    }

    /// Plans the removal of `base/name` if it exists (a file or a whole folder).
    pub fn remove(&mut self, category: Category, base: &Path, name: &str) {
        let path = base.join(name);
        let found = if self.opts.count {
            self.folders.measure(&path)
        } else {
            self.folders.check(&path).map(|()| Counts::default())
        };
        match found {
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
            Ok(counts) => self.actions.push(Action::Remove {
                category,
                path,
                base: base.to_path_buf(),
                counts,
            }),
            Err(Error::Link { path }) => {
                tracing::warn!(
                    path = %crate::sanitize::for_terminal(&path.to_string_lossy()),
                    "is a link; not followed"
                );
            }
            Err(e) => {
                let message = describe(category, &self.profile.path, base, &e);
                self.errors.push(format!("{category}: {message}"));
            }
        }
    }

    /// Plans the removal of what interrupted writes of `base/name` left beside it: the copy a
    /// browser writes first and renames over the file (see [`is_interrupted_write`]). It holds
    /// what the file held, and the browser never reads it again.
    pub fn remove_interrupted_writes(&mut self, category: Category, base: &Path, name: &str) {
        let target = base.join(name);
        let (Some(base), Some(name)) = (target.parent(), target.file_name()) else {
            return;
        };
        let name = name.to_string_lossy();
        let listing = match self.listings.get(base) {
            Some(listing) => listing.clone(),
            None => {
                let listing = Arc::new(self.names_in(base).unwrap_or_default());
                self.listings.insert(base.to_path_buf(), listing.clone());
                listing
            }
        };
        let mut left: Vec<&String> = listing
            .iter()
            .filter(|entry| is_interrupted_write(entry, &name))
            .collect();
        left.sort();
        for entry in left {
            self.remove(category, base, entry);
        }
    }

    /// Plans the removal of every entry of `base` for which `pick` says yes.
    pub fn remove_entries(&mut self, category: Category, base: &Path, pick: impl Fn(&str) -> bool) {
        let mut names = match self.names_in(base) {
            Ok(names) => names,
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return
            }
            Err(e) => return self.error(category, &e),
        };
        names.retain(|n| pick(n));
        names.sort();
        for name in names {
            self.remove(category, base, &name);
        }
    }

    /// The names of the entries of `base`, listed through the file layer.
    fn names_in(&mut self, base: &Path) -> Result<Vec<String>> {
        Ok(self
            .folders
            .list(base)?
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect())
    }

    /// The folder `dir` really is, links resolved (`None` if it is not there), looked up once
    /// per plan: a browser records thousands of downloads in the same few folders.
    pub fn canonical_folder(&mut self, dir: &Path) -> Option<PathBuf> {
        self.canonical
            .entry(dir.to_path_buf())
            .or_insert_with(|| dunce::canonicalize(dir).ok())
            .clone()
    }

    /// Reads the first column of `sql`'s rows from a database, as text (rows without one are
    /// left out), as it is before any planned change (see [`Planner::query_rows`]).
    pub fn query(&mut self, db: &Path, sql: &str) -> Result<Vec<String>> {
        let texts = self.query_rows(db, sql, |r| r.get::<_, Option<String>>(0))?;
        Ok(texts.into_iter().flatten().collect())
    }

    /// Reads `sql`'s rows from a database, each with `row`, as it is before any planned
    /// change: on the scratch copy when the plan is counted (so the home is not touched), on
    /// the database itself for a clean that goes straight on to change it.
    pub fn query_rows<T>(
        &mut self,
        db: &Path,
        sql: &str,
        row: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        if !self.opts.count {
            return crate::sqlite::query_before_clean(
                &mut self.scratch,
                &mut self.folders,
                db,
                sql,
                row,
            );
        }
        crate::sqlite::query(&mut self.scratch, db, sql, row)
    }

    /// Plans an edit of a JSON settings file, counted now on a copy in memory, and the removal
    /// of the copies interrupted writes of it left.
    pub fn edit_json(&mut self, category: Category, path: PathBuf, edit: Arc<dyn SettingsEdit>) {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
            self.remove_interrupted_writes(category, dir, &name.to_string_lossy());
        }
        match edit_json(&mut self.folders, &path, edit.as_ref(), false) {
            Ok(counts) => self.actions.push(Action::EditJson { path, edit, counts }),
            Err(e) => self.error(category, &e),
        }
    }

    /// Plans a database clean; it is counted when planning ends.
    pub fn database(&mut self, clean: DbClean) {
        self.actions.push(Action::Database {
            clean,
            rows: Vec::new(),
            note: None,
        });
    }

    /// Counts the database cleans on scratch copies, in plan order. A database that cannot be
    /// cleaned (damaged, unknown layout) is reported and left out of the plan.
    pub(super) fn finish(mut self, skipped: bool) -> ProfilePlan {
        let mut actions = Vec::with_capacity(self.actions.len());
        let mut unfinished = false;
        for mut action in std::mem::take(&mut self.actions) {
            if let Action::Database { clean, rows, note } = &mut action {
                if !self.opts.count {
                    actions.push(action);
                    continue;
                }
                if deadline::is_near(self.opts.deadline) {
                    unfinished = true;
                    break;
                }
                match clean.count(&mut self.scratch) {
                    Ok(counted) => {
                        *rows = counted.rows;
                        *note = counted.note;
                    }
                    Err(e) => {
                        self.errors.push(format!("{}: {e}", clean.categories()));
                        continue;
                    }
                }
            }
            actions.push(action);
        }
        ProfilePlan {
            profile: self.profile.clone(),
            skipped,
            unfinished,
            categories: self.handled,
            actions,
            errors: self.errors,
        }
    }
}

/// An error message fit for reports and logs. Files of the browser's own folders are named;
/// a person's downloaded files are not (their names are personal data).
pub(super) fn describe(category: Category, profile_dir: &Path, base: &Path, e: &Error) -> String {
    if category == Category::Downloads && !base.starts_with(profile_dir) {
        let why = match e {
            Error::Io { source, .. } => source.to_string(),
            _ => "not removed".into(),
        };
        return format!("a downloaded file could not be removed ({why})");
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_name_a_downloaded_file() {
        let profile = Path::new("/home/u/.mozilla/firefox/p");
        let file = Path::new("/home/u/Downloads/attestation-caf-dupont.pdf");
        let e = Error::io(
            file,
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        let message = describe(Category::Downloads, profile, Path::new("/home/u"), &e);
        assert!(
            !message.contains("dupont") && !message.contains("Downloads"),
            "{message}"
        );
        assert!(message.contains("downloaded file could not be removed"));
        // The browser's own files are named: they say nothing about the person.
        let db = profile.join("places.sqlite");
        let e = Error::io(
            &db,
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert!(describe(Category::History, profile, profile, &e).contains("places.sqlite"));
    }
}

/// Whether `entry`, beside `target` in the same folder, is what an interrupted write of
/// `target` left: the browser writes a new copy first, then renames it over the file, so a
/// crash, a SIGTERM at logoff or a power cut in between leaves the copy.
/// - Chromium's ImportantFileWriter (Preferences, Local State, TransportSecurity, Network
///   Persistent State…): `.<app id>.<target>.<6 letters or digits>`, e.g.
///   `.org.chromium.Chromium.Network Persistent State.EW8Nlc` (Chromium 156 left this one when
///   closed at logoff).
///   On Windows Chromium names its copies `<identifier>.tmp`, the identifier a random UUID:
///   `<target>.<uuid>.tmp` is recognised here, a bare `<uuid>.tmp` by the Chromium rules.
/// - Firefox's JSON stores and IOUtils writes: `<target>.tmp`.
/// - Firefox's atomic output stream (`prefs.js`…), which makes its copy with
///   `nsIFile::CreateUnique` on the target's name: `<stem>-<n>.<extension>`, e.g. `prefs-1.js`.
pub fn is_interrupted_write(entry: &str, target: &str) -> bool {
    if target.is_empty() || entry == target {
        return false;
    }
    if let Some(stem) = entry.strip_suffix(".tmp") {
        if stem == target {
            return true;
        }
        if let Some((named, uuid)) = stem.rsplit_once('.') {
            if named == target && is_uuid(uuid) {
                return true;
            }
        }
    }
    let unique = |n: &str| !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit());
    let created_unique = match target.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => entry
            .strip_suffix(&format!(".{ext}"))
            .and_then(|e| e.strip_prefix(stem))
            .and_then(|e| e.strip_prefix('-'))
            .is_some_and(unique),
        _ => entry
            .strip_prefix(target)
            .and_then(|e| e.strip_prefix('-'))
            .is_some_and(unique),
    };
    if created_unique {
        return true;
    }
    let Some((head, random)) = entry.strip_prefix('.').and_then(|e| e.rsplit_once('.')) else {
        return false;
    };
    random.len() == 6
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
        && head
            .strip_suffix(target)
            .and_then(|app| app.strip_suffix('.'))
            .is_some_and(|app| !app.is_empty() && !app.starts_with('.'))
}

/// Whether `text` is a UUID as Chromium writes it (lowercase, 8-4-4-4-12 hexadecimal digits).
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

#[cfg(test)]
mod interrupted_write_tests {
    use super::is_interrupted_write as left;

    #[test]
    fn the_copies_browsers_write_before_renaming_are_recognised() {
        let chromium = ".org.chromium.Chromium.Network Persistent State.EW8Nlc";
        assert!(left(chromium, "Network Persistent State"));
        assert!(left(".com.google.Chrome.Preferences.a1B2c3", "Preferences"));
        assert!(left(
            ".com.microsoft.Edge.Local State.Zz9Zz9",
            "Local State"
        ));
        assert!(left("logins.json.tmp", "logins.json"));
        assert!(left("prefs-1.js", "prefs.js"));
        assert!(left("prefs-12.js", "prefs.js"));
        assert!(left("TransportSecurity-1", "TransportSecurity"));
        let uuid = "Preferences.3f0c2a9e-1b7d-4c55-9a1e-0d2b6c8e4f11.tmp";
        assert!(left(uuid, "Preferences"));
        assert!(super::is_uuid("3f0c2a9e-1b7d-4c55-9a1e-0d2b6c8e4f11"));
        assert!(!super::is_uuid("3F0C2A9E-1B7D-4C55-9A1E-0D2B6C8E4F11"));
        assert!(!super::is_uuid("3f0c2a9e-1b7d-4c55-9a1e0d2b6c8e4f11"));
    }

    #[test]
    fn look_alikes_are_not() {
        assert!(!left("Preferences", "Preferences"));
        assert!(!left(
            ".org.chromium.Chromium.Bookmarks.EW8Nlc",
            "Preferences"
        ));
        assert!(!left(".Preferences.EW8Nlc", "Preferences"), "no app id");
        assert!(!left(
            ".org.chromium.Chromium.Preferences.EW8Nl",
            "Preferences"
        ));
        assert!(!left(
            ".org.chromium.Chromium.Preferences.EW8N-c",
            "Preferences"
        ));
        assert!(!left("prefs-1.json", "prefs.js"));
        assert!(!left("prefs-x.js", "prefs.js"));
        assert!(!left("prefs-.js", "prefs.js"));
        assert!(!left("prefs-12345.js", "prefs.js"));
        assert!(!left("logins.json.tmp.bak", "logins.json"));
        assert!(!left("Preferences.notauuid.tmp", "Preferences"));
        assert!(!left(
            "Bookmarks.3f0c2a9e-1b7d-4c55-9a1e-0d2b6c8e4f11.tmp",
            "Preferences"
        ));
        assert!(!left("anything.tmp", ""));
    }
}
