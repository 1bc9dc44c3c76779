//! Issue 17: verdicts never say "no trace" where gomme did not look, exit codes say what could
//! not be checked, and a clean that finds nothing writes nothing.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{gomme, FixtureCopy};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use trace_scanner::manifest::Manifest;

fn manifest() -> Manifest {
    Manifest::load(common::manifest_path()).unwrap()
}

/// The fixture's profiles of `browser` that the generator planted traces in, by path.
fn planted(browser: &str) -> Vec<String> {
    let m = manifest();
    let mut paths: Vec<String> = m
        .profiles
        .iter()
        .filter(|p| p.browser == browser)
        .map(|p| p.path.clone())
        .filter(|path| m.markers.iter().any(|k| &k.profile == path && !k.keep))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "the manifest lists no {browser} profile");
    paths
}

/// What one run printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = gomme().args(args).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The sentences that claim a clean state, in both languages.
const NO_TRACE: &[&str] = &[
    "No trace left",
    "no trace",
    "Aucune trace",
    "nothing to remove. No",
];

fn says_no_trace(text: &str) -> bool {
    NO_TRACE.iter().any(|s| text.contains(s))
}

/// Runs `command` (`audit`, `clean --dry-run`, `clean --yes`) on `home` in text, French text
/// and JSON; each must exit with `code` and none may claim that no trace is left.
fn never_no_trace(command: &[&str], home: &Path, code: i32, what: &str) {
    let home = home.to_str().unwrap();
    for (lang, json) in [("en", false), ("fr", false), ("en", true)] {
        let mut args: Vec<&str> = command.to_vec();
        args.extend(["--home", home, "--lang", lang]);
        if json {
            args.push("--json");
        }
        let r = run(&args);
        assert_eq!(
            r.code,
            code,
            "{what}: gomme {}: exit {}\n{}{}",
            args.join(" "),
            r.code,
            r.stdout,
            r.stderr
        );
        assert!(
            !says_no_trace(&r.stdout) && !says_no_trace(&r.stderr),
            "{what}: gomme {} claims no trace:\n{}{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        if json {
            let report: serde_json::Value = serde_json::from_str(&r.stdout)
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {}", r.stdout));
            assert!(
                report["warnings"].is_array(),
                "{what}: no warnings: {report}"
            );
            let totals = &report["totals"];
            let unchecked = totals["errors"].as_u64().unwrap_or(0)
                + totals["unread_homes"].as_u64().unwrap_or(0)
                + totals["skipped"].as_u64().unwrap_or(0);
            assert!(
                unchecked > 0,
                "{what}: the JSON does not say that something could not be checked: {report}"
            );
        }
    }
}

#[test]
fn a_missing_home_or_a_file_as_home_is_an_error_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("typo");
    let file = tmp.path().join("a-file");
    fs::write(&file, b"not a home").unwrap();
    for home in [&missing, &file] {
        for command in [&["audit"][..], &["clean", "--dry-run"], &["clean", "--yes"]] {
            never_no_trace(command, home, 1, "a home that is not one");
        }
        let (json, code) = common::gomme_json(&["audit", "--home", home.to_str().unwrap()]);
        assert_eq!(code, 1);
        assert_eq!(json["totals"]["unread_homes"], 1, "{json}");
        assert_eq!(
            json["warnings"][0]["path"].as_str(),
            home.to_str(),
            "the JSON names the home: {json}"
        );
        let r = run(&["profiles", "--home", home.to_str().unwrap()]);
        assert_eq!(r.code, 1, "profiles: {}{}", r.stdout, r.stderr);
    }
    // One good home beside a bad one: the good one is done, the run says what was not.
    let copy = FixtureCopy::new();
    let good = copy.home();
    let r = run(&[
        "audit",
        "--home",
        good.to_str().unwrap(),
        "--home",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("typo"), "{}", r.stderr);
}

/// A home as another account owns it, and a way to run gomme as that account: as root, with
/// `setpriv` as `nobody`; otherwise as ourselves (the owner already).
#[cfg(unix)]
struct OwnedHome {
    _dir: tempfile::TempDir,
    home: PathBuf,
    as_owner: Vec<String>,
}

#[cfg(unix)]
fn owned_home() -> OwnedHome {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    common::copy_tree(&common::fixture_home(), &home);
    common::relocate_downloads(&home);
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut as_owner = Vec::new();
    if root {
        for e in walkdir::WalkDir::new(&home) {
            std::os::unix::fs::lchown(e.unwrap().path(), Some(65534), Some(65534)).unwrap();
        }
        as_owner = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
        ]
        .map(String::from)
        .to_vec();
    }
    OwnedHome {
        _dir: dir,
        home,
        as_owner,
    }
}

#[cfg(unix)]
impl OwnedHome {
    /// Runs the gomme binary as the home's owner.
    fn gomme(&self, args: &[&str]) -> Run {
        let exe = assert_cmd::cargo::cargo_bin("gomme");
        let mut cmd = match self.as_owner.split_first() {
            Some((first, rest)) => {
                let mut c = std::process::Command::new(first);
                c.args(rest).arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let home = self.home.to_str().unwrap();
        cmd.args(args)
            .args(["--home", home])
            .env("LANG", "C.UTF-8")
            .env("GOMME_CONFIG", "none")
            .env_remove("LC_ALL")
            .env_remove("GOMME_LANG");
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[cfg(unix)]
#[test]
fn an_unreadable_database_after_a_clean_is_not_called_clean() {
    use std::os::unix::fs::PermissionsExt;
    let owned = owned_home();
    let r = owned.gomme(&["clean", "--yes"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let places = owned
        .home
        .join(&planted("firefox")[0])
        .join("places.sqlite");
    assert!(places.is_file());
    fs::set_permissions(&places, fs::Permissions::from_mode(0o000)).unwrap();
    for (args, lang) in [
        (&["audit"][..], "en"),
        (&["audit"][..], "fr"),
        (&["clean", "--dry-run"][..], "en"),
    ] {
        let mut args = args.to_vec();
        args.extend(["--lang", lang]);
        let r = owned.gomme(&args);
        assert_eq!(r.code, 4, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(
            !says_no_trace(&r.stdout) && !says_no_trace(&r.stderr),
            "{args:?} claims no trace:\n{}{}",
            r.stdout,
            r.stderr
        );
        assert!(
            !r.stderr.contains("could not be fully cleaned")
                && !r.stderr.contains("n'a pas pu être entièrement nettoyé"),
            "{args:?}: a check that speaks of cleaning: {}",
            r.stderr
        );
    }
    let mut json_args = vec!["audit", "--json"];
    json_args.push("--lang");
    json_args.push("en");
    let r = owned.gomme(&json_args);
    assert_eq!(r.code, 4);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        report["totals"]["errors"].as_u64().unwrap() >= 1,
        "{report}"
    );
}

#[test]
fn damaged_settings_after_a_clean_are_not_called_clean() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let r = run(&["clean", "--yes", "--home", home.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let prefs = home.join(&planted("chromium")[0]).join("Preferences");
    assert!(prefs.is_file());
    fs::write(&prefs, b"{\"profile\": {\"exit_type\": ").unwrap();
    never_no_trace(&["audit"], &home, 4, "damaged Preferences");
    never_no_trace(&["clean", "--dry-run"], &home, 4, "damaged Preferences");
}

#[test]
fn a_chromium_profile_without_preferences_is_found_and_cleaned() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let profile = planted("chromium")[0].clone();
    fs::remove_file(home.join(&profile).join("Preferences")).unwrap();
    let (list, code) = common::gomme_json(&["profiles", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0);
    let found: Vec<String> = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap().to_owned())
        .collect();
    let real = dunce::canonicalize(home.join(&profile)).unwrap();
    assert!(
        found.iter().any(|p| Path::new(p) == real),
        "{profile} is not found without its Preferences: {found:?}"
    );
    let before = trace_scanner::scanner::scan(&home, &manifest().markers);
    let left_before: Vec<_> = before
        .traces(None)
        .into_iter()
        .filter(|m| m.profile == profile)
        .collect();
    assert!(
        !left_before.is_empty(),
        "the profile holds no trace to begin with"
    );
    let r = run(&["clean", "--yes", "--home", home.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mut after = trace_scanner::scanner::scan(&home, &manifest().markers);
    after.set_kept_domains(&[]);
    let left: Vec<String> = after
        .traces(None)
        .into_iter()
        .filter(|m| m.profile == profile)
        .map(|m| format!("{} {}", m.category, m.token))
        .collect();
    assert!(left.is_empty(), "traces left in {profile}: {left:?}");
}

#[test]
fn a_profile_listed_but_missing_is_a_warning() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let profile = planted("chromium")[0].clone();
    let user_data = home.join(&profile).parent().unwrap().to_path_buf();
    fs::rename(home.join(&profile), user_data.join("moved-away")).unwrap();
    let (list, _) = common::gomme_json(&["profiles", "--home", home.to_str().unwrap()]);
    let warned = list["warnings"].as_array().unwrap().iter().any(|w| {
        w["path"]
            .as_str()
            .is_some_and(|p| Path::new(p).ends_with(Path::new(&profile)))
            && w["message"].as_str().unwrap().contains("missing")
    });
    assert!(warned, "no warning for the missing listed profile: {list}");
}

#[test]
fn contradictory_selections_are_usage_errors_naming_both_flags() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let home = home.to_str().unwrap();
    for command in [&["audit"][..], &["clean", "--dry-run"], &["clean", "--yes"]] {
        for (only, skip) in [
            ("cookies", "cookies"),
            ("cookies,history", "history,cookies"),
        ] {
            let mut args = command.to_vec();
            args.extend(["--home", home, "--only", only, "--skip", skip]);
            let r = run(&args);
            assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
            assert!(
                r.stderr.contains("--only") && r.stderr.contains("--skip"),
                "{args:?}: {}",
                r.stderr
            );
            assert!(!says_no_trace(&r.stdout), "{}", r.stdout);
        }
    }
}

/// Every file and folder under `root`: content and modification time.
fn state(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.path().symlink_metadata().unwrap();
            let content = if meta.is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.path().to_path_buf(), (content, meta.modified().unwrap()))
        })
        .collect()
}

#[test]
fn a_second_clean_changes_no_byte_and_no_mtime() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let h = home.to_str().unwrap();
    let r = run(&["clean", "--yes", "--home", h]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let first = state(&home);
    // Time passes: a rewrite would show in the mtimes.
    std::thread::sleep(std::time::Duration::from_millis(50));
    for args in [
        &["clean", "--yes", "--home", h][..],
        &["clean", "--yes", "--json", "--home", h],
    ] {
        let r = run(args);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
        let again = state(&home);
        let changed: Vec<String> = first
            .keys()
            .chain(again.keys())
            .filter(|p| first.get(*p) != again.get(*p))
            .map(|p| p.strip_prefix(&home).unwrap_or(p).display().to_string())
            .collect();
        assert!(changed.is_empty(), "{args:?} changed: {changed:?}");
    }
}
