//! The session clean's part of a report: per home, counts and sizes per personal folder and
//! for the desktop's traces, never a file's name.

use super::{Report, Status};
use crate::fsops::Counts;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The report's category of the files removed from personal folders.
pub const FILES: &str = "session-files";
/// The report's category of the desktop's traces of them.
pub const TRACES: &str = "desktop-traces";

/// One home's part of a report: counts and sizes per personal folder and for the desktop's
/// traces, never a file's name.
#[derive(Debug, Clone, Serialize)]
pub struct SessionReport {
    #[serde(serialize_with = "lossy_path")]
    pub home: PathBuf,
    pub status: Status,
    /// `session-files` and `desktop-traces`.
    pub categories: BTreeMap<&'static str, Counts>,
    /// `session-files` per personal folder, by id.
    pub folders: BTreeMap<String, Counts>,
    /// What went wrong, naming personal folders by id and never a file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

impl SessionReport {
    pub(crate) fn new(home: &Path, status: Status) -> Self {
        SessionReport {
            home: home.to_path_buf(),
            status,
            categories: [(FILES, Counts::default()), (TRACES, Counts::default())]
                .into_iter()
                .collect(),
            folders: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn add_folder(&mut self, id: &str, c: Counts) {
        *self.folders.entry(id.to_owned()).or_default() += c;
        *self.categories.entry(FILES).or_default() += c;
    }

    pub(crate) fn add_traces(&mut self, c: Counts) {
        *self.categories.entry(TRACES).or_default() += c;
    }

    pub(crate) fn settle(&mut self, ok: Status) {
        self.status = if self.errors.is_empty() {
            ok
        } else {
            Status::Error
        };
    }

    pub fn counts(&self) -> Counts {
        let mut total = Counts::default();
        for c in self.categories.values() {
            total += *c;
        }
        total
    }
}

impl Report {
    /// The report with the session clean's part: its counts in the totals, a home with an
    /// error counted as one.
    pub fn with_session(mut self, session: Vec<SessionReport>) -> Self {
        for s in &session {
            let c = s.counts();
            self.totals.items += c.items;
            self.totals.bytes += c.bytes;
            self.totals.errors += usize::from(s.status == Status::Error);
        }
        self.session = session;
        self
    }
}
