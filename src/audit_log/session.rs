//! The audit log's lines of a session clean (`kind: "session"`).

use super::{kind_of, RecordKind};
use crate::fsops::Counts;
use crate::report::{Mode, Report, Status};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

/// The audit log's lines of the session part (`kind: "session"`), each with whether it is a
/// warning: the account, counts and sizes per category and personal folder, how many errors;
/// never a file's name.
pub fn log_lines(
    report: &Report,
    time: &str,
    host: &str,
) -> io::Result<Vec<(String, &'static RecordKind)>> {
    #[derive(Serialize)]
    struct Line<'a> {
        time: &'a str,
        host: &'a str,
        version: &'a str,
        mode: Mode,
        account: String,
        kind: &'a str,
        status: Status,
        categories: &'a BTreeMap<&'static str, Counts>,
        folders: &'a BTreeMap<String, Counts>,
        items: u64,
        bytes: u64,
        errors: usize,
    }
    let mut lines = Vec::new();
    for s in &report.session {
        let c = s.counts();
        let line = Line {
            time,
            host,
            version: env!("GOMME_VERSION"),
            mode: report.mode,
            account: s
                .home
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kind: "session",
            status: s.status,
            categories: &s.categories,
            folders: &s.folders,
            items: c.items,
            bytes: c.bytes,
            errors: s.errors.len(),
        };
        let kind = kind_of(report.mode, s.status, c.items);
        lines.push((serde_json::to_string(&line)?, kind));
    }
    Ok(lines)
}
