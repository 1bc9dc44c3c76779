//! The flows a person or a scheduled task runs, one module each (`clean`, `audit`, `profiles`,
//! `schedule`, `shortcut`), and what they share: which homes to look in, how a run is bounded
//! by its deadline, reported, logged and turned into an exit code. The binary only parses the
//! command line into these requests.

pub mod audit;
pub mod clean;
pub mod config;
pub mod profiles;
pub mod schedule;
pub mod session;
pub mod shortcut;

use crate::browser::kind::Browser;
use crate::exit_code::ExitCode;
use crate::i18n::Lang;
use crate::plan::Options;
use crate::profile::Discovery;
use crate::report::{Mode, Report, Status};
use crate::sanitize::for_terminal;
use anyhow::Context as _;
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Which homes, and which browsers in them.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--home` folders.
    pub homes: Vec<PathBuf>,
    /// Every person's account.
    pub all_users: bool,
    /// With `all_users`, root's own home too.
    pub include_root: bool,
    /// These accounts, by name.
    pub users: Vec<String>,
    pub browsers: BTreeSet<Browser>,
}

/// A `clean` or an `audit`: where, what, and how the run is bounded, reported and logged.
#[derive(Debug, Clone)]
pub struct Request {
    pub selection: Selection,
    pub options: Options,
    /// Seconds the run may take (`--timeout`, the configuration's `timeout`; 0: no limit);
    /// `None`: the default.
    pub timeout: Option<u64>,
    pub log: LogTo,
    /// JSON on standard output instead of the table.
    pub json: bool,
    /// Also the person's own files made during the session (`--session`), and their traces.
    pub session: Option<crate::session::Options>,
}

impl Request {
    /// Checks what the library must not take on trust: cookie domains to keep must be plain
    /// host names (they end up in SQL, quoted, and in the audit log).
    pub fn check(&self) -> anyhow::Result<()> {
        if let Some(bad) = self
            .options
            .keep_cookies
            .iter()
            .find(|d| !crate::plan::valid_domain(d))
        {
            anyhow::bail!("{bad:?} is not a domain name to keep cookies for (lowercase host names only, e.g. bibliotheque.example.fr)");
        }
        Ok(())
    }
}

/// Where a run is logged: the audit log file and the system log.
#[derive(Debug, Clone, Default)]
pub struct LogTo {
    pub file: Option<PathBuf>,
    pub system: bool,
}

impl LogTo {
    /// Appends the run to the audit log and the system log, as configured.
    pub fn write(&self, report: &Report) -> anyhow::Result<()> {
        if let Some(path) = &self.file {
            let path = &std::path::absolute(path).with_context(|| {
                format!("cannot tell where the audit log {} is", path.display())
            })?;
            crate::audit_log::append(path, report)
                .with_context(|| format!("cannot write the audit log {}", path.display()))?;
        }
        if self.system {
            crate::audit_log::system(report).context("cannot write to the system log")?;
        }
        Ok(())
    }
}

/// The homes to look in: `--home` folders, the accounts of `--all-users` and `--user`, or
/// else your own home.
pub fn homes(select: &Selection, lang: Lang) -> anyhow::Result<Vec<PathBuf>> {
    let mut homes = select.homes.clone();
    if select.all_users || !select.users.is_empty() {
        // Tests point this at a fake root holding etc/passwd and the homes.
        let sysroot = std::env::var_os("GOMME_SYSROOT").map(PathBuf::from);
        let own = dirs::home_dir();
        let root = sysroot.clone().unwrap_or_else(|| PathBuf::from("/"));
        let accounts = if select.all_users {
            crate::users::all(&root, select.include_root)?
        } else {
            crate::users::named(&root, &select.users)?
        };
        let others = accounts.iter().any(|a| Some(&a.home) != own.as_ref());
        if others && sysroot.is_none() && !crate::is_admin() {
            anyhow::bail!(match lang {
                Lang::Fr => "nettoyer les autres comptes demande les droits d'administration : relancez gomme en tant que root (sudo) ou administrateur",
                Lang::En => "cleaning other accounts needs administrator rights: run gomme again as root (sudo) or as administrator",
            });
        }
        homes.extend(accounts.into_iter().map(|a| a.home));
    }
    if homes.is_empty() {
        homes.push(
            dirs::home_dir().context("cannot find your home folder; name it with --home DIR")?,
        );
    }
    Ok(homes)
}

/// Discovery, its warnings said on standard error.
pub fn find(select: &Selection, lang: Lang) -> anyhow::Result<Discovery> {
    let found = crate::discover::discover(&homes(select, lang)?, &select.browsers);
    for w in &found.warnings {
        let lossy = w.path.to_string_lossy();
        let path = for_terminal(&lossy);
        if found.unread_homes.contains(&w.path) {
            crate::say!(
                "gomme: {}",
                lang.home_unread(&path, &lang.problem(&w.problem))
            );
            continue;
        }
        crate::say!(
            "gomme: {}: {} {}",
            lang.warning(),
            path,
            lang.problem(&w.problem)
        );
    }
    Ok(found)
}

/// Discovery without repeating its warnings (they were said once already).
pub fn find_quiet(select: &Selection) -> anyhow::Result<Discovery> {
    Ok(crate::discover::discover(
        &homes(select, Lang::En)?,
        &select.browsers,
    ))
}

/// Whether the final report is being written: by the run, or by the deadline's watchdog (one
/// of the two only).
static REPORTING: AtomicBool = AtomicBool::new(false);

/// Claims standard output for the final report. When the watchdog has it already, this thread
/// waits for the process to end rather than write over it.
fn claim_output() {
    if REPORTING.swap(true, Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// Sets the run's deadline (the request's `timeout`, else `default` or
/// [`crate::deadline::DEFAULT`]; 0 for none) and starts its watchdog: at the deadline, the
/// profiles done so far are reported (audit log, JSON), a message says the run was stopped,
/// and the process exits with [`ExitCode::TimedOut`], whatever it was waiting on.
pub fn watch(opts: &mut Options, req: &Request, default: Option<Duration>, mode: Mode, lang: Lang) {
    let limit = match req.timeout {
        Some(0) => return,
        Some(secs) => Duration::from_secs(secs),
        None => default.unwrap_or(crate::deadline::DEFAULT),
    };
    let deadline = crate::deadline::Deadline::after(limit);
    let finished = Arc::new(Mutex::new(Vec::new()));
    opts.deadline = Some(deadline);
    opts.finished = Some(finished.clone());
    let log = req.log.clone();
    let json = req.json;
    std::thread::spawn(move || {
        std::thread::sleep(deadline.end().saturating_duration_since(Instant::now()));
        let done = std::mem::take(&mut *finished.lock().unwrap_or_else(|e| e.into_inner()));
        let report = Report::new(mode, done);
        crate::say!(
            "gomme: {}",
            lang.timed_out(limit.as_secs(), report.profiles.len(), mode == Mode::Clean)
        );
        if mode == Mode::Clean {
            if let Err(e) = log.write(&report) {
                crate::say!("gomme: {e:#}");
            }
        }
        if !REPORTING.swap(true, Ordering::SeqCst) && json {
            let _ = report.write_json(&mut io::stdout());
        }
        std::process::exit(ExitCode::TimedOut.code());
    });
}

/// Prints the report (JSON or the table) and, on standard error, what to do about each
/// profile that was skipped, failed or left unfinished.
pub fn print_report(
    report: &Report,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    print_report_titled(report, json, lang, out, report.title())
}

/// [`print_report`] under another title than its mode's (the audit's).
pub fn print_report_titled(
    report: &Report,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
    title: crate::i18n::Title,
) -> anyhow::Result<()> {
    claim_output();
    if json {
        report.write_json(out)
    } else {
        report.write_human_titled(out, lang, title)
    }
    .context("cannot write the report")?;
    for p in &report.profiles {
        let name = for_terminal(&p.profile);
        match p.status {
            Status::SkippedRunning => {
                crate::say!("gomme: {}", lang.close_browser(p.browser, &name))
            }
            Status::Error => {
                if let Some(error) = &p.error {
                    crate::say!("gomme: {}", for_terminal(&lang.profile_error(error)));
                }
                crate::say!(
                    "gomme: {}",
                    lang.profile_failed(&name, report.mode == Mode::Clean)
                );
            }
            Status::Unfinished => crate::say!("gomme: {}", lang.profile_unfinished(&name)),
            Status::Planned | Status::Cleaned => {}
        }
    }
    Ok(())
}

/// The exit code, by the precedence documented in `exit_code.rs`.
pub fn outcome(report: &Report, audit: bool) -> ExitCode {
    let t = &report.totals;
    if t.unread_homes > 0 && report.profiles.is_empty() {
        // Not one home could be looked in: nothing was done or checked.
        ExitCode::Fatal
    } else if t.unfinished > 0 {
        ExitCode::TimedOut
    } else if t.errors > 0 || t.unread_homes > 0 {
        ExitCode::ProfileFailed
    } else if audit && t.items > 0 {
        ExitCode::TracesRemain
    } else if t.skipped > 0 {
        ExitCode::BrowserRunning
    } else {
        ExitCode::Done
    }
}

/// With `--pause` (the desktop icons), waits for Enter so that the window stays open.
fn pause_if(pause: bool, lang: Lang) {
    if pause {
        crate::say!("{}", lang.press_enter());
        let _ = io::stdin().read_line(&mut String::new());
    }
}
