//! The plan: per profile, per category, what will go. The dry run prints it; the clean carries
//! out the very same plan and counts what it actually removed.

pub mod build;
mod execute;
mod parallel;
pub mod planner;

pub use planner::{Action, JsonEdit, Planner, SettingsEdit};

use crate::category::Category;
use crate::deadline::Deadline;
use crate::fsops::Counts;
use crate::profile::Profile;
use crate::report::{Mode, ProfileReport, Report, Status};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

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
pub(crate) const STOPPED: &str = "stopped at the run's deadline (--timeout) before this was done";

/// A cookie domain to keep must be a plain host name.
pub fn valid_domain(domain: &str) -> bool {
    let d = domain.trim_start_matches('.');
    !d.is_empty()
        && d.len() <= 253
        && d.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !d.contains("..")
}
