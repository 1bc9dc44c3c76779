//! The plan: per profile, per category, what will go. The dry run prints it; the clean carries
//! out the very same plan and counts what it actually removed.

use crate::category::Category;
use crate::deadline::{self, Deadline};
use crate::discover::{Discovery, Profile};
use crate::engine;
use crate::error::{Error, Result};
use crate::fsops::{self, Counts};
use crate::report::{Mode, ProfileReport, Report, Status};
use crate::sqlite::{DbClean, Scratch};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to clean, decided once from the command line or a config file.
#[derive(Debug, Clone)]
pub struct Options {
    pub categories: BTreeSet<Category>,
    /// Cookie domains to keep (subdomains included), lowercase.
    pub keep_cookies: Vec<String>,
    /// Clean even a profile whose browser seems to be running. Dangerous; for stuck locks.
    pub ignore_locks: bool,
    /// How long to wait, in all, for closing browsers to let go of their profiles.
    pub wait: Duration,
    /// Empty each home's whole Downloads folder (kiosk accounts), not only recorded files.
    pub empty_downloads_folder: bool,
    /// Count what the plan holds while planning: every file below each folder to remove, and
    /// database rows (the same statements, on scratch copies). A report of the plan needs it
    /// (dry run, audit, a confirmation); a clean that only reports what it removed does not:
    /// it counts as it removes, and walks each folder and runs each statement once, not twice.
    pub count: bool,
    /// How many profiles are planned and cleaned at once, each on its own thread (each is
    /// independent: its own folders, databases and owner). 1: one after the other, on the
    /// calling thread.
    pub jobs: usize,
    /// When the run must end: near it, no new profile or step is begun.
    pub deadline: Option<Deadline>,
    /// Where each profile's report goes as soon as its clean is done, for whoever must say
    /// what was done if the run is stopped at its deadline.
    pub finished: Option<Arc<Mutex<Vec<ProfileReport>>>>,
}

/// The number of profiles worth doing at once on this machine: one per processor, at most 4
/// (beyond that the disk, not the processor, sets the pace).
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

impl Default for Options {
    fn default() -> Self {
        Options {
            categories: Category::ALL.into_iter().collect(),
            keep_cookies: Vec::new(),
            ignore_locks: false,
            wait: Duration::ZERO,
            empty_downloads_folder: false,
            count: true,
            jobs: 1,
            deadline: None,
            finished: None,
        }
    }
}

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
    /// step.
    Database { clean: DbClean, rows: Vec<u64> },
    /// Remove entries from a JSON settings file, keeping every other setting; `counts` is
    /// what the dry run counted.
    EditJson {
        path: PathBuf,
        edit: Arc<dyn JsonEdit>,
        counts: BTreeMap<Category, u64>,
    },
}

/// An edit of a JSON settings file (Chromium's `Preferences`). `apply` changes the value in
/// place and says how many entries each category lost; the dry run applies it to a copy.
pub trait JsonEdit: std::fmt::Debug + Send + Sync {
    fn apply(&self, json: &mut serde_json::Value) -> BTreeMap<Category, u64>;
}

/// The largest JSON settings file gomme edits.
const MAX_JSON: u64 = 64 * 1024 * 1024;

fn read_json(folders: &mut fsops::Folders, path: &Path) -> Result<serde_json::Value> {
    // Never through a link (in any folder on the way), never a FIFO, never more than MAX_JSON.
    let bytes = folders.read_regular(path, MAX_JSON)?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Damaged {
        path: path.into(),
        what: format!("not valid JSON (line {})", e.line()),
    })
}

/// Applies `edit` to the JSON file at `path`; writes it back (atomically) only when `write`
/// and something changed. A file gomme may not change in place (a hard link, another
/// account's) is refused whether or not it would be written, so the dry run says what the
/// clean would.
fn edit_json(
    folders: &mut fsops::Folders,
    path: &Path,
    edit: &dyn JsonEdit,
    write: bool,
) -> Result<BTreeMap<Category, u64>> {
    folders.check_in_place(path)?;
    let mut json = read_json(folders, path)?;
    let counts = edit.apply(&mut json);
    if write && counts.values().any(|n| *n > 0) {
        let bytes = serde_json::to_vec(&json).map_err(|e| Error::io(path, e.into()))?;
        folders.replace_file(path, &bytes)?;
    }
    Ok(counts)
}

impl Action {
    fn tally(&self, rows: Option<&[u64]>, into: &mut BTreeMap<Category, Counts>) {
        match self {
            Action::Remove {
                category, counts, ..
            } => *into.entry(*category).or_default() += *counts,
            Action::Database {
                clean,
                rows: planned,
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
    actions: Vec<Action>,
    errors: Vec<String>,
    scratch: Scratch,
    folders: fsops::Folders,
    /// Folders resolved by [`Planner::canonical_folder`] (downloads share a few folders).
    canonical: BTreeMap<PathBuf, Option<PathBuf>>,
}

impl<'a> Planner<'a> {
    fn new(profile: &'a Profile, opts: &'a Options) -> Self {
        Planner {
            profile,
            opts,
            handled: BTreeSet::new(),
            actions: Vec::new(),
            errors: Vec::new(),
            scratch: Scratch::within(&profile.home),
            folders: fsops::Folders::within(&profile.home),
            canonical: BTreeMap::new(),
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

    /// Plans the removal of every entry of `base` for which `pick` says yes.
    pub fn remove_entries(&mut self, category: Category, base: &Path, pick: impl Fn(&str) -> bool) {
        let entries = match self.folders.list(base) {
            Ok(entries) => entries,
            Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                return
            }
            Err(e) => return self.error(category, &e),
        };
        let mut names: Vec<String> = entries
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| pick(n))
            .collect();
        names.sort();
        for name in names {
            self.remove(category, base, &name);
        }
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

    /// Plans an edit of a JSON settings file, counted now on a copy in memory.
    pub fn edit_json(&mut self, category: Category, path: PathBuf, edit: Arc<dyn JsonEdit>) {
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
        });
    }

    /// Counts the database cleans on scratch copies, in plan order. A database that cannot be
    /// cleaned (damaged, unknown layout) is reported and left out of the plan.
    fn finish(mut self, skipped: bool) -> ProfilePlan {
        let mut actions = Vec::with_capacity(self.actions.len());
        let mut unfinished = false;
        for mut action in std::mem::take(&mut self.actions) {
            if let Action::Database { clean, rows } = &mut action {
                if !self.opts.count {
                    actions.push(action);
                    continue;
                }
                if deadline::is_near(self.opts.deadline) {
                    unfinished = true;
                    break;
                }
                match clean.count(&mut self.scratch) {
                    Ok(counted) => *rows = counted,
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
fn describe(category: Category, profile_dir: &Path, base: &Path, e: &Error) -> String {
    if category == Category::Downloads && !base.starts_with(profile_dir) {
        let why = match e {
            Error::Io { source, .. } => source.to_string(),
            _ => "not removed".into(),
        };
        return format!("a downloaded file could not be removed ({why})");
    }
    e.to_string()
}

#[derive(Debug, Clone)]
pub struct ProfilePlan {
    pub profile: Profile,
    /// Whether the profile is skipped because its browser is running.
    pub skipped: bool,
    /// Whether planning stopped at the run's deadline before this profile was fully planned:
    /// it is then neither reported as clean nor cleaned.
    pub unfinished: bool,
    /// The categories this plan covers (reported even when nothing is found).
    pub categories: BTreeSet<Category>,
    pub actions: Vec<Action>,
    pub errors: Vec<String>,
}

impl ProfilePlan {
    /// What the plan will remove, per category.
    pub fn counts(&self) -> BTreeMap<Category, Counts> {
        let mut counts: BTreeMap<Category, Counts> = self
            .categories
            .iter()
            .map(|c| (*c, Counts::default()))
            .collect();
        for action in &self.actions {
            action.tally(None, &mut counts);
        }
        counts
    }
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub profiles: Vec<ProfilePlan>,
}

/// Plans the clean of every discovered profile. Nothing in the homes is changed.
pub fn plan(discovery: &Discovery, opts: &Options) -> Plan {
    plan_with_progress(discovery, opts, &mut |_| {})
}

/// [`plan`], calling `progress` as each profile is taken up (for a progress bar).
pub fn plan_with_progress(
    discovery: &Discovery,
    opts: &Options,
    progress: &mut dyn FnMut(&Profile),
) -> Plan {
    // Waiting for browsers to close ends with the run's own deadline, if that comes first.
    let mut deadline = Instant::now() + opts.wait;
    if let Some(run) = opts.deadline {
        deadline = deadline.min(run.end());
    }
    let mut profiles = each(
        &discovery.profiles,
        opts,
        |profile| profile,
        progress,
        |profile| plan_profile(profile, opts, deadline),
        |profile| ProfilePlan {
            profile: profile.clone(),
            skipped: false,
            unfinished: true,
            categories: BTreeSet::new(),
            actions: Vec::new(),
            errors: vec![STOPPED.to_owned()],
        },
    );
    if opts.empty_downloads_folder && opts.categories.contains(&Category::Downloads) {
        plan_downloads_folders(&mut profiles, opts);
    }
    Plan { profiles }
}

/// The lock state once the browser had its chance to close: polled until `deadline`.
fn settled_lock(
    profile: &Profile,
    deadline: Instant,
    run: Option<Deadline>,
) -> crate::lock::LockState {
    let mut state = profile.lock.clone();
    while state.blocks_cleaning() && Instant::now() < deadline && !deadline::is_near(run) {
        std::thread::sleep(Duration::from_millis(200));
        state = crate::lock::state(profile.browser.family(), &profile.lock_dir);
    }
    state
}

/// The Downloads folder of a home: `XDG_DOWNLOAD_DIR` from `user-dirs.dirs` where set (it is
/// `Téléchargements` on a French desktop), else `Downloads`.
pub fn downloads_folder(home: &Path) -> PathBuf {
    let dirs = home.join(".config/user-dirs.dirs");
    // Not through a link, not a FIFO, not a huge file: the account's owner writes it.
    if let Ok(text) = fsops::read_regular(&dirs, 64 * 1024)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    {
        for line in text.lines() {
            if let Some(value) = line.trim().strip_prefix("XDG_DOWNLOAD_DIR=") {
                let value = value.trim().trim_matches('"');
                if let Some(rel) = value.strip_prefix("$HOME/") {
                    if crate::discover::is_plain_relative(Path::new(rel)) {
                        return home.join(rel);
                    }
                }
            }
        }
    }
    home.join("Downloads")
}

/// Kiosk accounts: each home's whole Downloads folder goes with the first profile of that
/// home that is cleaned (none if every profile is skipped: a browser may be writing there).
fn plan_downloads_folders(profiles: &mut [ProfilePlan], opts: &Options) {
    let mut done: Vec<PathBuf> = Vec::new();
    for plan in profiles.iter_mut().filter(|p| !p.skipped) {
        let home = plan.profile.home.clone();
        if done.contains(&home) {
            continue;
        }
        done.push(home.clone());
        // The folder itself, never where a link there leads (even inside the home: a link
        // from Downloads to the person's documents must not empty them).
        let real = downloads_folder(&home);
        if !fsops::exists(&real) {
            continue;
        }
        if !fsops::is_plain_dir(&real) {
            let e = Error::Link { path: real.clone() };
            plan.errors.push(format!("{}: {e}", Category::Downloads));
            continue;
        }
        // Recorded files inside the folder were planned by the engines already.
        let planned: Vec<PathBuf> = plan
            .actions
            .iter()
            .filter_map(|a| match a {
                Action::Remove { path, .. } => Some(path.clone()),
                _ => None,
            })
            .collect();
        let mut planner = Planner::new(&plan.profile, opts);
        planner.remove_entries(Category::Downloads, &real, |name| {
            !planned.contains(&real.join(name))
        });
        plan.actions.append(&mut planner.actions);
        plan.errors.append(&mut planner.errors);
    }
}

fn plan_profile(profile: &Profile, opts: &Options, deadline: Instant) -> ProfilePlan {
    let _span = tracing::info_span!("plan", browser = %profile.browser, profile = %crate::sanitize::for_terminal(&profile.profile))
        .entered();
    let lock = settled_lock(profile, deadline, opts.deadline);
    let skipped = lock.blocks_cleaning() && !opts.ignore_locks;
    let mut planner = Planner::new(profile, opts);
    if !skipped {
        engine::for_family(profile.browser.family()).plan(&mut planner);
    }
    planner.finish(skipped)
}

impl Plan {
    /// The dry-run report: what the plan would remove.
    pub fn report(&self) -> Report {
        let profiles = self
            .profiles
            .iter()
            .map(|p| {
                let status = if p.unfinished {
                    Status::Unfinished
                } else if p.skipped {
                    Status::SkippedRunning
                } else if !p.errors.is_empty() {
                    Status::Error
                } else {
                    Status::Planned
                };
                let counts = if p.skipped || p.unfinished {
                    BTreeMap::new()
                } else {
                    p.counts()
                };
                ProfileReport::new(&p.profile, status, counts, &p.errors)
            })
            .collect();
        Report::new(Mode::DryRun, profiles)
    }

    /// Carries out the plan and reports what was actually removed. A profile whose browser has
    /// started since the plan was made is skipped; a failure in one profile does not stop the
    /// others.
    pub fn execute(&self, opts: &Options) -> Report {
        self.execute_with_progress(opts, &mut |_| {})
    }

    /// [`Plan::execute`], calling `progress` as each profile is taken up.
    pub fn execute_with_progress(
        &self,
        opts: &Options,
        progress: &mut dyn FnMut(&Profile),
    ) -> Report {
        let profiles = each(
            &self.profiles,
            opts,
            |p| &p.profile,
            progress,
            |p| execute_profile(p, opts),
            |p| {
                ProfileReport::new(
                    &p.profile,
                    Status::Unfinished,
                    BTreeMap::new(),
                    &[STOPPED.to_owned()],
                )
            },
        );
        Report::new(Mode::Clean, profiles)
    }
}

/// `work` done on each of `items`, with up to `jobs` threads, the results in the order of
/// `items`. `progress` is called on the calling thread as each item is taken up.
/// Near the run's deadline no item is begun: `late` says what stands for it.
fn each<I: Sync, T: Send>(
    items: &[I],
    opts: &Options,
    profile_of: impl Fn(&I) -> &Profile,
    progress: &mut dyn FnMut(&Profile),
    work: impl Fn(&I) -> T + Sync,
    late: impl Fn(&I) -> T + Sync,
) -> Vec<T> {
    let jobs = opts.jobs.min(items.len());
    let deadline = opts.deadline;
    let work = |item: &I| {
        if deadline::is_near(deadline) {
            late(item)
        } else {
            work(item)
        }
    };
    if jobs <= 1 {
        return items
            .iter()
            .map(|item| {
                progress(profile_of(item));
                work(item)
            })
            .collect();
    }
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    let next = AtomicUsize::new(0);
    let (taken, taken_rx) = mpsc::channel::<usize>();
    let mut results: Vec<Option<T>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    // A worker's spans and log lines belong to the command that started it.
    let dispatch = tracing::dispatcher::get_default(|d| d.clone());
    let span = tracing::Span::current();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                let (next, taken, work, dispatch, span) =
                    (&next, taken.clone(), &work, &dispatch, &span);
                scope.spawn(move || {
                    tracing::dispatcher::with_default(dispatch, || {
                        let _entered = span.enter();
                        let mut done = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(item) = items.get(i) else { break };
                            let _ = taken.send(i);
                            done.push((i, work(item)));
                        }
                        done
                    })
                })
            })
            .collect();
        drop(taken);
        for i in taken_rx {
            progress(profile_of(&items[i]));
        }
        for worker in workers {
            // A worker that panicked takes the whole command down, as it would on one thread.
            for (i, result) in worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
            {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every item was done"))
        .collect()
}

fn execute_profile(plan: &ProfilePlan, opts: &Options) -> ProfileReport {
    let profile = &plan.profile;
    let _span =
        tracing::info_span!("clean", browser = %profile.browser, profile = %crate::sanitize::for_terminal(&profile.profile))
            .entered();
    if plan.unfinished {
        return ProfileReport::new(profile, Status::Unfinished, BTreeMap::new(), &plan.errors);
    }
    let now = crate::lock::state(profile.browser.family(), &profile.lock_dir);
    if plan.skipped || (now.blocks_cleaning() && !opts.ignore_locks) {
        if !plan.skipped {
            tracing::warn!("browser started since the plan was made; skipped");
        }
        return ProfileReport::new(profile, Status::SkippedRunning, BTreeMap::new(), &[]);
    }
    let mut errors = plan.errors.clone();
    let mut counts: BTreeMap<Category, Counts> = plan
        .categories
        .iter()
        .map(|c| (*c, Counts::default()))
        .collect();
    let mut folders = fsops::Folders::within(&profile.home);
    let mut unfinished = false;
    // Whether anything in the home was changed.
    let mut wrote = false;
    for action in &plan.actions {
        if deadline::is_near(opts.deadline) {
            unfinished = true;
            errors.push(STOPPED.to_owned());
            break;
        }
        match action {
            Action::Remove {
                category,
                path,
                base,
                ..
            } => match folders.remove(path, base) {
                Ok(done) => {
                    wrote |= done.items > 0;
                    *counts.entry(*category).or_default() += done
                }
                Err(e) => errors.push(format!(
                    "{category}: {}",
                    describe(*category, &profile.path, base, &e)
                )),
            },
            Action::EditJson {
                path,
                edit,
                counts: planned,
            } => match edit_json(&mut folders, path, edit.as_ref(), true) {
                Ok(done) => {
                    for (category, n) in done {
                        wrote |= n > 0;
                        *counts.entry(category).or_default() += Counts { items: n, bytes: 0 };
                    }
                }
                Err(e) => {
                    let category = planned.keys().next().map(|c| c.id()).unwrap_or("");
                    errors.push(format!("{category}: {e}"));
                }
            },
            // Counted beforehand to nothing (a plan that was shown): nothing to open.
            Action::Database { rows, .. } if opts.count && rows.iter().all(|n| *n == 0) => {}
            Action::Database { clean, .. } => match clean.clean(&mut folders, &profile.home) {
                Ok(Some(rows)) => {
                    wrote = true;
                    action.tally(Some(&rows), &mut counts)
                }
                Ok(None) => {}
                Err(e) => errors.push(format!("{}: {e}", clean.categories())),
            },
        }
    }
    for (category, done) in &counts {
        tracing::info!(%category, items = done.items, bytes = done.bytes, "cleaned");
    }
    let status = if unfinished {
        Status::Unfinished
    } else if errors.is_empty() {
        Status::Cleaned
    } else {
        Status::Error
    };
    let mut report = ProfileReport::new(profile, status, counts, &errors);
    report.wrote = wrote;
    if let Some(finished) = &opts.finished {
        finished
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(report.clone());
    }
    report
}

/// What stands for the work a deadline left undone.
const STOPPED: &str = "stopped at the run's deadline (--timeout) before this was done";

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
