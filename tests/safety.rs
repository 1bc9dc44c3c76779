//! Issue 9: a suite that tries to make gomme do harm — links planted where it deletes, folders
//! swapped for links mid-way, mount points, kills at every point of a clean, live browsers,
//! damaged and hostile files, full disks — and checks that nothing outside the home is read to
//! be deleted, changed or removed, that no database is left half-written, and that gomme never
//! panics. Each family is its own test, so the test harness runs them side by side (one per
//! processor); the two that need the machine to themselves (`live` starts browsers and traces
//! them, `crash` kills runs at timed moments) wait for the others, and the others for them.
//! Each prints its figures, `safety[links]: 171 cases, 0 escapes, …`; `scripts/test` adds
//! them up into the closing line, e.g.
//!
//! `safety: 1412 cases, 0 escapes, 0 corruptions, 0 panics, 0 failures`
//!
//! `cargo test --test safety links crash` runs some families only (while working on them).
//! Linux only: it relies on root for tmpfs mounts, chattr and lchown, and on /proc.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]
#![cfg(target_os = "linux")]

mod common;

#[path = "safety/crash.rs"]
mod crash;
#[path = "safety/diskfull.rs"]
mod diskfull;
#[path = "safety/edges.rs"]
mod edges;
#[path = "safety/fuzz.rs"]
mod fuzz;
#[path = "safety/harness.rs"]
mod harness;
#[path = "safety/hostile.rs"]
mod hostile;
#[path = "safety/links.rs"]
mod links;
#[path = "safety/live.rs"]
mod live;
#[path = "safety/mounts.rs"]
mod mounts;
#[path = "safety/races.rs"]
mod races;

use harness::{say, Figures};
use std::sync::RwLock;
use std::time::Instant;

/// Families that need the machine to themselves take it exclusively; the others share it.
static MACHINE: RwLock<()> = RwLock::new(());

/// Runs one family and prints its figures; fails if it found anything.
fn family(name: &'static str, alone: bool, run: fn(&mut Figures)) {
    let _shared;
    let _alone;
    if alone {
        _alone = MACHINE.write().unwrap_or_else(|e| e.into_inner());
    } else {
        _shared = MACHINE.read().unwrap_or_else(|e| e.into_inner());
    }
    if let Err(why) = harness::can_mount() {
        say(format!(
            "safety[{name}]: cannot mount a tmpfs ({why}): no mount point, full disk, nor read \
             detection cases"
        ));
    }
    harness::fixture_profiles_are_in_the_home();
    let start = Instant::now();
    let mut figures = Figures::new(name);
    run(&mut figures);
    say(format!(
        "safety[{}]: {} ({:.1} s)",
        figures.family,
        figures.figures(),
        start.elapsed().as_secs_f64()
    ));
    for note in &figures.notes {
        say(format!("safety[{name}]: not tested: {note}"));
    }
    assert!(figures.is_clean(), "\n{}", figures.details());
}

#[test]
fn links() {
    family("links", false, links::run);
}

#[test]
fn races() {
    family("races", false, races::run);
}

#[test]
fn mounts() {
    family("mounts", false, mounts::run);
}

#[test]
fn hostile() {
    family("hostile", false, hostile::run);
}

#[test]
fn fuzz() {
    family("fuzz", false, fuzz::run);
}

#[test]
fn diskfull() {
    family("diskfull", false, diskfull::run);
}

#[test]
fn edges() {
    family("edges", false, edges::run);
}

#[test]
fn live() {
    family("live", true, live::run);
}

#[test]
fn crash() {
    family("crash", true, crash::run);
}
