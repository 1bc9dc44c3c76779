//! `gomme audit`: what a clean would remove, and a verdict that says "no trace" only when
//! everything was read. Its exit code is a detection contract (see `exit_code.rs`).

use super::{find, outcome, print_report_titled, watch, Request};
use crate::exit_code::ExitCode;
use crate::i18n::{Lang, Title};
use crate::plan;
use crate::report::Mode;
use std::io::Write;

pub fn run(req: &Request, lang: Lang, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let mut opts = req.options.clone();
    watch(&mut opts, req, None, Mode::DryRun, lang);
    let mut session = match super::session::plan(req, lang)? {
        super::session::Planned::Go(plans) => plans,
        super::session::Planned::Refused => return Ok(ExitCode::Fatal),
    };
    let found = find(&req.selection, lang)?;
    let plan = plan::build::plan(&found, &opts);
    for s in &mut session {
        s.leave_to(&plan);
    }
    let report = plan
        .report()
        .noticed(&found)
        .with_session(super::session::reports(&session));
    req.log.write(&report)?;
    print_report_titled(&report, req.json, lang, out, Title::Audit)?;
    if !req.json {
        let t = &report.totals;
        writeln!(out, "{}", lang.audit_verdict(t.items, t.unchecked()))?;
    }
    Ok(outcome(&report, true))
}
