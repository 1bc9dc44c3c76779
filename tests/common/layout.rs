//! A home holding every layout gomme knows, built from the real-browser fixture profiles:
//! deb, snap, flatpak, Windows and macOS; Firefox profiles listed relative, absolute and not at
//! all; a damaged `profiles.ini`; two Chromium-family browsers with `Default` and `Profile 1`;
//! a live and a stale lock of each family. On Linux the lock holders are child processes this
//! test starts and ends by PID; on Windows the live locks are files this test process holds
//! open without sharing, as the browsers do there, and the stale ones are what Windows allows
//! without link privileges (see `build`).

use super::{copy_tree, fixture_home};
use std::fs;
#[cfg(unix)]
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Child;
#[cfg(unix)]
use std::process::{Command, Stdio};

/// A profile the layout home holds, as `gomme profiles --json` must report it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    pub browser: &'static str,
    pub variant: &'static str,
    /// Relative to the home.
    pub path: String,
    pub state: &'static str,
    pub listed: bool,
    /// The profile's separate cache folder, relative to the home.
    pub cache_dir: Option<String>,
}

pub struct LayoutHome {
    pub dir: tempfile::TempDir,
    pub expected: Vec<Expected>,
    holders: Vec<Child>,
    /// Windows: lock files held open without sharing until the home is dropped.
    held: Vec<fs::File>,
}

impl Drop for LayoutHome {
    fn drop(&mut self) {
        for child in &mut self.holders {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.held.clear();
    }
}

impl LayoutHome {
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Keeps the home on disk after the test (its lock holders stopped); its path.
    pub fn keep(mut self) -> PathBuf {
        let home = self.home();
        let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap());
        let _ = dir.keep();
        home
    }
}

/// The first Firefox profile and the Chromium user-data dir of the fixture.
fn sources() -> (PathBuf, PathBuf, Option<PathBuf>) {
    let firefox_root = fixture_home().join(".mozilla/firefox");
    let mut profiles: Vec<PathBuf> = fs::read_dir(&firefox_root)
        .unwrap_or_else(|e| panic!("{}: {e}", firefox_root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("prefs.js").is_file())
        .collect();
    profiles.sort();
    let ff = profiles
        .first()
        .expect("a Firefox profile in the fixture")
        .clone();
    let ff_cache = fixture_home()
        .join(".cache/mozilla/firefox")
        .join(ff.file_name().unwrap());
    let chromium = fixture_home().join(".config/chromium");
    assert!(chromium.join("Default/Preferences").is_file());
    (ff, chromium, ff_cache.is_dir().then_some(ff_cache))
}

fn write(path: &Path, content: impl AsRef<[u8]>) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

#[cfg(unix)]
fn hostname() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned()
}

/// A PID that was alive a moment ago and is not any more.
#[cfg(unix)]
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[cfg(unix)]
fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Holds `path` open with no sharing, as Windows Firefox holds `parent.lock` and Chromium
/// `lockfile` while they run.
#[cfg(windows)]
pub fn hold_exclusively(path: &Path) -> fs::File {
    use std::os::windows::fs::OpenOptionsExt;
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .share_mode(0)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn build() -> LayoutHome {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (ff, chromium, ff_cache) = sources();
    #[cfg_attr(windows, allow(unused_mut))]
    let mut holders = Vec::new();
    #[cfg_attr(unix, allow(unused_mut))]
    let mut held = Vec::new();
    let mut expected = Vec::new();
    let mut expect = |browser, variant, path: &str, state, listed, cache: Option<&str>| {
        expected.push(Expected {
            browser,
            variant,
            path: path.to_owned(),
            state,
            listed,
            cache_dir: cache.map(str::to_owned),
        })
    };

    // deb Firefox: one relative, one absolute (elsewhere in the home), one unlisted; a stale lock.
    let root = home.join(".mozilla/firefox");
    copy_tree(&ff, &root.join("rel1.default-esr"));
    copy_tree(&ff, &home.join("ff-elsewhere/abs1.custom"));
    copy_tree(&ff, &root.join("unlisted1.old"));
    if let Some(cache) = &ff_cache {
        copy_tree(cache, &home.join(".cache/mozilla/firefox/rel1.default-esr"));
    } else {
        write(
            &home.join(".cache/mozilla/firefox/rel1.default-esr/cache2/index"),
            b"",
        );
    }
    let absolute = home.join("ff-elsewhere/abs1.custom");
    write(
        &root.join("profiles.ini"),
        format!(
            "[General]\nStartWithLastProfile=1\nVersion=2\n\n\
             [Profile1]\nName=Work\nIsRelative=0\nPath={}\n\n\
             [Profile0]\nName=default-esr\nIsRelative=1\nPath=rel1.default-esr\nDefault=1\n\n\
             [Install3B6073811A6ABF12]\nDefault=rel1.default-esr\nLocked=1\n",
            absolute.display()
        ),
    );
    write(
        &root.join("installs.ini"),
        "[3B6073811A6ABF12]\nDefault=rel1.default-esr\nLocked=1\n",
    );
    write(&root.join("rel1.default-esr/.parentlock"), b"");
    // Windows: the `lock` link needs a privilege (and Wine cannot make links); without it a
    // `.parentlock` that cannot be probed leaves the profile idle.
    #[cfg(unix)]
    symlink(
        &format!("127.0.1.1:+{}", dead_pid()),
        &root.join("rel1.default-esr/lock"),
    );
    expect(
        "firefox",
        "deb",
        ".mozilla/firefox/rel1.default-esr",
        if cfg!(unix) { "stale-lock" } else { "idle" },
        true,
        Some(".cache/mozilla/firefox/rel1.default-esr"),
    );
    expect(
        "firefox",
        "deb",
        "ff-elsewhere/abs1.custom",
        "idle",
        true,
        None,
    );
    expect(
        "firefox",
        "deb",
        ".mozilla/firefox/unlisted1.old",
        "idle",
        false,
        None,
    );

    // snap Firefox with a damaged profiles.ini: found anyway, from the folder.
    let root = home.join("snap/firefox/common/.mozilla/firefox");
    copy_tree(&ff, &root.join("snap1.default"));
    write(
        &root.join("profiles.ini"),
        b"\x00\xff\xfe[Profile0\x00\x9c\x80garbage",
    );
    expect(
        "firefox",
        "snap",
        "snap/firefox/common/.mozilla/firefox/snap1.default",
        "idle",
        false,
        None,
    );

    // flatpak Firefox, running: a process holds the POSIX lock on .parentlock.
    let root = home.join(".var/app/org.mozilla.firefox/.mozilla/firefox");
    let profile = root.join("flat1.default-release");
    copy_tree(&ff, &profile);
    write(
        &root.join("profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=flat1.default-release\n",
    );
    #[cfg(unix)]
    {
        let holder = hold_posix_lock(&profile.join(".parentlock"));
        symlink(
            &format!("127.0.1.1:+{}", holder.id()),
            &profile.join("lock"),
        );
        holders.push(holder);
    }
    // Windows: `.parentlock` as Linux Firefox leaves it, `parent.lock` held as Windows
    // Firefox holds it.
    #[cfg(windows)]
    {
        write(&profile.join(".parentlock"), b"");
        held.push(hold_exclusively(&profile.join("parent.lock")));
    }
    expect(
        "firefox",
        "flatpak",
        ".var/app/org.mozilla.firefox/.mozilla/firefox/flat1.default-release",
        "running",
        true,
        None,
    );

    // Windows Firefox, with its cache in Local.
    let root = home.join("AppData/Roaming/Mozilla/Firefox");
    copy_tree(&ff, &root.join("Profiles/win1.default-release"));
    write(
        &root.join("profiles.ini"),
        "[Profile0]\r\nName=default-release\r\nIsRelative=1\r\nPath=Profiles/win1.default-release\r\nDefault=1\r\n",
    );
    write(&root.join("Profiles/win1.default-release/parent.lock"), b"");
    let cache = "AppData/Local/Mozilla/Firefox/Profiles/win1.default-release";
    write(&home.join(cache).join("cache2/entries/0A1B"), b"cached");
    expect(
        "firefox",
        "windows",
        "AppData/Roaming/Mozilla/Firefox/Profiles/win1.default-release",
        "idle",
        true,
        Some(cache),
    );

    // macOS Firefox.
    let root = home.join("Library/Application Support/Firefox");
    copy_tree(&ff, &root.join("Profiles/mac1.default-release"));
    write(
        &root.join("profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=Profiles/mac1.default-release\n",
    );
    let cache = "Library/Caches/Firefox/Profiles/mac1.default-release";
    write(&home.join(cache).join("cache2/entries/0A1B"), b"cached");
    expect(
        "firefox",
        "macos",
        "Library/Application Support/Firefox/Profiles/mac1.default-release",
        "idle",
        true,
        Some(cache),
    );

    // deb Chromium, both profiles, with a stale SingletonLock.
    let root = home.join(".config/chromium");
    copy_tree(&chromium, &root);
    let chromium_cache = fixture_home().join(".cache/chromium");
    if chromium_cache.is_dir() {
        copy_tree(&chromium_cache, &home.join(".cache/chromium"));
    } else {
        write(
            &home.join(".cache/chromium/Default/Cache/Cache_Data/index"),
            b"",
        );
    }
    fs::create_dir_all(home.join(".cache/chromium/Profile 1")).unwrap();
    #[cfg(unix)]
    symlink(
        &format!("{}-{}", hostname(), dead_pid()),
        &root.join("SingletonLock"),
    );
    // Windows: a `lockfile` nobody holds, as a crashed Chromium leaves it.
    #[cfg(windows)]
    write(&root.join("lockfile"), b"");
    expect(
        "chromium",
        "deb",
        ".config/chromium/Default",
        "stale-lock",
        true,
        Some(".cache/chromium/Default"),
    );
    expect(
        "chromium",
        "deb",
        ".config/chromium/Profile 1",
        "stale-lock",
        true,
        Some(".cache/chromium/Profile 1"),
    );

    // Windows Chrome, both profiles; Local State also lists a hostile entry.
    let root = home.join("AppData/Local/Google/Chrome/User Data");
    copy_tree(&chromium.join("Default"), &root.join("Default"));
    copy_tree(&chromium.join("Profile 1"), &root.join("Profile 1"));
    let mut state: serde_json::Value =
        serde_json::from_slice(&fs::read(chromium.join("Local State")).unwrap()).unwrap();
    state["profile"]["info_cache"]["../../escape"] = serde_json::json!({"name": "x"});
    write(
        &root.join("Local State"),
        serde_json::to_vec(&state).unwrap(),
    );
    expect(
        "chrome",
        "windows",
        "AppData/Local/Google/Chrome/User Data/Default",
        "idle",
        true,
        None,
    );
    expect(
        "chrome",
        "windows",
        "AppData/Local/Google/Chrome/User Data/Profile 1",
        "idle",
        true,
        None,
    );

    // snap Chromium, running: SingletonLock names this host and a live process.
    let root = home.join("snap/chromium/common/chromium");
    copy_tree(&chromium.join("Default"), &root.join("Default"));
    fs::copy(chromium.join("Local State"), root.join("Local State")).unwrap();
    #[cfg(unix)]
    {
        let holder = Command::new("sleep").arg("600").spawn().unwrap();
        symlink(
            &format!("{}-{}", hostname(), holder.id()),
            &root.join("SingletonLock"),
        );
        holders.push(holder);
    }
    #[cfg(windows)]
    held.push(hold_exclusively(&root.join("lockfile")));
    expect(
        "chromium",
        "snap",
        "snap/chromium/common/chromium/Default",
        "running",
        true,
        None,
    );

    // flatpak Brave, and macOS Edge with its cache in Library/Caches; no Local State for Brave.
    let root = home.join(".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser");
    copy_tree(&chromium.join("Default"), &root.join("Default"));
    expect(
        "brave",
        "flatpak",
        ".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser/Default",
        "idle",
        false,
        None,
    );
    let root = home.join("Library/Application Support/Microsoft Edge");
    copy_tree(&chromium.join("Default"), &root.join("Default"));
    fs::copy(chromium.join("Local State"), root.join("Local State")).unwrap();
    let cache = "Library/Caches/Microsoft Edge/Default";
    write(&home.join(cache).join("Cache/Cache_Data/index"), b"cached");
    expect(
        "edge",
        "macos",
        "Library/Application Support/Microsoft Edge/Default",
        "idle",
        true,
        Some(cache),
    );

    // Decoys that are not profiles: the profile picker's folder, a folder without Preferences.
    write(
        &home.join(".config/chromium/System Profile/Preferences"),
        b"{}",
    );
    fs::create_dir_all(home.join(".config/chromium/Profile 7")).unwrap();
    fs::create_dir_all(home.join(".mozilla/firefox/Crash Reports")).unwrap();

    expected.sort();
    LayoutHome {
        dir,
        expected,
        holders,
        held,
    }
}

/// Starts a process that holds a POSIX write lock on `path`, as Firefox does on `.parentlock`,
/// and waits until it holds it.
#[cfg(unix)]
fn hold_posix_lock(path: &Path) -> Child {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import fcntl, sys, time\n\
             f = open(sys.argv[1], 'a')\n\
             fcntl.lockf(f, fcntl.LOCK_EX)\n\
             print('locked', flush=True)\n\
             time.sleep(600)",
        ])
        .arg(path)
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 holds the test lock");
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    child
}
