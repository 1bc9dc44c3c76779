//! The session clean (`gomme session start`, `clean --session`): what the person made in the
//! personal folders since the start goes, with the desktop's traces of it written by real
//! writers (GTK's RecentManager, gdk-pixbuf's thumbnailer); what was there before stays byte
//! for byte; the dry run is exact; without a start nothing is done.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{gomme, gomme_json, snapshot};
use std::fs;
#[cfg(unix)]
use std::io::Write as _;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;
use std::time::Duration;

/// The Debian python3 with GObject introspection (`python3-gi`, `gir1.2-gtk-3.0`).
#[cfg(unix)]
const PYTHON: &str = "/usr/bin/python3";

fn home() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let home = dunce::canonicalize(dir.path()).unwrap().join("usager");
    fs::create_dir(&home).unwrap();
    (dir, home)
}

fn write(path: &Path, content: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

#[cfg(unix)]
fn uri(path: &Path) -> String {
    url::Url::from_file_path(path).unwrap().to_string()
}

/// Lets timestamps move on: the kernel's file clock ticks coarsely.
fn tick() {
    std::thread::sleep(Duration::from_millis(100));
}

/// GTK's own RecentManager adds `files` to the home's `recently-used.xbel`, headless.
#[cfg(unix)]
fn gtk_recent(home: &Path, files: &[&Path]) {
    let uris: Vec<String> = files.iter().map(|f| uri(f)).collect();
    let script = r#"
import sys, gi
gi.require_version('Gtk', '3.0')
from gi.repository import Gtk, GLib
m = Gtk.RecentManager.get_default()
for uri in sys.argv[1:]:
    d = Gtk.RecentData()
    d.mime_type = 'application/octet-stream'
    d.app_name = 'evince'
    d.app_exec = 'evince %u'
    assert m.add_full(uri, d), uri
loop = GLib.MainLoop()
GLib.timeout_add(300, loop.quit)
loop.run()
"#;
    let out = Command::new(PYTHON)
        .arg("-c")
        .arg(script)
        .args(&uris)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("python3 with python3-gi and gir1.2-gtk-3.0 (scripts/install-test-deps)");
    assert!(
        out.status.success(),
        "GTK RecentManager: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hrefs = xbel_hrefs(home);
    for u in &uris {
        assert!(hrefs.contains(u), "GTK did not record {u}: {hrefs:?}");
    }
}

/// The `href` of each entry of the home's `recently-used.xbel`, which must be valid XML.
#[cfg(unix)]
fn xbel_hrefs(home: &Path) -> Vec<String> {
    let xbel = fs::read_to_string(home.join(".local/share/recently-used.xbel")).unwrap();
    let doc = roxmltree::Document::parse(&xbel).expect("recently-used.xbel is XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("bookmark"))
        .filter_map(|n| n.attribute("href").map(str::to_owned))
        .collect()
}

/// A freedesktop thumbnail of `image`, made by gdk-pixbuf's thumbnailer, named by the MD5 of
/// the image's URI. The thumbnailer writes no `Thumb::URI` (the desktop's thumbnail factory
/// adds it): it is added here, before the image data, as the thumbnail spec says.
#[cfg(unix)]
fn thumbnail(home: &Path, image: &Path) -> PathBuf {
    thumbnail_as(home, image, true)
}

/// [`thumbnail`], with `Thumb::URI` added or not (then only its name says what it shows).
#[cfg(unix)]
fn thumbnail_as(home: &Path, image: &Path, with_uri: bool) -> PathBuf {
    let raw = home.join("thumb.tmp.png");
    let out = Command::new("gdk-pixbuf-thumbnailer")
        .args(["-s", "128"])
        .arg(image)
        .arg(&raw)
        .output()
        .expect("gdk-pixbuf-thumbnailer (libgdk-pixbuf2.0-bin)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = fs::read(&raw).unwrap();
    fs::remove_file(&raw).unwrap();
    assert!(
        !String::from_utf8_lossy(&png).contains("Thumb::URI"),
        "the thumbnailer now writes Thumb::URI itself: drop the chunk added here"
    );
    let u = uri(image);
    let mut text = b"Thumb::URI\0".to_vec();
    text.extend_from_slice(u.as_bytes());
    let mut chunk = (text.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(&text);
    chunk.extend_from_slice(&crc32(&[b"tEXt".as_slice(), &text].concat()).to_be_bytes());
    // After the signature and IHDR (8 + 25 bytes).
    let with = if with_uri {
        [&png[..33], &chunk, &png[33..]].concat()
    } else {
        png
    };
    let mut child = Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(u.as_bytes()).unwrap();
    let sum = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let path = home
        .join(".cache/thumbnails/normal")
        .join(format!("{}.png", &sum[..32]));
    write(&path, &with);
    path
}

#[cfg(unix)]
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small PNG picture, as a scanner or a phone would leave one.
#[cfg(unix)]
fn picture(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let out = Command::new(PYTHON)
        .arg("-c")
        .arg(
            "import sys, zlib, struct\n\
             w, h = 64, 48\n\
             raw = b''.join(b'\\0' + b''.join(bytes([x * 3 % 256, y * 5 % 256, 90]) for x in range(w)) for y in range(h))\n\
             c = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))\n\
             ihdr = struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)\n\
             open(sys.argv[1], 'wb').write(b'\\x89PNG\\r\\n\\x1a\\n' + c(b'IHDR', ihdr) + c(b'IDAT', zlib.compress(raw)) + c(b'IEND', b''))\n",
        )
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
fn kde_recent(home: &Path, name: &str, target: &Path) -> PathBuf {
    let path = home.join(".local/share/RecentDocuments").join(name);
    write(
        &path,
        format!(
            "[Desktop Entry]\nName={name}\nType=Link\nURL[$e]={}\n",
            uri(target)
        )
        .as_bytes(),
    );
    path
}

/// The filesystem's birth-time support where the tests run, said in the test's output.
#[cfg(unix)]
fn say_btime(home: &Path) {
    let out = Command::new("stat")
        .args(["--file-system", "--format=%T"])
        .arg(home)
        .output();
    let fs_type = out
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let w = Command::new("stat")
        .arg("--format=%W")
        .arg(home)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let _ = writeln!(
        std::io::stderr(),
        "session tests run on {fs_type}; birth time {}",
        if w == "0" || w == "-" || w.is_empty() {
            "unavailable: ctime alone decides"
        } else {
            "available"
        }
    );
}

fn session_counts(report: &serde_json::Value) -> ((u64, u64), (u64, u64)) {
    let s = &report["session"][0]["categories"];
    let pair = |v: &serde_json::Value| (v["items"].as_u64().unwrap(), v["bytes"].as_u64().unwrap());
    (pair(&s["session-files"]), pair(&s["desktop-traces"]))
}

#[cfg(unix)]
#[test]
fn what_the_session_made_goes_with_its_traces_and_the_rest_stays_byte_for_byte() {
    session_clean(false);
}

/// The same where the filesystem keeps no birth time: the change time alone decides.
#[cfg(unix)]
#[test]
fn without_birth_times_the_change_time_alone_decides() {
    session_clean(true);
}

/// gomme with `args` and `--json`, its birth times hidden if `no_btime`.
#[cfg(unix)]
fn json(no_btime: bool, args: &[&str]) -> (serde_json::Value, i32) {
    if !no_btime {
        return gomme_json(args);
    }
    let out = gomme()
        .env("GOMME_TEST_NO_BIRTH_TIME", "1")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (report, out.status.code().unwrap_or(-1))
}

#[cfg(unix)]
fn session_clean(no_btime: bool) {
    let (_dir, home) = home();
    if !no_btime {
        say_btime(&home);
    }
    let h = home.to_str().unwrap();
    // The computer's own files, there before the person sits down.
    write(
        &home.join(".config/user-dirs.dirs"),
        b"XDG_DESKTOP_DIR=\"$HOME/Bureau\"\nXDG_DOCUMENTS_DIR=\"$HOME/Documents\"\n\
          XDG_PICTURES_DIR=\"$HOME/Images\"\nXDG_DOWNLOAD_DIR=\"$HOME/T\xc3\xa9l\xc3\xa9chargements\"\n",
    );
    let charte = home.join("Documents/charte informatique.pdf");
    write(&charte, b"%PDF-1.4 charte");
    write(
        &home.join("Documents/Proc\u{e9}dures/mode d'emploi.txt"),
        b"staff",
    );
    write(&home.join("Bureau/lisez-moi.txt"), b"bienvenue");
    fs::create_dir_all(home.join("Documents/Vide")).unwrap();
    let logo = home.join("Images/logo.png");
    picture(&logo);
    let staff_thumb = thumbnail_as(&home, &logo, false);
    let staff_kde = kde_recent(&home, "charte.desktop", &charte);
    std::os::unix::fs::symlink("/etc/hostname", home.join("Bureau/ancien lien")).unwrap();
    tick();

    let out = gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(home.join(".local/state/gomme/session").is_file());
    let before = snapshot(&home);
    tick();

    // The person's session: a scanned identity card, a payslip copied with its old date, a
    // folder made for the procedure, an attestation in an existing folder, a link.
    let carte = home.join("Documents/carte d'identit\u{e9}.png");
    picture(&carte);
    let bulletin = home.join("Images/bulletin de salaire.png");
    picture(&bulletin);
    let set_back = Command::new("touch")
        .args(["-m", "-d", "2020-01-15 10:00"])
        .arg(&bulletin)
        .status()
        .unwrap();
    assert!(set_back.success());
    assert!(
        fs::metadata(&bulletin).unwrap().modified().unwrap()
            < std::time::UNIX_EPOCH + Duration::from_secs(1_600_000_000)
    );
    let caf = home.join("Documents/CAF");
    write(
        &caf.join("attestation.pdf"),
        b"%PDF-1.4 attestation de paiement",
    );
    write(&caf.join("justificatifs/avis.pdf"), b"%PDF-1.4 avis");
    let scan = caf.join("scan.png");
    picture(&scan);
    write(
        &home.join("Documents/Proc\u{e9}dures/attestation France Travail.pdf"),
        b"%PDF-1.4 ft",
    );
    write(
        &home.join("T\u{e9}l\u{e9}chargements/releve.pdf"),
        b"%PDF releve",
    );
    std::os::unix::fs::symlink("/etc/hostname", home.join("Bureau/nouveau lien")).unwrap();
    let hostname = fs::read("/etc/hostname").ok();
    // The desktop records them, and the staff's file opened again.
    gtk_recent(&home, &[&charte, &carte, &caf.join("attestation.pdf")]);
    thumbnail(&home, &carte);
    thumbnail(&home, &bulletin);
    // Found by its name alone, in a folder that goes whole.
    thumbnail_as(&home, &scan, false);
    kde_recent(&home, "carte.desktop", &carte);
    kde_recent(&home, "attestation.desktop", &caf.join("attestation.pdf"));
    // The lists gomme edits, and its own marker (renewed by the clean).
    let traces_before: Vec<PathBuf> = [".local/share", ".cache", ".local/state/gomme/session"]
        .iter()
        .map(|d| home.join(d))
        .collect();

    // The dry run changes nothing and says what the clean then does.
    let ready = snapshot(&home);
    let (dry, code) = json(no_btime, &["clean", "--dry-run", "--session", "--home", h]);
    assert_eq!(code, 0, "{dry:#}");
    assert_eq!(snapshot(&home), ready, "the dry run changed something");
    let text = dry.to_string();
    for name in ["carte", "CAF", "bulletin", "attestation", "releve", "lien"] {
        assert!(
            !text.contains(name),
            "the report names a file ({name}): {text}"
        );
    }
    let (files, traces) = session_counts(&dry);
    // carte, bulletin, CAF (3 files), Procédures' attestation, releve, the new link.
    assert_eq!(files.0, 8, "{dry:#}");
    // 2 GTK entries, 3 thumbnails, 2 KDE entries.
    assert_eq!(traces.0, 7, "{dry:#}");
    let folders = &dry["session"][0]["folders"];
    assert_eq!(folders["documents"]["items"], 5, "{dry:#}");
    assert_eq!(folders["pictures"]["items"], 1, "{dry:#}");
    assert_eq!(folders["desktop"]["items"], 1, "{dry:#}");
    assert_eq!(folders["downloads"]["items"], 1, "{dry:#}");

    let (done, code) = json(no_btime, &["clean", "--yes", "--session", "--home", h]);
    assert_eq!(code, 0, "{done:#}");
    assert_eq!(
        session_counts(&done),
        (files, traces),
        "the clean did not do what the dry run said"
    );
    assert_eq!(done["session"][0]["status"], "cleaned");

    // What was there before the start is there, byte for byte.
    let after = snapshot(&home);
    for (path, state) in &before {
        if traces_before.iter().any(|t| home.join(path).starts_with(t))
            || path.as_os_str().is_empty()
        {
            continue;
        }
        if home.join(path).is_dir() {
            assert!(after.contains_key(path), "{} was removed", path.display());
            continue;
        }
        assert_eq!(after.get(path), Some(state), "{} changed", path.display());
    }
    assert!(home.join("Documents/Vide").is_dir());
    assert!(staff_thumb.is_file() && staff_kde.is_file());
    // What the session made is gone, a link as a link.
    for gone in [&carte, &bulletin, &caf, &home.join("Bureau/nouveau lien")] {
        assert!(
            fs::symlink_metadata(gone).is_err(),
            "{} is still there",
            gone.display()
        );
    }
    assert!(!home
        .join("Documents/Proc\u{e9}dures/attestation France Travail.pdf")
        .exists());
    assert_eq!(fs::read("/etc/hostname").ok(), hostname);
    // The desktop's lists lost those entries only, and stayed valid.
    assert_eq!(xbel_hrefs(&home), [uri(&charte)]);
    let thumbs: Vec<_> = fs::read_dir(home.join(".cache/thumbnails/normal"))
        .unwrap()
        .collect();
    assert_eq!(thumbs.len(), 1, "only the staff's logo keeps its thumbnail");
    let kde: Vec<_> = fs::read_dir(home.join(".local/share/RecentDocuments"))
        .unwrap()
        .collect();
    assert_eq!(kde.len(), 1);

    // Nothing is left, says the audit.
    let (audit, code) = json(no_btime, &["audit", "--session", "--home", h]);
    assert_eq!(code, 0, "{audit:#}");
    assert_eq!(session_counts(&audit), ((0, 0), (0, 0)));
}

#[test]
fn without_a_start_nothing_is_done_and_the_helper_is_told_why() {
    let (_dir, home) = home();
    let h = home.to_str().unwrap();
    write(&home.join("Documents/carte.pdf"), b"%PDF");
    let before = snapshot(&home);
    for (lang, words) in [
        ("C.UTF-8", "no session start"),
        ("fr_FR.UTF-8", "aucun d\u{e9}but d'accompagnement"),
    ] {
        for cmd in [
            &["clean", "--yes", "--session", "--home", h][..],
            &["audit", "--session", "--home", h],
        ] {
            let out = gomme().env("LANG", lang).args(cmd).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{cmd:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains(words) && err.contains("session start"),
                "{lang}: {err}"
            );
        }
    }
    // `[session] files = true` makes every clean a session clean: refused the same way.
    let config = _dir.path().join("config.toml");
    fs::write(&config, "[session]\nfiles = true\n").unwrap();
    let out = gomme()
        .args([
            "--config",
            config.to_str().unwrap(),
            "clean",
            "--yes",
            "--home",
            h,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(snapshot(&home), before);
}

/// A personal folder that leads elsewhere through a link is not looked in.
#[cfg(unix)]
#[test]
fn a_personal_folder_that_is_a_link_is_not_entered() {
    let (dir, home) = home();
    let h = home.to_str().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, home.join("Videos")).unwrap();
    assert!(gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap()
        .status
        .success());
    tick();
    write(&elsewhere.join("film.mp4"), b"new");
    write(&home.join("Music/new.ogg"), b"new");
    let (report, code) = gomme_json(&["clean", "--yes", "--session", "--home", h]);
    assert_eq!(
        code, 0,
        "a personal folder that is a link is skipped, not an error"
    );
    assert!(elsewhere.join("film.mp4").is_file(), "{report:#}");
    assert!(!home.join("Music/new.ogg").exists());
    assert_eq!(report["session"][0]["folders"]["music"]["items"], 1);
}

/// On a Windows home: Recent Items shortcuts and Jump Lists made since the start go, older
/// ones stay; Explorer's thumbnail cache goes whole once a file of the session went.
#[test]
fn windows_recent_items_jump_lists_and_thumbnail_cache() {
    let (_dir, home) = home();
    let h = home.to_str().unwrap();
    let recent = home.join("AppData/Roaming/Microsoft/Windows/Recent");
    let explorer = home.join("AppData/Local/Microsoft/Windows/Explorer");
    write(&recent.join("charte.lnk"), b"L old");
    write(
        &recent.join("AutomaticDestinations/5f7b5f1e01b83767.automaticDestinations-ms"),
        b"old",
    );
    write(&explorer.join("iconcache_32.db"), b"icons");
    write(&home.join("Documents/charte.pdf"), b"%PDF");
    assert!(gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap()
        .status
        .success());
    tick();
    write(&home.join("Documents/carte.pdf"), b"%PDF carte");
    write(&recent.join("carte.lnk"), b"L new");
    write(
        &recent.join("CustomDestinations/abc.customDestinations-ms"),
        b"new",
    );
    write(&explorer.join("thumbcache_256.db"), b"thumbs");
    let (report, code) = gomme_json(&["clean", "--yes", "--session", "--home", h]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(session_counts(&report).1 .0, 3, "{report:#}");
    assert!(recent.join("charte.lnk").is_file() && !recent.join("carte.lnk").exists());
    assert!(recent
        .join("AutomaticDestinations/5f7b5f1e01b83767.automaticDestinations-ms")
        .is_file());
    assert!(!recent
        .join("CustomDestinations/abc.customDestinations-ms")
        .exists());
    assert!(
        !explorer.join("thumbcache_256.db").exists() && explorer.join("iconcache_32.db").is_file()
    );
    assert!(home.join("Documents/charte.pdf").is_file());
}

/// `schedule install` notes each logon's start: a systemd user unit systemd accepts, a logon
/// task run as the person, a launchd agent run at load.
#[cfg(target_os = "linux")]
#[test]
fn the_schedule_notes_each_logon() {
    let root = tempfile::tempdir().unwrap();
    let r = root.path().to_str().unwrap();
    // A program that exists: systemd's checker looks for it.
    let exe = assert_cmd::cargo::cargo_bin("gomme");
    let exe = exe.to_str().unwrap();
    let run = |platform: &str| {
        let out = gomme()
            .args([
                "schedule",
                "install",
                "--platform",
                platform,
                "--root",
                r,
                "--exe",
                exe,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run("linux");
    let unit = root.path().join("etc/systemd/user/gomme-session.service");
    let text = fs::read_to_string(&unit).unwrap();
    assert!(
        text.contains(&format!("ExecStart={exe} session start --keep\n"))
            && text.contains("WantedBy=default.target")
    );
    assert!(root
        .path()
        .join("etc/systemd/user/default.target.wants/gomme-session.service")
        .is_symlink());
    let verify = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&unit)
        .output()
        .unwrap();
    assert!(
        verify.status.success() && verify.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    run("windows");
    let task = fs::read(
        root.path()
            .join("ProgramData/gomme/tasks/gomme-session.xml"),
    )
    .or_else(|_| {
        let found = walkdir::WalkDir::new(root.path())
            .into_iter()
            .map(Result::unwrap)
            .find(|e| e.file_name() == "gomme-session.xml")
            .expect("the logon task");
        fs::read(found.path())
    })
    .unwrap();
    let units: Vec<u16> = task[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let xml = String::from_utf16(&units).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let has = |name: &str| doc.descendants().any(|n| n.tag_name().name() == name);
    assert!(has("LogonTrigger") && !has("UserId"));
    assert!(doc
        .descendants()
        .any(|n| n.tag_name().name() == "Arguments" && n.text() == Some("session start --keep")));
    run("macos");
    let plist = fs::read_to_string(
        root.path()
            .join("Library/LaunchAgents/fr.gomme.session.plist"),
    )
    .unwrap();
    assert!(
        plist.contains(
            "<string>session</string>\n    <string>start</string>\n    <string>--keep</string>"
        ) && plist.contains("<key>RunAtLoad</key>")
    );
}

/// A copy keeps its original's date: it still goes, judged by its change and birth time;
/// the file there before stays, byte for byte. On every system (Windows: creation time).
#[test]
fn a_copy_with_an_old_date_goes_and_what_was_there_stays() {
    let (_dir, home) = home();
    let h = home.to_str().unwrap();
    let charte = home.join("Documents").join("charte.pdf");
    write(&charte, b"%PDF charte");
    fs::create_dir(home.join("Pictures")).unwrap();
    let out = gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let marker = if cfg!(windows) {
        home.join("AppData")
            .join("Local")
            .join("gomme")
            .join("session")
    } else {
        home.join(".local/state/gomme/session")
    };
    assert!(marker.is_file(), "no marker at {}", marker.display());
    let before = snapshot(&home);
    tick();
    let copy = home.join("Pictures").join("bulletin.jpg");
    write(&copy, b"\xff\xd8 payslip");
    let old = std::time::UNIX_EPOCH + Duration::from_secs(1_579_082_400); // 2020-01-15
    fs::OpenOptions::new()
        .write(true)
        .open(&copy)
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert_eq!(fs::metadata(&copy).unwrap().modified().unwrap(), old);
    let (dry, code) = gomme_json(&["clean", "--dry-run", "--session", "--home", h]);
    assert_eq!(code, 0, "{dry:#}");
    assert_eq!(
        dry["session"][0]["folders"]["pictures"]["items"], 1,
        "{dry:#}"
    );
    let log = _dir.path().join("audit.jsonl");
    let log_s = log.to_str().unwrap();
    let (done, code) = gomme_json(&[
        "clean",
        "--yes",
        "--session",
        "--home",
        h,
        "--log-file",
        log_s,
    ]);
    assert_eq!(code, 0, "{done:#}");
    assert_eq!(session_counts(&done), session_counts(&dry));
    assert!(!copy.exists(), "the copy with a 2020 date is still there");
    // The audit log has the session's counts, not its names.
    let logged = fs::read_to_string(&log).unwrap();
    let line: serde_json::Value = serde_json::from_str(
        logged
            .lines()
            .find(|l| l.contains("\"kind\":\"session\""))
            .unwrap_or_else(|| panic!("no session line: {logged}")),
    )
    .unwrap();
    assert_eq!(line["folders"]["pictures"]["items"], 1, "{line}");
    assert_eq!(line["account"], "usager");
    assert!(!logged.contains("bulletin"), "{logged}");
    // What was there stays; the marker alone was renewed: the next session starts now.
    let mut after = snapshot(&home);
    let rel = marker.strip_prefix(&home).unwrap().to_path_buf();
    let mut before = before;
    assert_ne!(
        after.remove(&rel),
        before.remove(&rel),
        "the start was not renewed"
    );
    assert_eq!(after, before, "what was there before changed");
    // A second clean finds nothing: the new session has made nothing yet.
    let (again, code) = gomme_json(&["clean", "--yes", "--session", "--home", h]);
    assert_eq!(code, 0, "{again:#}");
    assert_eq!(session_counts(&again), ((0, 0), (0, 0)));
}

/// A drive mounted in a personal folder, or a personal folder that is a mount, is never
/// entered: what the person put there stays. Needs root (it mounts tmpfs).
#[cfg(target_os = "linux")]
#[test]
fn a_mounted_drive_is_never_entered() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let _ = writeln!(std::io::stderr(), "not root: mount points not tested");
        return;
    }
    struct Mounted(Vec<PathBuf>);
    impl Drop for Mounted {
        fn drop(&mut self) {
            for m in self.0.iter().rev() {
                let _ = Command::new("umount").arg(m).status();
            }
        }
    }
    let (_dir, home) = home();
    let h = home.to_str().unwrap();
    let usb = home.join("Documents/cle USB");
    let pictures = home.join("Pictures");
    // A folder of the same filesystem bind-mounted into Videos: same device, another mount.
    let videos = home.join("Videos");
    let elsewhere = _dir.path().join("elsewhere");
    for d in [&usb, &pictures, &videos, &elsewhere] {
        fs::create_dir_all(d).unwrap();
    }
    let mut mounted = Mounted(Vec::new());
    for m in [&usb, &pictures, &videos] {
        let mut mount = Command::new("mount");
        if *m == videos {
            mount.arg("--bind").arg(&elsewhere).arg(m);
        } else {
            mount.args(["-t", "tmpfs", "gomme-test"]).arg(m);
        }
        let ok = mount.status().is_ok_and(|s| s.success());
        if !ok {
            let _ = writeln!(std::io::stderr(), "cannot mount tmpfs here: not tested");
            return;
        }
        mounted.0.push(m.clone());
    }
    assert!(gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap()
        .status
        .success());
    tick();
    write(&usb.join("dossier.pdf"), b"on the drive");
    write(&pictures.join("photo.jpg"), b"on the share");
    write(&videos.join("film.mp4"), b"bound here");
    write(&home.join("Documents/new.pdf"), b"in the home");
    let (done, code) = gomme_json(&["clean", "--yes", "--session", "--home", h]);
    assert_eq!(code, 0, "{done:#}");
    assert!(usb.join("dossier.pdf").is_file() && pictures.join("photo.jpg").is_file());
    assert!(
        elsewhere.join("film.mp4").is_file(),
        "a bind mount was entered"
    );
    assert!(!home.join("Documents/new.pdf").exists());
    assert_eq!(session_counts(&done).0 .0, 1, "{done:#}");
    drop(mounted);
}

/// Run as root over someone's home, gomme writes the marker as them and removes as them:
/// what they could not remove themselves (a folder root made in their Documents) stays, and
/// the error names the personal folder, not the file.
#[cfg(target_os = "linux")]
#[test]
fn as_root_it_acts_as_the_account() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let _ = writeln!(
            std::io::stderr(),
            "not root: acting as the account not tested"
        );
        return;
    }
    let uid = 4_000_123;
    let (dir, home) = home();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let h = home.to_str().unwrap();
    fs::create_dir(home.join("Documents")).unwrap();
    let chown = |p: &Path| {
        let ok = Command::new("chown")
            .args(["-R", &format!("{uid}:{uid}")])
            .arg(p)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    chown(&home);
    let out = gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for p in [
        ".local",
        ".local/state",
        ".local/state/gomme",
        ".local/state/gomme/session",
    ] {
        let meta = fs::metadata(home.join(p)).unwrap();
        assert_eq!(
            (meta.uid(), meta.gid()),
            (uid, uid),
            "{p} is not the account's"
        );
    }
    tick();
    let carte = home.join("Documents/carte.pdf");
    write(&carte, b"%PDF");
    chown(&carte);
    let system = home.join("Documents/systeme");
    write(&system.join("piece.pdf"), b"root's");
    let (done, code) = gomme_json(&["clean", "--yes", "--session", "--home", h]);
    assert_eq!(code, 4, "{done:#}");
    assert!(!carte.exists());
    assert!(
        system.join("piece.pdf").is_file(),
        "removed as root, not as the account"
    );
    let errors = done["session"][0]["errors"].to_string();
    assert!(
        errors.contains("documents") && !errors.contains("piece"),
        "{errors}"
    );
}

/// A file downloaded during the session is the browsers' `downloads` as much as a session
/// file: it is counted once, and the dry run's totals are the clean's.
#[test]
fn a_download_of_the_session_is_counted_once() {
    let copy = common::FixtureCopy::new();
    let home = copy.home();
    let h = home.to_str().unwrap();
    let out = gomme()
        .args(["session", "start", "--home", h])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    tick();
    // The recorded downloads arrive during the session; one more file the browsers do not know.
    let downloads = home.join("Downloads");
    let recorded: Vec<PathBuf> = fs::read_dir(&downloads)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(!recorded.is_empty());
    for f in &recorded {
        let content = fs::read(f).unwrap();
        fs::remove_file(f).unwrap();
        fs::write(f, content).unwrap();
    }
    write(&downloads.join("scan.pdf"), b"%PDF scan");
    let (dry, code) = gomme_json(&["clean", "--dry-run", "--session", "--home", h]);
    assert_eq!(code, 0, "{dry:#}");
    assert_eq!(
        dry["session"][0]["folders"]["downloads"]["items"], 1,
        "{dry:#}"
    );
    let (done, code) = gomme_json(&["clean", "--yes", "--session", "--home", h]);
    assert_eq!(code, 0, "{done:#}");
    assert_eq!(
        done["totals"]["items"], dry["totals"]["items"],
        "{dry:#}\n{done:#}"
    );
    assert_eq!(session_counts(&done), session_counts(&dry));
    assert_eq!(fs::read_dir(&downloads).unwrap().count(), 0);
}

/// The logon run (`--keep`) keeps a start not yet cleaned: what the last person made does not
/// become "from before" because someone logged on again. `session start` alone moves it.
#[test]
fn a_logon_keeps_a_start_not_yet_cleaned() {
    let (_dir, home) = home();
    let h = home.to_str().unwrap();
    let start = |keep: bool| {
        let mut args = vec!["session", "start", "--home", h];
        if keep {
            args.push("--keep");
        }
        let out = gomme().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    start(true);
    let first = snapshot(&home);
    tick();
    write(&home.join("Documents/carte.pdf"), b"%PDF");
    tick();
    let said = start(true);
    assert!(said.contains("kept"), "{said}");
    let (dry, _) = gomme_json(&["clean", "--dry-run", "--session", "--home", h]);
    assert_eq!(
        dry["session"][0]["folders"]["documents"]["items"], 1,
        "{dry:#}"
    );
    start(false);
    let (dry, _) = gomme_json(&["clean", "--dry-run", "--session", "--home", h]);
    assert_eq!(
        dry["session"][0]["folders"]["documents"]["items"], 0,
        "{dry:#}"
    );
    assert_ne!(snapshot(&home), first);
}

/// `--all-users` (a boot or logoff sweep): an account with no start noted is left, and so is
/// one logged in now (its `/run/user/UID`), whose session is still under way.
#[cfg(target_os = "linux")]
#[test]
fn a_sweep_of_every_account_leaves_those_logged_in_or_never_started() {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        let _ = writeln!(
            std::io::stderr(),
            "not root: accounts of other owners not tested"
        );
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let r = dunce::canonicalize(root.path()).unwrap();
    write(
        &r.join("etc/passwd"),
        b"root:x:0:0:root:/root:/bin/bash\n\
          ada:x:2001:2001::/home/ada:/bin/bash\n\
          bob:x:2002:2002::/home/bob:/bin/bash\n\
          cyd:x:2003:2003::/home/cyd:/bin/bash\n",
    );
    for (name, uid) in [("ada", 2001), ("bob", 2002), ("cyd", 2003)] {
        let home = r.join("home").join(name);
        fs::create_dir_all(home.join("Documents")).unwrap();
        let ok = Command::new("chown")
            .args(["-R", &format!("{uid}:{uid}")])
            .arg(&home)
            .status()
            .unwrap();
        assert!(ok.success());
        if name != "cyd" {
            let out = gomme()
                .args(["session", "start", "--home", home.to_str().unwrap()])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // Bob is logged in now.
    fs::create_dir_all(r.join("run/user/2002")).unwrap();
    tick();
    for name in ["ada", "bob", "cyd"] {
        write(
            &r.join("home").join(name).join("Documents/new.pdf"),
            b"%PDF",
        );
    }
    let out = gomme()
        .env("GOMME_SYSROOT", &r)
        .args(["clean", "--yes", "--session", "--all-users", "--json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!r.join("home/ada/Documents/new.pdf").exists());
    assert!(
        r.join("home/bob/Documents/new.pdf").is_file(),
        "a session under way was emptied"
    );
    assert!(r.join("home/cyd/Documents/new.pdf").is_file());
    assert!(
        err.contains("logged in") && err.contains("no session start"),
        "{err}"
    );
}

/// Issue 21: `shortcut install --session` puts a "Début d'accompagnement" icon beside the
/// clean's, which then cleans the session too. The start icon's own command, run as the
/// launcher would (own home, a terminal that closes on Enter), notes the start; `shortcut
/// remove` takes both away. Without `--session` the clean's icon alone, as before.
#[cfg(unix)]
#[test]
fn the_start_icon_notes_the_session_and_the_clean_icon_cleans_it() {
    let (_dir, home) = home();
    let desk = home.join("Desktop");
    let exe = env!("CARGO_BIN_EXE_gomme");
    let install = |session: bool| {
        let mut args = vec!["shortcut", "install", "--platform", "linux"];
        args.extend(["--desktop", desk.to_str().unwrap(), "--exe", exe]);
        if session {
            args.push("--session");
        }
        let out = gomme().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    };
    let exec = |file: &str| -> String {
        let text = fs::read_to_string(desk.join(file)).unwrap();
        let line = text.lines().find(|l| l.starts_with("Exec=")).unwrap();
        line["Exec=".len()..].to_owned()
    };
    install(false);
    assert_eq!(fs::read_dir(&desk).unwrap().count(), 1);
    assert!(!exec("gomme-effacer.desktop").contains("--session"));

    install(true);
    for file in ["gomme-effacer.desktop", "gomme-debut.desktop"] {
        let validate = Command::new("desktop-file-validate")
            .arg(desk.join(file))
            .output()
            .expect("desktop-file-utils is installed");
        assert!(
            validate.status.success() && validate.stdout.is_empty(),
            "{validate:?}"
        );
    }
    assert_eq!(
        exec("gomme-effacer.desktop"),
        format!("\"{exe}\" clean --session --close-browsers --pause")
    );
    let text = fs::read_to_string(desk.join("gomme-debut.desktop")).unwrap();
    assert!(
        text.contains("Name[fr]=D\u{e9}but d'accompagnement\n") && text.contains("Terminal=true\n")
    );

    let marker = home.join(".local/state/gomme/session");
    assert!(!marker.exists());
    let out = Command::new("sh")
        .args(["-c", &exec("gomme-debut.desktop")])
        .env("HOME", &home)
        .env("LANG", "fr_FR.UTF-8")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("d\u{e9}but d'accompagnement not\u{e9}"),
        "{said}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Appuyez sur Entr\u{e9}e"), "{err}");
    assert!(marker.is_file(), "the icon noted no start");

    let out = gomme()
        .args(["shortcut", "remove", "--platform", "linux"])
        .args(["--desktop", desk.to_str().unwrap(), "--exe", exe])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(fs::read_dir(&desk).unwrap().count(), 0);
}
