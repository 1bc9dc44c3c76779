//! Windows only (issue 22): `clean --close-browsers` closes a browser that still holds its
//! profile, the way its own window close would. A stand-in browser (`examples/holder.rs`)
//! holds Chromium's `lockfile` and shows a window; gomme finds its process (the Restart
//! Manager; under Wine, whose Restart Manager lists no process, Chromium's own message
//! window), posts `WM_CLOSE`, waits, and cleans the profile. With `--force-close`, a browser
//! that ignores `WM_CLOSE` is ended, by its process id.

#![allow(clippy::disallowed_methods)] // tests build their homes by path
#![cfg(windows)]

mod common;

use common::{gomme_json, FixtureCopy};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM_ROOT: &str = "AppData/Local/Chromium/User Data";

/// The fixture home with its Chromium user data where Windows puts it.
fn chromium_home() -> (FixtureCopy, PathBuf) {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let user_data = home.join(CHROMIUM_ROOT);
    fs::create_dir_all(user_data.parent().unwrap()).unwrap();
    fs::rename(home.join(".config/chromium"), &user_data).unwrap();
    let user_data = dunce::canonicalize(user_data).unwrap();
    (copy, user_data)
}

/// `examples/holder.rs`, built beside the tests by `cargo test`.
fn holder_exe() -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let exe = deps
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/holder.exe");
    assert!(exe.is_file(), "{} (cargo test builds it)", exe.display());
    exe
}

/// Starts the stand-in browser on `user_data` and waits until it holds the lock.
fn start_holder(user_data: &Path, args: &[&str]) -> Child {
    let mut child = Command::new(holder_exe())
        .arg(user_data.join("lockfile"))
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    child
}

fn wait_exit(child: &mut Child, within: Duration) -> Option<i32> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    None
}

fn chromium_statuses(report: &serde_json::Value) -> Vec<String> {
    report["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["path"].as_str().unwrap().contains("User Data"))
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn close_browsers_posts_wm_close_to_the_lock_holder_and_cleans_its_profiles() {
    let (copy, user_data) = chromium_home();
    let home = copy.home();
    let mut holder = start_holder(&user_data, &[user_data.to_str().unwrap()]);

    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(
        code, 3,
        "the held profile is skipped without --close-browsers: {report}"
    );

    let (report, code) = gomme_json(&[
        "clean",
        "--close-browsers",
        "--home",
        home.to_str().unwrap(),
    ]);
    let exit = wait_exit(&mut holder, Duration::from_secs(10));
    assert_eq!(
        exit,
        Some(0),
        "the holder ends through WM_CLOSE, not killed"
    );
    assert_eq!(code, 0, "{report}");
    let statuses = chromium_statuses(&report);
    assert_eq!(statuses, ["cleaned", "cleaned"], "{report}");
    assert!(!user_data.join("lockfile").exists());
}

#[test]
fn force_close_ends_a_holder_that_ignores_wm_close_by_its_id() {
    let (copy, user_data) = chromium_home();
    let home = copy.home();
    let mut holder = start_holder(&user_data, &[user_data.to_str().unwrap(), "--ignore-close"]);

    let (report, code) = gomme_json(&[
        "clean",
        "--close-browsers",
        "--force-close",
        "--home",
        home.to_str().unwrap(),
    ]);
    // TerminateProcess(…, 1): the exit code gomme gives the process it ends.
    assert_eq!(wait_exit(&mut holder, Duration::from_secs(10)), Some(1));
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        chromium_statuses(&report),
        ["cleaned", "cleaned"],
        "{report}"
    );
}

#[test]
fn a_holder_that_ignores_wm_close_is_left_running_without_force() {
    let (copy, user_data) = chromium_home();
    let home = copy.home();
    let mut holder = start_holder(&user_data, &[user_data.to_str().unwrap(), "--ignore-close"]);
    let (report, code) = gomme_json(&[
        "clean",
        "--close-browsers",
        "--home",
        home.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{report}");
    assert_eq!(
        chromium_statuses(&report),
        ["skipped-running", "skipped-running"]
    );
    assert_eq!(holder.try_wait().unwrap(), None, "still running");
    holder.kill().unwrap();
    holder.wait().unwrap();
}

/// Edge or Chrome left in the background: no window shown, none of its hidden ones is sent
/// anything; only `--force-close` ends it.
#[test]
fn a_holder_with_no_window_shown_is_not_asked_and_only_force_ends_it() {
    let (copy, user_data) = chromium_home();
    let home = copy.home();
    let mut holder = start_holder(&user_data, &[user_data.to_str().unwrap(), "--hidden"]);
    let (report, code) = gomme_json(&[
        "clean",
        "--close-browsers",
        "--home",
        home.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{report}");
    assert_eq!(
        holder.try_wait().unwrap(),
        None,
        "its hidden window got WM_CLOSE"
    );
    let (report, code) = gomme_json(&["clean", "--force-close", "--home", home.to_str().unwrap()]);
    assert_eq!(wait_exit(&mut holder, Duration::from_secs(10)), Some(1));
    assert_eq!(code, 0, "{report}");
    assert_eq!(
        chromium_statuses(&report),
        ["cleaned", "cleaned"],
        "{report}"
    );
}
