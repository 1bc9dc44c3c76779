//! Windows only (issue 8): the real-browser fixture moved into the Windows layout (`AppData`)
//! is found and cleaned to zero markers; Firefox's `parent.lock` and Chromium's `lockfile`,
//! held open the way the browsers hold them, make `clean` skip those profiles with exit 3; a
//! file another program holds without sharing is an error for its profile only; junctions are
//! removed, never followed; read-only and hidden files and files under long paths are removed.
//!
//! Run on Linux under Wine by `scripts/test-windows`, which builds with `--cfg wine`: tests
//! Wine 8 cannot run are marked `cfg_attr(wine, ignore = ...)` with the reason, and run on a
//! real Windows.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]
#![cfg(windows)]
// `cfg(wine)` is set by scripts/test-windows only.

mod common;

use common::{counters, gomme, gomme_json, snapshot, FixtureCopy};
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use trace_scanner::manifest::Manifest;
use trace_scanner::scanner::scan;

const FILE_SHARE_DELETE: u32 = 0x4;
const FILE_FLAG_DELETE_ON_CLOSE: u32 = 0x0400_0000;
const FILE_ATTRIBUTE_READONLY: u32 = 0x1;
const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;

const FIREFOX_ROOT: &str = "AppData/Roaming/Mozilla/Firefox";
const FIREFOX_CACHE: &str = "AppData/Local/Mozilla/Firefox";
const CHROMIUM_ROOT: &str = "AppData/Local/Chromium/User Data";

fn manifest() -> Manifest {
    Manifest::load(common::manifest_path()).unwrap()
}

/// Where the Windows layout puts a profile the manifest names in the Linux layout.
fn windows_path(linux: &str) -> String {
    if let Some(name) = linux.strip_prefix(".mozilla/firefox/") {
        format!("{FIREFOX_ROOT}/Profiles/{name}")
    } else if let Some(name) = linux.strip_prefix(".config/chromium/") {
        format!("{CHROMIUM_ROOT}/{name}")
    } else {
        panic!("not a fixture profile path: {linux}")
    }
}

/// A copy of the fixture home moved into the layout Windows browsers use: Firefox profiles
/// in `AppData\Roaming\Mozilla\Firefox\Profiles` with their cache in `AppData\Local`, Chromium's
/// user data in `AppData\Local\Chromium\User Data` with each profile's cache inside it.
/// Download records name the copy's files the Windows way (`C:\...`, `file:///C:/...`).
fn windows_fixture() -> FixtureCopy {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let ff = home.join(FIREFOX_ROOT);
    fs::create_dir_all(ff.parent().unwrap()).unwrap();
    fs::rename(home.join(".mozilla/firefox"), &ff).unwrap();
    fs::create_dir_all(ff.join("Profiles")).unwrap();
    let mut ini = fs::read_to_string(ff.join("profiles.ini")).unwrap();
    let mut installs = fs::read_to_string(ff.join("installs.ini")).unwrap();
    let listed: Vec<String> = ini
        .lines()
        .filter_map(|l| l.strip_prefix("Path="))
        .map(str::to_owned)
        .collect();
    for name in listed {
        fs::rename(ff.join(&name), ff.join("Profiles").join(&name)).unwrap();
        // Windows Firefox writes relative paths with forward slashes.
        ini = ini.replace(&format!("Path={name}"), &format!("Path=Profiles/{name}"));
        let default = (
            format!("Default={name}"),
            format!("Default=Profiles/{name}"),
        );
        ini = ini.replace(&default.0, &default.1);
        installs = installs.replace(&default.0, &default.1);
        let cache = home.join(".cache/mozilla/firefox").join(&name);
        if cache.is_dir() {
            let to = home.join(FIREFOX_CACHE).join("Profiles").join(&name);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::rename(cache, to).unwrap();
        }
    }
    fs::write(ff.join("profiles.ini"), ini.replace('\n', "\r\n")).unwrap();
    fs::write(ff.join("installs.ini"), installs.replace('\n', "\r\n")).unwrap();

    let user_data = home.join(CHROMIUM_ROOT);
    fs::create_dir_all(user_data.parent().unwrap()).unwrap();
    fs::rename(home.join(".config/chromium"), &user_data).unwrap();
    let chromium_cache = home.join(".cache/chromium");
    if chromium_cache.is_dir() {
        for profile in fs::read_dir(&chromium_cache).unwrap() {
            let profile = profile.unwrap();
            for item in fs::read_dir(profile.path()).unwrap() {
                let item = item.unwrap();
                let to = user_data.join(profile.file_name()).join(item.file_name());
                assert!(!to.exists(), "{} in both places", to.display());
                fs::rename(item.path(), to).unwrap();
            }
        }
    }
    fs::remove_dir_all(home.join(".cache")).unwrap();
    fs::remove_dir(home.join(".mozilla")).unwrap();
    fs::remove_dir(home.join(".config")).unwrap();
    copy
}

/// Each profile `gomme profiles --json` finds: (browser, variant, path relative to the home,
/// lock state), sorted.
fn profiles(home: &Path) -> Vec<(String, String, String, String)> {
    let (json, code) = gomme_json(&["profiles", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{json}");
    let real = dunce::canonicalize(home).unwrap();
    let mut found: Vec<_> = json["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = Path::new(p["path"].as_str().unwrap());
            // Paths as people write them: `C:\Users\…`, not `\\?\C:\Users\…`.
            assert!(
                !p["path"].as_str().unwrap().starts_with(r"\\?\"),
                "{path:?}"
            );
            let rel = path
                .strip_prefix(&real)
                .unwrap_or_else(|_| panic!("{} not under {}", path.display(), real.display()));
            (
                p["browser"].as_str().unwrap().to_owned(),
                p["variant"].as_str().unwrap().to_owned(),
                rel.to_string_lossy().replace('\\', "/"),
                p["lock"]["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

/// Status of each profile in a clean report, by path relative to the home.
fn statuses(home: &Path, report: &serde_json::Value) -> Vec<(String, String)> {
    let real = dunce::canonicalize(home).unwrap();
    let mut out: Vec<_> = report["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = Path::new(p["path"].as_str().unwrap());
            (
                path.strip_prefix(&real)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                p["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Holds `parent.lock` as Windows Firefox does while it runs: read access, no sharing,
/// deleted when closed.
fn hold_like_firefox(path: &Path) -> File {
    fs::write(path, b"").unwrap();
    OpenOptions::new()
        .read(true)
        .share_mode(0)
        .custom_flags(FILE_FLAG_DELETE_ON_CLOSE)
        .open(path)
        .unwrap()
}

/// Holds `lockfile` as Windows Chromium does while it runs: write access, shared for deletion
/// only, deleted when closed.
fn hold_like_chromium(path: &Path) -> File {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .share_mode(FILE_SHARE_DELETE)
        .custom_flags(FILE_FLAG_DELETE_ON_CLOSE)
        .open(path)
        .unwrap()
}

#[test]
fn the_windows_layout_fixture_home_is_found_and_cleaned_to_zero_markers() {
    let copy = windows_fixture();
    let home = copy.home();
    let m = manifest();
    let mut expected: Vec<_> = m
        .profiles
        .iter()
        .map(|p| {
            (
                p.browser.clone(),
                "windows".to_owned(),
                windows_path(&p.path),
                "idle".to_owned(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(profiles(&home), expected);

    let mut before = scan(&home, &m.markers);
    before.set_kept_domains(&[]);
    assert!(
        !before.traces(None).is_empty(),
        "the scanner found nothing before the clean"
    );
    let (plan, code) = gomme_json(&["clean", "-n", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{plan}");
    let (done, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(counters(&done), counters(&plan));

    let mut after = scan(&home, &m.markers);
    after.set_kept_domains(&[]);
    after.assert_clean();
    let out = gomme()
        .args(["audit", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

/// `--syslog` on Windows writes one event per profile to the Event Log (Application, source
/// `gomme`), the audit log's line (counts only); it used to stop with "not supported". Under
/// Wine the events themselves only show in Wine's trace, which `scripts/test-windows` counts.
#[test]
fn syslog_writes_to_the_event_log() {
    let copy = windows_fixture();
    let home = copy.home();
    let out = gomme()
        .args(["clean", "--syslog", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("system log"), "{stderr}");
}

#[test]
fn a_held_parent_lock_makes_clean_skip_that_profile_with_exit_3() {
    let copy = windows_fixture();
    let home = copy.home();
    let usager = common::fixture_profile("firefox", "usager");
    let rel = windows_path(&usager);
    let profile = home.join(&rel);
    // Also a `.parentlock` as Linux Firefox leaves it: a profile that travelled from Linux.
    fs::write(profile.join(".parentlock"), b"").unwrap();
    let lock = hold_like_firefox(&profile.join("parent.lock"));

    let states = profiles(&home);
    for (_, _, path, state) in &states {
        let want = if *path == rel { "running" } else { "idle" };
        assert_eq!(state, want, "{path}");
    }
    let before = snapshot(&profile);
    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 3, "{report}");
    for (path, status) in statuses(&home, &report) {
        let want = if path == rel {
            "skipped-running"
        } else {
            "cleaned"
        };
        assert_eq!(status, want, "{path}");
    }
    assert_eq!(
        snapshot(&profile),
        before,
        "the running profile was touched"
    );
    let out = gomme()
        .args(["clean", "-n", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "firefox is open on profile {}",
            common::fixture_profile_folder("firefox", "usager")
        )),
        "{stderr}"
    );

    // Firefox closes: the lock goes with it, and the profile is cleaned.
    drop(lock);
    assert!(!profile.join("parent.lock").exists());
    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    assert!(report["totals"]["items"].as_u64().unwrap() > 0);
}

#[test]
fn a_held_chromium_lockfile_skips_its_profiles_and_a_leftover_one_does_not() {
    let copy = windows_fixture();
    let home = copy.home();
    let user_data = home.join(CHROMIUM_ROOT);
    let lock = hold_like_chromium(&user_data.join("lockfile"));

    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 3, "{report}");
    let mut skipped = 0;
    for (path, status) in statuses(&home, &report) {
        let running = path.starts_with(CHROMIUM_ROOT);
        skipped += usize::from(running);
        let want = if running {
            "skipped-running"
        } else {
            "cleaned"
        };
        assert_eq!(status, want, "{path}");
    }
    assert_eq!(skipped, 2, "{report}");
    assert_eq!(report["totals"]["skipped"], 2);

    // Closed normally: the lockfile is gone. After a crash it stays, held by nobody.
    drop(lock);
    assert!(!user_data.join("lockfile").exists());
    fs::write(user_data.join("lockfile"), b"").unwrap();
    for (_, _, path, state) in profiles(&home) {
        if path.starts_with(CHROMIUM_ROOT) {
            assert_eq!(state, "stale-lock", "{path}");
        }
    }
    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    for (path, status) in statuses(&home, &report) {
        assert_eq!(status, "cleaned", "{path}");
    }
}

#[test]
fn a_database_another_program_holds_is_an_error_for_its_profile_only() {
    let copy = windows_fixture();
    let home = copy.home();
    let rel = windows_path(".config/chromium/Default");
    // No browser lock, but something (an indexer, a backup tool) holds History unshared.
    let held = OpenOptions::new()
        .read(true)
        .share_mode(0)
        .open(home.join(&rel).join("History"))
        .unwrap();

    for args in [&["clean", "-n"][..], &["clean"]] {
        let out = gomme()
            .args(args)
            .args(["--json", "--home", home.to_str().unwrap()])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(out.status.code(), Some(4), "{args:?}: {stderr}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let done = if args.len() == 2 {
            "planned"
        } else {
            "cleaned"
        };
        for (path, status) in statuses(&home, &report) {
            let want = if path == rel { "error" } else { done };
            assert_eq!(status, want, "{args:?} {path}\n{report}");
        }
    }
    drop(held);
    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
}

/// A minimal Windows Firefox profile with its cache folder; returns (home, cache folder).
fn firefox_with_cache(dir: &Path) -> (PathBuf, PathBuf) {
    let home = dir.join("home");
    let root = home.join(FIREFOX_ROOT);
    fs::create_dir_all(root.join("Profiles/t1.default-release")).unwrap();
    fs::write(
        root.join("profiles.ini"),
        "[Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=Profiles/t1.default-release\r\n",
    )
    .unwrap();
    fs::write(
        root.join("Profiles/t1.default-release/prefs.js"),
        "user_pref(\"browser.startup.homepage\", \"about:blank\");\n",
    )
    .unwrap();
    let cache = home.join(FIREFOX_CACHE).join("Profiles/t1.default-release");
    fs::create_dir_all(cache.join("cache2/entries")).unwrap();
    fs::write(cache.join("cache2/entries/0A1B"), b"cached").unwrap();
    (home, cache)
}

/// Cleans only the cache of `home`: returns the planned and the removed counters.
fn clean_cache(home: &Path) -> (serde_json::Value, serde_json::Value) {
    let home = home.to_str().unwrap();
    let (plan, code) = gomme_json(&["clean", "-n", "--only", "cache", "--home", home]);
    assert_eq!(code, 0, "{plan}");
    let (done, code) = gomme_json(&["clean", "--only", "cache", "--home", home]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(counters(&done), counters(&plan));
    (plan, done)
}

fn attributes(path: &Path) -> u32 {
    fs::symlink_metadata(path).unwrap().file_attributes()
}

#[test]
fn read_only_and_hidden_files_and_folders_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, cache) = firefox_with_cache(tmp.path());
    let entries = cache.join("cache2/entries");
    for name in ["ro", "hidden", "both"] {
        fs::write(entries.join(name), b"x").unwrap();
    }
    // Hidden with attrib.exe (std cannot), then read-only with std, which keeps the others.
    let hide = |path: &Path| {
        let status = std::process::Command::new("attrib")
            .arg("+h")
            .arg(path)
            .status()
            .expect("attrib.exe");
        assert!(status.success());
    };
    let read_only = |path: &Path| {
        let mut perms = fs::metadata(path).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(path, perms).unwrap();
    };
    read_only(&entries.join("ro"));
    hide(&entries.join("hidden"));
    hide(&entries.join("both"));
    read_only(&entries.join("both"));
    assert_ne!(attributes(&entries.join("ro")) & FILE_ATTRIBUTE_READONLY, 0);
    assert_ne!(
        attributes(&entries.join("hidden")) & FILE_ATTRIBUTE_HIDDEN,
        0
    );
    assert_eq!(
        attributes(&entries.join("both")) & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN),
        FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN
    );
    assert!(
        fs::remove_file(entries.join("ro")).is_err(),
        "read-only is not enforced"
    );
    // A read-only folder too.
    read_only(&entries);

    let (_, done) = clean_cache(&home);
    assert_eq!(done["totals"]["items"], 4, "{done}");
    assert!(!cache.join("cache2").exists(), "cache2 is still there");
}

#[test]
fn a_cache_file_under_a_path_longer_than_260_characters_is_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, cache) = firefox_with_cache(tmp.path());
    let mut deep = cache.join("cache2/entries");
    while deep.as_os_str().len() < 400 {
        deep.push("a-rather-long-folder-name-for-a-cache-entry");
    }
    fs::create_dir_all(&deep).unwrap();
    let file = deep.join("0123456789ABCDEF0123456789ABCDEF01234567");
    fs::write(&file, b"long").unwrap();
    assert!(file.as_os_str().len() > 260);

    let (plan, done) = clean_cache(&home);
    assert_eq!(plan["totals"]["items"], 2, "{plan}");
    assert_eq!(done["totals"]["bytes"], 6 + 4, "{done}");
    assert!(!file.exists());
    assert!(!cache.join("cache2").exists());
}

#[test]
#[cfg_attr(
    wine,
    ignore = "Wine 8 cannot create junctions (mklink /J and FSCTL_SET_REPARSE_POINT fail) \
              nor symbolic links (CreateSymbolicLinkW creates nothing)"
)]
fn a_junction_in_a_cache_folder_is_removed_and_its_target_left_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, cache) = firefox_with_cache(tmp.path());
    let outside = tmp.path().join("Documents");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("precious.txt"), b"keep me").unwrap();
    let junction = cache.join("cache2/entries/escape");
    let out = std::process::Command::new("cmd")
        .arg("/c")
        .arg("mklink")
        .arg("/J")
        .arg(&junction)
        .arg(&outside)
        .output()
        .unwrap();
    assert!(
        out.status.success() && attributes(&junction) & FILE_ATTRIBUTE_REPARSE_POINT != 0,
        "mklink /J failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (plan, done) = clean_cache(&home);
    assert_eq!(
        plan["totals"]["items"], 2,
        "the junction and one file: {plan}"
    );
    assert_eq!(done["totals"]["bytes"], 6, "{done}");
    assert!(
        fs::symlink_metadata(&junction).is_err(),
        "the junction stays"
    );
    assert_eq!(fs::read(outside.join("precious.txt")).unwrap(), b"keep me");

    // A junction in place of the cache folder itself is refused, not followed.
    let (home, cache) = firefox_with_cache(&tmp.path().join("second"));
    fs::remove_dir_all(cache.join("cache2")).unwrap();
    let status = std::process::Command::new("cmd")
        .arg("/c")
        .arg("mklink")
        .arg("/J")
        .arg(cache.join("cache2"))
        .arg(&outside)
        .status()
        .unwrap();
    assert!(status.success());
    let out = gomme()
        .args(["clean", "--only", "cache", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(1));
    assert_eq!(fs::read(outside.join("precious.txt")).unwrap(), b"keep me");
    let names: BTreeSet<_> = fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1);
}
