//! The real browsers start on a cleaned copy of the fixture home: no profile reset, no
//! "corrupt" or "in use" files, no offer to restore the last session, and the bookmark and the
//! settings are still there. Needs firefox-esr and chromium (scripts/install-test-deps). Ends
//! only the processes it started.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::browser::{self, serve_page};
use common::{gomme, FixtureCopy};
use std::path::Path;
use std::time::Duration;
use trace_scanner::nss::{open_key4, Key4};

/// Waits for a browser we started; it must end with an exit status (or be ended by us, and
/// fail, past the limit).
fn wait(child: std::process::Child, what: &str, limit: Duration) {
    let status = browser::wait(child, what, limit);
    assert!(
        status.success() || status.code().is_some(),
        "{what}: {status}"
    );
}

/// A copy of the fixture home, cleaned by gomme (which must succeed).
fn cleaned_copy() -> FixtureCopy {
    let copy = FixtureCopy::new();
    let out = gomme()
        .args(["clean", "--home", copy.home().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    copy
}

fn manifest() -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(common::manifest_path()).unwrap()).unwrap()
}

fn keeper(manifest: &serde_json::Value, profile: &str, category: &str) -> String {
    manifest["markers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["profile"] == profile && m["category"] == category && m["keep"] == true)
        .unwrap_or_else(|| panic!("no {category} keeper for {profile}"))["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The trace tokens of `category` planted in `profile`.
fn tokens(manifest: &serde_json::Value, profile: &str, category: &str) -> Vec<String> {
    manifest["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["profile"] == profile && m["category"] == category && m["keep"] == false)
        .map(|m| m["token"].as_str().unwrap().to_owned())
        .collect()
}

fn corrupt_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_string_lossy().into_owned())
        .filter(|p| p.contains(".corrupt") || p.contains("Old Firefox Data"))
        .collect()
}

fn planted_profiles(manifest: &serde_json::Value, browser: &str) -> Vec<String> {
    manifest["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["browser"] == browser && p["planted"] != false)
        .map(|p| p["path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
#[cfg_attr(windows, ignore = "starts Debian's firefox-esr, a Linux program")]
fn firefox_starts_on_the_cleaned_home_with_bookmarks_and_settings() {
    let copy = cleaned_copy();
    let home = copy.home();
    let port = serve_page();
    let manifest = manifest();
    let profiles_ini = std::fs::read(home.join(".mozilla/firefox/profiles.ini")).unwrap();
    for rel in planted_profiles(&manifest, "firefox") {
        let profile = home.join(&rel);
        let shot = copy.dir.path().join("shot.png");
        let url = format!("http://127.0.0.1:{port}/");
        let child = browser::firefox(&home, &profile, &url, Some(&shot));
        wait(child, "firefox-esr", Duration::from_secs(120));

        assert_eq!(corrupt_files(&home), Vec::<String>::new(), "{rel}");
        let bookmark = keeper(&manifest, &rel, "bookmarks");
        let conn = rusqlite::Connection::open(profile.join("places.sqlite")).unwrap();
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM moz_bookmarks b JOIN moz_places h ON h.id = b.fk \
                 WHERE b.title LIKE '%' || ?1 || '%' AND h.url LIKE '%' || ?1 || '%'",
                [&bookmark],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, 1, "{rel}: the bookmark is gone");
        // Proof that Firefox really ran on this profile: it recorded the page it loaded.
        let visited: i64 = conn
            .query_row(
                "SELECT count(*) FROM moz_places WHERE url = ?1",
                [format!("http://127.0.0.1:{port}/")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(visited, 1, "{rel}: Firefox did not load the page");
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let prefs = std::fs::read_to_string(profile.join("prefs.js")).unwrap();
        assert!(
            prefs.contains(&keeper(&manifest, &rel, "settings")),
            "{rel}: settings lost"
        );
        // Signed out: no account state came back, and none of the account's markers.
        assert!(
            !profile.join("signedInUser.json").exists(),
            "{rel}: Firefox is still signed in"
        );
        for token in tokens(&manifest, &rel, "accounts") {
            assert!(!prefs.contains(&token), "{rel}: {token} in prefs.js");
        }
    }
    // Firefox did not create a fresh profile in place of a damaged one.
    assert_eq!(
        std::fs::read(home.join(".mozilla/firefox/profiles.ini")).unwrap(),
        profiles_ini
    );
}

/// A primary password someone set on a public PC would ask the next person for a password
/// they cannot know: the key database it protects goes with the logins, and Firefox starts on
/// a new one without a password. A profile without one keeps its key database as it was.
#[test]
#[cfg_attr(windows, ignore = "starts Debian's firefox-esr, a Linux program")]
fn a_primary_password_set_in_firefox_is_gone_after_a_clean() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let firefox = home.join(".mozilla/firefox");
    let usager = common::fixture_profile_folder("firefox", "usager");
    let key4 = firefox.join(&usager).join("key4.db");
    let other = firefox
        .join(common::fixture_profile_folder("firefox", "default-esr"))
        .join("key4.db");
    // Firefox itself sets it, as a person does in its settings.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fixtures/primary_password.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(&home)
        .args(["usager", usager.as_str(), "Mot-de-passe-1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(matches!(open_key4(&key4), Key4::PrimaryPassword));
    assert!(matches!(open_key4(&other), Key4::Unlocked(_)));
    let other_before = std::fs::read(&other).unwrap();

    let (report, code) = common::gomme_json(&[
        "clean",
        "--only",
        "logins",
        "--home",
        home.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{report}");
    assert!(
        !key4.exists(),
        "the key database behind a primary password stays"
    );
    assert_eq!(std::fs::read(&other).unwrap(), other_before);

    let shot = copy.dir.path().join("shot.png");
    let child = browser::firefox(&home, &key4.with_file_name(""), "about:blank", Some(&shot));
    wait(child, "firefox-esr", Duration::from_secs(120));
    assert!(
        matches!(open_key4(&key4), Key4::Unlocked(_)),
        "Firefox did not make a new key database without a password"
    );
    assert_eq!(corrupt_files(&home), Vec::<String>::new());
}

#[test]
#[cfg_attr(windows, ignore = "starts Debian's chromium, a Linux program")]
fn chromium_starts_on_the_cleaned_home_without_restore_prompt_and_keeps_bookmarks() {
    let copy = cleaned_copy();
    let home = copy.home();
    let port = serve_page();
    let manifest = manifest();
    let user_data = home.join(".config/chromium");
    for rel in planted_profiles(&manifest, "chromium") {
        let profile = home.join(&rel);
        let name = profile.file_name().unwrap().to_str().unwrap().to_owned();
        // No "restore pages?" offer: the profile reads as cleanly shut down.
        let prefs: serde_json::Value =
            serde_json::from_slice(&std::fs::read(profile.join("Preferences")).unwrap()).unwrap();
        assert_eq!(prefs["profile"]["exit_type"], "Normal", "{rel}");

        let url = format!("http://127.0.0.1:{port}/");
        let child = browser::chromium(&home, &user_data, &name, &url, true);
        wait(child, "chromium", Duration::from_secs(120));

        // Proof that Chromium really ran on this profile: it recorded the page it loaded.
        let conn = rusqlite::Connection::open(profile.join("History")).unwrap();
        let visited: i64 = conn
            .query_row(
                "SELECT count(*) FROM urls WHERE url = ?1",
                [format!("http://127.0.0.1:{port}/")],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(visited, 1, "{rel}: Chromium did not load the page");
        let bookmarks = std::fs::read_to_string(profile.join("Bookmarks")).unwrap();
        assert!(
            bookmarks.contains(&keeper(&manifest, &rel, "bookmarks")),
            "{rel}: bookmark lost"
        );
        // The home page is MAC-protected: a broken Preferences would have been reset.
        let prefs = std::fs::read_to_string(profile.join("Preferences")).unwrap();
        assert!(
            prefs.contains(&keeper(&manifest, &rel, "settings")),
            "{rel}: settings reset"
        );
        // Signed out, as a fresh profile: no account in Preferences or Local State.
        let json: serde_json::Value = serde_json::from_str(&prefs).unwrap();
        assert!(
            json["account_info"].as_array().is_none_or(|a| a.is_empty()),
            "{rel}: Chromium is still signed in: {}",
            json["account_info"]
        );
        let local_state = std::fs::read_to_string(user_data.join("Local State")).unwrap();
        let state: serde_json::Value = serde_json::from_str(&local_state).unwrap();
        assert_eq!(
            state["profile"]["info_cache"][&name]["gaia_id"], "",
            "{rel}"
        );
        for token in tokens(&manifest, &rel, "accounts") {
            assert!(
                !prefs.contains(&token) && !local_state.contains(&token),
                "{rel}: {token} is back"
            );
        }
        // A profile name staff gave a profile with no account is still its name.
        let kept: Vec<&serde_json::Value> = manifest["markers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["profile"] == rel.as_str() && m["category"] == "settings")
            .collect();
        for m in kept {
            let token = m["token"].as_str().unwrap();
            assert!(
                prefs.contains(token) || local_state.contains(token),
                "{rel}: the setting {token} is gone"
            );
        }
        for db in ["History", "Cookies", "Web Data", "Login Data", "Favicons"] {
            let path = profile.join(db);
            if path.exists() {
                let conn = rusqlite::Connection::open(&path).unwrap();
                let ok: String = conn
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .unwrap();
                assert_eq!(ok, "ok", "{rel}/{db}");
            }
        }
    }
}

/// Runs one of scripts/fixtures' browser probes and reads the JSON it prints.
fn probe(script: &str, args: &[&str]) -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let child = std::process::Command::new("python3")
        .arg(root.join("scripts/fixtures").join(script))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = browser::wait_with_output(child, script, Duration::from_secs(150));
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = String::from_utf8_lossy(&out.stdout);
    let last = last.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{script}: {e}: {last}"))
}

/// Issue 19: Firefox reads the planted account as signed in (its FxAccounts service returns
/// the user, sync has its user name), and after a clean it has no signed-in user and no sync
/// user name, in every planted profile.
#[test]
#[cfg_attr(windows, ignore = "starts Debian's firefox-esr, a Linux program")]
fn firefox_reads_the_planted_account_and_after_a_clean_has_no_signed_in_user() {
    let manifest = manifest();
    let copy = FixtureCopy::new();
    let cleaned = cleaned_copy();
    for rel in planted_profiles(&manifest, "firefox") {
        let name = manifest["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["path"] == rel.as_str())
            .and_then(|p| p["name"].as_str())
            .unwrap()
            .to_owned();
        let folder = rel.strip_prefix(".mozilla/firefox/").unwrap();
        let mail = tokens(&manifest, &rel, "accounts")
            .into_iter()
            .find(|t| t.starts_with("gmkacctmail"))
            .unwrap_or_else(|| panic!("no account e-mail marker in {rel}"));
        let home = copy.home();
        let before = probe("fxa_state.py", &[home.to_str().unwrap(), &name, folder]);
        assert_eq!(before["signed_in"], true, "{rel}: {before}");
        assert!(
            before["email"].as_str().is_some_and(|e| e.contains(&mail)),
            "{rel}: {before}"
        );
        let home = cleaned.home();
        let after = probe("fxa_state.py", &[home.to_str().unwrap(), &name, folder]);
        assert_eq!(
            after,
            serde_json::json!({"signed_in": false, "email": "", "verified": false, "sync_username": ""}),
            "{rel}"
        );
    }
}

/// What the real Chromium itself says of a profile's sign-in (its chrome://signin-internals,
/// read by scripts/fixtures/signin_state.py through chromedriver).
fn chromium_signin_state(home: &Path, profile_dir: &str) -> serde_json::Value {
    let work = tempfile::tempdir().unwrap();
    let args = [
        home.to_str().unwrap(),
        profile_dir,
        work.path().to_str().unwrap(),
    ];
    probe("signin_state.py", &args)
}

/// Issue 19: the browser reads the planted account as a real sign-in (signed in, consented
/// for sync, the refresh token loaded), and after a clean it says "Not Signed In", holds no
/// token, and has no auth error: no "sign in again" to show.
#[test]
#[cfg_attr(windows, ignore = "starts Debian's chromium, a Linux program")]
fn chromium_reads_the_planted_account_and_after_a_clean_says_not_signed_in() {
    let manifest = manifest();
    let rel = planted_profiles(&manifest, "chromium")
        .into_iter()
        .find(|rel| !tokens(&manifest, rel, "accounts").is_empty())
        .expect("a Chromium profile with an account planted");
    let folder = Path::new(&rel).file_name().unwrap().to_str().unwrap();
    let marker = |code: &str| {
        tokens(&manifest, &rel, "accounts")
            .into_iter()
            .find(|t| t.starts_with(&format!("gmk{code}")))
            .unwrap_or_else(|| panic!("no {code} marker in {rel}"))
    };

    let copy = FixtureCopy::new();
    let before = chromium_signin_state(&copy.home(), folder);
    assert!(
        before["signin_status"]
            .as_str()
            .is_some_and(|s| s.starts_with("Signed In")),
        "{before}"
    );
    assert!(
        before["username"]
            .as_str()
            .is_some_and(|u| u.contains(&marker("acctmail"))),
        "{before}"
    );
    let accounts = before["token_accounts"].as_array().unwrap();
    assert!(
        accounts
            .iter()
            .any(|a| a["account"] == marker("acctgaia").as_str() && a["refresh_token"] == true),
        "the browser did not load the planted token: {before}"
    );

    let after = chromium_signin_state(&cleaned_copy().home(), folder);
    assert_eq!(after["signin_status"], "Not Signed In", "{after}");
    assert_eq!(after["username"], "", "{after}");
    assert_eq!(after["token_accounts"], serde_json::json!([]), "{after}");
    assert!(
        after["auth_error"].is_null() || after["auth_error"] == "None",
        "{after}"
    );
}
