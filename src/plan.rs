//! The plan: per profile, per category, what will go. The dry run prints it; the clean carries
//! out the very same plan and counts what it actually removed.

use crate::category::Category;
use crate::discover::{Discovery, Profile};
use crate::engine;
use crate::error::{Error, Result};
use crate::fsops::{self, Counts};
use crate::report::{Mode, ProfileReport, Report, Status};
use crate::sqlite::{DbClean, Scratch};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to clean, decided once from the command line or a config file.
#[derive(Debug, Clone)]
pub struct Options {
    pub categories: BTreeSet<Category>,
    /// Cookie domains to keep (subdomains included), lowercase.
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

fn read_json(path: &Path) -> Result<serde_json::Value> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.file_type().is_symlink() || !meta.is_file() {
        return Err(Error::Link { path: path.into() });
    }
    if meta.len() > MAX_JSON {
        return Err(Error::Damaged {
            path: path.into(),
            what: "far too large".into(),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| Error::Damaged {
        path: path.into(),
        what: format!("not valid JSON (line {})", e.line()),
    })
}

/// Applies `edit` to the JSON file at `path`; writes it back (atomically) only when `write`
/// and something changed.
fn edit_json(path: &Path, edit: &dyn JsonEdit, write: bool) -> Result<BTreeMap<Category, u64>> {
    let mut json = read_json(path)?;
    let counts = edit.apply(&mut json);
    if write && counts.values().any(|n| *n > 0) {
        let bytes = serde_json::to_vec(&json).map_err(|e| Error::io(path, e.into()))?;
        fsops::replace_file(path, &bytes)?;
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
    scratch: Option<Scratch>,
}

impl<'a> Planner<'a> {
    fn new(profile: &'a Profile, opts: &'a Options) -> Self {
        Planner {
            profile,
            opts,
            handled: BTreeSet::new(),
            actions: Vec::new(),
            errors: Vec::new(),
            scratch: None,
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
        if !fsops::exists(&path) {
            return;
        }
        match fsops::measure(&path) {
            Ok(counts) => self.actions.push(Action::Remove {
                category,
                path,
                base: base.to_path_buf(),
                counts,
            }),
            Err(Error::Link { path }) => {
                tracing::warn!(path = %path.display(), "is a link; not followed");
            }
            Err(e) => self.error(category, &e),
        }
    }

    /// Plans the removal of every entry of `base` for which `pick` says yes.
    pub fn remove_entries(&mut self, category: Category, base: &Path, pick: impl Fn(&str) -> bool) {
        let entries = match std::fs::read_dir(base) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(e) => return self.error(category, &Error::io(base, e)),
        };
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| pick(n))
            .collect();
        names.sort();
        for name in names {
            self.remove(category, base, &name);
        }
    }

    /// Reads the first column of `sql`'s rows from a database, as it is before any planned
    /// change (on the scratch copy, so the home is not touched).
    pub fn query(&mut self, db: &Path, sql: &str) -> Result<Vec<String>> {
        if self.scratch.is_none() {
            self.scratch = Some(Scratch::new()?);
        }
        let scratch = self.scratch.as_mut().expect("just made");
        crate::sqlite::query(scratch, db, sql)
    }

    /// Plans an edit of a JSON settings file, counted now on a copy in memory.
    pub fn edit_json(&mut self, category: Category, path: PathBuf, edit: Arc<dyn JsonEdit>) {
        match edit_json(&path, edit.as_ref(), false) {
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
        let mut scratch = self.scratch.take();
        let mut actions = Vec::with_capacity(self.actions.len());
        for mut action in std::mem::take(&mut self.actions) {
            if let Action::Database { clean, rows } = &mut action {
                if scratch.is_none() {
                    match Scratch::new() {
                        Ok(s) => scratch = Some(s),
                        Err(e) => {
                            self.errors.push(e.to_string());
                            continue;
                        }
                    }
                }
                match clean.run(scratch.as_mut()) {
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
            categories: self.handled,
            actions,
            errors: self.errors,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProfilePlan {
    pub profile: Profile,
    /// Whether the profile is skipped because its browser is running.
    pub skipped: bool,
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
    let skipped = profile.lock.blocks_cleaning() && !opts.ignore_locks;
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
                let status = if p.skipped {
                    Status::SkippedRunning
                } else if !p.errors.is_empty() {
                    Status::Error
                } else {
                    Status::Planned
                };
                let counts = if p.skipped {
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
    let mut counts: BTreeMap<Category, Counts> = plan
        .categories
        .iter()
        .map(|c| (*c, Counts::default()))
        .collect();
    for action in &plan.actions {
        match action {
            Action::Remove {
                category,
                path,
                base,
                ..
            } => match fsops::remove(path, base) {
                Ok(done) => *counts.entry(*category).or_default() += done,
                Err(e) => errors.push(format!("{category}: {e}")),
            },
            Action::EditJson {
                path,
                edit,
                counts: planned,
            } => match edit_json(path, edit.as_ref(), true) {
                Ok(done) => {
                    for (category, n) in done {
                        *counts.entry(category).or_default() += Counts { items: n, bytes: 0 };
                    }
                }
                Err(e) => {
                    let category = planned.keys().next().map(|c| c.id()).unwrap_or("");
                    errors.push(format!("{category}: {e}"));
                }
            },
            Action::Database { clean, .. } => match clean.run(None) {
                Ok(rows) => action.tally(Some(&rows), &mut counts),
                Err(e) => errors.push(format!("{}: {e}", clean.categories())),
            },
        }
    }
    for (category, done) in &counts {
        tracing::info!(%category, items = done.items, bytes = done.bytes, "cleaned");
    }
    let status = if errors.is_empty() {
        Status::Cleaned
    } else {
        Status::Error
    };
    ProfileReport::new(profile, status, counts, &errors)
}
