//! Edges: what gomme writes besides cleaning, and the odd things a visitor can leave in a home.
//!
//! 1. The writers — the desktop icon (`shortcut install|remove --desktop`, `shortcut install
//!    --all-users`), the schedule's files (`schedule install|remove --root`, every platform) and
//!    the audit log (`clean --log-file`) — each with every link shape planted at its file and
//!    its folders: a symlink at the file to a victim, a dangling one into the victim's folder,
//!    a hard link to a victim, a symlink at the file's folder and at a folder on the way.
//! 2. A root-owned tree bind-mounted at each folder gomme cleans from.
//! 3. A hard link to a `root:0 0664` file at each database, sidecar and settings file gomme
//!    changes in place, gomme running with supplementary group 0.
//! 4. A FIFO at every sidecar and settings path gomme reads.
//! 5. A FIFO swapped in at a database's sidecar while gomme is about to open it (through the
//!    debug-build pause hook), under `--timeout`.
//!
//! Every case runs as root over a home (or a fake root) owned by another uid, next to a
//! root-owned victim folder (a stand-in for `/etc`, with a `0664` and a `0600` file) that must
//! come out byte-identical: content, mode, owner, link count, inode.

use crate::harness::*;
use gomme::schedule::Platform;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The person whose home is cleaned (and who plants things in it).
const OWNER: u32 = 1000;
/// The program the icon and the schedule name.
const EXE: &str = "/usr/bin/gomme";
/// The victims next to the `/etc` stand-in's own files.
const OPEN: &str = "victim-0664";
const SECRET: &str = "victim-0600";
/// The fake root's accounts: names no real machine has, so that a gomme that ignored
/// `GOMME_SYSROOT` would find no such home on the real system (see [`shield`]).
const VISITOR: &str = "gomme-edge-visitor";
const SERVICE: &str = "gomme-edge-svc";
/// How long a run over a FIFO may take before it counts as a hang.
const FIFO_LIMIT: Duration = Duration::from_secs(20);

pub fn run(figures: &mut Figures) {
    if !is_root() {
        figures.note("edges need root (another owner for the home, root-owned victims)");
        return;
    }
    let area = Area::new("edges", 3072);
    let strict = area.strict_atime;
    if !strict {
        figures.note("edges: reads outside the home not checked (no strictatime tmpfs)");
    }
    let root = area.path().to_path_buf();
    let shield = shield_works(&root);
    if let Err(why) = &shield {
        figures.note(format!(
            "edges: shortcut --all-users (and its FIFO case) not run: cannot shield the real \
             /etc/passwd in a mount namespace ({why})"
        ));
    }
    let mut work: Work = Vec::new();
    if cfg!(debug_assertions) {
        swap_jobs(&mut work, &root, strict);
    } else {
        figures.note("edges: a FIFO swapped in during a run needs the debug-build pause hook");
    }
    writer_jobs(&mut work, &root, strict, shield.is_ok());
    hard_link_jobs(&mut work, &root);
    fifo_jobs(&mut work, &root, strict, shield.is_ok());
    match can_mount() {
        Ok(()) => mount_jobs(&mut work, &root),
        Err(why) => figures.note(format!("edges: bind mounts not tested ({why})")),
    }
    parallel(figures, 2, work);
}

// ---------------------------------------------------------------- the world of a case

/// A case's folders: the home (owned by [`OWNER`]), the `/etc` stand-in holding the victims
/// (root's), scratch.
struct World {
    dir: PathBuf,
    home: PathBuf,
    etc: PathBuf,
    tmp: PathBuf,
}

fn world(dir: &Path, fixture: bool) -> World {
    fs::create_dir_all(dir).unwrap();
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.join("home");
    if fixture {
        fixture_at(&home);
    } else {
        fs::create_dir_all(&home).unwrap();
    }
    fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
    chown_tree(&home, OWNER, OWNER);
    let etc = dir.join("etc");
    make_etc(&etc);
    put(
        &etc.join(OPEN),
        b"root's file, group-writable: nobody else may change it\n",
        0o664,
    );
    put(
        &etc.join(SECRET),
        b"root's secret: nobody else may read or change it\n",
        0o600,
    );
    chown_tree(&etc, 0, 0);
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    World {
        dir: dir.to_path_buf(),
        home,
        etc,
        tmp,
    }
}

/// Writes a file with exactly `mode` (no umask), creating its folder.
fn put(path: &Path, content: &[u8], mode: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn lchown(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid))
        .unwrap_or_else(|e| panic!("lchown {}: {e}", path.display()));
}

/// The owner of the folder holding `path` (who would plant things there).
fn planter_of(path: &Path) -> (u32, u32) {
    path.parent()
        .and_then(|p| p.symlink_metadata().ok())
        .map(|m| (m.uid(), m.gid()))
        .unwrap_or((0, 0))
}

/// A FIFO at `path` (whatever was there removed), owned by `uid`.
fn make_fifo(path: &Path, uid: u32) {
    remove_any(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
    lchown(path, uid, uid);
}

fn is_fifo(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_fifo())
}

fn ino(path: &Path) -> Option<u64> {
    path.symlink_metadata().ok().map(|m| m.ino())
}

/// What lies outside: a snapshot (content, mode, owner, times, inode) plus every file's link
/// count, which the snapshot does not hold.
struct Watch {
    snap: Snap,
    links: BTreeMap<PathBuf, u64>,
}

impl Watch {
    fn take(root: &Path) -> Watch {
        let snap = Snap::take(root);
        let links = snap
            .entries
            .iter()
            .filter(|(_, e)| e.kind == "file")
            .filter_map(|(p, _)| p.symlink_metadata().ok().map(|m| (p.clone(), m.nlink())))
            .collect();
        Watch { snap, links }
    }

    /// A failure (and false) if there is too little to watch for the case to mean anything.
    fn meaningful(&self, case: &mut Case) -> bool {
        let files = self.links.len();
        case.check(files >= 2, || {
            format!(
                "the victim folder {} holds {files} files: nothing to watch",
                self.snap.root.display()
            )
        })
    }

    /// Records as escapes what changed (and, if `strict`, what was read). `unlinked`: a victim
    /// file whose extra name in the home gomme removed or replaced — its link count may drop
    /// by that one name (and its change time move), nothing else.
    fn check(&self, case: &mut Case, strict: bool, unlinked: Option<&Path>) {
        if strict {
            for r in self.snap.reads(&self.snap.atimes_now()) {
                case.escape(r);
            }
        }
        let after = Snap::take(&self.snap.root);
        let mut before = self.snap.clone();
        if let Some(p) = unlinked {
            if let (Some(b), Some(a)) = (before.entries.get_mut(p), after.entries.get(p)) {
                b.ctime = a.ctime;
            }
        }
        for c in before.changes(&after) {
            case.escape(c);
        }
        for (p, n) in &self.links {
            let Ok(m) = p.symlink_metadata() else {
                continue; // reported as removed above
            };
            let now = m.nlink();
            let dropped_ok = unlinked == Some(p.as_path()) && now + 1 == *n;
            if now != *n && !dropped_ok {
                case.escape(format!(
                    "{}: link count went from {n} to {now}",
                    p.display()
                ));
            }
        }
    }
}

// ---------------------------------------------------------------- running gomme

/// Variables of the caller that would change what gomme does.
const CLEARED_ENV: &[&str] = &[
    "LC_ALL",
    "LC_MESSAGES",
    "GOMME_LANG",
    "GOMME_LOG",
    "GOMME_KEEP_COOKIES",
    "GOMME_WAIT",
    "GOMME_LOG_FILE",
    "GOMME_SYSROOT",
    "GOMME_TEST_KILL_AT",
    "GOMME_TEST_POINTS",
    "GOMME_TEST_PAUSE_AT",
    "GOMME_TEST_PAUSE_FILE",
];

fn set_env(cmd: &mut Command, tmp: &Path) {
    cmd.env("LANG", "C.UTF-8")
        .env("GOMME_CONFIG", "none")
        .env("NO_COLOR", "1")
        .env("TMPDIR", tmp);
    for k in CLEARED_ENV {
        cmd.env_remove(k);
    }
}

/// Runs gomme with `args`, behind `prefix` (a program and its arguments that end up executing
/// gomme in the same process: `setpriv`, [`shield`]), stopped (SIGKILL, by its PID) after
/// `limit`.
fn exec(
    prefix: &[String],
    args: &[String],
    json: bool,
    tmp: &Path,
    env: &[(&str, String)],
    limit: Duration,
) -> Run {
    fs::create_dir_all(tmp).unwrap();
    let mut std_cmd = match prefix.split_first() {
        Some((program, rest)) => {
            let mut c = Command::new(program);
            c.args(rest).arg(gomme_bin());
            c
        }
        None => Command::new(gomme_bin()),
    };
    std_cmd.args(args);
    if json {
        std_cmd.arg("--json");
    }
    set_env(&mut std_cmd, tmp);
    for (k, v) in env {
        std_cmd.env(k, v);
    }
    let mut cmd = assert_cmd::Command::from_std(std_cmd);
    cmd.timeout(limit);
    run_command(cmd, args.join(" "), json, limit)
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|a| a.to_string()).collect()
}

/// A prefix that runs gomme in a mount namespace of its own where `/etc/passwd` is the fake
/// root's: `shortcut install --all-users` with `GOMME_SYSROOT` must read the fake root's
/// accounts, and a gomme that read the real ones instead finds only homes that do not exist
/// here, rather than putting icons on this machine's desktops.
fn shield(passwd: &Path) -> Vec<String> {
    let mut p = strings(&[
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        "mount --bind \"$1\" /etc/passwd || exit 97; shift; exec \"$@\"",
        "sh",
    ]);
    p.push(s(passwd));
    p
}

/// Whether [`shield`] works here (and leaves the real `/etc/passwd` alone).
fn shield_works(root: &Path) -> Result<(), String> {
    can_mount()?;
    for home in [format!("/home/{VISITOR}"), format!("/var/lib/{SERVICE}")] {
        if Path::new(&home).exists() {
            return Err(format!("{home} exists on this machine"));
        }
    }
    let probe = root.join("shield-probe");
    fs::write(
        &probe,
        format!("{VISITOR}:x:1000:1000::/nonexistent:/bin/sh\n"),
    )
    .unwrap();
    let mut args = shield(&probe);
    args.extend(strings(&["grep", "-q", VISITOR, "/etc/passwd"]));
    let program = args.remove(0);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = sh(&program, &refs).map(|_| ());
    let _ = fs::remove_file(&probe);
    result?;
    let real = fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
    if real.contains(VISITOR) {
        return Err("the bind mount leaked out of its namespace".into());
    }
    Ok(())
}

/// A fake root for `shortcut install --all-users`: `etc/passwd` with root, a visitor (uid
/// 1000, home owned by them), a service account with a login shell and an existing home
/// (uid 110: no icon) and `nobody`; `etc/login.defs`. Returns (root, visitor's home, the
/// service account's home).
fn sysroot(w: &World) -> (PathBuf, PathBuf, PathBuf) {
    let r = w.dir.join("sysroot");
    fs::create_dir_all(r.join("etc")).unwrap();
    fs::write(
        r.join("etc/passwd"),
        format!(
            "root:x:0:0:root:/root:/bin/bash\n\
             {VISITOR}:x:{OWNER}:{OWNER}:Visiteur:/home/{VISITOR}:/bin/bash\n\
             {SERVICE}:x:110:117::/var/lib/{SERVICE}:/bin/bash\n\
             nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
        ),
    )
    .unwrap();
    fs::write(
        r.join("etc/login.defs"),
        "UID_MIN\t\t\t 1000\nUID_MAX\t\t\t60000\n",
    )
    .unwrap();
    fs::create_dir_all(r.join("root")).unwrap();
    fs::set_permissions(r.join("root"), fs::Permissions::from_mode(0o700)).unwrap();
    let home = r.join("home").join(VISITOR);
    fs::create_dir_all(&home).unwrap();
    fs::set_permissions(&home, fs::Permissions::from_mode(0o755)).unwrap();
    chown_tree(&home, OWNER, OWNER);
    let service = r.join("var/lib").join(SERVICE);
    fs::create_dir_all(&service).unwrap();
    lchown(&service, 110, 117);
    (r, home, service)
}

/// The JSON report's profiles in error whose path ends with `rel`.
fn in_error(run: &Run, rel: &str) -> bool {
    run.profiles()
        .iter()
        .any(|(path, status, error)| status == "error" && !error.is_empty() && path.ends_with(rel))
}

/// With exit 4, some profile must say what went wrong.
fn named_error(case: &mut Case, run: &Run) {
    if run.code == Some(4) {
        let named = run
            .profiles()
            .iter()
            .any(|(_, status, error)| status == "error" && !error.is_empty());
        case.check(named, || {
            format!("exit 4 without a profile in error: {}", tail(&run.stdout))
        });
    }
}

/// Traces left in the home outside `allowed` (prefixes relative to it).
fn others_cleaned(case: &mut Case, home: &Path, allowed: &[&str]) {
    let allowed: Vec<String> = allowed.iter().map(|a| a.to_string()).collect();
    let left = traces_outside(&scan(home), &allowed);
    case.check(left.is_empty(), || {
        format!(
            "traces left outside {allowed:?}: {}",
            left.iter().take(8).cloned().collect::<Vec<_>>().join("; ")
        )
    });
}

/// Trace markers still found under `rel` (relative to the home).
fn traces_under(report: &trace_scanner::scanner::ScanReport, rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    for marker in report.traces(None) {
        for finding in report.findings_for(&marker.token) {
            if finding.file.starts_with(rel) {
                out.push(format!(
                    "{} {} in {}",
                    marker.category,
                    marker.token,
                    finding.file.display()
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------- 1. writers through links

/// What is planted at (or above) the file a writer writes or removes.
#[derive(Clone, Debug)]
enum Plant {
    Nothing,
    /// A symlink at the file to a victim.
    FileLink(&'static str),
    /// A symlink at the file to a name in the victim folder that does not exist.
    Dangling,
    /// A hard link at the file to a victim (same filesystem).
    Hard(&'static str),
    /// A symlink at the folder `up` levels above the file (1: its own folder) to `to` in the
    /// victim folder; `what` names that folder.
    DirLink {
        up: usize,
        to: &'static str,
        what: String,
    },
    /// `shortcut --all-users`: the account's `.config` a symlink to the victim folder, which
    /// holds a `user-dirs.dirs` naming another desktop.
    ConfigLink,
}

impl Plant {
    fn name(&self) -> String {
        match self {
            Plant::Nothing => "nothing planted".into(),
            Plant::FileLink(v) => format!("symlink at the file to {v}"),
            Plant::Dangling => "dangling symlink at the file into the victim folder".into(),
            Plant::Hard(v) => format!("hard link at the file to {v}"),
            Plant::DirLink { up: 1, to, what } => {
                format!("symlink at its folder {what} to etc/{to}")
            }
            Plant::DirLink { to, what, .. } => {
                format!("symlink at the folder on the way {what} to etc/{to}")
            }
            Plant::ConfigLink => ".config a symlink to the victim folder".into(),
        }
    }

    fn at_file(&self) -> bool {
        matches!(self, Plant::FileLink(_) | Plant::Dangling | Plant::Hard(_))
    }
}

/// The shapes planted at the file itself.
fn file_plants() -> Vec<Plant> {
    vec![
        Plant::FileLink(OPEN),
        Plant::FileLink(SECRET),
        Plant::Dangling,
        Plant::Hard(OPEN),
        Plant::Hard(SECRET),
    ]
}

/// What the file must be after a plain run.
#[derive(Clone, Debug)]
enum Expect {
    /// A regular file of gomme's with this content.
    Bytes(Vec<u8>),
    /// The audit log: what was there, then one JSON object a line.
    JsonLines(Vec<u8>),
    /// Removed.
    Gone,
}

/// A check after a writer's run; the flag says whether nothing was planted.
type After = Box<dyn FnOnce(&mut Case, &Run, bool)>;

/// A writer, set up in a world and ready to run.
struct Prepared {
    /// The file gomme writes or removes; links are planted at it and above it.
    file: PathBuf,
    expect: Expect,
    /// Other files a plain run must leave as said (the schedule's other unit).
    also: Vec<(PathBuf, Expect)>,
    mode: Option<u32>,
    owner: Option<(u32, u32)>,
    /// The account's home (for [`Plant::ConfigLink`]).
    home: Option<PathBuf>,
    /// A link at the file itself must be refused (the audit log), not replaced.
    refuse_file_links: bool,
    run: Box<dyn FnOnce() -> Run>,
    /// Checks after every run; the flag says whether nothing was planted.
    after: Vec<After>,
}

#[derive(Clone, Debug)]
enum Writer {
    Desktop {
        install: bool,
    },
    AllUsers {
        user_dirs: bool,
    },
    Schedule {
        platform: Platform,
        unit: usize,
        install: bool,
    },
    Log {
        existing: bool,
    },
}

fn platform_arg(p: Platform) -> &'static str {
    match p {
        Platform::Linux => "linux",
        Platform::Windows => "windows",
        Platform::Macos => "macos",
    }
}

fn launcher() -> Vec<u8> {
    gomme::shortcut::launcher(Platform::Linux, Path::new(EXE), gomme::i18n::Lang::En).1
}

/// `path` relative to `root` (the schedule's files, under `--root`).
fn rel_under(path: &Path) -> PathBuf {
    gomme::schedule::under(Path::new(""), path)
}

impl Writer {
    fn name(&self) -> String {
        match self {
            Writer::Desktop { install: true } => "shortcut install --desktop".into(),
            Writer::Desktop { install: false } => "shortcut remove --desktop".into(),
            Writer::AllUsers { user_dirs: false } => {
                "shortcut install --all-users (Desktop)".into()
            }
            Writer::AllUsers { user_dirs: true } => {
                "shortcut install --all-users (user-dirs.dirs: Documents/Bureau)".into()
            }
            Writer::Schedule {
                platform,
                unit,
                install,
            } => {
                let u = &gomme::schedule::units(*platform, Path::new(EXE))[*unit];
                format!(
                    "schedule {} --platform {} ({})",
                    if *install { "install" } else { "remove" },
                    platform_arg(*platform),
                    rel_under(&u.path).display()
                )
            }
            Writer::Log { existing: false } => "clean --log-file (new log)".into(),
            Writer::Log { existing: true } => "clean --log-file (existing log)".into(),
        }
    }

    /// Every shape this writer is tried with.
    fn plants(&self) -> Vec<Plant> {
        let mut out = vec![Plant::Nothing];
        out.extend(file_plants());
        match self {
            Writer::Desktop { .. } => {
                out.push(Plant::DirLink {
                    up: 1,
                    to: "cron.d",
                    what: "Desktop/Kiosque".into(),
                });
                out.push(Plant::DirLink {
                    up: 2,
                    to: "",
                    what: "Desktop".into(),
                });
            }
            Writer::AllUsers { user_dirs: false } => {
                out.push(Plant::DirLink {
                    up: 1,
                    to: "cron.d",
                    what: "Desktop".into(),
                });
                out.push(Plant::ConfigLink);
            }
            Writer::AllUsers { user_dirs: true } => {
                out.push(Plant::DirLink {
                    up: 1,
                    to: "cron.d",
                    what: "Documents/Bureau".into(),
                });
                out.push(Plant::DirLink {
                    up: 2,
                    to: "",
                    what: "Documents".into(),
                });
            }
            Writer::Schedule { .. } => {} // folder links: see schedule_writers
            Writer::Log { .. } => {
                out.push(Plant::DirLink {
                    up: 1,
                    to: "cron.d",
                    what: "var/log".into(),
                });
                out.push(Plant::DirLink {
                    up: 2,
                    to: "",
                    what: "var".into(),
                });
            }
        }
        out
    }

    fn fixture(&self) -> bool {
        matches!(self, Writer::Log { .. })
    }

    fn prepare(&self, w: &World) -> Prepared {
        let tmp = w.tmp.clone();
        match self.clone() {
            Writer::Desktop { install } => {
                let desktop = w.home.join("Desktop/Kiosque");
                let file = desktop.join("gomme-effacer.desktop");
                if !install {
                    // Installed earlier, by root.
                    put(&file, &launcher(), 0o755);
                    chown_tree(&w.home.join("Desktop"), OWNER, OWNER);
                    lchown(&file, 0, 0);
                }
                let args = strings(&[
                    "shortcut",
                    if install { "install" } else { "remove" },
                    "--desktop",
                    &s(&desktop),
                    "--platform",
                    "linux",
                    "--exe",
                    EXE,
                ]);
                Prepared {
                    file,
                    expect: if install {
                        Expect::Bytes(launcher())
                    } else {
                        Expect::Gone
                    },
                    also: Vec::new(),
                    mode: Some(0o755),
                    owner: None,
                    home: Some(w.home.clone()),
                    refuse_file_links: false,
                    run: Box::new(move || {
                        exec(&[], &args, false, &tmp, &[], Duration::from_secs(30))
                    }),
                    after: Vec::new(),
                }
            }
            Writer::AllUsers { user_dirs } => {
                let (r, home, service) = sysroot(w);
                let desktop = if user_dirs {
                    put(
                        &home.join(".config/user-dirs.dirs"),
                        b"# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Documents/Bureau\"\n",
                        0o644,
                    );
                    fs::create_dir_all(home.join("Documents")).unwrap();
                    chown_tree(&home, OWNER, OWNER);
                    home.join("Documents/Bureau")
                } else {
                    home.join("Desktop")
                };
                let file = desktop.join("gomme-effacer.desktop");
                let args = strings(&[
                    "shortcut",
                    "install",
                    "--all-users",
                    "--platform",
                    "linux",
                    "--exe",
                    EXE,
                ]);
                let prefix = shield(&r.join("etc/passwd"));
                let env = vec![("GOMME_SYSROOT", s(&r))];
                let mut after: Vec<After> = Vec::new();
                let root_home = r.join("root");
                after.push(Box::new(move |case: &mut Case, _: &Run, _| {
                    // No icon for a service account, nor for root.
                    for h in [&service, &root_home] {
                        let icons: Vec<String> = walkdir::WalkDir::new(h)
                            .into_iter()
                            .filter_map(Result::ok)
                            .filter(|e| e.file_name() == "gomme-effacer.desktop")
                            .map(|e| e.path().display().to_string())
                            .collect();
                        case.check(icons.is_empty() && !h.join("Desktop").exists(), || {
                            format!("an icon (or a Desktop) for a non-person: {icons:?}")
                        });
                    }
                }));
                let made = desktop.clone();
                after.push(Box::new(move |case: &mut Case, run: &Run, plain| {
                    // A desktop folder gomme had to make is the account's, not root's.
                    if plain && run.code == Some(0) {
                        let owner = made.symlink_metadata().map(|m| (m.uid(), m.gid()));
                        case.check(owner.as_ref().is_ok_and(|o| *o == (OWNER, OWNER)), || {
                            format!(
                                "the desktop folder {} gomme made is owned by {owner:?}, not \
                                 the account ({OWNER}:{OWNER})",
                                made.display()
                            )
                        });
                    }
                }));
                Prepared {
                    file,
                    expect: Expect::Bytes(launcher()),
                    also: Vec::new(),
                    mode: Some(0o755),
                    owner: Some((OWNER, OWNER)),
                    home: Some(home),
                    refuse_file_links: false,
                    run: Box::new(move || {
                        exec(&prefix, &args, false, &tmp, &env, Duration::from_secs(30))
                    }),
                    after,
                }
            }
            Writer::Schedule {
                platform,
                unit,
                install,
            } => {
                let r = w.dir.join("sysroot");
                fs::create_dir_all(&r).unwrap();
                let units = gomme::schedule::units(platform, Path::new(EXE));
                let files: Vec<(PathBuf, Vec<u8>)> = units
                    .iter()
                    .map(|u| (gomme::schedule::under(&r, &u.path), u.content.clone()))
                    .collect();
                if !install {
                    // Installed earlier.
                    for (f, content) in &files {
                        put(f, content, 0o644);
                    }
                }
                let expect = |c: &Vec<u8>| {
                    if install {
                        Expect::Bytes(c.clone())
                    } else {
                        Expect::Gone
                    }
                };
                let args = strings(&[
                    "schedule",
                    if install { "install" } else { "remove" },
                    "--root",
                    &s(&r),
                    "--platform",
                    platform_arg(platform),
                    "--exe",
                    EXE,
                ]);
                Prepared {
                    file: files[unit].0.clone(),
                    expect: expect(&files[unit].1),
                    also: files
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != unit)
                        .map(|(_, (f, c))| (f.clone(), expect(c)))
                        .collect(),
                    mode: None,
                    owner: None,
                    home: None,
                    refuse_file_links: false,
                    run: Box::new(move || {
                        exec(&[], &args, false, &tmp, &[], Duration::from_secs(60))
                    }),
                    after: Vec::new(),
                }
            }
            Writer::Log { existing } => {
                // Root's folder, as /var/log (links are planted there all the same).
                let log = w.dir.join("var/log/gomme.jsonl");
                fs::create_dir_all(log.parent().unwrap()).unwrap();
                let before: Vec<u8> = if existing {
                    let line = b"{\"earlier\":\"run\"}\n".to_vec();
                    put(&log, &line, 0o644);
                    line
                } else {
                    Vec::new()
                };
                let home = w.home.clone();
                let l = s(&log);
                Prepared {
                    file: log,
                    expect: Expect::JsonLines(before),
                    also: Vec::new(),
                    mode: None,
                    owner: None,
                    home: None,
                    refuse_file_links: true,
                    run: Box::new(move || clean(&home, &tmp, &["--log-file", &l])),
                    after: vec![Box::new(|case: &mut Case, run: &Run, plain| {
                        // The clean itself happened (the log is written after it; a log
                        // refused, the report is not printed).
                        if plain {
                            case.check(run.json.is_some(), || {
                                format!("no JSON report: {}", tail(&run.stderr))
                            });
                        }
                    })],
                }
            }
        }
    }
}

/// Every schedule writer with its shapes: the file shapes for each unit, a link at each
/// distinct folder of a unit, and at each folder on the way between the root and it.
fn schedule_writers() -> Vec<(Writer, Vec<Plant>)> {
    let mut out = Vec::new();
    for platform in [Platform::Linux, Platform::Windows, Platform::Macos] {
        for install in [true, false] {
            let units = gomme::schedule::units(platform, Path::new(EXE));
            let mut seen = BTreeSet::new();
            for (i, u) in units.iter().enumerate() {
                let mut plants = if i == 0 {
                    vec![Plant::Nothing]
                } else {
                    Vec::new()
                };
                plants.extend(file_plants());
                let rel = rel_under(&u.path);
                let depth = rel.components().count();
                for up in 1..depth {
                    let at = rel.ancestors().nth(up).unwrap().to_path_buf();
                    if seen.insert(at.clone()) {
                        plants.push(Plant::DirLink {
                            up,
                            to: if up == 1 { "cron.d" } else { "" },
                            what: at.display().to_string(),
                        });
                    }
                }
                out.push((
                    Writer::Schedule {
                        platform,
                        unit: i,
                        install,
                    },
                    plants,
                ));
            }
        }
    }
    out
}

/// What planting did, for the checks after the run.
struct Planted {
    /// The victim a hard link was made to.
    hard_victim: Option<PathBuf>,
    /// Where the file lands through a folder link (in the victim folder).
    mirror: Option<PathBuf>,
    /// A dangling link's target, which must still not exist.
    dangling: Option<PathBuf>,
}

/// Plants `plant` at `p.file` (or above it); checks it is really in place. `None` (and a
/// failure) if not.
fn plant(
    case: &mut Case,
    w: &World,
    p: &Prepared,
    plant: &Plant,
    install: bool,
) -> Option<Planted> {
    let file = &p.file;
    let mut planted = Planted {
        hard_victim: None,
        mirror: None,
        dangling: None,
    };
    let ok = match plant {
        Plant::Nothing => true,
        Plant::FileLink(v) => {
            remove_any(file);
            let target = w.etc.join(v);
            symlink(&target, file);
            let (uid, gid) = planter_of(file);
            lchown(file, uid, gid);
            fs::read_link(file).is_ok_and(|t| t == target) && target.is_file()
        }
        Plant::Dangling => {
            remove_any(file);
            let target = w.etc.join("cron.d").join(format!(
                "planted-{}",
                file.file_name().unwrap().to_string_lossy()
            ));
            symlink(&target, file);
            let (uid, gid) = planter_of(file);
            lchown(file, uid, gid);
            let ok = file.is_symlink() && target.symlink_metadata().is_err();
            planted.dangling = Some(target);
            ok
        }
        Plant::Hard(v) => {
            remove_any(file);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            let victim = w.etc.join(v);
            fs::hard_link(&victim, file).unwrap();
            let ok =
                ino(file) == ino(&victim) && file.symlink_metadata().is_ok_and(|m| m.nlink() == 2);
            planted.hard_victim = Some(victim);
            ok
        }
        Plant::DirLink { up, to, .. } => {
            let at = file.ancestors().nth(*up).unwrap().to_path_buf();
            let to = if to.is_empty() {
                w.etc.clone()
            } else {
                w.etc.join(to)
            };
            let mirror = to.join(file.strip_prefix(&at).unwrap());
            let (uid, gid) = planter_of(&at);
            remove_any(&at);
            if !install {
                // What a removal through the link would take: root's file of that name.
                put(
                    &mirror,
                    b"root's file of the same name: not gomme's\n",
                    0o644,
                );
                for d in mirror.ancestors().skip(1) {
                    if d == w.etc {
                        break;
                    }
                    lchown(d, 0, 0);
                }
                lchown(&mirror, 0, 0);
            }
            symlink(&to, &at);
            lchown(&at, uid, gid);
            let ok = at.is_symlink()
                && (install || fs::metadata(file).is_ok_and(|m| Some(m.ino()) == ino(&mirror)));
            planted.mirror = Some(mirror);
            ok
        }
        Plant::ConfigLink => {
            let home = p.home.as_ref().expect("an account's home");
            let config = home.join(".config");
            remove_any(&config);
            put(
                &w.etc.join("user-dirs.dirs"),
                "XDG_DESKTOP_DIR=\"$HOME/Piège\"\n".as_bytes(),
                0o644,
            );
            symlink(&w.etc, &config);
            lchown(&config, OWNER, OWNER);
            config.is_symlink() && config.join("user-dirs.dirs").is_file()
        }
    };
    if let Some(home) = &p.home {
        own_dirs_below(home, file);
    }
    if case.check(ok, || {
        format!("{} was not in place before the run", plant.name())
    }) {
        Some(planted)
    } else {
        None
    }
}

/// Folders the test made between `home` and `file` (while planting) are the person's, as if
/// they had made them: every real folder from the home down, up to the first link.
fn own_dirs_below(home: &Path, file: &Path) {
    let Ok(rel) = file.strip_prefix(home) else {
        return;
    };
    let mut at = home.to_path_buf();
    for c in rel.parent().into_iter().flat_map(|p| p.components()) {
        at.push(c);
        match at.symlink_metadata() {
            Ok(m) if m.is_dir() => lchown(&at, OWNER, OWNER),
            _ => break,
        }
    }
}

/// Whether `path` holds what a plain run must leave there.
fn own_file(
    case: &mut Case,
    path: &Path,
    expect: &Expect,
    mode: Option<u32>,
    owner: Option<(u32, u32)>,
) {
    let meta = path.symlink_metadata();
    let what = |m: &fs::Metadata| {
        format!(
            "{} mode {:o} owner {}:{} links {}",
            if m.is_symlink() {
                "symlink"
            } else if m.is_file() {
                "file"
            } else {
                "other"
            },
            m.mode() & 0o7777,
            m.uid(),
            m.gid(),
            m.nlink()
        )
    };
    match expect {
        Expect::Gone => {
            case.check(meta.is_err(), || {
                format!(
                    "{} is still there ({})",
                    path.display(),
                    meta.as_ref().map(what).unwrap_or_default()
                )
            });
        }
        Expect::Bytes(_) | Expect::JsonLines(_) => {
            let Ok(m) = meta else {
                case.fail(format!("{} was not written", path.display()));
                return;
            };
            if !case.check(m.is_file() && m.nlink() == 1, || {
                format!("{} is not gomme's own file: {}", path.display(), what(&m))
            }) {
                return;
            }
            if let Some(mode) = mode {
                case.check(m.mode() & 0o7777 == mode, || {
                    format!("{}: {}, expected mode {mode:o}", path.display(), what(&m))
                });
            }
            if let Some(owner) = owner {
                case.check((m.uid(), m.gid()) == owner, || {
                    format!(
                        "{}: {}, expected owner {}:{}",
                        path.display(),
                        what(&m),
                        owner.0,
                        owner.1
                    )
                });
            }
            let content = fs::read(path).unwrap_or_default();
            match expect {
                Expect::Bytes(c) => {
                    case.check(&content == c, || {
                        format!("{} does not hold what gomme writes", path.display())
                    });
                }
                Expect::JsonLines(before) => {
                    let ok = content.starts_with(before) && {
                        let rest = String::from_utf8_lossy(&content[before.len()..]).into_owned();
                        let lines: Vec<&str> = rest.lines().collect();
                        !lines.is_empty()
                            && lines
                                .iter()
                                .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok())
                    };
                    case.check(ok, || {
                        format!(
                            "{}: not the earlier lines followed by JSON lines: {}",
                            path.display(),
                            String::from_utf8_lossy(&content[..content.len().min(300)])
                        )
                    });
                }
                Expect::Gone => unreachable!(),
            }
        }
    }
}

fn writer_case(case: &mut Case, dir: &Path, writer: &Writer, shape: &Plant, strict: bool) {
    let w = world(dir, writer.fixture());
    let install = !matches!(
        writer,
        Writer::Desktop { install: false } | Writer::Schedule { install: false, .. }
    );
    let p = writer.prepare(&w);
    let Some(planted) = plant(case, &w, &p, shape, install) else {
        return;
    };
    let watch = Watch::take(&w.etc);
    if !watch.meaningful(case) {
        return;
    }
    let Prepared {
        file,
        expect,
        also,
        mode,
        owner,
        refuse_file_links,
        run,
        after,
        ..
    } = p;
    let run = run();
    // A hard link gomme took away (replaced or removed) lowers the victim's link count.
    let unlinked = planted
        .hard_victim
        .as_ref()
        .filter(|v| ino(&file) != ino(v))
        .cloned();
    // Reads through a hard link are reads of the home's own name: not counted.
    let strict = strict && planted.hard_victim.is_none();
    watch.check(case, strict, unlinked.as_deref());
    if let Some(d) = &planted.dangling {
        case.check(d.symlink_metadata().is_err(), || {
            format!("{} was created through a dangling link", d.display())
        });
    }
    if run.sane(case) {
        match shape {
            Plant::Nothing => {
                if run.expect(case, &[0]) {
                    own_file(case, &file, &expect, mode, owner);
                    for (f, e) in &also {
                        own_file(case, f, e, mode, owner);
                    }
                }
            }
            s if s.at_file() => {
                if run.code == Some(0) {
                    if refuse_file_links {
                        case.fail(format!(
                            "gomme {}: exit 0 with a {}: expected a refusal",
                            run.args,
                            s.name()
                        ));
                    } else if !matches!(expect, Expect::Gone) {
                        // It replaced the link with its own file.
                        own_file(case, &file, &expect, mode, owner);
                    }
                }
            }
            Plant::DirLink { .. } => {
                case.check(run.code != Some(0), || {
                    format!(
                        "gomme {}: exit 0 with a {}: expected a refusal (stdout: {})",
                        run.args,
                        shape.name(),
                        tail(&run.stdout)
                    )
                });
            }
            Plant::ConfigLink => {
                // user-dirs.dirs out of the home is not read: the icon goes to Desktop, or
                // the account is refused.
                if run.code == Some(0) {
                    own_file(case, &file, &expect, mode, owner);
                }
            }
            _ => unreachable!(),
        }
    }
    if let Plant::ConfigLink = shape {
        let trap = file.parent().unwrap().with_file_name("Piège");
        case.check(!trap.exists(), || {
            format!(
                "{} was made: user-dirs.dirs read through a link out of the home",
                trap.display()
            )
        });
    }
    let plain = matches!(shape, Plant::Nothing);
    for check in after {
        check(case, &run, plain);
    }
}

fn writer_jobs(work: &mut Work, root: &Path, strict: bool, shield_ok: bool) {
    let mut writers: Vec<(Writer, Vec<Plant>)> = Vec::new();
    for w in [
        Writer::Desktop { install: true },
        Writer::Desktop { install: false },
        Writer::Log { existing: false },
        Writer::Log { existing: true },
    ] {
        let plants = w.plants();
        writers.push((w, plants));
    }
    if shield_ok {
        for w in [
            Writer::AllUsers { user_dirs: false },
            Writer::AllUsers { user_dirs: true },
        ] {
            let plants = w.plants();
            writers.push((w, plants));
        }
    }
    writers.extend(schedule_writers());
    let mut n = 0;
    for (writer, plants) in writers {
        for shape in plants {
            // The existing log only adds the case where nothing is planted.
            if matches!(writer, Writer::Log { existing: true }) && !matches!(shape, Plant::Nothing)
            {
                continue;
            }
            n += 1;
            let dir = root.join(format!("w{n}"));
            let writer = writer.clone();
            work.push((
                format!("{}: {}", writer.name(), shape.name()),
                Box::new(move |case: &mut Case| {
                    writer_case(case, &dir, &writer, &shape, strict);
                    let _ = fs::remove_dir_all(&dir);
                }),
            ));
        }
    }
}

// ---------------------------------------------------------------- 2. bind mounts

/// A mount, unmounted on drop (lazily if busy).
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let p = s(&self.0);
        if sh("umount", &[&p]).is_err() {
            let _ = sh("umount", &["-l", &p]);
        }
    }
}

fn is_mount_point(path: &Path) -> bool {
    sh("mountpoint", &["-q", &s(path)]).is_ok()
}

fn mount_jobs(work: &mut Work, root: &Path) {
    let j = |a: &str, b: &str| format!("{a}/{b}");
    // (where, kiosk mode, where traces may stay: the profile the mount hides)
    let ff: &[&str] = &[ff_usager(), ff_cache_usager(), "Downloads"];
    let ch: &[&str] = &[ch_default(), ch_cache_default(), "Downloads"];
    let places: Vec<(String, bool, &[&str])> = vec![
        (ff_usager().to_owned(), false, ff),
        (ff_cache_usager().to_owned(), false, ff),
        (j(ff_usager(), "storage/default"), false, ff),
        (j(ff_usager(), "sessionstore-backups"), false, ff),
        (ch_default().to_owned(), false, ch),
        (j(ch_default(), "Local Storage"), false, ch),
        (j(ch_default(), "IndexedDB"), false, ch),
        (ch_cache_default().to_owned(), false, ch),
        ("Downloads".to_owned(), true, &["Downloads"]),
    ];
    for (i, (at, kiosk, leftovers)) in places.into_iter().enumerate() {
        let dir = root.join(format!("m{i}"));
        let leftovers: Vec<String> = leftovers.iter().map(|l| l.to_string()).collect();
        work.push((
            format!(
                "bind mount of a root-owned tree at {at}{}",
                if kiosk { " (kiosk Downloads)" } else { "" }
            ),
            Box::new(move |case: &mut Case| {
                mount_case(case, &dir, &at, kiosk, &leftovers);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
}

fn mount_case(case: &mut Case, dir: &Path, at: &str, kiosk: bool, leftovers: &[String]) {
    let w = world(dir, true);
    // Root's tree: another copy of what lies there (the same tempting names), and more.
    let victim = dir.join("victim");
    let original = crate::common::fixture_home().join(at);
    if original.is_dir() {
        crate::common::copy_tree(&original, &victim);
    }
    put(
        &victim.join("keep-0664"),
        b"root's, group-writable\n",
        0o664,
    );
    put(&victim.join("keep-0600"), b"root's secret\n", 0o600);
    put(&victim.join("sub/deep-0664"), b"root's, deeper\n", 0o664);
    put(
        &victim.join("sub/deep-0600"),
        b"root's secret, deeper\n",
        0o600,
    );
    chown_tree(&victim, 0, 0);
    let point = w.home.join(at);
    fs::create_dir_all(&point).unwrap();
    let guard = match sh("mount", &["--bind", &s(&victim), &s(&point)]) {
        Ok(_) => Mount(point.clone()),
        Err(e) => {
            case.fail(format!("cannot bind-mount: {e}"));
            return;
        }
    };
    if !case.check(
        is_mount_point(&point) && point.join("sub/deep-0600").is_file(),
        || {
            format!(
                "{} is not a mount point of the victim tree",
                point.display()
            )
        },
    ) {
        return;
    }
    let watch = Watch::take(&victim);
    let outside = Watch::take(&w.etc);
    if !watch.meaningful(case) {
        return;
    }
    let mut extra: Vec<String> = Vec::new();
    if kiosk {
        let config = dir.join("kiosk.toml");
        fs::write(&config, "[downloads]\nempty_folder = true\n").unwrap();
        extra = vec!["--config".into(), s(&config)];
    }
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let run = clean(&w.home, &w.tmp, &extra);
    watch.check(case, false, None);
    outside.check(case, false, None);
    let sane = run.sane(case);
    if sane {
        run.expect(case, &[0, 4]);
        named_error(case, &run);
    }
    drop(guard);
    if sane && !is_mount_point(&point) {
        let allowed: Vec<&str> = leftovers.iter().map(String::as_str).collect();
        others_cleaned(case, &w.home, &allowed);
    }
}

// ---------------------------------------------------------------- 3. hard links, group 0

fn setpriv_prefix() -> Vec<String> {
    if Path::new("/usr/bin/setpriv").exists() || Path::new("/bin/setpriv").exists() {
        strings(&["setpriv", "--reuid=0", "--regid=0", "--groups=0"])
    } else {
        Vec::new() // root's groups hold 0 anyway
    }
}

fn hard_link_jobs(work: &mut Work, root: &Path) {
    // (file, the profile it belongs to, its cache, whether gomme changes it: exit 4 then)
    let mut files: Vec<(String, &str, &str, bool)> = Vec::new();
    for db in [
        "places.sqlite",
        "cookies.sqlite",
        "formhistory.sqlite",
        "favicons.sqlite",
    ] {
        for side in ["", "-wal", "-journal"] {
            files.push((
                format!("{}/{db}{side}", ff_usager()),
                ff_usager(),
                ff_cache_usager(),
                true,
            ));
        }
    }
    files.push((
        format!("{}/logins.json", ff_usager()),
        ff_usager(),
        ff_cache_usager(),
        true,
    ));
    for db in ["History", "Cookies", "Web Data", "Login Data"] {
        for side in ["", "-wal", "-journal"] {
            files.push((
                format!("{}/{db}{side}", ch_default()),
                ch_default(),
                ch_cache_default(),
                true,
            ));
        }
    }
    files.push((
        format!("{}/Preferences", ch_default()),
        ch_default(),
        ch_cache_default(),
        true,
    ));
    // Read only (the list of profiles): refused or read, never written.
    files.push((
        format!("{}/Local State", ch_data()),
        ch_data(),
        ".cache/chromium",
        false,
    ));
    for (i, (rel, profile, cache, changed)) in files.into_iter().enumerate() {
        let dir = root.join(format!("h{i}"));
        work.push((
            format!("hard link to root:0 0664 at {rel} (group 0)"),
            Box::new(move |case: &mut Case| {
                hard_link_case(case, &dir, &rel, profile, cache, changed);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
}

fn hard_link_case(
    case: &mut Case,
    dir: &Path,
    rel: &str,
    profile: &str,
    cache: &str,
    changed: bool,
) {
    let w = world(dir, true);
    let file = w.home.join(rel);
    // Root's file, group 0, holding what the person's file held (a valid database, valid
    // settings; an empty sidecar where there was none).
    let name = format!("linked-{}", file.file_name().unwrap().to_string_lossy());
    let victim = w.etc.join(name);
    let content = fs::read(&file).unwrap_or_default();
    put(&victim, &content, 0o664);
    lchown(&victim, 0, 0);
    remove_any(&file);
    fs::hard_link(&victim, &file).unwrap();
    let in_place = file
        .symlink_metadata()
        .is_ok_and(|m| m.nlink() == 2 && Some(m.ino()) == ino(&victim) && m.uid() == 0);
    if !case.check(in_place, || {
        format!("the hard link at {rel} is not in place")
    }) {
        return;
    }
    let watch = Watch::take(&w.etc);
    if !watch.meaningful(case) {
        return;
    }
    let args = vec!["clean".to_owned(), "--home".to_owned(), s(&w.home)];
    let run = exec(
        &setpriv_prefix(),
        &args,
        true,
        &w.tmp,
        &[],
        Duration::from_secs(90),
    );
    // Content, mode, owner, inode, times and link count: the home's name stays too.
    watch.check(case, false, None);
    if !run.sane(case) {
        return;
    }
    if changed {
        if run.expect(case, &[4]) {
            case.check(in_error(&run, profile), || {
                format!(
                    "exit 4 but {profile} is not reported in error: {}",
                    tail(&run.stdout)
                )
            });
        }
    } else {
        run.expect(case, &[0, 4]);
        named_error(case, &run);
    }
    others_cleaned(case, &w.home, &[profile, cache, "Downloads"]);
}

// ---------------------------------------------------------------- 4. FIFOs

#[derive(Clone, Copy, Debug)]
enum Runner {
    Clean,
    Kiosk,
    AllUsers,
}

fn fifo_jobs(work: &mut Work, root: &Path, strict: bool, shield_ok: bool) {
    let mut paths: Vec<(String, Runner)> = Vec::new();
    let dbs = [
        (ff_usager(), "places.sqlite"),
        (ff_usager(), "cookies.sqlite"),
        (ff_usager(), "formhistory.sqlite"),
        (ff_usager(), "favicons.sqlite"),
        (ch_default(), "History"),
        (ch_default(), "Cookies"),
        (ch_default(), "Web Data"),
        (ch_default(), "Login Data"),
    ];
    for (profile, db) in dbs {
        for side in ["-wal", "-shm", "-journal"] {
            paths.push((format!("{profile}/{db}{side}"), Runner::Clean));
        }
    }
    for rel in [
        ".mozilla/firefox/profiles.ini".to_owned(),
        ".mozilla/firefox/installs.ini".to_owned(),
        format!("{}/prefs.js", ff_usager()),
        format!("{}/logins.json", ff_usager()),
        format!("{}/Preferences", ch_default()),
        format!("{}/Local State", ch_data()),
    ] {
        paths.push((rel, Runner::Clean));
    }
    paths.push((".config/user-dirs.dirs".to_owned(), Runner::Kiosk));
    if shield_ok {
        paths.push((".config/user-dirs.dirs".to_owned(), Runner::AllUsers));
    }
    for (i, (rel, runner)) in paths.into_iter().enumerate() {
        let dir = root.join(format!("f{i}"));
        let what = match runner {
            Runner::Clean => "clean",
            Runner::Kiosk => "clean, kiosk Downloads",
            Runner::AllUsers => "shortcut install --all-users",
        };
        work.push((
            format!("FIFO at {rel} ({what})"),
            Box::new(move |case: &mut Case| {
                fifo_case(case, &dir, &rel, runner, strict);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
}

fn fifo_case(case: &mut Case, dir: &Path, rel: &str, runner: Runner, strict: bool) {
    let fixture = !matches!(runner, Runner::AllUsers);
    let w = world(dir, fixture);
    let (home, run): (PathBuf, Box<dyn FnOnce() -> Run>) = match runner {
        Runner::Clean | Runner::Kiosk => {
            let mut args = vec!["clean".to_owned(), "--home".to_owned(), s(&w.home)];
            if let Runner::Kiosk = runner {
                let config = dir.join("kiosk.toml");
                fs::write(&config, "[downloads]\nempty_folder = true\n").unwrap();
                args.extend(["--config".to_owned(), s(&config)]);
            }
            let tmp = w.tmp.clone();
            (
                w.home.clone(),
                Box::new(move || exec(&[], &args, true, &tmp, &[], FIFO_LIMIT)),
            )
        }
        Runner::AllUsers => {
            let (r, home, _) = sysroot(&w);
            let args = strings(&[
                "shortcut",
                "install",
                "--all-users",
                "--platform",
                "linux",
                "--exe",
                EXE,
            ]);
            let prefix = shield(&r.join("etc/passwd"));
            let env = vec![("GOMME_SYSROOT", s(&r))];
            let tmp = w.tmp.clone();
            (
                home,
                Box::new(move || exec(&prefix, &args, false, &tmp, &env, FIFO_LIMIT)),
            )
        }
    };
    let fifo = home.join(rel);
    make_fifo(&fifo, OWNER);
    if !case.check(is_fifo(&fifo), || format!("no FIFO at {rel}")) {
        return;
    }
    let watch = Watch::take(&w.etc);
    if !watch.meaningful(case) {
        return;
    }
    let run = run();
    watch.check(case, strict, None);
    case.check(is_fifo(&fifo) || fifo.symlink_metadata().is_err(), || {
        format!("the FIFO at {rel} was replaced by something else")
    });
    if !run.sane(case) {
        return;
    }
    match runner {
        Runner::Clean | Runner::Kiosk => {
            if run.expect(case, &[0, 4]) {
                named_error(case, &run);
                case.check(!run.profiles().is_empty(), || {
                    format!("no profile in the report: {}", tail(&run.stdout))
                });
            }
        }
        Runner::AllUsers => {
            // user-dirs.dirs unreadable: the icon on Desktop, or the account refused.
            if run.code == Some(0) {
                own_file(
                    case,
                    &home.join("Desktop/gomme-effacer.desktop"),
                    &Expect::Bytes(launcher()),
                    Some(0o755),
                    Some((OWNER, OWNER)),
                );
            }
        }
    }
}

// ---------------------------------------------------------------- 5. a FIFO swapped in mid-run

/// The deadline given with `--timeout`, and how long past it gomme may take to stop.
const DEADLINE: u64 = 6;
const GRACE: u64 = 3;

fn swap_jobs(work: &mut Work, root: &Path, strict: bool) {
    // The profile folder and the database, as the pause hook matches the end of a path.
    let usager_places: &'static str = Box::leak(
        format!(
            "{}/places.sqlite",
            Path::new(ff_usager())
                .file_name()
                .unwrap()
                .to_string_lossy()
        )
        .into_boxed_str(),
    );
    let cases = [
        (
            usager_places,
            format!("{}/places.sqlite", ff_usager()),
            "-journal",
        ),
        (
            usager_places,
            format!("{}/places.sqlite", ff_usager()),
            "-wal",
        ),
        (
            "Default/Cookies",
            format!("{}/Cookies", ch_default()),
            "-journal",
        ),
        (
            "Default/Cookies",
            format!("{}/Cookies", ch_default()),
            "-wal",
        ),
    ];
    for (i, (suffix, db, side)) in cases.into_iter().enumerate() {
        let dir = root.join(format!("s{i}"));
        let name = format!("FIFO swapped in at {db}{side} at sqlite-open (--timeout {DEADLINE})");
        let case_name = name.clone();
        work.push((
            name,
            Box::new(move |case: &mut Case| {
                swap_case(case, &dir, &case_name, suffix, &db, side, strict);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
}

fn swap_case(
    case: &mut Case,
    dir: &Path,
    name: &str,
    suffix: &str,
    db: &str,
    side: &str,
    strict: bool,
) {
    let w = world(dir, true);
    let sidecar = w.home.join(format!("{db}{side}"));
    // Where gomme (perhaps acting as the owner by then) can make the pause file.
    let pause_dir = dir.join("pause");
    fs::create_dir_all(&pause_dir).unwrap();
    fs::set_permissions(&pause_dir, fs::Permissions::from_mode(0o1777)).unwrap();
    let pause = pause_dir.join("paused");
    let watch = Watch::take(&w.etc);
    if !watch.meaningful(case) {
        return;
    }
    let mut cmd = Command::new(gomme_bin());
    cmd.args(["clean", "--home"])
        .arg(&w.home)
        .args(["--timeout", &DEADLINE.to_string(), "--json"]);
    set_env(&mut cmd, &w.tmp);
    cmd.env("GOMME_TEST_PAUSE_AT", format!("sqlite-open {suffix}"))
        .env("GOMME_TEST_PAUSE_FILE", &pause)
        .stdin(Stdio::null())
        .stdout(fs::File::create(dir.join("stdout")).unwrap())
        .stderr(fs::File::create(dir.join("stderr")).unwrap());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let hard_limit = Duration::from_secs(30);
    // Until gomme pauses (or ends without pausing).
    let mut paused = false;
    let mut status = None;
    while start.elapsed() < Duration::from_secs(20) {
        if pause.exists() {
            paused = true;
            break;
        }
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    if paused {
        make_fifo(&sidecar, OWNER);
        case.check(is_fifo(&sidecar), || format!("no FIFO at {db}{side}"));
        fs::remove_file(&pause).unwrap();
    }
    let status = match status {
        Some(s) => s,
        None => loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > hard_limit {
                // SIGKILL, to the PID this test started.
                let _ = child.kill();
                case.fail(format!(
                    "gomme was still running after {} s ({}): killed",
                    hard_limit.as_secs(),
                    if paused {
                        "past its deadline"
                    } else {
                        "never paused"
                    }
                ));
                break child.wait().unwrap();
            }
            std::thread::sleep(Duration::from_millis(5));
        },
    };
    let elapsed = start.elapsed();
    let stdout = fs::read_to_string(dir.join("stdout")).unwrap_or_default();
    let stderr = fs::read_to_string(dir.join("stderr")).unwrap_or_default();
    watch.check(case, strict, None);
    case.check(
        is_fifo(&sidecar) || !paused || sidecar.symlink_metadata().is_err(),
        || format!("the FIFO at {db}{side} was replaced by something else"),
    );
    if stderr.contains("panicked at") || status.code() == Some(101) {
        case.panic(format!("gomme panicked: {}", tail(&stderr)));
        return;
    }
    if !paused {
        case.fail(format!(
            "the pause point sqlite-open {suffix} was never reached (exit {:?}): {}",
            status.code(),
            tail(&stderr)
        ));
        return;
    }
    let Some(code) = status.code() else {
        return; // killed above
    };
    let bound = Duration::from_secs(DEADLINE + GRACE) + Duration::from_millis(900);
    case.check(elapsed <= bound, || {
        format!(
            "gomme ended after {:.1} s, past its deadline ({DEADLINE} s) + {GRACE} s",
            elapsed.as_secs_f64()
        )
    });
    let what = match code {
        6 => {
            let low = stderr.to_lowercase();
            case.check(
                low.contains("deadline") || low.contains("time limit") || low.contains("timeout"),
                || {
                    format!(
                        "exit 6 without a message about the deadline: {}",
                        tail(&stderr)
                    )
                },
            );
            "stopped at its deadline (exit 6)"
        }
        0 | 4 => "finished before the FIFO mattered",
        other => {
            case.fail(format!(
                "exit {other}, expected 6 (deadline) or 0/4: {}",
                tail(&stderr)
            ));
            "ended otherwise"
        }
    };
    // The profiles done before the stop stay done.
    let json: Option<serde_json::Value> = serde_json::from_str(&stdout).ok();
    let mut kept = "no JSON report".to_owned();
    if let Some(json) = json {
        let mut checked = 0;
        let report = scan(&w.home);
        let home = s(&w.home);
        for p in json["profiles"].as_array().into_iter().flatten() {
            if p["status"].as_str() != Some("cleaned") {
                continue;
            }
            let path = p["path"].as_str().unwrap_or_default();
            let Some(rel) = path.strip_prefix(&home).map(|r| r.trim_start_matches('/')) else {
                continue;
            };
            checked += 1;
            let left = traces_under(&report, rel);
            case.check(left.is_empty(), || {
                format!(
                    "{rel} reported cleaned, yet traces are left there: {}",
                    left.join("; ")
                )
            });
        }
        kept = format!("{checked} profiles reported cleaned, checked");
    } else if code != 6 {
        case.fail(format!("no JSON report: {}", tail(&stdout)));
    }
    say(format!(
        "safety[edges]: {name}: {what}, exit {code} after {:.1} s; {kept}",
        elapsed.as_secs_f64()
    ));
}
