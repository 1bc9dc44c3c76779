//! `gomme session start`, and the session part of `clean --session` and `audit --session`:
//! planned before anything else is done, so that a home without a marker stops the run
//! before it changes anything.

use super::{homes, Request, Selection};
use crate::exit_code::ExitCode;
use crate::i18n::Lang;
use crate::sanitize::for_terminal;
use crate::session::{self, HomePlan, SessionReport};
use anyhow::Context as _;
use std::io::Write;

/// Notes that a session starts now for each selected account; with `keep`, an account whose
/// start is noted already keeps it (the logon runs: a session not yet cleaned keeps its start,
/// so that nothing the last person made becomes "from before").
///
/// With `pause` (the "Début d'accompagnement" icon), an error is said here and the window
/// waits for Enter either way, so that the helper reads the outcome.
pub fn start(
    select: &Selection,
    keep: bool,
    pause: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let done = start_each(select, keep, lang, out);
    if !pause {
        return done;
    }
    let code = done.unwrap_or_else(|e| {
        crate::say!("gomme: {}", for_terminal(&format!("{e:#}")));
        ExitCode::Fatal
    });
    super::pause_if(true, lang);
    Ok(code)
}

fn start_each(
    select: &Selection,
    keep: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    for home in homes(select, lang)? {
        let shown = for_terminal(&home.to_string_lossy()).into_owned();
        if keep {
            if let Ok(Some(since)) = session::marker::read(&home) {
                let at = humantime::format_rfc3339_seconds(since).to_string();
                writeln!(out, "{}", lang.session_kept(&shown, &at))?;
                continue;
            }
        }
        let at = session::marker::start(&home).with_context(|| match lang {
            Lang::En => format!("cannot note the session start for {shown}"),
            Lang::Fr => format!("impossible de noter le début d'accompagnement pour {shown}"),
        })?;
        let at = humantime::format_rfc3339_seconds(at).to_string();
        writeln!(out, "{}", lang.session_started(&shown, &at))?;
    }
    Ok(ExitCode::Done)
}

/// The session part of a run.
pub enum Planned {
    /// The run goes on with these plans (none without `--session`).
    Go(Vec<HomePlan>),
    /// A selected home has no marker: said, and the run must stop before changing anything.
    Refused,
}

/// Plans the session part of `req`, if it asks for one.
pub fn plan(req: &Request, lang: Lang) -> anyhow::Result<Planned> {
    let Some(opts) = &req.session else {
        return Ok(Planned::Go(Vec::new()));
    };
    let homes = homes(&req.selection, lang)?;
    // Every account of the computer: one that never logged in has no session, and is left.
    let skip_unmarked = req.selection.all_users;
    match session::plan(&homes, opts, skip_unmarked, lang) {
        Ok(plans) => Ok(Planned::Go(plans)),
        Err(missing) => {
            let names: Vec<String> = missing
                .homes
                .iter()
                .map(|h| for_terminal(&h.to_string_lossy()).into_owned())
                .collect();
            crate::say!("gomme: {}", lang.session_no_marker(&names.join(", ")));
            Ok(Planned::Refused)
        }
    }
}

/// The dry run's reports of `plans`.
pub fn reports(plans: &[HomePlan]) -> Vec<SessionReport> {
    plans.iter().map(HomePlan::report).collect()
}

/// Carries out `plans`.
pub fn execute(plans: &[HomePlan]) -> Vec<SessionReport> {
    plans.iter().map(HomePlan::execute).collect()
}

/// The check after a clean: each home planned again from the same start.
pub fn again(
    plans: &[HomePlan],
    req: &Request,
    browsers: &crate::plan::Plan,
) -> Vec<SessionReport> {
    let opts = req.session.clone().unwrap_or_default();
    plans
        .iter()
        .map(|p| {
            let mut plan = session::plan_home(&p.home, p.since, &opts);
            plan.leave_to(browsers);
            plan.report()
        })
        .collect()
}

/// Shows the helper, on the terminal only, the names of what will be removed.
pub fn show_names(plans: &[HomePlan], lang: Lang, out: &mut dyn Write) -> std::io::Result<()> {
    let mut names = plans.iter().flat_map(HomePlan::names).peekable();
    if names.peek().is_none() {
        return Ok(());
    }
    writeln!(out, "{}", lang.session_names())?;
    for name in names {
        writeln!(out, "  {}", for_terminal(&name.to_string_lossy()))?;
    }
    Ok(())
}
