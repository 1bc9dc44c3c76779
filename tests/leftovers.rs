//! Issue 19: a browser writes a store by writing a new copy and renaming it over the file; a
//! crash, a SIGTERM at logoff or a power cut in between leaves the copy beside the file, with
//! what the file held (Chromium 156 left `.org.chromium.Chromium.Network Persistent
//! State.EW8Nlc`, with a visited site's name, when it was closed at logoff). For every file
//! the rule tables remove and every settings file gomme edits, in both families, each form of
//! such a copy is planted (and, for Chromium, the unnamed `<uuid>.tmp` it writes on Windows);
//! a clean takes them all, and look-alikes stay byte for byte.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{fixture_profile, gomme_json, FixtureCopy};
use gomme::browser::kind::Family;
use gomme::browser::rules::removed_names;
use std::path::Path;

/// The copies an interrupted write of `target` leaves, in each browser's way.
fn copies_of(target: &str) -> Vec<String> {
    let (dir, name) = match target.rsplit_once('/') {
        Some((dir, name)) => (format!("{dir}/"), name),
        None => (String::new(), target),
    };
    let unique = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}-1.{ext}"),
        _ => format!("{name}-1"),
    };
    [
        format!(".org.chromium.Chromium.{name}.EW8Nlc"),
        format!(".com.microsoft.Edge.{name}.a1B2c3"),
        format!("{name}.tmp"),
        format!("{name}.0b6f3c1e-5d2a-4e8b-9c7f-1a2b3c4d5e6f.tmp"),
        unique,
    ]
    .into_iter()
    .map(|copy| format!("{dir}{copy}"))
    .collect()
}

fn plant(profile: &Path, rel: &str, body: &str) {
    let path = profile.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

fn every_copy_goes_and_look_alikes_stay(browser: &str, profile_name: &str, edited: &[&str]) {
    let family = match browser {
        "firefox" => Family::Firefox,
        _ => Family::Chromium,
    };
    let mut targets = removed_names(gomme::browser::engine(family).rules());
    assert!(targets.len() > 10, "{browser}: {targets:?}");
    targets.extend(edited.iter().map(|t| (*t).to_owned()));
    let copy = FixtureCopy::new();
    let home = copy.home();
    let profile = home.join(fixture_profile(browser, profile_name));
    let mut planted = Vec::new();
    for target in &targets {
        for rel in copies_of(target) {
            plant(&profile, &rel, "gmkleftover copy of a store");
            planted.push(rel);
        }
    }
    if browser == "chromium" {
        // On Windows Chromium's copies may have no name but a random one, in the profile's
        // folder and in the user-data folder.
        for rel in [
            "6e1d8a3c-0f2b-4d7e-8a9c-3b5d7f9e1a2c.tmp",
            "../9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.tmp",
        ] {
            plant(&profile, rel, "gmkleftover copy of a store");
            planted.push(rel.to_owned());
        }
    }
    // Copies of what gomme keeps, and names that only look like a copy.
    let decoys = [
        ".org.chromium.Chromium.Bookmarks.EW8Nlc",
        "Bookmarks.tmp",
        "Bookmarks.0b6f3c1e-5d2a-4e8b-9c7f-1a2b3c4d5e6f.tmp",
        // capitals (Chromium writes its UUIDs in lower case); another UUID than the planted
        // copies, as Windows names files case-insensitively
        "7F2E9B4D-1A3C-4E8F-9B0D-4C6E8A0F2B3D.tmp",
        "rapport.tmp",
        ".Preferences.EW8Nlc",
        "prefs-x.js",
        "notes-1.txt",
        "Preferences.tmp.bak",
    ];
    for rel in decoys {
        plant(&profile, rel, "staff");
    }

    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    let left: Vec<&String> = planted
        .iter()
        .filter(|rel| std::fs::symlink_metadata(profile.join(rel)).is_ok())
        .collect();
    assert!(left.is_empty(), "{browser}: copies left: {left:?}");
    for rel in decoys {
        assert_eq!(
            std::fs::read_to_string(profile.join(rel)).ok().as_deref(),
            Some("staff"),
            "{browser}: {rel}"
        );
    }
}

#[test]
fn firefox_copies_of_removed_and_edited_stores_go() {
    every_copy_goes_and_look_alikes_stay("firefox", "default-esr", &["prefs.js"]);
}

#[test]
fn chromium_copies_of_removed_and_edited_stores_go() {
    every_copy_goes_and_look_alikes_stay("chromium", "Default", &["Preferences", "../Local State"]);
}
