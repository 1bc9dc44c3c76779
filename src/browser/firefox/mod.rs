//! Firefox family (Firefox, ESR, LibreWolf, Waterfox): how its profiles are found and locked,
//! and where each category lives (`rules.rs`, with the special steps in `special.rs`).
//! History follows Firefox's own `History.clear()`: pages that a bookmark or keyword
//! references stay, with their counters reset; everything else the visits explain goes.

mod discover;
pub mod lock;
mod rules;
pub(crate) mod special;

use super::rules::{apply_all, Rule};
use super::Engine;
use crate::discover::context::Context;
use crate::plan::planner::Planner;
use crate::profile::{LockState, Profile, Warning};
use std::path::Path;

pub struct Firefox;

impl Engine for Firefox {
    fn discover(&self, ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<Profile> {
        discover::discover(ctx, warnings)
    }

    fn lock_state(&self, profile: &Path) -> LockState {
        lock::state(profile)
    }

    fn rules(&self) -> &'static [Rule] {
        rules::RULES
    }

    fn plan(&self, p: &mut Planner) {
        apply_all(p, rules::RULES);
    }
}
