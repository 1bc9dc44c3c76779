//! The safety suite's harness: figures per family, cases that record what went wrong, areas on
//! a tmpfs of their own (where every read updates the access time, so that a read outside the
//! home shows), snapshots of what lies outside a home, and gomme run with a deadline.

use crate::common;
use std::collections::BTreeMap;
use std::fmt::Display;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use trace_scanner::manifest::Manifest;
use trace_scanner::scanner;

/// Prints a line on the real standard output, past the test harness's capture: the figures
/// must show in `cargo test` output with or without `--nocapture`.
pub fn say(line: impl Display) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

// ---------------------------------------------------------------- figures and cases

/// What one family of cases found.
#[derive(Debug, Default)]
pub struct Figures {
    pub family: &'static str,
    pub cases: u64,
    /// Something outside the home was changed, removed, or read to be deleted.
    pub escapes: Vec<String>,
    /// A database that fails `integrity_check`, a half-written file, a lost keeper, a browser
    /// that will not start.
    pub corruptions: Vec<String>,
    /// gomme panicked or died of a signal it did not get from the test.
    pub panics: Vec<String>,
    /// Any other broken promise: a wrong exit code, a hang, traces left, a missing message.
    pub failures: Vec<String>,
    /// Things not tested here, and why.
    pub notes: Vec<String>,
}

impl Figures {
    pub fn new(family: &'static str) -> Self {
        Figures {
            family,
            ..Figures::default()
        }
    }

    /// Runs one case; a panic in the test code itself is a failure of that case.
    pub fn case(&mut self, name: impl Into<String>, f: impl FnOnce(&mut Case)) {
        let case = run_case(name.into(), f);
        self.absorb(case);
    }

    pub fn absorb(&mut self, case: Case) {
        self.cases += 1;
        let name = case.name.clone();
        let tag = |v: Vec<String>| -> Vec<String> {
            v.into_iter().map(|m| format!("{name}: {m}")).collect()
        };
        self.escapes.extend(tag(case.escapes.clone()));
        self.corruptions.extend(tag(case.corruptions.clone()));
        self.panics.extend(tag(case.panics.clone()));
        self.failures.extend(tag(case.failures.clone()));
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    pub fn is_clean(&self) -> bool {
        self.escapes.is_empty()
            && self.corruptions.is_empty()
            && self.panics.is_empty()
            && self.failures.is_empty()
    }

    pub fn figures(&self) -> String {
        format!(
            "{} cases, {} escapes, {} corruptions, {} panics, {} failures",
            self.cases,
            self.escapes.len(),
            self.corruptions.len(),
            self.panics.len(),
            self.failures.len()
        )
    }

    /// What went wrong, 40 lines at most per kind.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for (what, list) in [
            ("ESCAPE", &self.escapes),
            ("CORRUPTION", &self.corruptions),
            ("PANIC", &self.panics),
            ("FAILURE", &self.failures),
        ] {
            for m in list.iter().take(40) {
                out.push_str(&format!("{what} {m}\n"));
            }
            if list.len() > 40 {
                out.push_str(&format!("{what} ... and {} more\n", list.len() - 40));
            }
        }
        out
    }
}

pub fn run_case(name: String, f: impl FnOnce(&mut Case)) -> Case {
    let mut case = Case::new(name);
    let result = catch_unwind(AssertUnwindSafe(|| f(&mut case)));
    if let Err(p) = result {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        case.fail(format!("the test code panicked: {msg}"));
    }
    case
}

/// A case to run on the worker pool: its name and its body.
pub type Job = (String, Box<dyn FnOnce(&mut Case) + Send>);
/// Cases waiting for the pool.
pub type Work = Vec<Job>;

/// Runs cases on `threads` threads; results in the order given.
pub fn parallel(figures: &mut Figures, threads: usize, cases: Work) {
    let queue: Arc<Mutex<Vec<(usize, Job)>>> =
        Arc::new(Mutex::new(cases.into_iter().enumerate().rev().collect()));
    let done: Arc<Mutex<Vec<(usize, Case)>>> = Arc::default();
    let workers: Vec<_> = (0..threads.max(1))
        .map(|_| {
            let queue = queue.clone();
            let done = done.clone();
            std::thread::spawn(move || loop {
                let next = queue.lock().unwrap().pop();
                let Some((i, (name, f))) = next else { break };
                let case = run_case(name, f);
                done.lock().unwrap().push((i, case));
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let mut done = std::mem::take(&mut *done.lock().unwrap());
    done.sort_by_key(|(i, _)| *i);
    for (_, case) in done {
        figures.absorb(case);
    }
}

#[derive(Debug, Clone, Default)]
pub struct Case {
    pub name: String,
    pub escapes: Vec<String>,
    pub corruptions: Vec<String>,
    pub panics: Vec<String>,
    pub failures: Vec<String>,
}

impl Case {
    pub fn new(name: String) -> Self {
        Case {
            name,
            ..Case::default()
        }
    }
    pub fn escape(&mut self, what: impl Display) {
        self.escapes.push(what.to_string());
    }
    pub fn corruption(&mut self, what: impl Display) {
        self.corruptions.push(what.to_string());
    }
    pub fn panic(&mut self, what: impl Display) {
        self.panics.push(what.to_string());
    }
    pub fn fail(&mut self, what: impl Display) {
        self.failures.push(what.to_string());
    }
    /// A failure unless `ok`.
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) -> bool {
        if !ok {
            self.fail(what());
        }
        ok
    }
}

// ---------------------------------------------------------------- system

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a system command; its output if it succeeded.
pub fn sh(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{program} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Where the suite makes its folders: a tmpfs (fsync is free there; the crash runs measure
/// gomme, not the disk) when there is one.
pub fn scratch_root() -> PathBuf {
    let shm = Path::new("/dev/shm");
    // A container's /dev/shm is often 64 MB: use it only when roomy or when it only holds
    // the mount points of the suite's own tmpfs (root).
    if shm.is_dir()
        && fs::metadata(shm).is_ok_and(|m| m.permissions().mode() & 0o002 != 0)
        && fs::canonicalize(shm).is_ok_and(|p| p == shm)
        && (can_mount().is_ok() || free_space(shm) > 2 << 30)
    {
        shm.to_path_buf()
    } else {
        fs::canonicalize(std::env::temp_dir()).unwrap()
    }
}

/// Free bytes on the filesystem of `path`.
pub fn free_space(path: &Path) -> u64 {
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()) else {
        return 0;
    };
    // SAFETY: a zeroed statvfs is a valid buffer; the path is a valid C string.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut st) } != 0 {
        return 0;
    }
    st.f_bavail as u64 * st.f_frsize as u64
}

/// Whether this process may mount a tmpfs (root, outside a locked-down container); why not.
pub fn can_mount() -> Result<(), String> {
    static CAN: OnceLock<Result<(), String>> = OnceLock::new();
    CAN.get_or_init(|| {
        if !is_root() {
            return Err("not running as root".into());
        }
        let probe = tempfile::tempdir().map_err(|e| e.to_string())?;
        let p = probe.path().to_string_lossy().into_owned();
        sh(
            "mount",
            &["-t", "tmpfs", "-o", "size=1m", "gomme-safety-probe", &p],
        )?;
        let _ = sh("umount", &[&p]);
        Ok(())
    })
    .clone()
}

/// Whether `chattr +i` works on the filesystem of `dir` (tmpfs: Linux 6.0 or later).
pub fn can_chattr(dir: &Path) -> Result<(), String> {
    if !is_root() {
        return Err("not running as root".into());
    }
    let probe = dir.join(".chattr-probe");
    fs::write(&probe, b"").map_err(|e| e.to_string())?;
    let p = probe.to_string_lossy().into_owned();
    let result = sh("chattr", &["+i", &p]).map(|_| ());
    let _ = sh("chattr", &["-i", &p]);
    let _ = fs::remove_file(&probe);
    result
}

/// A folder for one family: a tmpfs mounted with `strictatime` when running as root (so a
/// read of anything in it shows in its access time), else a plain folder. Unmounted and
/// removed on drop.
pub struct Area {
    dir: Option<tempfile::TempDir>,
    pub mounted: bool,
    /// Whether access times are updated on every read (reads outside the home are detected).
    pub strict_atime: bool,
}

impl Area {
    pub fn new(label: &str, size_mb: u64) -> Area {
        let dir = tempfile::Builder::new()
            .prefix(&format!("gomme-safety-{label}-"))
            .tempdir_in(scratch_root())
            .unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let mut area = Area {
            dir: Some(dir),
            mounted: false,
            strict_atime: false,
        };
        if can_mount().is_ok() {
            let opts = format!("size={size_mb}m,mode=0755,strictatime");
            let path = area.path().to_string_lossy().into_owned();
            if sh(
                "mount",
                &["-t", "tmpfs", "-o", &opts, "gomme-safety", &path],
            )
            .is_ok()
            {
                area.mounted = true;
                area.strict_atime = true;
            }
        }
        area
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }
}

impl Drop for Area {
    fn drop(&mut self) {
        if self.mounted {
            let path = self.path().to_string_lossy().into_owned();
            if sh("umount", &[&path]).is_err() {
                let _ = sh("umount", &["-l", &path]);
            }
        }
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
    }
}

// ---------------------------------------------------------------- the fixture

pub fn manifest() -> &'static Manifest {
    static M: OnceLock<Manifest> = OnceLock::new();
    M.get_or_init(|| Manifest::load(common::manifest_path()).unwrap())
}

/// The fixture's profiles the families use, relative to the home, looked up in the manifest by
/// what they are: Firefox's folder names are random and change with every regenerated fixture,
/// so no test source names one (`tests/scanner.rs` checks that).
struct FixtureProfiles {
    ff_usager: String,
    ff_esr: String,
    ff_cache_usager: String,
    ch_data: String,
    ch_default: String,
    ch_profile1: String,
    ch_cache_default: String,
}

fn fixture_profiles() -> &'static FixtureProfiles {
    static P: OnceLock<FixtureProfiles> = OnceLock::new();
    P.get_or_init(|| {
        let ff_usager = common::fixture_profile("firefox", "usager");
        let ch_default = common::fixture_profile("chromium", "Default");
        let parent = |p: &str| p.rsplit_once('/').map(|(d, _)| d.to_owned()).unwrap();
        FixtureProfiles {
            // Firefox keeps a profile's cache under ~/.cache/mozilla, Chromium under ~/.cache.
            ff_cache_usager: ff_usager.replacen(".mozilla/", ".cache/mozilla/", 1),
            ch_cache_default: ch_default.replacen(".config/", ".cache/", 1),
            ch_data: parent(&ch_default),
            ff_esr: common::fixture_profile("firefox", "default-esr"),
            ch_profile1: common::fixture_profile("chromium", "Profile 1"),
            ff_usager,
            ch_default,
        }
    })
}

/// Firefox's profile `usager` (its SIGTERM exit).
pub fn ff_usager() -> &'static str {
    &fixture_profiles().ff_usager
}
/// Firefox's profile `default-esr` (its clean quit).
pub fn ff_esr() -> &'static str {
    &fixture_profiles().ff_esr
}
/// The cache folder of [`ff_usager`].
pub fn ff_cache_usager() -> &'static str {
    &fixture_profiles().ff_cache_usager
}
/// Chromium's user data folder.
pub fn ch_data() -> &'static str {
    &fixture_profiles().ch_data
}
/// Chromium's profile `Default` (its normal exit).
pub fn ch_default() -> &'static str {
    &fixture_profiles().ch_default
}
/// Chromium's profile `Profile 1` (its crash).
pub fn ch_profile1() -> &'static str {
    &fixture_profiles().ch_profile1
}
/// The cache folder of [`ch_default`].
pub fn ch_cache_default() -> &'static str {
    &fixture_profiles().ch_cache_default
}

/// The profiles above are folders of the fixture home (a regenerated fixture whose manifest
/// lacks one fails here, in one place, before any family runs), and the two profile folders
/// of a browser are side by side.
pub fn fixture_profiles_are_in_the_home() {
    let home = common::fixture_home();
    for (what, rel) in [
        ("ff_usager", ff_usager()),
        ("ff_esr", ff_esr()),
        ("ff_cache_usager", ff_cache_usager()),
        ("ch_data", ch_data()),
        ("ch_default", ch_default()),
        ("ch_profile1", ch_profile1()),
        ("ch_cache_default", ch_cache_default()),
    ] {
        assert!(
            home.join(rel).is_dir(),
            "{what}: {rel} is no folder of the fixture home"
        );
    }
    assert_eq!(
        Path::new(ff_usager()).parent(),
        Path::new(ff_esr()).parent()
    );
    assert_eq!(
        Path::new(ch_profile1()).parent(),
        Some(Path::new(ch_data()))
    );
}

/// A copy of the real-browser fixture home at `home`, its download records naming the copy.
pub fn fixture_at(home: &Path) {
    common::copy_tree(&common::fixture_home(), home);
    common::relocate_downloads(home);
}

/// The markers of the fixture (from its manifest), for a clean without `--keep-cookies`: the
/// cookies of the domain to keep are traces too.
pub fn scan(home: &Path) -> scanner::ScanReport {
    let mut report = scanner::scan(home, &manifest().markers);
    report.set_kept_domains(&[]);
    report
}

/// Trace markers still found in `home` (live or leftover) outside the `allowed` prefixes
/// (relative to the home), as "category token in file" lines.
pub fn traces_outside(report: &scanner::ScanReport, allowed: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for marker in report.traces(None) {
        for finding in report.findings_for(&marker.token) {
            let file = finding.file.to_string_lossy();
            if !allowed.iter().any(|a| file.starts_with(a.as_str())) {
                out.push(format!(
                    "{} {} in {} ({})",
                    marker.category, marker.token, file, finding.how
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every SQLite database under `root` (by its header).
pub fn databases(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            let mut head = [0u8; 16];
            fs::File::open(p)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                .is_ok()
                && &head == b"SQLite format 3\0"
        })
        .collect()
}

/// Opens a database as the browser would (WAL replayed, hot journal rolled back) and runs
/// `integrity_check`; `Err` with what is wrong.
pub fn integrity(db: &Path) -> Result<(), String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    conn.busy_timeout(Duration::from_secs(5))
        .map_err(|e| e.to_string())?;
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(|e| e.to_string())?;
    if rows == ["ok"] {
        Ok(())
    } else {
        Err(rows.join("; "))
    }
}

/// Every row of every table of a database, as text, in a stable order: what the database
/// says, whatever its pages look like.
pub fn logical_dump(db: &Path) -> Result<Vec<String>, String> {
    let conn = rusqlite::Connection::open_with_flags(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for t in tables {
        let sql = format!("SELECT * FROM \"{}\"", t.replace('"', "\"\""));
        let mut stmt = conn.prepare(&sql).map_err(|e| e.to_string())?;
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut line = format!("{t}:");
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    line.push_str(&format!("{v:?}|"));
                }
                Ok(line)
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| e.to_string())?;
        rows.sort();
        out.extend(rows);
    }
    Ok(out)
}

// ---------------------------------------------------------------- what lies outside

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: &'static str,
    pub len: u64,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
    pub ino: u64,
    pub content: Vec<u8>,
}

/// Every entry under a folder (links not followed): kind, size, owner, times, content.
#[derive(Debug, Clone, Default)]
pub struct Snap {
    pub root: PathBuf,
    pub entries: BTreeMap<PathBuf, Entry>,
    /// Access times, taken after the hashing above (which reads everything).
    pub atimes: BTreeMap<PathBuf, (i64, i64)>,
}

impl Snap {
    pub fn take(root: &Path) -> Snap {
        let mut entries = BTreeMap::new();
        for e in walkdir::WalkDir::new(root).follow_links(false) {
            let Ok(e) = e else { continue };
            let Ok(meta) = e.path().symlink_metadata() else {
                continue;
            };
            let ft = meta.file_type();
            let (kind, content) = if ft.is_symlink() {
                let t = fs::read_link(e.path()).unwrap_or_default();
                ("link", t.as_os_str().as_encoded_bytes().to_vec())
            } else if ft.is_file() {
                // The bytes themselves: hashing in an unoptimised test build costs more than
                // keeping them.
                ("file", fs::read(e.path()).unwrap_or_default())
            } else if ft.is_dir() {
                ("dir", Vec::new())
            } else {
                ("other", Vec::new())
            };
            entries.insert(
                e.path().to_path_buf(),
                Entry {
                    kind,
                    len: if ft.is_dir() { 0 } else { meta.len() },
                    mode: meta.mode(),
                    uid: meta.uid(),
                    gid: meta.gid(),
                    mtime: (meta.mtime(), meta.mtime_nsec()),
                    ctime: (meta.ctime(), meta.ctime_nsec()),
                    ino: meta.ino(),
                    content,
                },
            );
        }
        let atimes = atimes_of(entries.keys());
        Snap {
            root: root.to_path_buf(),
            entries,
            atimes,
        }
    }

    /// Access times now, of the entries of this snapshot (no read: only `lstat`).
    pub fn atimes_now(&self) -> BTreeMap<PathBuf, (i64, i64)> {
        atimes_of(self.entries.keys())
    }

    /// What changed between this snapshot and `after` (times of access left out).
    pub fn changes(&self, after: &Snap) -> Vec<String> {
        let mut out = Vec::new();
        for (p, e) in &self.entries {
            match after.entries.get(p) {
                None => out.push(format!("{} was removed", p.display())),
                Some(a) if a != e => out.push(format!("{} was changed", p.display())),
                Some(_) => {}
            }
        }
        for p in after.entries.keys() {
            if !self.entries.contains_key(p) {
                out.push(format!("{} was created", p.display()));
            }
        }
        out
    }

    /// Entries read (their access time moved) between this snapshot and `now`.
    pub fn reads(&self, now: &BTreeMap<PathBuf, (i64, i64)>) -> Vec<String> {
        self.atimes
            .iter()
            .filter(|(p, t)| now.get(*p).is_some_and(|n| n != *t))
            .map(|(p, _)| format!("{} was read", p.display()))
            .collect()
    }
}

fn atimes_of<'a>(paths: impl Iterator<Item = &'a PathBuf>) -> BTreeMap<PathBuf, (i64, i64)> {
    paths
        .filter_map(|p| {
            p.symlink_metadata()
                .ok()
                .map(|m| (p.clone(), (m.atime(), m.atime_nsec())))
        })
        .collect()
}

/// Records as escapes what changed outside, and what was read there if the area tells.
pub fn check_outside(case: &mut Case, before: &Snap, strict_atime: bool) {
    let now = before.atimes_now();
    if strict_atime {
        for r in before.reads(&now) {
            case.escape(r);
        }
    }
    let after = Snap::take(&before.root);
    for c in before.changes(&after) {
        case.escape(c);
    }
}

// ---------------------------------------------------------------- running gomme

pub fn gomme_bin() -> &'static str {
    env!("CARGO_BIN_EXE_gomme")
}

/// The outcome of one run of gomme.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub json: Option<serde_json::Value>,
    pub elapsed: Duration,
    pub timed_out: bool,
    pub args: String,
}

impl Run {
    /// Records a panic (or a death by signal) and a hang in `case`; true if neither.
    pub fn sane(&self, case: &mut Case) -> bool {
        if self.timed_out {
            case.fail(format!(
                "gomme {} hung (stopped after {:?})",
                self.args, self.elapsed
            ));
            return false;
        }
        if self.stderr.contains("panicked at") || self.code == Some(101) || self.code.is_none() {
            case.panic(format!(
                "gomme {} died (exit {:?}): {}",
                self.args,
                self.code,
                tail(&self.stderr)
            ));
            return false;
        }
        true
    }

    /// Records a failure unless the exit code is one of `codes`.
    pub fn expect(&self, case: &mut Case, codes: &[i32]) -> bool {
        let ok = self.code.is_some_and(|c| codes.contains(&c));
        case.check(ok, || {
            format!(
                "gomme {}: exit {:?}, expected {codes:?}; stderr: {}",
                self.args,
                self.code,
                tail(&self.stderr)
            )
        })
    }

    /// The profiles of the JSON report: (path, status, error).
    pub fn profiles(&self) -> Vec<(String, String, String)> {
        let Some(json) = &self.json else {
            return Vec::new();
        };
        json["profiles"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        (
                            p["path"].as_str().unwrap_or_default().to_owned(),
                            p["status"].as_str().unwrap_or_default().to_owned(),
                            p["error"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(6);
    lines[start..].join(" | ")
}

/// Runs gomme with `args` (and `--json` if `json`), `TMPDIR` in `tmp`, a fixed locale, no
/// configuration file, no colours; stopped (SIGKILL, by its PID) after `limit`.
pub fn gomme(args: &[&str], json: bool, tmp: &Path, env: &[(&str, &str)], limit: Duration) -> Run {
    fs::create_dir_all(tmp).unwrap();
    let mut cmd = common::gomme();
    cmd.args(args);
    if json {
        cmd.arg("--json");
    }
    cmd.env("TMPDIR", tmp).env("NO_COLOR", "1").timeout(limit);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run_command(cmd, args.join(" "), json, limit)
}

/// Runs a prepared gomme command (its deadline set) and collects what it did.
pub fn run_command(mut cmd: assert_cmd::Command, args: String, json: bool, limit: Duration) -> Run {
    let start = Instant::now();
    let out = cmd.output().expect("gomme runs");
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let json_value = if json {
        serde_json::from_str(&stdout).ok()
    } else {
        None
    };
    Run {
        code: out.status.code(),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        json: json_value,
        timed_out: out.status.code().is_none() && elapsed >= limit,
        elapsed,
        args,
    }
}

/// `gomme clean --home HOME --json` with the usual deadline.
pub fn clean(home: &Path, tmp: &Path, extra: &[&str]) -> Run {
    let home = home.to_string_lossy().into_owned();
    let mut args = vec!["clean", "--home", home.as_str()];
    args.extend_from_slice(extra);
    gomme(&args, true, tmp, &[], Duration::from_secs(90))
}

/// Changes the owner of a whole tree (links themselves, not their targets).
pub fn chown_tree(root: &Path, uid: u32, gid: u32) {
    for e in walkdir::WalkDir::new(root).follow_links(false) {
        let e = e.unwrap();
        std::os::unix::fs::lchown(e.path(), Some(uid), Some(gid)).unwrap();
    }
}

pub fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    let link = link.as_ref();
    if let Some(parent) = link.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    std::os::unix::fs::symlink(target, link)
        .unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
}

/// Removes whatever is at `path` (a link itself, not its target).
pub fn remove_any(path: &Path) {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).unwrap(),
        Ok(_) => fs::remove_file(path).unwrap(),
        Err(_) => {}
    }
}

/// `to` relative to the folder `from_dir`, with `..` components.
pub fn relative(from_dir: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from_dir.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to_c[common..] {
        rel.push(c.as_os_str());
    }
    rel
}

/// A stand-in for `/etc`: files any harm to would matter.
pub fn make_etc(etc: &Path) {
    fs::create_dir_all(etc.join("cron.d")).unwrap();
    fs::create_dir_all(etc.join("sudoers.d")).unwrap();
    fs::write(etc.join("passwd"), "root:x:0:0:root:/root:/bin/bash\n").unwrap();
    fs::write(etc.join("shadow"), "root:$6$secret:19000:0:99999:7:::\n").unwrap();
    fs::set_permissions(etc.join("shadow"), fs::Permissions::from_mode(0o600)).unwrap();
    fs::write(
        etc.join("cron.d/backup"),
        "0 3 * * * root /usr/sbin/backup\n",
    )
    .unwrap();
    fs::write(etc.join("sudoers.d/admins"), "%admins ALL=(ALL) ALL\n").unwrap();
    // A database with the tables gomme empties, as a tempting target.
    let conn = rusqlite::Connection::open(etc.join("app.sqlite")).unwrap();
    conn.execute_batch(
        "CREATE TABLE meta(key TEXT, value TEXT); INSERT INTO meta VALUES('version','70');
         CREATE TABLE cookies(host_key TEXT, name TEXT); INSERT INTO cookies VALUES('a','b');
         CREATE TABLE logins(origin_url TEXT); INSERT INTO logins VALUES('x');",
    )
    .unwrap();
}
