//! Issue 3's promises: discovery finds exactly every layout, the dry run changes nothing, the
//! clean removes what the dry run reported with equal counters, usage errors and running
//! browsers get their exit codes.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{counters, gomme, gomme_json, layout, snapshot};
use std::collections::BTreeSet;
use std::path::Path;

fn rel(home: &Path, path: &str) -> String {
    let home = dunce::canonicalize(home).unwrap();
    Path::new(path)
        .strip_prefix(&home)
        .unwrap_or_else(|_| panic!("{path} is not under {}", home.display()))
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn profiles_finds_exactly_every_layout() {
    let lh = layout::build();
    let home = lh.home();
    let (json, code) = gomme_json(&["profiles", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(json["schema"], 1);
    let mut found: Vec<layout::Expected> = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| layout::Expected {
            browser: leak(p["browser"].as_str().unwrap()),
            variant: leak(p["variant"].as_str().unwrap()),
            path: rel(&home, p["path"].as_str().unwrap()),
            state: leak(p["lock"]["state"].as_str().unwrap()),
            listed: p["listed"].as_bool().unwrap(),
            cache_dir: p["cache_dir"].as_str().map(|c| rel(&home, c)),
        })
        .collect();
    found.sort();
    assert_eq!(found, lh.expected);

    // The running ones name the PID that holds them (Unix: the locks record it; Windows' locks
    // are files held open, which name no PID).
    for p in json["profiles"].as_array().unwrap() {
        if cfg!(unix) && p["lock"]["state"] == "running" {
            assert!(p["lock"]["pid"].as_u64().is_some_and(|pid| pid > 0), "{p}");
        }
    }
    // The damaged profiles.ini and the hostile Local State entry are reported, not fatal.
    let warnings: Vec<String> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w["path"].as_str().unwrap().replace('\\', "/"),
                w["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("snap/firefox/common/.mozilla/firefox/profiles.ini")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("Chrome/User Data/Local State") && w.contains("outside")),
        "{warnings:?}"
    );
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// For comparing two builds' dry runs on the same every-layout home (the redesign must not
/// change a byte of it): `GOMME_KEEP_LAYOUT=FILE cargo test --test foundation -- --ignored
/// keep_an_every_layout_home` builds one, keeps it, and writes its path to FILE.
#[test]
#[ignore = "builds an every-layout home and keeps it, for before/after comparisons"]
fn keep_an_every_layout_home() {
    let out = std::env::var_os("GOMME_KEEP_LAYOUT").expect("GOMME_KEEP_LAYOUT=FILE");
    let home = layout::build().keep();
    assert!(home.join(".mozilla/firefox/profiles.ini").is_file());
    std::fs::write(out, home.to_string_lossy().as_bytes()).unwrap();
}

#[test]
fn browser_selection_narrows_discovery() {
    let lh = layout::build();
    let home = lh.home();
    let (json, _) = gomme_json(&[
        "profiles",
        "--home",
        home.to_str().unwrap(),
        "--browser",
        "chromium-family",
    ]);
    let browsers: BTreeSet<&str> = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["browser"].as_str().unwrap())
        .collect();
    assert_eq!(
        browsers,
        ["brave", "chrome", "chromium", "edge"]
            .into_iter()
            .collect()
    );
    let (json, _) = gomme_json(&[
        "profiles",
        "--home",
        home.to_str().unwrap(),
        "--browser",
        "edge",
    ]);
    assert_eq!(json["profiles"].as_array().unwrap().len(), 1);
}

#[test]
fn dry_run_changes_nothing_and_clean_removes_what_it_reported() {
    let lh = layout::build();
    let home = lh.home();
    let home_arg = home.to_str().unwrap();
    let before = snapshot(&home);

    let (plan, code) = gomme_json(&["clean", "--dry-run", "--home", home_arg]);
    assert_eq!(code, 3, "running profiles are skipped: exit 3");
    assert_eq!(plan["mode"], "dry-run");
    assert_eq!(snapshot(&home), before, "the dry run changed the home");
    let planned = counters(&plan);
    assert!(
        plan["totals"]["items"].as_u64().unwrap() > 0,
        "nothing planned: {plan}"
    );
    for p in plan["profiles"].as_array().unwrap() {
        let path = Path::new(p["path"].as_str().unwrap());
        let running = path.to_string_lossy().contains("flat1")
            || path.ends_with("snap/chromium/common/chromium/Default");
        assert_eq!(
            p["status"],
            if running {
                "skipped-running"
            } else {
                "planned"
            },
            "{p}"
        );
    }

    let running_dirs: Vec<_> = ["snap/chromium", ".var/app/org.mozilla.firefox"]
        .iter()
        .map(|d| (home.join(d), snapshot(&home.join(d))))
        .collect();
    let (done, code) = gomme_json(&["clean", "--home", home_arg]);
    assert_eq!(code, 3);
    assert_eq!(done["mode"], "clean");
    assert_eq!(
        counters(&done),
        planned,
        "clean counters differ from the dry run's"
    );
    assert_eq!(done["totals"]["items"], plan["totals"]["items"]);
    assert_eq!(done["totals"]["bytes"], plan["totals"]["bytes"]);
    assert_eq!(done["totals"]["skipped"], 2);
    for (dir, snap) in running_dirs {
        assert_eq!(
            snapshot(&dir),
            snap,
            "a running profile was touched: {}",
            dir.display()
        );
    }

    // What the dry run listed is gone: nothing is left to plan, and what was kept is there.
    let (again, _) = gomme_json(&["clean", "--dry-run", "--home", home_arg]);
    assert_eq!(again["totals"]["items"], 0, "{again}");
    for p in ["Default", "Profile 1"] {
        assert!(home
            .join(".config/chromium")
            .join(p)
            .join("Preferences")
            .is_file());
        assert!(!home
            .join(".config/chromium")
            .join(p)
            .join("Sessions")
            .exists());
    }
    assert!(home
        .join(".mozilla/firefox/rel1.default-esr/prefs.js")
        .is_file());
    assert!(!home
        .join(".cache/mozilla/firefox/rel1.default-esr/cache2")
        .exists());
}

#[test]
fn usage_error_is_clap_rendering_and_exit_2() {
    for args in [
        &["clean", "--only", "bookmarks"][..],
        &["clean", "--browser", "netscape"],
        &["frobnicate"],
        &["profiles", "--dry-run"],
    ] {
        let out = gomme().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        // clap's own rendering: what was wrong, then how to get help.
        assert!(
            stderr.starts_with("error: ") && stderr.contains("--help"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn running_profile_makes_clean_exit_3_and_says_which() {
    let lh = layout::build();
    let home = lh.home();
    let out = gomme()
        .args([
            "clean",
            "--home",
            home.to_str().unwrap(),
            "--browser",
            "firefox",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("firefox is open on profile flat1.default-release")
            && stderr.contains("Close firefox"),
        "{stderr}"
    );
    // In French when the locale is French.
    let out = gomme()
        .env("LANG", "fr_FR.UTF-8")
        .args([
            "clean",
            "-n",
            "--home",
            home.to_str().unwrap(),
            "--browser",
            "firefox",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.starts_with("Simulation : rien n'a été effacé"),
        "{stdout}"
    );
    assert!(
        stderr.contains("Fermez firefox, puis relancez gomme"),
        "{stderr}"
    );
}

#[test]
fn json_report_shape_is_stable() {
    let lh = layout::build();
    let (json, _) = gomme_json(&[
        "clean",
        "-n",
        "--home",
        lh.home().to_str().unwrap(),
        "--only",
        "cache",
    ]);
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["mode", "profiles", "schema", "totals", "warnings"]
            .into_iter()
            .collect()
    );
    // The layout home holds every kind of profile: an empty list would check nothing below.
    let profiles = json["profiles"].as_array().unwrap();
    assert_eq!(
        profiles.len(),
        lh.expected.len(),
        "every profile of the layout home is reported: {json}"
    );
    assert!(json["warnings"].as_array().is_some_and(|w| !w.is_empty()));
    let totals: BTreeSet<&str> = json["totals"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        totals,
        ["bytes", "errors", "items", "profiles", "skipped"]
            .into_iter()
            .collect()
    );
    for p in profiles {
        assert!(
            p["categories"].get("cache").is_some() || p["status"] == "skipped-running",
            "{p}"
        );
        for key in [
            "browser",
            "variant",
            "profile",
            "path",
            "status",
            "categories",
        ] {
            assert!(p.get(key).is_some(), "{key} missing in {p}");
        }
        let cats: Vec<&String> = p["categories"].as_object().unwrap().keys().collect();
        assert!(cats.iter().all(|c| *c == "cache"), "{cats:?}");
    }
}

#[test]
fn audit_exits_5_while_traces_remain_and_0_after_a_clean() {
    let copy = common::FixtureCopy::new();
    let home = copy.home();
    let home_arg = home.to_str().unwrap();
    let (_, code) = gomme_json(&["audit", "--home", home_arg]);
    assert_eq!(code, 5);
    let (_, code) = gomme_json(&["clean", "--home", home_arg]);
    assert_eq!(code, 0);
    let out = gomme()
        .args(["audit", "--home", home_arg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("No trace left to remove."));
}
