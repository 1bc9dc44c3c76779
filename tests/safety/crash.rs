//! A machine switched off in the middle of a clean: gomme is killed (SIGKILL) at many moments
//! of a clean of the fixture home. Half the runs die at an injected point (debug builds:
//! `GOMME_TEST_KILL_AT=N` kills the process at its Nth point — right before an unlink, a
//! rmdir, a settings rewrite or its rename, each database step, the commit, the checkpoint, the
//! VACUUM), chosen over every kind of point; the other half are killed by this test after
//! delays spread over the measured length of a clean. After each kill: every database passes
//! `integrity_check` opened as the browser opens it (WAL replayed, hot journal rolled back),
//! `Preferences` is whole JSON, bookmarks and settings are there; for a sample of runs the real
//! browsers start on that home and load a page; then a rerun of `clean` finishes the job: not
//! one marker left, every keeper still there.
//!
//! `GOMME_CRASH_RUNS` (default 200) and `GOMME_CRASH_BROWSERS` (default 10) tune it.

use crate::harness::*;
use crate::live::chromium_command;
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The one page server of the sampled runs' browsers (tests/common/browser.rs).
fn page_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(crate::common::browser::serve_page)
}

/// How a run dies.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// At the Nth injected point (which is of this kind).
    At(usize, &'static str),
    /// After this long.
    After(Duration),
}

/// The points of a whole clean of the fixture home, from a run of the real binary.
fn points(dir: &Path) -> Vec<String> {
    let home = dir.join("home");
    fixture_at(&home);
    let log = dir.join("points.log");
    let run = gomme(
        &["clean", "--home", &home.to_string_lossy()],
        true,
        &dir.join("tmp"),
        &[("GOMME_TEST_POINTS", &log.to_string_lossy())],
        Duration::from_secs(120),
    );
    assert_eq!(run.code, Some(0), "the reference clean: {}", run.stderr);
    let text = fs::read_to_string(&log).unwrap_or_default();
    let _ = fs::remove_dir_all(dir);
    text.lines()
        .filter_map(|l| l.split_once(' ').map(|(_, k)| k.to_owned()))
        .collect()
}

/// How long a whole clean takes here (the fastest of three).
fn clean_time(dir: &Path) -> Duration {
    (0..3)
        .map(|i| {
            let home = dir.join(format!("t{i}/home"));
            fixture_at(&home);
            let start = Instant::now();
            let run = clean(&home, &dir.join("tmp"), &[]);
            assert_eq!(run.code, Some(0));
            let t = start.elapsed();
            let _ = fs::remove_dir_all(dir.join(format!("t{i}")));
            t
        })
        .min()
        .unwrap()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// `n` kill points: some of every kind, the rest spread over the run.
fn choose_points(points: &[String], n: usize) -> Vec<Kill> {
    let mut by_kind: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, kind) in points.iter().enumerate() {
        by_kind.entry(kind.as_str()).or_default().push(i + 1);
    }
    let mut chosen: Vec<usize> = Vec::new();
    let per_kind = (n / 2 / by_kind.len().max(1)).max(1);
    for indices in by_kind.values() {
        let k = indices.len().min(per_kind);
        for j in 0..k {
            chosen.push(indices[j * indices.len() / k]);
        }
    }
    chosen.sort();
    chosen.dedup();
    // The rest spread over the whole run, skipping points already chosen.
    let mut j = 0;
    while chosen.len() < n.min(points.len()) {
        let at = 1 + (j * 7919) % points.len();
        if let Err(pos) = chosen.binary_search(&at) {
            chosen.insert(pos, at);
        }
        j += 1;
    }
    chosen
        .into_iter()
        .map(|at| Kill::At(at, leak(points[at - 1].clone())))
        .collect()
}

pub fn run(figures: &mut Figures) {
    let runs = env_number("GOMME_CRASH_RUNS", 200);
    let samples = env_number("GOMME_CRASH_BROWSERS", 10);
    let browsers_present = Command::new("firefox-esr")
        .arg("--version")
        .output()
        .is_ok()
        && Command::new("chromium").arg("--version").output().is_ok();
    if !browsers_present {
        figures.note("browsers after a crash: firefox-esr or chromium not installed");
    }
    let area = Area::new("crash", 6144);
    let root = area.path().to_path_buf();
    // Injected points exist in debug builds only; a release build gets timed kills only.
    let points = if cfg!(debug_assertions) {
        points(&root.join("points"))
    } else {
        Vec::new()
    };
    let length = clean_time(&root.join("timing"));
    let injected = if points.is_empty() {
        Vec::new()
    } else {
        choose_points(&points, runs / 2)
    };
    let timed = runs - injected.len();
    let mut kills = injected.clone();
    // Delays spread evenly over the run, a little past its end.
    for i in 0..timed {
        // Two runs at a time are slower than one alone: spread well past the measured length.
        let frac = (i as f64 + 0.5) / timed as f64 * 1.6;
        kills.push(Kill::After(length.mul_f64(frac)));
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for k in &injected {
        if let Kill::At(_, kind) = k {
            *kinds.entry(kind).or_default() += 1;
        }
    }
    say(format!(
        "safety[crash]: {} runs: {} killed at injected points of {} ({}), {} after delays up to {:?} (a clean takes {:?}); real browsers started after {} of them",
        kills.len(),
        injected.len(),
        points.len(),
        kinds.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "),
        timed,
        length.mul_f64(1.6),
        length,
        if browsers_present { samples.min(kills.len()) } else { 0 }
    ));
    let every = if samples == 0 || !browsers_present {
        usize::MAX
    } else {
        (kills.len() / samples).max(1)
    };
    let mut cases: Work = Vec::new();
    for (i, kill) in kills.into_iter().enumerate() {
        let dir = root.join(format!("c{i}"));
        let sample = i % every == every / 2 && i / every < samples;
        let name = match kill {
            Kill::At(n, kind) => format!("killed at point {n} ({kind})"),
            Kill::After(d) => format!("killed after {d:?}"),
        };
        cases.push((
            name,
            Box::new(move |case: &mut Case| {
                crash_run(case, &dir, kill, sample, i);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
    parallel(figures, 2, cases);
    say(format!(
        "safety[crash]: of the {timed} timed kills, {} landed while gomme ran, {} after it had finished",
        KILLED_MID_RUN.load(Ordering::SeqCst),
        timed - KILLED_MID_RUN.load(Ordering::SeqCst).min(timed)
    ));
}

/// Timed kills that found gomme still running.
static KILLED_MID_RUN: AtomicUsize = AtomicUsize::new(0);

fn crash_run(case: &mut Case, dir: &Path, kill: Kill, sample: bool, i: usize) {
    fs::create_dir_all(dir).unwrap();
    let home = dir.join("home");
    fixture_at(&home);
    let tmp = dir.join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let mut cmd = Command::new(gomme_bin());
    cmd.args(["clean", "--home"])
        .arg(&home)
        .arg("--json")
        .env("TMPDIR", &tmp)
        .env("LANG", "C.UTF-8")
        .env("GOMME_CONFIG", "none")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Kill::At(n, _) = kill {
        cmd.env("GOMME_TEST_KILL_AT", n.to_string());
    }
    let mut child = cmd.spawn().unwrap();
    if let Kill::After(d) = kill {
        std::thread::sleep(d);
        // SIGKILL, to the PID this test started.
        let _ = child.kill();
    }
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            case.fail("gomme did not die nor finish within 60 s");
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    if stderr.contains("panicked at") || status.code() == Some(101) {
        case.panic(format!("gomme panicked: {}", tail(&stderr)));
    }
    {
        use std::os::unix::process::ExitStatusExt;
        if matches!(kill, Kill::After(_)) && status.signal() == Some(9) {
            KILLED_MID_RUN.fetch_add(1, Ordering::SeqCst);
        }
    }
    if let Kill::At(..) = kill {
        use std::os::unix::process::ExitStatusExt;
        case.check(status.signal() == Some(9), || {
            format!("the injected point was not reached ({status})")
        });
    }
    // As the next person finds it.
    for db in databases(&home) {
        if let Err(e) = integrity(&db) {
            case.corruption(format!(
                "{} fails integrity_check: {e}",
                db.strip_prefix(&home).unwrap_or(&db).display()
            ));
        }
    }
    check_keepers(case, &home);
    if sample {
        start_browsers(case, &home, i);
    }
    // The next clean finishes the job.
    let run = clean(&home, &tmp, &[]);
    if run.sane(case) && run.expect(case, &[0]) {
        let report = scan(&home);
        let left = traces_outside(&report, &[]);
        case.check(left.is_empty(), || {
            format!("after the rerun, traces left: {}", left.join("; "))
        });
        let lost: Vec<String> = report
            .missing_keepers()
            .iter()
            .map(|m| m.token.clone())
            .collect();
        if !lost.is_empty() {
            case.corruption(format!("after the rerun, keepers lost: {lost:?}"));
        }
    }
}

/// Bookmarks and settings, looked for where the browsers keep them (cheaper than a scan).
fn check_keepers(case: &mut Case, home: &Path) {
    for m in manifest().markers.iter().filter(|m| m.keep) {
        let profile = home.join(&m.profile);
        let found = match (m.browser.as_str(), m.category.as_str()) {
            ("firefox", "bookmarks") => rusqlite::Connection::open(profile.join("places.sqlite"))
                .and_then(|c| {
                    c.query_row(
                        "SELECT count(*) FROM moz_bookmarks WHERE title LIKE '%' || ?1 || '%'",
                        [&m.token],
                        |r| r.get::<_, i64>(0),
                    )
                })
                .is_ok_and(|n| n > 0),
            ("firefox", "settings") => contains(&profile.join("prefs.js"), &m.token),
            ("chromium", "bookmarks") => contains(&profile.join("Bookmarks"), &m.token),
            // A profile's name is kept in its user-data folder's Local State.
            ("chromium", "settings")
                if profile
                    .parent()
                    .is_some_and(|d| contains(&d.join("Local State"), &m.token)) =>
            {
                true
            }
            ("chromium", "settings") => {
                let prefs = profile.join("Preferences");
                let whole = fs::read(&prefs)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                    .is_some();
                if !whole {
                    case.corruption(format!("{}/Preferences is not whole JSON", m.profile));
                }
                contains(&prefs, &m.token)
            }
            _ => true,
        };
        if !found {
            case.corruption(format!("{} {} lost: {}", m.profile, m.category, m.token));
        }
    }
}

fn contains(file: &Path, token: &str) -> bool {
    fs::read(file).is_ok_and(|b| b.windows(token.len()).any(|w| w == token.as_bytes()))
}

/// One real browser session at a time (they are heavy on two cores).
fn browser_lock() -> &'static Mutex<()> {
    static LOCK: OnceLock<Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| Mutex::new(()))
}

/// Starts Firefox and Chromium on the home a kill left, loads a page in each, and checks they
/// really ran on an intact profile: the page recorded, no profile reset, the keepers there.
fn start_browsers(case: &mut Case, home: &Path, i: usize) {
    let _one = browser_lock().lock().unwrap_or_else(|e| e.into_inner());
    let url = format!("http://127.0.0.1:{}/crash-{i}", page_port());
    let ff = [ff_usager(), ff_esr()][i % 2];
    let ch = ["Default", "Profile 1"][i % 2];

    let shot = home.with_file_name("shot.png");
    let status = Command::new("firefox-esr")
        .args(["--headless", "--no-remote", "--profile"])
        .arg(home.join(ff))
        .arg("--screenshot")
        .arg(&shot)
        .arg(&url)
        .env("HOME", home)
        .env("MOZ_CRASHREPORTER_DISABLE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    case.check(status.is_ok(), || "firefox-esr did not start".into());
    let places = home.join(ff).join("places.sqlite");
    let visited = rusqlite::Connection::open(&places)
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM moz_places WHERE url = ?1",
                [&url],
                |r| r.get::<_, i64>(0),
            )
        })
        .unwrap_or(0);
    if visited != 1 {
        case.corruption(format!(
            "Firefox did not load the page on {ff} after the crash"
        ));
    }
    let reset: Vec<String> = walkdir::WalkDir::new(home)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_string_lossy().into_owned())
        .filter(|p| p.contains(".corrupt") || p.contains("Old Firefox Data"))
        .collect();
    if !reset.is_empty() {
        case.corruption(format!("Firefox set damaged files aside: {reset:?}"));
    }

    let status = chromium_command(home, ch)
        .arg("--dump-dom")
        .arg(&url)
        .status();
    case.check(status.is_ok(), || "chromium did not start".into());
    let history = home.join(ch_data()).join(ch).join("History");
    let visited = rusqlite::Connection::open(&history)
        .and_then(|c| {
            c.query_row("SELECT count(*) FROM urls WHERE url = ?1", [&url], |r| {
                r.get::<_, i64>(0)
            })
        })
        .unwrap_or(0);
    if visited != 1 {
        case.corruption(format!(
            "Chromium did not load the page on {ch} after the crash"
        ));
    }
    // Still there once the browsers wrote their own changes.
    check_keepers(case, home);
    for db in [places, history] {
        if let Err(e) = integrity(&db) {
            case.corruption(format!("after the browser ran, {}: {e}", db.display()));
        }
    }
}
