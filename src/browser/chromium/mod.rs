//! Chromium family (Chromium, Chrome, Edge, Brave, Vivaldi, Opera): how its profiles are
//! found and locked, and where each category lives (`rules.rs`, with the special steps in
//! `special.rs`). History follows Chrome's own "delete all history": bookmarked URLs stay with
//! their counters reset, every other History table is emptied.

mod discover;
pub mod lock;
mod preferences;
mod rules;
pub(crate) mod special;

use super::rules::{apply_all, Rule};
use super::Engine;
use crate::discover::context::Context;
use crate::plan::planner::Planner;
use crate::profile::{LockState, Profile, Warning};
use std::path::Path;

pub struct Chromium;

impl Engine for Chromium {
    fn discover(&self, ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<Profile> {
        discover::discover(ctx, warnings)
    }

    fn lock_state(&self, user_data: &Path) -> LockState {
        lock::state(user_data)
    }

    fn rules(&self) -> &'static [Rule] {
        rules::RULES
    }

    fn plan(&self, p: &mut Planner) {
        apply_all(p, rules::RULES);
    }
}
