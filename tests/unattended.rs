//! Issue 7: unattended runs — the configuration file, the audit log, waiting for a closing
//! browser, emptying a kiosk account's Downloads folder.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod common;

use common::{gomme, gomme_json, FixtureCopy};
use std::collections::BTreeSet;
use std::path::Path;

fn categories(report: &serde_json::Value) -> BTreeSet<String> {
    report["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["categories"].as_object().unwrap().keys().cloned())
        .collect()
}

fn write_config(dir: &Path, text: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn config_file_matrix_valid_unknown_key_bad_type_and_flag_override() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let home = home.to_str().unwrap();

    // Valid: the file decides the categories.
    let config = write_config(
        copy.dir.path(),
        "categories = [\"cache\"]\nkeep_cookies = [\"bibliotheque.localhost\"]\n",
    );
    let (report, code) = gomme_json(&["--config", &config, "clean", "-n", "--home", home]);
    assert_eq!(code, 0);
    assert_eq!(
        categories(&report),
        ["cache".to_owned()].into_iter().collect()
    );

    // A flag overrides the file.
    let (report, _) = gomme_json(&[
        "--config", &config, "clean", "-n", "--home", home, "--only", "cookies",
    ]);
    assert_eq!(
        categories(&report),
        ["cookies".to_owned()].into_iter().collect()
    );

    // An unknown key: exit 1, naming the key and its line; nothing is done.
    let config = write_config(copy.dir.path(), "wait = 5\n\nkeep_cookie = [\"x.fr\"]\n");
    let out = gomme()
        .args(["--config", &config, "clean", "--home", home])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("keep_cookie") && stderr.contains("line 3"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    // A bad type: exit 1, with the line.
    let config = write_config(copy.dir.path(), "[downloads]\nempty_folder = \"yes\"\n");
    let out = gomme()
        .args(["--config", &config, "clean", "--home", home])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("line 2"));

    // A missing file named on the command line is an error too.
    let out = gomme()
        .args([
            "--config",
            "/nonexistent/gomme.toml",
            "profiles",
            "--home",
            home,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));

    // A bad domain to keep is refused, whether from a flag or the file.
    let out = gomme()
        .args([
            "clean",
            "-n",
            "--home",
            home,
            "--keep-cookies",
            "evil' OR 1=1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn the_audit_log_says_what_was_done_never_what_was_there() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let log = copy.dir.path().join("gomme.jsonl");
    let (report, code) = gomme_json(&[
        "clean",
        "--home",
        home.to_str().unwrap(),
        "--log-file",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), report["profiles"].as_array().unwrap().len());
    for line in &lines {
        for key in [
            "time",
            "host",
            "account",
            "browser",
            "variant",
            "profile",
            "status",
            "categories",
            "items",
            "bytes",
            "mode",
        ] {
            assert!(line.get(key).is_some(), "{key} missing: {line}");
        }
        assert_eq!(line["account"], "home");
        assert_eq!(line["mode"], "clean");
    }
    // No marker of any category, no site, no downloaded file name.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::manifest_path()).unwrap()).unwrap();
    for marker in manifest["markers"].as_array().unwrap() {
        let token = marker["token"].as_str().unwrap();
        assert!(!text.contains(token), "the log holds {token}");
    }
    for site in ["127.0.0.1", "localhost", "recu-", "http"] {
        assert!(!text.contains(site), "the log holds {site}");
    }
    // A second run appends.
    gomme_json(&[
        "audit",
        "--home",
        home.to_str().unwrap(),
        "--log-file",
        log.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().lines().count(),
        2 * lines.len()
    );
}

#[cfg(unix)]
#[test]
fn wait_gives_a_closing_browser_time_to_let_go() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let lock = home.join(".config/chromium/SingletonLock");
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let start_closing_browser = || {
        let child = std::process::Command::new("sleep")
            .arg("2")
            .spawn()
            .unwrap();
        let _ = std::fs::remove_file(&lock);
        std::os::unix::fs::symlink(format!("{}-{}", hostname.trim(), child.id()), &lock).unwrap();
        child
    };
    let args = [
        "clean",
        "--home",
        home.to_str().unwrap(),
        "--browser",
        "chromium",
        "--only",
        "cache",
    ];

    // Without waiting: the browser is still there, the profiles are skipped.
    let mut child = start_closing_browser();
    let (report, code) = gomme_json(&args);
    assert_eq!(code, 3, "{report}");
    child.wait().unwrap();

    // With --wait: it closes within the time given, and the profiles are cleaned.
    let mut child = start_closing_browser();
    let reaper = std::thread::spawn(move || child.wait());
    let mut with_wait = args.to_vec();
    with_wait.extend(["--wait", "20"]);
    let (report, code) = gomme_json(&with_wait);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["totals"]["skipped"], 0);
    reaper.join().unwrap().unwrap();
}

#[test]
fn kiosk_accounts_can_empty_the_whole_downloads_folder() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let stray = home.join("Downloads/attestation-sans-trace.pdf");
    std::fs::write(&stray, b"not recorded by any browser").unwrap();
    let args = [
        "clean",
        "--home",
        home.to_str().unwrap(),
        "--only",
        "downloads",
    ];

    let (_, code) = gomme_json(&args);
    assert_eq!(code, 0);
    assert!(
        stray.exists(),
        "an unrecorded file went without downloads.empty_folder"
    );
    assert!(
        std::fs::read_dir(home.join("Downloads")).unwrap().count() == 1,
        "recorded downloads are gone, the stray one stays"
    );

    let config = write_config(copy.dir.path(), "[downloads]\nempty_folder = true\n");
    let mut with_config = vec!["--config", config.as_str()];
    with_config.extend(args);
    let (plan, _) = gomme_json(&[&with_config[..], &["-n"]].concat());
    let (done, code) = gomme_json(&with_config);
    assert_eq!(code, 0);
    assert_eq!(common::counters(&done), common::counters(&plan));
    assert!(!stray.exists());
    assert!(home.join("Downloads").is_dir(), "the folder itself stays");
}

/// A fake machine: a password database and homes under a temporary root.
fn fake_machine() -> (tempfile::TempDir, FixtureCopy) {
    let root = tempfile::tempdir().unwrap();
    let copy = FixtureCopy::new();
    let etc = root.path().join("etc");
    std::fs::create_dir_all(&etc).unwrap();
    std::fs::write(
        etc.join("passwd"),
        "root:x:0:0:root:/root:/bin/bash\n\
         daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
         lecteur:x:1000:1000:Lecteur,,,:/home/lecteur:/bin/bash\n\
         accueil:x:1001:1001::/home/accueil:/bin/bash\n\
         service:x:999:999::/home/service:/usr/sbin/nologin\n",
    )
    .unwrap();
    common::copy_tree(&copy.home(), &root.path().join("home/lecteur"));
    common::relocate_downloads(&root.path().join("home/lecteur"));
    std::fs::create_dir_all(root.path().join("home/accueil")).unwrap();
    // An account that never logs in, holding a profile: not a person's, not touched.
    common::copy_tree(
        &copy.home().join(".mozilla"),
        &root.path().join("home/service/.mozilla"),
    );
    common::copy_tree(
        &copy.home().join(".mozilla"),
        &root.path().join("root/.mozilla"),
    );
    (root, copy)
}

fn homes_of(report: &serde_json::Value, root: &Path) -> BTreeSet<String> {
    let root = dunce::canonicalize(root).unwrap();
    report["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = Path::new(p["path"].as_str().unwrap());
            let rel = path.strip_prefix(&root).unwrap();
            rel.iter()
                .take(2)
                .collect::<std::path::PathBuf>()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
#[cfg_attr(
    windows,
    ignore = "the fake machine is an /etc/passwd; Windows lists accounts in the registry"
)]
fn all_users_cleans_every_person_and_no_service_account() {
    let (root, _copy) = fake_machine();
    let run = |args: &[&str]| {
        let out = gomme()
            .env("GOMME_SYSROOT", root.path())
            .args(args)
            .arg("--json")
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (json, out.status.code())
    };
    let (json, code) = run(&["profiles", "--all-users"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        homes_of(&json, root.path()),
        ["home/lecteur".to_owned()].into_iter().collect()
    );
    let (json, _) = run(&["profiles", "--all-users", "--include-root"]);
    assert_eq!(
        homes_of(&json, root.path()),
        ["home/lecteur".to_owned(), "root/.mozilla".to_owned()]
            .into_iter()
            .collect()
    );
    let (json, _) = run(&["profiles", "--user", "accueil"]);
    assert!(json["profiles"].as_array().unwrap().is_empty());

    // The clean touches the people's homes only.
    let service = common::snapshot(&root.path().join("home/service"));
    let (report, code) = run(&["clean", "--all-users"]);
    assert_eq!(code, Some(0), "{report}");
    assert!(report["totals"]["items"].as_u64().unwrap() > 0);
    assert_eq!(common::snapshot(&root.path().join("home/service")), service);

    let out = gomme()
        .env("GOMME_SYSROOT", root.path())
        .args(["profiles", "--user", "nobody-here"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("nobody-here"));
}

/// Without administrator rights, other accounts are refused with a plain message (exit 1).
#[cfg(target_os = "linux")]
#[test]
fn all_users_needs_administrator_rights() {
    if !gomme::is_admin() {
        // Already unprivileged: the check applies directly.
        let out = gomme().args(["profiles", "--all-users"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8(out.stderr).unwrap().contains("as root"));
        return;
    }
    // As root, drop to nobody for the run (setpriv, from util-linux).
    let bin = assert_cmd::cargo::cargo_bin("gomme");
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&bin)
        .args(["--config", "none", "profiles", "--all-users"])
        .env("LANG", "C.UTF-8")
        .env("HOME", "/nonexistent")
        .output()
        .expect("setpriv (util-linux) is installed");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("run gomme again as root"), "{stderr}");
}

/// `--syslog` sends one line per profile to syslog(3), with counts only. The test listens on
/// `/dev/log` itself, which needs root and no system logger (CI's container has none).
#[cfg(target_os = "linux")]
#[test]
fn syslog_gets_one_line_per_profile_and_nothing_personal() {
    use std::os::unix::net::UnixDatagram;
    let dev_log = Path::new("/dev/log");
    if !gomme::is_admin() || dev_log.exists() {
        eprintln!("not checked here: needs root and no system logger on /dev/log");
        return;
    }
    let socket = UnixDatagram::bind(dev_log).unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let copy = FixtureCopy::new();
    let result = gomme()
        .args(["clean", "--home", copy.home().to_str().unwrap(), "--syslog"])
        .output();
    let mut messages = Vec::new();
    let mut buf = vec![0u8; 65536];
    while let Ok(n) = socket.recv(&mut buf) {
        messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        if messages.len() == 5 {
            break;
        }
    }
    std::fs::remove_file(dev_log).unwrap();
    assert_eq!(result.unwrap().status.code(), Some(0));
    assert_eq!(messages.len(), 5, "{messages:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::manifest_path()).unwrap()).unwrap();
    for message in &messages {
        assert!(
            message.contains("gomme[") && message.contains("\"status\":\"cleaned\""),
            "{message}"
        );
        for marker in manifest["markers"].as_array().unwrap() {
            assert!(!message.contains(marker["token"].as_str().unwrap()));
        }
        assert!(!message.contains("127.0.0.1") && !message.contains("http"));
    }
}
