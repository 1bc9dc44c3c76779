//! The plan: per profile, per category, what will go. The dry run prints it; the clean carries
//! out the very same plan and counts what it actually removed.

use crate::category::Category;
use crate::discover::{Discovery, Profile};
use crate::engine;
use crate::error::Error;
use crate::fsops::{self, Counts};
use crate::report::{Mode, ProfileReport, Report, Status};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What to clean, decided once from the command line or a config file.
#[derive(Debug, Clone)]
pub struct Options {
    pub categories: BTreeSet<Category>,
    /// Cookie domains to keep (subdomains included).
    pub keep_cookies: Vec<String>,
    /// Clean even a profile whose browser seems to be running. Dangerous; for stuck locks.
    pub ignore_locks: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            categories: Category::ALL.into_iter().collect(),
            keep_cookies: Vec::new(),
            ignore_locks: false,
        }
    }
}

/// One step of a plan.
#[derive(Debug, Clone)]
pub enum Action {
    /// Remove a file or a folder tree. `base` is the profile or cache folder it must stay in.
    Remove {
        path: PathBuf,
        base: PathBuf,
        counts: Counts,
    },
}

impl Action {
    pub fn counts(&self) -> Counts {
        match self {
            Action::Remove { counts, .. } => *counts,
        }
    }

    fn execute(&self) -> Result<Counts, Error> {
        match self {
            Action::Remove { path, base, .. } => fsops::remove(path, base),
        }
    }
}

/// Everything one category will remove from one profile.
#[derive(Debug, Clone, Default)]
pub struct CategoryPlan {
    pub actions: Vec<Action>,
}

impl CategoryPlan {
    pub fn counts(&self) -> Counts {
        let mut total = Counts::default();
        for action in &self.actions {
            total += action.counts();
        }
        total
    }
}

#[derive(Debug, Clone)]
pub struct ProfilePlan {
    pub profile: Profile,
    /// Whether the profile is skipped because its browser is running.
    pub skipped: bool,
    pub categories: BTreeMap<Category, CategoryPlan>,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub profiles: Vec<ProfilePlan>,
}

/// Plans the clean of every discovered profile. Nothing is changed on disk.
pub fn plan(discovery: &Discovery, opts: &Options) -> Plan {
    let profiles = discovery
        .profiles
        .iter()
        .map(|profile| plan_profile(profile, opts))
        .collect();
    Plan { profiles }
}

fn plan_profile(profile: &Profile, opts: &Options) -> ProfilePlan {
    let _span = tracing::info_span!("plan", browser = %profile.browser, profile = %profile.profile)
        .entered();
    let mut plan = ProfilePlan {
        profile: profile.clone(),
        skipped: profile.lock.blocks_cleaning() && !opts.ignore_locks,
        categories: BTreeMap::new(),
        errors: Vec::new(),
    };
    if plan.skipped {
        return plan;
    }
    let engine = engine::for_family(profile.browser.family());
    for &category in &opts.categories {
        match engine.plan(profile, category, opts) {
            Ok(Some(cat)) => {
                plan.categories.insert(category, cat);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(%category, "planning failed: {e}");
                plan.errors.push(format!("{category}: {e}"));
            }
        }
    }
    plan
}

impl Plan {
    /// The dry-run report: what the plan would remove.
    pub fn report(&self) -> Report {
        let profiles = self
            .profiles
            .iter()
            .map(|p| {
                let status = if p.skipped {
                    Status::SkippedRunning
                } else if !p.errors.is_empty() {
                    Status::Error
                } else {
                    Status::Planned
                };
                let counts = p
                    .categories
                    .iter()
                    .map(|(c, cp)| (*c, cp.counts()))
                    .collect();
                ProfileReport::new(&p.profile, status, counts, &p.errors)
            })
            .collect();
        Report::new(Mode::DryRun, profiles)
    }

    /// Carries out the plan and reports what was actually removed. A profile whose browser has
    /// started since the plan was made is skipped; a failure in one profile does not stop the
    /// others.
    pub fn execute(&self, opts: &Options) -> Report {
        let profiles = self
            .profiles
            .iter()
            .map(|p| execute_profile(p, opts))
            .collect();
        Report::new(Mode::Clean, profiles)
    }
}

fn execute_profile(plan: &ProfilePlan, opts: &Options) -> ProfileReport {
    let profile = &plan.profile;
    let _span =
        tracing::info_span!("clean", browser = %profile.browser, profile = %profile.profile)
            .entered();
    let now = crate::lock::state(profile.browser.family(), &profile.lock_dir);
    if plan.skipped || (now.blocks_cleaning() && !opts.ignore_locks) {
        if !plan.skipped {
            tracing::warn!("browser started since the plan was made; skipped");
        }
        return ProfileReport::new(profile, Status::SkippedRunning, BTreeMap::new(), &[]);
    }
    let mut errors = plan.errors.clone();
    let mut counts = BTreeMap::new();
    for (&category, cat) in &plan.categories {
        let mut done = Counts::default();
        for action in &cat.actions {
            match action.execute() {
                Ok(c) => done += c,
                Err(e) => {
                    tracing::debug!(%category, "{e}");
                    errors.push(format!("{category}: {e}"));
                }
            }
        }
        tracing::info!(%category, items = done.items, bytes = done.bytes, "cleaned");
        counts.insert(category, done);
    }
    let status = if errors.is_empty() {
        Status::Cleaned
    } else {
        Status::Error
    };
    ProfileReport::new(profile, status, counts, &errors)
}
