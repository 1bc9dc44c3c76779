//! Real browsers, running: headless Firefox ESR and Chromium on profiles of a fixture copy.
//! `clean` skips their profiles (exit 3), changes nothing in them — every trace they held is
//! still there, and, when strace is installed, none of gomme's own system calls writes,
//! creates, renames or removes anything in them — and cleans the other profiles. Then the
//! browsers are killed (SIGKILL, by the PIDs this test started): their locks stay behind,
//! stale, and no longer block a clean.

use crate::harness::*;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use trace_scanner::scanner::ScanReport;

/// A browser this test started; killed (by its PID) on drop.
pub struct Browser {
    pub child: Child,
    pub what: &'static str,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_firefox(home: &Path, profile: &Path, url: &str) -> Browser {
    let child = Command::new("firefox-esr")
        .args(["--headless", "--no-remote", "--profile"])
        .arg(profile)
        .arg(url)
        .env("HOME", home)
        .env("MOZ_CRASHREPORTER_DISABLE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("firefox-esr is installed (scripts/install-test-deps)");
    Browser {
        child,
        what: "firefox-esr",
    }
}

pub fn chromium_command(home: &Path, profile: &str) -> Command {
    let mut cmd = Command::new("chromium");
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--password-store=basic",
    ])
    .arg(format!(
        "--user-data-dir={}",
        home.join(ch_data()).display()
    ))
    .arg(format!("--profile-directory={profile}"))
    .env("HOME", home)
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}

pub fn start_chromium(home: &Path, profile: &str, url: &str) -> Browser {
    let child = chromium_command(home, profile)
        .arg(url)
        .spawn()
        .expect("chromium is installed (scripts/install-test-deps)");
    Browser {
        child,
        what: "chromium",
    }
}

/// Waits until the profile's lock shows the browser running (the browser's own lock files, as
/// gomme reads them).
fn wait_running(
    family: gomme::Family,
    lock_dir: &Path,
    browser: &mut Browser,
) -> Result<u32, String> {
    let start = Instant::now();
    loop {
        if let gomme::lock::LockState::Running { pid } = gomme::lock::state(family, lock_dir) {
            return Ok(pid.unwrap_or(0));
        }
        if let Ok(Some(status)) = browser.child.try_wait() {
            return Err(format!("{} exited early ({status})", browser.what));
        }
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!(
                "{} did not lock its profile within 60 s",
                browser.what
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn has_strace() -> bool {
    Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Trace markers (of `profiles`) found in a scan.
fn markers_of(report: &ScanReport, profiles: &[&str]) -> BTreeSet<String> {
    report
        .traces(None)
        .into_iter()
        .filter(|m| profiles.iter().any(|p| m.profile == *p))
        .map(|m| m.token.clone())
        .collect()
}

/// `gomme clean` under strace; the system calls that change something inside `protected`.
fn clean_traced(
    home: &Path,
    tmp: &Path,
    protected: &[PathBuf],
    strace: bool,
) -> (Run, Vec<String>) {
    if !strace {
        return (clean(home, tmp, &[]), Vec::new());
    }
    let log = tmp.with_extension("strace");
    fs::create_dir_all(tmp).unwrap();
    let mut cmd = assert_cmd::Command::new("strace");
    cmd.args(["-f", "-y", "-qq", "-s", "4096", "-o"])
        .arg(&log)
        .args([
            "-e",
            "trace=open,openat,openat2,creat,unlink,unlinkat,rename,renameat,renameat2,rmdir,mkdir,mkdirat,truncate,ftruncate,chmod,fchmod,fchmodat,chown,fchown,fchownat,lchown,utimensat,symlink,symlinkat,link,linkat,pwrite64,write",
        ])
        .arg(gomme_bin())
        .args(["clean", "--home"])
        .arg(home)
        .arg("--json")
        .env("TMPDIR", tmp)
        .env("NO_COLOR", "1")
        .env("LANG", "C.UTF-8")
        .env("GOMME_CONFIG", "none")
        .timeout(Duration::from_secs(120));
    let start = Instant::now();
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let run = Run {
        code: out.status.code(),
        json: serde_json::from_str(&stdout).ok(),
        stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: start.elapsed(),
        timed_out: false,
        args: "clean (under strace)".into(),
    };
    let text = fs::read_to_string(&log).unwrap_or_default();
    let mut changes = Vec::new();
    for line in text.lines() {
        // `PID name(args) = result`; only calls that succeeded.
        let call = line
            .split_once(' ')
            .map(|(_, rest)| rest.trim_start())
            .unwrap_or(line);
        let Some((name, rest)) = call.split_once('(') else {
            continue;
        };
        if call.contains(" = -1 ") || call.contains("<unfinished") {
            continue;
        }
        // Where the call acts: for calls on a descriptor, the path strace shows for it (`-y`),
        // not the data written (the report names the profiles).
        let place = match name {
            "write" | "pwrite64" | "ftruncate" | "fchmod" | "fchown" => {
                rest.split_once(">,").map(|(fd, _)| fd).unwrap_or("")
            }
            _ => rest
                .rsplit_once(") =")
                .map(|(args, _)| args)
                .unwrap_or(rest),
        };
        if !protected
            .iter()
            .any(|p| place.contains(&*p.to_string_lossy()))
        {
            continue;
        }
        let writes = match name {
            "open" | "openat" | "openat2" => ["O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC"]
                .iter()
                .any(|f| rest.contains(f)),
            _ => true,
        };
        if writes {
            changes.push(call.chars().take(300).collect());
        }
    }
    (run, changes)
}

pub fn run(figures: &mut Figures) {
    if Command::new("firefox-esr")
        .arg("--version")
        .output()
        .is_err()
        || Command::new("chromium").arg("--version").output().is_err()
    {
        figures.note("live browsers: firefox-esr or chromium not installed");
        return;
    }
    let strace = has_strace();
    if !strace {
        figures.note(
            "gomme's system calls on running profiles (strace not installed): checked by their \
             traces only",
        );
    }
    let area = Area::new("live", 2048);
    let root = area.path().to_path_buf();

    // (name, Firefox runs, Chromium runs)
    for (name, firefox, chromium) in [
        ("Firefox running on one profile", true, false),
        ("Chromium running on its user-data folder", false, true),
        ("both running", true, true),
    ] {
        let dir = root.join(name.replace(' ', "-"));
        figures.case(format!("live: {name}"), |case| {
            fs::create_dir_all(&dir).unwrap();
            let home = dir.join("home");
            fixture_at(&home);
            let tmp = dir.join("tmp");
            let mut browsers = Vec::new();
            let mut running: Vec<&str> = Vec::new();
            let mut protected = Vec::new();
            if firefox {
                let mut b = start_firefox(&home, &home.join(ff_usager()), "about:blank");
                match wait_running(gomme::Family::Firefox, &home.join(ff_usager()), &mut b) {
                    Ok(_) => {}
                    Err(e) => return case.fail(e),
                }
                browsers.push(b);
                running.push(ff_usager());
                protected.push(home.join(ff_usager()));
                protected.push(home.join(ff_cache_usager()));
            }
            if chromium {
                let mut b = start_chromium(&home, "Default", "about:blank");
                match wait_running(gomme::Family::Chromium, &home.join(ch_data()), &mut b) {
                    Ok(_) => {}
                    Err(e) => return case.fail(e),
                }
                browsers.push(b);
                running.extend([ch_default(), ch_profile1()]);
                protected.push(home.join(ch_data()));
                protected.push(home.join(".cache/chromium"));
            }
            // Let the start-up settle, then look at what the running profiles hold.
            std::thread::sleep(Duration::from_secs(2));
            let before = markers_of(&scan(&home), &running);
            let (run, changes) = clean_traced(&home, &tmp, &protected, strace);
            if run.sane(case) {
                run.expect(case, &[3]);
                let skipped: Vec<String> = run
                    .profiles()
                    .into_iter()
                    .filter(|(_, s, _)| s == "skipped-running")
                    .map(|(p, _, _)| p)
                    .collect();
                for r in &running {
                    case.check(skipped.iter().any(|p| p.ends_with(r)), || {
                        format!("{r} was not reported skipped: {skipped:?}")
                    });
                }
                case.check(run.stderr.contains("gomme:"), || {
                    "no message says which browser to close".into()
                });
            }
            for c in &changes {
                case.escape(format!("gomme changed a running profile: {c}"));
            }
            let after = scan(&home);
            let kept = markers_of(&after, &running);
            let lost: Vec<&String> = before.difference(&kept).collect();
            case.check(lost.is_empty(), || {
                format!("traces removed from a running profile: {lost:?}")
            });
            // The other profiles are clean.
            let others: Vec<String> = after
                .traces(None)
                .into_iter()
                .filter(|m| !running.iter().any(|r| m.profile == *r))
                .map(|m| format!("{} {} {}", m.profile, m.category, m.token))
                .collect();
            case.check(others.is_empty(), || {
                format!("other profiles not cleaned: {others:?}")
            });
            drop(browsers);
            let _ = fs::remove_dir_all(&dir);
        });
    }

    figures.case(
        "live: stale locks of killed browsers do not block",
        |case| {
            let dir = root.join("stale");
            fs::create_dir_all(&dir).unwrap();
            let home = dir.join("home");
            fixture_at(&home);
            let mut ff = start_firefox(&home, &home.join(ff_usager()), "about:blank");
            let mut ch = start_chromium(&home, "Default", "about:blank");
            if let Err(e) =
                wait_running(gomme::Family::Firefox, &home.join(ff_usager()), &mut ff).and(
                    wait_running(gomme::Family::Chromium, &home.join(ch_data()), &mut ch),
                )
            {
                return case.fail(e);
            }
            std::thread::sleep(Duration::from_secs(1));
            // A crash or a power cut: SIGKILL, by the PIDs this test started.
            drop(ff);
            drop(ch);
            std::thread::sleep(Duration::from_millis(500));
            for (what, state) in [
                (
                    "firefox",
                    gomme::lock::state(gomme::Family::Firefox, &home.join(ff_usager())),
                ),
                (
                    "chromium",
                    gomme::lock::state(gomme::Family::Chromium, &home.join(ch_data())),
                ),
            ] {
                case.check(state == gomme::lock::LockState::StaleLock, || {
                    format!("{what}'s lock after a kill reads {state:?}, not stale")
                });
            }
            let run = clean(&home, &dir.join("tmp"), &[]);
            if run.sane(case) {
                run.expect(case, &[0]);
                let left = traces_outside(&scan(&home), &[]);
                case.check(left.is_empty(), || {
                    format!("traces left: {}", left.join("; "))
                });
                for db in databases(&home) {
                    if let Err(e) = integrity(&db) {
                        case.corruption(format!("{}: {e}", db.display()));
                    }
                }
            }
            let _ = fs::remove_dir_all(&dir);
        },
    );
}
