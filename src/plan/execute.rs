//! Carrying out a plan: the very actions the dry run reported, in the same order, each
//! checked again as it is done; what was actually removed is counted as it goes.

use super::parallel::each;
use super::planner::{describe, edit_json, Action};
use super::{Options, Plan, ProfilePlan, STOPPED};
use crate::category::Category;
use crate::deadline;
use crate::fsops::{self, Counts};
use crate::profile::Profile;
use crate::report::{Mode, ProfileReport, Report, Status};
use std::collections::BTreeMap;

impl Plan {
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

fn execute_profile(plan: &ProfilePlan, opts: &Options) -> ProfileReport {
    let profile = &plan.profile;
    let _span =
        tracing::info_span!("clean", browser = %profile.browser, profile = %crate::sanitize::for_terminal(&profile.profile))
            .entered();
    if plan.unfinished {
        return ProfileReport::new(profile, Status::Unfinished, BTreeMap::new(), &plan.errors);
    }
    let now = crate::browser::lock_state(profile.browser.family(), &profile.lock_dir);
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
    let mut notes = Vec::new();
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
            Action::Database { rows, note, .. } if opts.count && rows.iter().all(|n| *n == 0) => {
                notes.extend(note.clone());
            }
            Action::Database { clean, .. } => match clean.clean(&mut folders, &profile.home) {
                Ok((Some(rows), note)) => {
                    wrote = true;
                    notes.extend(note);
                    action.tally(Some(&rows), &mut counts)
                }
                Ok((None, note)) => notes.extend(note),
                Err(e) => errors.push(format!("{}: {e}", clean.categories())),
            },
        }
    }
    for (category, done) in &counts {
        tracing::info!(%category, items = done.items, bytes = done.bytes, "cleaned");
    }
    for note in &notes {
        tracing::warn!("{note}; cleaned");
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
    report.notes = notes;
    if let Some(finished) = &opts.finished {
        finished
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(report.clone());
    }
    report
}
