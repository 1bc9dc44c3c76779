//! `gomme clean`: the dry run, the unattended clean and the helper's interactive one (the
//! plan shown, a question, browsers closed if asked, the clean, a verdict checked afresh).

use super::{find, find_quiet, outcome, print_report, watch, Request};
use crate::exit_code::ExitCode;
use crate::i18n::Lang;
use crate::plan::{self, Options};
use crate::profile::Discovery;
use crate::report::{Mode, Report};
use crate::sanitize::for_terminal;
use anyhow::Context as _;
use std::io::{self, IsTerminal, Write};
use std::time::Duration;

/// How the clean goes, beside what it cleans.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    /// Only say what a clean would remove.
    pub dry_run: bool,
    /// Do not ask first.
    pub yes: bool,
    /// Close the browsers still open (asking them as a window close would).
    pub close_browsers: bool,
    /// And end those that will not close.
    pub force_close: bool,
    /// Wait for Enter before ending (a desktop shortcut's window).
    pub pause: bool,
}

/// The deadline of an interactive clean, counted from the person's answer, when the request
/// sets none.
const DEFAULT_INTERACTIVE: Duration = Duration::from_secs(600);

pub fn run(
    req: &Request,
    flags: Flags,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let Flags {
        dry_run,
        yes,
        close_browsers,
        force_close,
        pause,
    } = flags;
    // Asked whatever the output's format: `--json` in a terminal is still a person who may
    // not mean to erase. The question and the plan it is about go to stderr then, and stdout
    // gets the JSON alone.
    let interactive = !dry_run && !yes && io::stdin().is_terminal() && io::stderr().is_terminal();
    let mut opts = req.options.clone();
    // Only a plan that is shown needs its rows counted beforehand; the clean reports what it
    // removed.
    opts.count = dry_run || interactive;
    // A person answering the question is not timed: the clock starts after it.
    let mode = if dry_run { Mode::DryRun } else { Mode::Clean };
    if !interactive {
        watch(&mut opts, req, None, mode, lang);
    }
    let select = &req.selection;
    let mut session = match super::session::plan(req, lang)? {
        super::session::Planned::Go(plans) => plans,
        super::session::Planned::Refused => return Ok(ExitCode::Fatal),
    };
    let mut found = find(select, lang)?;
    let close = close_browsers || force_close;
    if !dry_run && (close || interactive) && close_open_browsers(&found, close, force_close, lang) {
        found = find(select, lang)?;
    }
    let progress = Progress::new(found.profiles.len(), req.json);
    let plan = plan::build::plan_with_progress(&found, &opts, &mut |p| progress.step(p));
    progress.finish();
    for s in &mut session {
        s.leave_to(&plan);
    }
    if interactive {
        let mut shown: &mut dyn Write = if req.json { &mut io::stderr() } else { out };
        plan.report()
            .with_session(super::session::reports(&session))
            .write_human_titled(&mut shown, lang, crate::i18n::Title::Confirm)
            .context("cannot write the report")?;
        super::session::show_names(&session, lang, shown)?;
        if !ask(lang.confirm(), lang) {
            writeln!(shown, "{}", lang.cancelled())?;
            super::pause_if(pause, lang);
            return Ok(ExitCode::Done);
        }
        watch(&mut opts, req, Some(DEFAULT_INTERACTIVE), mode, lang);
    }
    let report = if dry_run {
        plan.report()
            .with_session(super::session::reports(&session))
    } else {
        let report = plan.execute(&opts);
        report.with_session(super::session::execute(&session))
    }
    .noticed(&found);
    req.log.write(&report)?;
    if interactive && !req.json {
        // The table was shown before the question; messages and the verdict follow.
        print_report(&report, false, lang, &mut io::sink())?;
    } else if dry_run && !req.json {
        print_report(&report, false, lang, out)?;
        let t = &report.totals;
        writeln!(out, "{}", lang.dry_run_verdict(t.items, t.unchecked()))?;
    } else {
        print_report(&report, req.json, lang, out)?;
    }
    if !dry_run && !req.json {
        // The verdict is backed by the same check as `audit`, run now. A clean that changed
        // nothing, found nothing and met no error was itself a whole audit of the home as it
        // is: no need to look again.
        let unchanged = report.totals.items == 0
            && report.totals.unchecked() == 0
            && !report.profiles.iter().any(|p| p.wrote);
        let after = if unchanged {
            report.clone()
        } else {
            let audit = Options {
                count: true,
                ..opts.clone()
            };
            let again = find_quiet(select)?;
            let recheck = plan::build::plan(&again, &audit);
            let left = super::session::again(&session, req, &recheck);
            recheck.report().noticed(&again).with_session(left)
        };
        writeln!(out, "{}", verdict(&report, &after, lang))?;
    }
    super::pause_if(pause, lang);
    Ok(outcome(&report, false))
}

/// A progress bar on stderr for runs long enough to need one: only on a terminal, shown once a
/// run has taken a second, gone when done.
struct Progress(Option<(indicatif::ProgressBar, std::time::Instant)>);

impl Progress {
    fn new(len: usize, json: bool) -> Self {
        if json || !io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress(Some((bar, std::time::Instant::now())))
    }

    fn step(&self, profile: &crate::profile::Profile) {
        if let Some((bar, start)) = &self.0 {
            if bar.is_hidden() && start.elapsed() > std::time::Duration::from_secs(1) {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_message(format!(
                "{} {}",
                profile.browser,
                for_terminal(&profile.profile)
            ));
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some((bar, _)) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Asks a yes/no question on the terminal.
fn ask(question: &str, lang: Lang) -> bool {
    let mut err = io::stderr();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let mut answer = String::new();
    io::stdin().read_line(&mut answer).is_ok() && lang.confirmed(&answer)
}

/// Offers to close (or, with `close`, closes) the browsers still open on a profile. Returns
/// whether any was asked to close.
fn close_open_browsers(found: &Discovery, close: bool, force: bool, lang: Lang) -> bool {
    let mut seen = Vec::new();
    let mut open = Vec::new();
    for p in &found.profiles {
        if p.lock.blocks_cleaning() && !seen.contains(&p.lock_dir) {
            seen.push(p.lock_dir.clone());
            open.push(p);
        }
    }
    if open.is_empty() {
        return false;
    }
    if !close {
        let mut names: Vec<String> = open.iter().map(|p| p.browser.to_string()).collect();
        names.dedup();
        if !ask(&lang.ask_close(&names.join(", ")), lang) {
            return false;
        }
    }
    for p in open {
        let name = p.browser.to_string();
        match crate::close::close(p, std::time::Duration::from_secs(20), force) {
            crate::close::Closed::Closed { pid } => {
                crate::say!("gomme: {}", lang.closed(&name, pid, false))
            }
            crate::close::Closed::Forced { pid } => {
                crate::say!("gomme: {}", lang.closed(&name, pid, true))
            }
            crate::close::Closed::StillRunning { .. } | crate::close::Closed::CannotAsk => {
                crate::say!("gomme: {}", lang.not_closed(&name))
            }
        }
    }
    true
}

/// What was removed, and what the audit right after still finds.
fn verdict(report: &Report, after: &Report, lang: Lang) -> String {
    let mut removed = Vec::new();
    for p in &report.profiles {
        for (cat, counts) in &p.categories {
            if counts.items > 0 && !removed.contains(cat) {
                removed.push(*cat);
            }
        }
    }
    removed.sort();
    let cleaned = report
        .profiles
        .iter()
        .filter(|p| p.counts().items > 0)
        .count();
    let session = |id| {
        report
            .session
            .iter()
            .filter_map(|s| s.categories.get(id))
            .map(|c| c.items)
            .sum::<u64>()
    };
    let (files, traces) = (
        session(crate::session::FILES),
        session(crate::session::TRACES),
    );
    // What the clean could not do, and what the check after it could not read, both count.
    let said = lang.verdict(
        &removed,
        cleaned,
        after.totals.items,
        after.totals.skipped + after.totals.unfinished,
        report.totals.errors.max(after.totals.errors),
        after.totals.unread_homes,
    );
    lang.with_session_verdict(said, files, traces)
}
