//! Building the plan: each discovered profile, once its browser had its chance to close, is
//! handed to its family's engine, which fills in a [`Planner`]; kiosk accounts' Downloads
//! folders follow. Nothing in the homes is changed.

use super::parallel::each;
use super::{Action, Options, Plan, Planner, ProfilePlan, STOPPED};
use crate::category::Category;
use crate::deadline::{self, Deadline};
use crate::error::Error;
use crate::fsops;
use crate::profile::{Discovery, Profile};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
