//! `gomme schedule`: the systemd units verify and enable, the Task Scheduler XML is valid, the
//! launchd plists parse; a dry run writes nothing; remove undoes install.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::gomme;
use std::path::Path;

fn run(args: &[&str]) -> String {
    let out = gomme().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn systemd_units_install_verify_and_remove() {
    let root = tempfile::tempdir().unwrap();
    let exe = assert_cmd::cargo::cargo_bin("gomme");
    let (root_s, exe_s) = (root.path().to_str().unwrap(), exe.to_str().unwrap());

    // A dry run writes nothing.
    let printed = run(&[
        "schedule",
        "install",
        "--dry-run",
        "--root",
        root_s,
        "--exe",
        exe_s,
    ]);
    assert!(
        printed.contains("would write") && printed.contains("ExecStop="),
        "{printed}"
    );
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);

    run(&["schedule", "install", "--root", root_s, "--exe", exe_s]);
    let boot = root.path().join("etc/systemd/system/gomme-boot.service");
    let logout = root.path().join("etc/systemd/user/gomme-logout.service");
    assert!(std::fs::read_to_string(&boot)
        .unwrap()
        .contains(&format!("ExecStart={exe_s} clean --all-users")));
    assert!(std::fs::read_to_string(&logout)
        .unwrap()
        .contains(&format!("ExecStop={exe_s} clean --wait 20 --timeout 100")));
    // Enabled the way systemctl does it.
    assert!(root
        .path()
        .join("etc/systemd/system/multi-user.target.wants/gomme-boot.service")
        .is_symlink());
    assert!(root
        .path()
        .join("etc/systemd/user/default.target.wants/gomme-logout.service")
        .is_symlink());
    // systemd's own checker accepts both (the user unit is checked as a unit file: a user
    // manager is not available in CI's container).
    for unit in [&boot, &logout] {
        let out = std::process::Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(unit)
            .output()
            .expect("systemd-analyze is installed");
        assert!(
            out.status.success(),
            "{}: {}",
            unit.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}: {}",
            unit.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let status = run(&["schedule", "status", "--root", root_s, "--exe", exe_s]);
    assert!(
        status.contains("gomme-boot.service: enabled")
            && status.contains("gomme-logout.service: enabled"),
        "{status}"
    );

    run(&["schedule", "remove", "--root", root_s, "--exe", exe_s]);
    let left: Vec<_> = walkdir::WalkDir::new(root.path())
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(left.is_empty(), "left after remove: {left:?}");
}

fn utf16(bytes: &[u8]) -> String {
    assert_eq!(&bytes[..2], &[0xFF, 0xFE], "no UTF-16 byte-order mark");
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

#[test]
fn windows_task_scheduler_xml_is_valid() {
    let root = tempfile::tempdir().unwrap();
    let exe = r"C:\Program Files\gomme & co\gomme.exe";
    run(&[
        "schedule",
        "install",
        "--platform",
        "windows",
        "--root",
        root.path().to_str().unwrap(),
        "--exe",
        exe,
    ]);
    let tasks: Vec<_> = walkdir::WalkDir::new(root.path())
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.path().extension().is_some_and(|x| x == "xml"))
        // The logon task runs as the person, not SYSTEM: tests/session.rs checks it.
        .filter(|e| e.file_name() != "gomme-session.xml")
        .map(|e| e.into_path())
        .collect();
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    for task in &tasks {
        let text = utf16(&std::fs::read(task).unwrap());
        let doc =
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", task.display()));
        let ns = "http://schemas.microsoft.com/windows/2004/02/mit/task";
        let root_el = doc.root_element();
        assert_eq!(root_el.tag_name().name(), "Task");
        assert_eq!(root_el.tag_name().namespace(), Some(ns));
        assert_eq!(root_el.attribute("version"), Some("1.2"));
        let find = |name: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name((ns, name)))
                .unwrap_or_else(|| panic!("{}: no {name}", task.display()))
        };
        // Runs as SYSTEM, elevated, bounded in time, the right program.
        assert_eq!(find("UserId").text(), Some("S-1-5-18"));
        assert_eq!(find("RunLevel").text(), Some("HighestAvailable"));
        assert_eq!(find("ExecutionTimeLimit").text(), Some("PT10M"));
        assert_eq!(find("Command").text(), Some(exe));
        assert!(find("Arguments")
            .text()
            .unwrap()
            .starts_with("clean --all-users"));
        let principal = find("Principal").attribute("id").unwrap();
        assert_eq!(find("Actions").attribute("Context"), Some(principal));
        let name = task.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains("logoff") {
            let query = find("Subscription").text().unwrap();
            let query = roxmltree::Document::parse(query).expect("the event query is XML");
            assert!(query
                .descendants()
                .any(|n| n.text().is_some_and(|t| t.contains("EventID=4647"))));
        } else {
            find("BootTrigger");
        }
    }
}

#[test]
fn macos_launchd_plists_parse() {
    let root = tempfile::tempdir().unwrap();
    run(&[
        "schedule",
        "install",
        "--platform",
        "macos",
        "--root",
        root.path().to_str().unwrap(),
        "--exe",
        "/usr/local/bin/gomme",
    ]);
    for plist in [
        "Library/LaunchDaemons/fr.gomme.boot.plist",
        "Library/LaunchAgents/fr.gomme.logout.plist",
    ] {
        let text = std::fs::read_to_string(root.path().join(plist)).unwrap();
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(&text, opts).unwrap();
        let strings: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("string"))
            .filter_map(|n| n.text())
            .collect();
        assert!(
            strings.contains(&"/usr/local/bin/gomme") && strings.contains(&"--all-users"),
            "{plist}: {strings:?}"
        );
        assert!(
            doc.descendants().any(|n| n.has_tag_name("true")),
            "{plist}: RunAtLoad"
        );
    }
    let agent = std::fs::read_to_string(
        root.path()
            .join("Library/LaunchAgents/fr.gomme.logout.plist"),
    )
    .unwrap();
    assert!(agent.contains("<string>LoginWindow</string>"));
    assert!(Path::new(root.path())
        .join("Library/LaunchDaemons")
        .is_dir());
}

/// Units shipped by the Debian package are enabled in place, never shadowed by copies in /etc
/// nor deleted by `remove`.
#[cfg(target_os = "linux")]
#[test]
fn packaged_units_are_enabled_in_place() {
    let staging = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let (s, r) = (
        staging.path().to_str().unwrap(),
        root.path().to_str().unwrap(),
    );
    run(&[
        "schedule",
        "install",
        "--root",
        s,
        "--exe",
        "/usr/bin/gomme",
    ]);
    let shipped = [
        (
            "etc/systemd/system/gomme-boot.service",
            "lib/systemd/system/gomme-boot.service",
        ),
        (
            "etc/systemd/user/gomme-logout.service",
            "usr/lib/systemd/user/gomme-logout.service",
        ),
    ];
    for (from, to) in shipped {
        std::fs::create_dir_all(root.path().join(to).parent().unwrap()).unwrap();
        std::fs::copy(staging.path().join(from), root.path().join(to)).unwrap();
    }
    std::fs::create_dir_all(root.path().join("etc/systemd/system")).unwrap();
    let printed = run(&[
        "schedule",
        "install",
        "--root",
        r,
        "--exe",
        "/usr/bin/gomme",
    ]);
    assert!(printed.contains("using "), "{printed}");
    assert!(!root
        .path()
        .join("etc/systemd/system/gomme-boot.service")
        .exists());
    assert!(root
        .path()
        .join("etc/systemd/system/multi-user.target.wants/gomme-boot.service")
        .is_symlink());
    let status = run(&["schedule", "status", "--root", r, "--exe", "/usr/bin/gomme"]);
    assert!(
        status.contains("installed by the package")
            && status.contains("gomme-boot.service: enabled"),
        "{status}"
    );
    run(&["schedule", "remove", "--root", r, "--exe", "/usr/bin/gomme"]);
    assert!(!root
        .path()
        .join("etc/systemd/system/multi-user.target.wants/gomme-boot.service")
        .exists());
    for (_, to) in shipped {
        assert!(
            root.path().join(to).is_file(),
            "remove deleted the package's {to}"
        );
    }
}
