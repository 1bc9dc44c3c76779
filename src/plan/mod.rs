//! The plan: per profile, per category, what will go. The dry run prints it; the clean carries
//! out the very same plan and counts what it actually removed.

mod execute;
mod parallel;
pub mod planner;

use parallel::each;
pub use planner::{Action, JsonEdit, Planner, SettingsEdit};

use crate::category::Category;
use crate::deadline::{self, Deadline};
use crate::profile::{Discovery, Profile};

use crate::error::Error;
use crate::fsops::{self, Counts};
use crate::report::{Mode, ProfileReport, Report, Status};
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
    /// Without it, planning reads download records from a copy in memory, or, when the
    /// database has WAL frames (so the clean will rewrite it anyway), from the database
    /// itself, opened as the clean opens it.
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
    /// What counting the plan noticed about its databases (see [`crate::sqlite::Note`]).
    pub fn notes(&self) -> Vec<crate::sqlite::Note> {
        self.actions
            .iter()
            .filter_map(|a| match a {
                Action::Database { note, .. } => note.clone(),
                _ => None,
            })
            .collect()
    }

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
) -> crate::profile::LockState {
    let mut state = profile.lock.clone();
    while state.blocks_cleaning() && Instant::now() < deadline && !deadline::is_near(run) {
        std::thread::sleep(Duration::from_millis(200));
        state = crate::browser::lock_state(profile.browser.family(), &profile.lock_dir);
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
                    if crate::discover::context::is_plain_relative(Path::new(rel)) {
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
        crate::browser::engine(profile.browser.family()).plan(&mut planner);
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
                let mut report = ProfileReport::new(&p.profile, status, counts, &p.errors);
                report.notes = p.notes();
                for note in &report.notes {
                    tracing::warn!(profile = %crate::sanitize::for_terminal(&p.profile.profile), "{note}; a clean would clean it");
                }
                report
            })
            .collect();
        Report::new(Mode::DryRun, profiles)
    }
}

/// What stands for the work a deadline left undone.
const STOPPED: &str = "stopped at the run's deadline (--timeout) before this was done";

/// A cookie domain to keep must be a plain host name.
pub fn valid_domain(domain: &str) -> bool {
    let d = domain.trim_start_matches('.');
    !d.is_empty()
        && d.len() <= 253
        && d.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !d.contains("..")
}
