//! Issue 11: the helper's end-of-session flow — a confirmation only in a terminal, browsers
//! closed politely on request, a plain verdict, a desktop icon.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

#[cfg(unix)]
use common::browser;
use common::{gomme, snapshot, FixtureCopy};
use std::path::Path;
use std::process::Command;
#[cfg(unix)]
use std::time::Duration;

/// Runs gomme in a pseudo-terminal (util-linux `script`), typing `input`.
fn in_terminal(args: &str, input: &str, lang: &str) -> (String, i32) {
    let bin = assert_cmd::cargo::cargo_bin("gomme");
    let out = Command::new("script")
        .args([
            "-qec",
            &format!("{} --config none {args}", bin.display()),
            "/dev/null",
        ])
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .stdin_piped_with(input)
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

trait PipedInput {
    fn stdin_piped_with(&mut self, input: &str) -> std::io::Result<std::process::Output>;
}

impl PipedInput for Command {
    fn stdin_piped_with(&mut self, input: &str) -> std::io::Result<std::process::Output> {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        child.stdin.take().unwrap().write_all(input.as_bytes())?;
        child.wait_with_output()
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "drives gomme through a pseudo-terminal with util-linux `script`"
)]
fn in_a_terminal_clean_asks_first_and_cancel_changes_nothing() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let before = snapshot(&home);
    let (screen, code) = in_terminal(
        &format!("clean --home {}", home.display()),
        "\n",
        "fr_FR.UTF-8",
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Effacer ces traces ?"), "{screen}");
    assert!(screen.contains("Annulé : rien n'a été effacé."), "{screen}");
    assert_eq!(snapshot(&home), before, "cancelling changed the home");

    let (screen, code) = in_terminal(
        &format!("clean --home {}", home.display()),
        "o\n",
        "fr_FR.UTF-8",
    );
    assert_eq!(code, 0, "{screen}");
    // The verdict ends the screen (after the prompt the helper answered).
    let last = screen
        .trim_end()
        .rsplit_once("Terminé :")
        .map(|(_, verdict)| format!("Terminé :{verdict}"))
        .unwrap_or_default();
    assert!(
        last.starts_with("Terminé : l'historique, les cookies, les mots de passe enregistrés")
            && last.ends_with("de 4 profils ont été effacés. Aucune trace restante."),
        "{last}"
    );
    let out = gomme()
        .args(["audit", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "the verdict said no trace left, audit must agree"
    );
}

/// `--json` changes the report's format, not whether a person is asked: in a terminal the
/// question and its plan go to stderr, and stdout (here a file) gets the JSON alone.
#[test]
#[cfg_attr(
    windows,
    ignore = "drives gomme through a pseudo-terminal with util-linux `script`"
)]
fn in_a_terminal_a_json_clean_asks_first_too() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let json = copy.dir.path().join("report.json");
    let before = snapshot(&home);
    let args = format!(
        "clean --json --home {} > {}",
        home.display(),
        json.display()
    );
    let (screen, code) = in_terminal(&args, "\n", "en_US.UTF-8");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Remove these traces?"), "{screen}");
    assert_eq!(snapshot(&home), before, "cancelling changed the home");

    let (screen, code) = in_terminal(&args, "y\n", "en_US.UTF-8");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Remove these traces?"), "{screen}");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).expect("stdout is JSON alone");
    assert_eq!(report["mode"], "clean");
    assert!(report["totals"]["items"].as_u64().unwrap() > 0);
    assert_ne!(snapshot(&home), before, "answering yes cleaned nothing");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "drives gomme through a pseudo-terminal with util-linux `script`"
)]
fn yes_or_no_terminal_never_asks() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let (screen, code) = in_terminal(
        &format!("clean --yes --home {}", home.display()),
        "",
        "en_US.UTF-8",
    );
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("Remove these traces?"), "{screen}");
    assert!(screen.trim_end().ends_with("No trace left."), "{screen}");

    // Scheduled tasks have no terminal: never a question, even without --yes.
    let copy = FixtureCopy::new();
    let out = gomme()
        .args(["clean", "--home", copy.home().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Remove these traces?"));
    // No progress bar either: nothing but messages goes to a non-terminal stderr.
    assert!(stderr.is_empty(), "{stderr}");
}

#[cfg(unix)]
#[test]
fn close_browsers_closes_real_firefox_and_chromium_politely_then_cleans() {
    use std::os::unix::process::ExitStatusExt;
    let copy = FixtureCopy::new();
    let home = copy.home();
    let manifest = trace_scanner::manifest::Manifest::load(common::manifest_path()).unwrap();
    let firefox_profile = home.join(
        &manifest
            .markers
            .iter()
            .find(|m| m.browser == "firefox")
            .unwrap()
            .profile,
    );
    let user_data = home.join(".config/chromium");
    let (port, requests) = browser::serve_page_and_log();
    let url = format!("http://127.0.0.1:{port}/");

    // Reaped as soon as they exit, as a desktop session would. Each loads its own page, so the
    // test knows when each is fully started: Chromium takes its lock before it installs its
    // SIGTERM handler, and a request sent in between would kill it, which no desktop does.
    let mut firefox = browser::firefox(&home, &firefox_profile, &format!("{url}firefox"), None);
    let mut chromium = browser::chromium(
        &home,
        &user_data,
        "Default",
        &format!("{url}chromium"),
        false,
    );
    let (firefox_pid, chromium_pid) = (firefox.id(), chromium.id());
    let firefox_exit = std::thread::spawn(move || firefox.wait());
    let chromium_exit = std::thread::spawn(move || chromium.wait());
    browser::wait_until(
        "Firefox holding its profile",
        Duration::from_secs(60),
        || gomme::lock::firefox(&firefox_profile).blocks_cleaning(),
    );
    browser::wait_until(
        "Chromium holding its profile",
        Duration::from_secs(60),
        || gomme::lock::chromium(&user_data).blocks_cleaning(),
    );
    browser::wait_until_saying(
        "both browsers loading their page",
        Duration::from_secs(60),
        || {
            let seen = requests.lock().unwrap();
            ["/firefox", "/chromium"]
                .iter()
                .all(|p| seen.iter().any(|s| s == p))
        },
        || format!(" (requests: {:?})", requests.lock().unwrap()),
    );

    let out = gomme()
        .args([
            "clean",
            "--close-browsers",
            "--yes",
            "--home",
            home.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("firefox (process") && stderr.contains("chromium (process"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("stopped"),
        "a browser had to be forced: {stderr}"
    );

    assert!(
        stderr.contains(&format!("firefox (process {firefox_pid}) was closed")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("chromium (process {chromium_pid}) was closed")),
        "{stderr}"
    );
    // Both ended by themselves, not killed. Chromium handles SIGTERM and exits with a status.
    // Firefox handles it too — shuts down, removes its `lock` link — then re-raises the signal,
    // so its status reads SIGTERM; a kill would leave the link behind.
    let status = chromium_exit.join().unwrap().unwrap();
    assert_eq!(status.signal(), None, "chromium was killed: {status}");
    let status = firefox_exit.join().unwrap().unwrap();
    assert_ne!(
        status.signal(),
        Some(libc::SIGKILL),
        "firefox was killed: {status}"
    );
    assert!(
        std::fs::symlink_metadata(firefox_profile.join("lock")).is_err(),
        "Firefox's shutdown handler did not run (its lock link is still there)"
    );

    // The profiles are clean, and the browsers start on them again.
    let mut report = trace_scanner::scanner::scan(&home, &manifest.markers);
    report.set_kept_domains(&[]);
    let traces: Vec<&str> = report
        .traces(None)
        .iter()
        .map(|m| m.token.as_str())
        .collect();
    assert!(traces.is_empty(), "left: {traces:?}\n{}", report.details());
    let shot = copy.dir.path().join("shot.png");
    let again = browser::firefox(&home, &firefox_profile, &url, Some(&shot));
    browser::wait(again, "firefox-esr", Duration::from_secs(120));
    assert!(browser::visited(
        &firefox_profile.join("places.sqlite"),
        "SELECT count(*) FROM moz_places WHERE url = ?1",
        &url
    ));
    let again = browser::chromium(&home, &user_data, "Default", &url, true);
    browser::wait(again, "chromium", Duration::from_secs(120));
    assert!(browser::visited(
        &user_data.join("Default/History"),
        "SELECT count(*) FROM urls WHERE url = ?1",
        &url
    ));
}

#[test]
#[cfg_attr(
    windows,
    ignore = "validates the Linux launcher with desktop-file-validate"
)]
fn desktop_icons_for_each_system() {
    let dir = tempfile::tempdir().unwrap();
    let desk = dir.path().join("Bureau");
    let run = |args: &[&str]| {
        let out = gomme().args(args).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let d = desk.to_str().unwrap();
    run(&[
        "shortcut",
        "install",
        "--platform",
        "linux",
        "--desktop",
        d,
        "--exe",
        "/usr/bin/gomme",
    ]);
    let launcher = desk.join("gomme-effacer.desktop");
    let validate = Command::new("desktop-file-validate")
        .arg(&launcher)
        .output()
        .expect("desktop-file-utils is installed");
    assert!(
        validate.status.success() && validate.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&validate.stdout)
    );
    let text = std::fs::read_to_string(&launcher).unwrap();
    assert!(
        text.contains("Name[fr]=Effacer les traces de navigation")
            && text.contains("Terminal=true")
    );
    assert!(text.contains("Exec=\"/usr/bin/gomme\" clean --close-browsers --pause"));

    let out = gomme()
        .env("LANG", "fr_FR.UTF-8")
        .args([
            "shortcut",
            "install",
            "--platform",
            "windows",
            "--desktop",
            d,
            "--exe",
            r"C:\Program Files\gomme\gomme.exe",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let cmd = std::fs::read_to_string(desk.join("Effacer les traces de navigation.cmd")).unwrap();
    assert!(cmd.starts_with("@echo off\r\n"), "{cmd:?}");
    assert!(
        cmd.contains("\"C:\\Program Files\\gomme\\gomme.exe\" clean --pause\r\n"),
        "{cmd:?}"
    );

    run(&[
        "shortcut",
        "install",
        "--platform",
        "macos",
        "--desktop",
        d,
        "--exe",
        "/usr/local/bin/gomme",
    ]);
    let command = desk.join("Erase browsing traces.command");
    let script = std::fs::read_to_string(&command).unwrap();
    assert!(
        script.starts_with("#!/bin/sh\n")
            && script.contains("exec \"/usr/local/bin/gomme\" clean --close-browsers --pause")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&command).unwrap().permissions().mode() & 0o111,
            0o111
        );
    }

    run(&["shortcut", "remove", "--platform", "linux", "--desktop", d]);
    assert!(!launcher.exists());
    assert!(
        Path::new(&desk)
            .join("Erase browsing traces.command")
            .exists(),
        "remove takes only its own icon"
    );
}
