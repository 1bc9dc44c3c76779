//! Test support shared by the integration tests: the committed real-browser fixture, copies of
//! it, snapshots of a tree, and a home holding every layout gomme knows.
#![allow(dead_code)]

pub mod browser;
pub mod layout;

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The real-browser home committed under `fixtures/`.
pub fn fixture_home() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/home")
}

pub fn manifest_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/manifest.json")
}

/// A writable copy of the fixture home, in a temporary folder removed on drop.
pub struct FixtureCopy {
    pub dir: tempfile::TempDir,
}

impl FixtureCopy {
    /// A copy whose download records name the files in the copy, as they would had the
    /// browsers run in this home (the fixture was generated in a temporary home).
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        copy_tree(&fixture_home(), &home);
        relocate_downloads(&home);
        FixtureCopy { dir }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
}

/// Copies a tree; links are recreated as links, never followed.
pub fn copy_tree(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap_or_else(|e| panic!("{}: {e}", src.display())) {
        let entry = entry.unwrap();
        let from = entry.path();
        let to = dst.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&from, &to);
        } else if kind.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(&from).unwrap(), &to).unwrap();
        } else {
            fs::copy(&from, &to).unwrap();
        }
    }
}

/// What a file looks like: length, modification time, content hash (links: their target).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    pub len: u64,
    pub modified: Option<SystemTime>,
    pub sha256: Vec<u8>,
}

/// Every file, link and folder under `root`, by relative path.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, FileState> {
    let mut map = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry.unwrap();
        let meta = entry.path().symlink_metadata().unwrap();
        let content = if meta.file_type().is_symlink() {
            fs::read_link(entry.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
                .into_bytes()
        } else if meta.is_file() {
            match fs::read(entry.path()) {
                Ok(content) => content,
                // Windows: a lock file a (test) browser holds open without sharing.
                Err(e) if cfg!(windows) && e.raw_os_error() == Some(32) => b"held".to_vec(),
                Err(e) => panic!("{}: {e}", entry.path().display()),
            }
        } else {
            Vec::new()
        };
        let state = FileState {
            len: meta.len(),
            modified: (!meta.is_dir()).then(|| meta.modified().ok()).flatten(),
            sha256: Sha256::digest(&content).to_vec(),
        };
        map.insert(
            entry.path().strip_prefix(root).unwrap().to_path_buf(),
            state,
        );
    }
    map
}

/// The gomme binary, with a locale that does not depend on the machine.
pub fn gomme() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("gomme").unwrap();
    cmd.env("LANG", "C.UTF-8")
        .env("GOMME_CONFIG", "none")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("GOMME_LANG")
        .env_remove("GOMME_LOG")
        .env_remove("GOMME_KEEP_COOKIES")
        .env_remove("GOMME_WAIT")
        .env_remove("GOMME_LOG_FILE");
    cmd
}

/// Runs gomme with `args` and parses its JSON output; returns it with the exit code.
pub fn gomme_json(args: &[&str]) -> (serde_json::Value, i32) {
    let out = gomme().args(args).arg("--json").output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code().unwrap_or(-1))
}

/// Per profile path, per category: (items, bytes), from a report.
pub fn counters(report: &serde_json::Value) -> BTreeMap<String, BTreeMap<String, (u64, u64)>> {
    let mut map = BTreeMap::new();
    for p in report["profiles"].as_array().unwrap() {
        let mut cats = BTreeMap::new();
        for (cat, c) in p["categories"].as_object().unwrap() {
            cats.insert(
                cat.clone(),
                (c["items"].as_u64().unwrap(), c["bytes"].as_u64().unwrap()),
            );
        }
        map.insert(p["path"].as_str().unwrap().to_owned(), cats);
    }
    map
}

/// The home the fixture was generated in, read from a Chromium download record.
fn generated_home() -> String {
    let history = fixture_home().join(".config/chromium/Default/History");
    let conn = rusqlite::Connection::open_with_flags(
        format!("file:{}?immutable=1", history.display()),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_URI,
    )
    .unwrap();
    let target: String = conn
        .query_row("SELECT target_path FROM downloads LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    target
        .split_once("/Downloads/")
        .expect("a download into Downloads")
        .0
        .to_owned()
}

/// Rewrites the download records of a fixture copy to name the copy's files, the way the
/// browsers of this OS write them: `/home/u/Downloads/f` and `file:///home/u/Downloads/f` on
/// Linux, `C:\Users\u\Downloads\f` and `file:///C:/Users/u/Downloads/f` on Windows.
pub fn relocate_downloads(home: &Path) {
    let old = generated_home();
    // Browsers record `C:\...`, not the verbatim `\\?\C:\...` canonicalize gives on Windows.
    let real = dunce::canonicalize(home).unwrap();
    let new = real.to_string_lossy().into_owned();
    let old_url = format!("file://{old}");
    let new_url = url::Url::from_file_path(&real).unwrap().to_string();
    for entry in walkdir::WalkDir::new(home) {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy();
        let (sql, from, to) = match name.as_ref() {
            "places.sqlite" => (
                "UPDATE moz_annos SET content = replace(content, ?1, ?2)",
                &old_url,
                &new_url,
            ),
            "History" if cfg!(windows) => (
                "UPDATE downloads SET \
                 target_path = replace(replace(target_path, ?1, ?2), '/', '\\'), \
                 current_path = replace(replace(current_path, ?1, ?2), '/', '\\')",
                &old,
                &new,
            ),
            "History" => (
                "UPDATE downloads SET target_path = replace(target_path, ?1, ?2), \
                          current_path = replace(current_path, ?1, ?2)",
                &old,
                &new,
            ),
            _ => continue,
        };
        let conn = rusqlite::Connection::open(entry.path()).unwrap();
        conn.execute(sql, [from, to]).unwrap();
    }
}

/// The fixture profile of `browser` that the manifest names `name` (Firefox's profile name,
/// `usager`, `default-esr`) or whose folder is `name` (Chromium's `Default`), as a path
/// relative to the home: tests name what they mean, never the random folder names a
/// regenerated fixture changes.
pub fn fixture_profile(browser: &str, name: &str) -> String {
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(manifest_path()).unwrap()).unwrap();
    manifest["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["browser"] == browser
                && (p["name"] == name
                    || Path::new(p["path"].as_str().unwrap()).file_name()
                        == Some(std::ffi::OsStr::new(name)))
        })
        .and_then(|p| p["path"].as_str())
        .unwrap_or_else(|| panic!("the manifest lists no {browser} profile {name}"))
        .to_owned()
}

/// [`fixture_profile`]'s folder name alone (Firefox: `<random>.usager`).
pub fn fixture_profile_folder(browser: &str, name: &str) -> String {
    Path::new(&fixture_profile(browser, name))
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}
