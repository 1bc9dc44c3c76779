//! The audit log of unattended runs: one JSON line per profile per run, appended. It says
//! what was done, never what was there: time, host, account, browser, profile, per-category
//! counts and bytes, status. No URL, domain, title, cookie, login or file name, ever: a log
//! that recorded them would recreate the traces it reports removing.

use crate::report::{Mode, Report};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::SystemTime;

mod kinds;
mod session;
pub use kinds::{kind_of, RecordKind, KINDS};

#[derive(Serialize)]
struct Line<'a> {
    time: String,
    host: &'a str,
    version: &'a str,
    mode: Mode,
    account: &'a str,
    browser: crate::Browser,
    variant: crate::Variant,
    profile: &'a str,
    status: crate::report::Status,
    categories: &'a BTreeMap<crate::Category, crate::fsops::Counts>,
    items: u64,
    bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [crate::sqlite::Note],
}

/// The report as log lines, one JSON object per profile.
pub fn lines(report: &Report) -> io::Result<Vec<String>> {
    let time = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let host = crate::hostname().unwrap_or_default();
    let mut lines = Vec::new();
    for p in &report.profiles {
        let counts = p.counts();
        let line = Line {
            time: time.clone(),
            host: &host,
            version: env!("GOMME_VERSION"),
            mode: report.mode,
            account: &p.account,
            browser: p.browser,
            variant: p.variant,
            profile: &p.profile,
            status: p.status,
            categories: &p.categories,
            items: counts.items,
            bytes: counts.bytes,
            error: p.error.as_deref(),
            notes: &p.notes,
        };
        lines.push(serde_json::to_string(&line)?);
    }
    for (line, _) in session::log_lines(report, &time, &host)? {
        lines.push(line);
    }
    Ok(lines)
}

/// Appends the report's profiles to the log at `path`, one line each, in one write.
pub fn append(path: &Path, report: &Report) -> io::Result<()> {
    let mut text = lines(report)?.join("\n");
    text.push('\n');
    // Through the link-proof layer, as the owner of the log's folder: a link, a hard link or a
    // FIFO at the log is refused.
    crate::fsops::append_file(path, text.as_bytes(), 0o640).map_err(|e| match e {
        crate::error::Error::Io { source, .. } => source,
        other => io::Error::other(other.to_string()),
    })
}

/// Sends the report's profiles to the system log (journald, else syslog, on Linux and macOS;
/// the Event Log's Application log on Windows), each with the ids of its kind of record
/// ([`KINDS`]): a warning for a profile skipped or not fully cleaned, information otherwise.
pub fn system(report: &Report) -> io::Result<()> {
    let mut entries: Vec<(String, &'static RecordKind)> = lines(report)?
        .into_iter()
        .zip(&report.profiles)
        .map(|(line, p)| (line, kind_of(report.mode, p.status, p.counts().items)))
        .collect();
    let time = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    let host = crate::hostname().unwrap_or_default();
    entries.extend(session::log_lines(report, &time, &host)?);
    crate::platform::system_log(&entries)
}
