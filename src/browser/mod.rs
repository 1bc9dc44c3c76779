//! The browsers gomme knows, and what it knows of each family behind one trait: how to find
//! its profiles, whether one is in use, and where each category lives (the family's rule
//! table, `rules.rs`, with code only for the few steps a table cannot say).

pub mod chromium;
#[cfg(test)]
mod declared_uses;
pub mod firefox;
pub mod kind;
pub mod rules;
mod steps;

pub use kind::{Browser, Family, Variant};

use crate::discover::context::Context;
use crate::plan::planner::Planner;
use crate::profile::{LockState, Profile, Warning};
use std::path::Path;

/// One family's knowledge.
pub trait Engine: Sync {
    /// The profiles of the root `ctx` names (its settings files read, its folders looked at).
    fn discover(&self, ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<Profile>;

    /// Whether the browser is using the profile whose lock files are in `lock_dir`, now.
    fn lock_state(&self, lock_dir: &Path) -> LockState;

    /// Where each category lives: the family's rule table, in plan order.
    fn rules(&self) -> &'static [rules::Rule];

    /// Plans every chosen category of one profile into `planner`, reading only. A part that
    /// cannot be planned is reported through `planner.error` and the rest goes on.
    fn plan(&self, planner: &mut Planner);
}

/// The engine of a family.
pub fn engine(family: Family) -> &'static dyn Engine {
    match family {
        Family::Firefox => &firefox::Firefox,
        Family::Chromium => &chromium::Chromium,
    }
}

/// The lock state of a profile's lock folder (see `Profile::lock_dir`), as of now.
pub fn lock_state(family: Family, lock_dir: &Path) -> LockState {
    engine(family).lock_state(lock_dir)
}
