//! The session clean: what one person made in the account's personal folders since their
//! session started (`gomme session start`, at logon or when a helper begins), and what the
//! desktop recorded of those files. Planned first (reading only), then carried out: the dry
//! run is the plan's report, the clean executes the very same plan.
//!
//! Judged by change and birth times, never by modification time alone (a copy keeps the
//! original's): what existed before the marker and was not changed stays as it was.

pub mod files;
pub mod marker;
mod md5;
pub mod traces;

use crate::error::Error;
use crate::fsops::{Counts, Folders};
use crate::i18n::Lang;
pub use crate::report::session::{SessionReport, FILES, TRACES};
use crate::report::Status;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What a session clean covers (the configuration's `[session]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The personal folders, by id (`desktop`, `documents`, …) or as folders relative to the
    /// home; `None`: all of [`files::IDS`].
    pub folders: Option<Vec<String>>,
}

impl Options {
    /// The session clean asked for by `--session` (`flag`) or the configuration's `[session]`,
    /// if either asks.
    pub fn chosen(flag: bool, config: &crate::config::Session) -> Option<Options> {
        (flag || config.files).then(|| Options {
            folders: config.folders.clone(),
        })
    }
}

/// One thing the plan removes: a file, a link, or a whole folder made during the session.
#[derive(Debug, Clone)]
pub struct Removal {
    pub path: PathBuf,
    /// The folder it lies in, which the removal cannot leave.
    pub base: PathBuf,
    /// What it holds, measured by the walk that removes it.
    pub counts: Counts,
    pub folder: bool,
    /// A link: removed as a link, its target never looked at.
    pub link: bool,
}

impl Removal {
    /// Removes it, through `folders`; says what went.
    fn carry_out(&self, folders: &mut Folders) -> crate::error::Result<Counts> {
        if self.link {
            let gone = folders.remove_file(&self.path)?;
            return Ok(Counts {
                items: u64::from(gone),
                bytes: 0,
            });
        }
        folders.remove(&self.path, &self.base)
    }
}

/// What a session clean removes from personal folders, to tell which traces name them.
#[derive(Debug, Clone, Default)]
pub struct Removed {
    files: BTreeSet<PathBuf>,
    folders: BTreeSet<PathBuf>,
}

impl Removed {
    pub fn new(paths: Vec<(PathBuf, bool)>) -> Removed {
        let mut removed = Removed::default();
        for (path, folder) in paths {
            if folder {
                removed.folders.insert(path);
            } else {
                removed.files.insert(path);
            }
        }
        removed
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.folders.is_empty()
    }

    pub fn files(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter()
    }

    pub fn folders(&self) -> impl Iterator<Item = &PathBuf> {
        self.folders.iter()
    }

    /// Whether `path` is a removed file, a removed folder, or lies in one.
    pub fn names(&self, path: &Path) -> bool {
        self.files.contains(path) || path.ancestors().any(|a| self.folders.contains(a))
    }
}

/// One personal folder's part of the plan.
#[derive(Debug, Clone)]
pub struct FolderPlan {
    pub id: String,
    pub path: PathBuf,
    pub removals: Vec<Removal>,
}

/// The plan for one home.
#[derive(Debug, Clone)]
pub struct HomePlan {
    pub home: PathBuf,
    /// When the session started (the marker's time).
    pub since: SystemTime,
    pub folders: Vec<FolderPlan>,
    pub traces: Vec<traces::Step>,
    removed: Removed,
    /// What could not be looked at or will not be removed, naming no file.
    pub errors: Vec<String>,
}

/// A home with no session marker: nothing may be judged new there.
#[derive(Debug, Clone)]
pub struct NoMarker {
    pub homes: Vec<PathBuf>,
}

/// Plans the session clean of `homes`. A home without a marker makes the whole plan refused
/// (nothing is changed anywhere), unless `all_users` (every account of the computer: one
/// that never logged in has no session to clean), where it is left out and said; so is, then,
/// an account logged in now (another person's session under way: a logoff task's sweep must
/// not empty their Documents). A marker that cannot be read counts as missing.
pub fn plan(
    homes: &[PathBuf],
    opts: &Options,
    all_users: bool,
    lang: Lang,
) -> Result<Vec<HomePlan>, NoMarker> {
    let mut marked = Vec::new();
    let mut missing = Vec::new();
    for home in homes {
        if all_users && marker::logged_in(home) {
            let shown = crate::sanitize::for_terminal(&home.to_string_lossy()).into_owned();
            crate::say!("gomme: {}", lang.session_in_use(&shown));
            continue;
        }
        match marker::read(home) {
            Ok(Some(since)) => marked.push((home.clone(), since)),
            Ok(None) => missing.push(home.clone()),
            Err(e) => {
                crate::say!("gomme: {e}");
                missing.push(home.clone());
            }
        }
    }
    if !missing.is_empty() {
        if !all_users {
            return Err(NoMarker { homes: missing });
        }
        for home in &missing {
            let shown = crate::sanitize::for_terminal(&home.to_string_lossy()).into_owned();
            crate::say!("gomme: {}", lang.session_skipped(&shown));
        }
    }
    Ok(marked
        .into_iter()
        .map(|(home, since)| plan_home(&home, since, opts))
        .collect())
}

/// Plans one home whose session started at `since`.
pub fn plan_home(home: &Path, since: SystemTime, opts: &Options) -> HomePlan {
    let mut folders = Folders::within(home);
    let mut errors = Vec::new();
    let mut plans = Vec::new();
    for (id, path) in files::personal_folders(home, opts.folders.as_deref()) {
        let found = files::plan_folder(&mut folders, &id, &path, since);
        errors.extend(found.errors);
        plans.push(FolderPlan {
            id,
            path,
            removals: found.removals,
        });
    }
    let removed = Removed::new(
        plans
            .iter()
            .flat_map(|f| &f.removals)
            .map(|r| (r.path.clone(), r.folder))
            .collect(),
    );
    let traces = traces::plan(&mut folders, home, &removed, since, &mut errors);
    HomePlan {
        home: home.to_path_buf(),
        since,
        folders: plans,
        traces,
        removed,
        errors,
    }
}

impl HomePlan {
    /// The dry run's report of this plan.
    pub fn report(&self) -> SessionReport {
        let mut r = SessionReport::new(&self.home, Status::Planned);
        for f in &self.folders {
            let mut c = Counts::default();
            for removal in &f.removals {
                c += removal.counts;
            }
            r.add_folder(&f.id, c);
        }
        for step in &self.traces {
            r.add_traces(step.counts());
        }
        r.errors = self.errors.clone();
        r.settle(Status::Planned);
        r
    }

    /// Carries out the plan: the files first, then their traces. Returns what was removed.
    pub fn execute(&self) -> SessionReport {
        let mut r = SessionReport::new(&self.home, Status::Cleaned);
        r.errors = self.errors.clone();
        let mut folders = Folders::within(&self.home);
        for f in &self.folders {
            let mut c = Counts::default();
            for removal in &f.removals {
                match removal.carry_out(&mut folders) {
                    Ok(done) => c += done,
                    Err(e) => r.errors.push(format!(
                        "{}: a file could not be removed ({})",
                        f.id,
                        unnamed(&e)
                    )),
                }
            }
            r.add_folder(&f.id, c);
        }
        for step in &self.traces {
            let done = match step {
                traces::Step::Edit { path, kind, .. } => {
                    traces::execute_edit(&mut folders, path, *kind, &self.removed)
                        .map(|n| Counts { items: n, bytes: 0 })
                }
                traces::Step::Remove(removal) => removal.carry_out(&mut folders),
            };
            match done {
                Ok(c) => r.add_traces(c),
                Err(e) => r
                    .errors
                    .push(format!("desktop traces: not all removed ({})", unnamed(&e))),
            }
        }
        // Cleaned: the next session starts now. After an error the start is kept, so that
        // the next clean tries again what this one could not remove.
        if r.errors.is_empty() {
            if let Err(e) = marker::start(&self.home) {
                r.errors.push(format!(
                    "the session start could not be renewed ({})",
                    unnamed(&e)
                ));
            }
        }
        r.settle(Status::Cleaned);
        r
    }

    /// Leaves to the browsers' plan the files it removes already (a download made during the
    /// session is the `downloads` category's): each is counted once, in the dry run as in the
    /// clean, which removes the browsers' part first. Their traces still go.
    pub fn leave_to(&mut self, browsers: &crate::plan::Plan) {
        for action in browsers.profiles.iter().flat_map(|p| &p.actions) {
            let crate::plan::Action::Remove { path, counts, .. } = action else {
                continue;
            };
            for f in &mut self.folders {
                f.removals.retain(|r| r.path != *path);
                for r in f.removals.iter_mut().filter(|r| r.folder) {
                    if path.starts_with(&r.path) {
                        r.counts.items = r.counts.items.saturating_sub(counts.items);
                        r.counts.bytes = r.counts.bytes.saturating_sub(counts.bytes);
                    }
                }
            }
        }
    }

    /// Every path the plan removes, for the helper at the terminal (never a report or log).
    pub fn names(&self) -> impl Iterator<Item = &Path> {
        self.folders
            .iter()
            .flat_map(|f| &f.removals)
            .map(|r| r.path.as_path())
    }
}

/// An error without the path it carries: a personal file's name is personal data, and
/// reports and logs hold none.
pub fn unnamed(e: &Error) -> String {
    match e {
        Error::Io { source, .. } => source.kind().to_string(),
        Error::Link { .. } => "a link, not followed".to_owned(),
        Error::Outside { .. } => "outside its folder".to_owned(),
        Error::Refused { why, .. } => why.clone(),
        Error::Damaged { what, .. } => what.clone(),
        Error::Sqlite { .. } | Error::Schema { .. } => "a database error".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::i18n::Lang;
    use std::path::Path;

    #[test]
    fn the_configuration_takes_a_session_table_and_refuses_a_wrong_value() {
        let path = Path::new("config.toml");
        let c =
            Config::parse("[session]\nfiles = true\nfolders = [\"documents\"]\n", path).unwrap();
        assert!(c.session.files);
        assert_eq!(c.session.folders, Some(vec!["documents".to_owned()]));
        assert!(!Config::parse("", path).unwrap().session.files);
        let e = Config::parse("[session]\nfiles = 1\n", path).unwrap_err();
        assert!(
            e.say(Lang::En)
                .contains("session.files must be true or false"),
            "{}",
            e.say(Lang::En)
        );
        assert!(Config::parse("[session]\nfile = true\n", path).is_err());
    }

    #[test]
    fn a_removed_folder_names_what_lies_in_it() {
        let removed = super::Removed::new(vec![
            ("/h/Documents/CAF".into(), true),
            ("/h/Documents/carte.pdf".into(), false),
        ]);
        assert!(removed.names(Path::new("/h/Documents/CAF/a/b.pdf")));
        assert!(removed.names(Path::new("/h/Documents/carte.pdf")));
        assert!(!removed.names(Path::new("/h/Documents/CAF2/x")));
        assert!(!removed.names(Path::new("/h/Documents/carte.pdf.bak")));
        assert!(!removed.names(Path::new("/h/Documents")));
    }
}
