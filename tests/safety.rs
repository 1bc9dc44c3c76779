//! Issue 9: a suite that tries to make gomme do harm — links planted where it deletes, folders
//! swapped for links mid-way, mount points, kills at every point of a clean, live browsers,
//! damaged and hostile files, full disks — and checks that nothing outside the home is read to
//! be deleted, changed or removed, that no database is left half-written, and that gomme never
//! panics. One test drives every family in turn (they mount filesystems and start browsers;
//! they are not meant to overlap) and prints each family's figures and then the totals:
//!
//! `safety: 412 cases, 0 escapes, 0 corruptions, 0 panics, 0 failures`
//!
//! `GOMME_SAFETY_ONLY=links,crash` runs some families only (while working on them).
//! Linux only: it relies on root for tmpfs mounts, chattr and lchown, and on /proc.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]
#![cfg(target_os = "linux")]

mod common;
mod support;

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
use std::time::Instant;

type Family = (&'static str, fn(&mut Figures));

const FAMILIES: &[Family] = &[
    ("links", links::run),
    ("races", races::run),
    ("mounts", mounts::run),
    ("hostile", hostile::run),
    ("fuzz", fuzz::run),
    ("diskfull", diskfull::run),
    ("live", live::run),
    ("crash", crash::run),
    ("edges", edges::run),
];

#[test]
fn safety() {
    let only: Option<Vec<String>> = std::env::var("GOMME_SAFETY_ONLY")
        .ok()
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect());
    // Scratch copies (the dry run's, tempfile's) on a tmpfs too: this process runs the
    // pipeline itself in some families.
    let tmp = harness::Area::new("tmp", 2048);
    std::env::set_var("TMPDIR", tmp.path());
    if let Err(why) = harness::can_mount() {
        say(format!(
            "safety: cannot mount a tmpfs ({why}): no mount point, full disk, nor read \
             detection cases"
        ));
    }
    let mut total = Figures::new("total");
    for (name, run) in FAMILIES {
        if only.as_ref().is_some_and(|o| !o.iter().any(|n| n == name)) {
            continue;
        }
        let start = Instant::now();
        let mut figures = Figures::new(name);
        run(&mut figures);
        say(format!(
            "safety[{name}]: {} ({:.1} s)",
            figures.figures(),
            start.elapsed().as_secs_f64()
        ));
        for note in &figures.notes {
            say(format!("safety[{name}]: not tested: {note}"));
        }
        if !figures.is_clean() {
            say(figures.details());
        }
        total.add(&figures);
    }
    for (id, what) in harness::KNOWN {
        if total.known.iter().any(|(k, _)| k == id) {
            say(format!("safety: known {id}: {what}"));
        } else if only.is_none() {
            say(format!(
                "safety: known {id} no longer seen: remove it from KNOWN"
            ));
        }
    }
    say(format!("safety: {}", total.figures()));
    assert!(total.is_clean(), "\n{}", total.details());
}
