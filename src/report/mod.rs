//! The report of a dry run or a clean, as data: what each profile holds or had removed, per
//! category, and the stable, versioned JSON of it (`human.rs` prints the table). It holds
//! counts and sizes only, never a URL, domain, title, cookie or login.

use crate::browser::kind::{Browser, Variant};
use crate::category::Category;
use crate::fsops::Counts;
use crate::profile::{Profile, Warning};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

mod human;
pub mod session;

/// The JSON schema version. Bumped on any change that could break a consumer: a key removed
/// or renamed, a value's meaning changed. Keys may be added (`warnings`, `unread_homes`,
/// `unfinished`, `notes` were) without a bump.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    DryRun,
    Clean,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Planned,
    Cleaned,
    SkippedRunning,
    Error,
    /// Not (or not wholly) done: the run reached its deadline first.
    Unfinished,
}

/// Names from other people's disks need not be UTF-8; the report must stay valid JSON.
fn lossy_path<S: serde::Serializer>(path: &std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

#[derive(Debug, Clone, Serialize)]
pub struct ProfileReport {
    pub browser: Browser,
    pub variant: Variant,
    pub profile: String,
    #[serde(serialize_with = "lossy_path")]
    pub path: PathBuf,
    pub status: Status,
    pub categories: BTreeMap<Category, Counts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Databases cleaned although their schema is newer than any gomme was tested with (their
    /// probes passed): file name and versions only. Absent from JSON when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<crate::sqlite::Note>,
    /// The account whose home holds the profile (the home folder's name), for the audit log.
    #[serde(skip)]
    pub account: String,
    /// Whether a clean changed anything in the profile (a file removed, a database or
    /// settings file written).
    #[serde(skip)]
    pub wrote: bool,
}

impl ProfileReport {
    pub fn new(
        profile: &Profile,
        status: Status,
        categories: BTreeMap<Category, Counts>,
        errors: &[String],
    ) -> Self {
        ProfileReport {
            browser: profile.browser,
            variant: profile.variant,
            profile: profile.profile.clone(),
            path: profile.path.clone(),
            status,
            categories,
            error: (!errors.is_empty()).then(|| one_line(&profile.path, errors)),
            notes: Vec::new(),
            account: profile
                .home
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            wrote: false,
        }
    }

    pub fn counts(&self) -> Counts {
        let mut total = Counts::default();
        for c in self.categories.values() {
            total += *c;
        }
        total
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub profiles: usize,
    pub items: u64,
    pub bytes: u64,
    pub skipped: usize,
    pub errors: usize,
    /// Profiles the run's deadline left undone (absent from JSON when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub unfinished: usize,
    /// Homes that could not be looked in (absent from JSON when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub unread_homes: usize,
}

impl Totals {
    /// How many profiles and homes were not wholly checked (or cleaned): while any is, no
    /// verdict may say that no trace is left.
    pub fn unchecked(&self) -> usize {
        self.errors + self.skipped + self.unfinished + self.unread_homes
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    pub mode: Mode,
    pub profiles: Vec<ProfileReport>,
    pub totals: Totals,
    /// What discovery noticed (damaged settings files, links not followed, homes that could
    /// not be read), always present.
    pub warnings: Vec<Warning>,
    /// The session clean's part (`--session`), per home; absent without it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub session: Vec<session::SessionReport>,
}

impl Report {
    pub fn new(mode: Mode, profiles: Vec<ProfileReport>) -> Self {
        let mut totals = Totals {
            profiles: profiles.len(),
            ..Totals::default()
        };
        for p in &profiles {
            let c = p.counts();
            totals.items += c.items;
            totals.bytes += c.bytes;
            totals.skipped += usize::from(p.status == Status::SkippedRunning);
            totals.errors += usize::from(p.status == Status::Error);
            totals.unfinished += usize::from(p.status == Status::Unfinished);
        }
        Report {
            schema: SCHEMA,
            mode,
            profiles,
            totals,
            warnings: Vec::new(),
            session: Vec::new(),
        }
    }

    /// The report with what discovery noticed: its warnings, and the homes it could not read.
    pub fn noticed(mut self, discovery: &crate::profile::Discovery) -> Self {
        self.warnings = discovery.warnings.clone();
        self.totals.unread_homes = discovery.unread_homes.len();
        self
    }

    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }
}

/// The `profiles` listing.
#[derive(Debug, Serialize)]
pub struct ProfileList<'a> {
    pub schema: u32,
    pub profiles: &'a [Profile],
    pub warnings: &'a [Warning],
}

impl ProfileList<'_> {
    pub fn write_json(&self, out: &mut impl Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        writeln!(out)
    }
}

/// A profile's errors in one line: paths inside the profile named from it (`places.sqlite`,
/// the profile is named beside), and one error met by several categories said once, with
/// them all (`downloads, history: database places.sqlite: file is not a database`).
fn one_line(profile: &std::path::Path, errors: &[String]) -> String {
    let inside = format!("{}{}", profile.display(), std::path::MAIN_SEPARATOR);
    let mut merged: Vec<(Vec<String>, String)> = Vec::new();
    for e in errors {
        let e = e.replace(&inside, "");
        let (cats, what) = match e.split_once(": ") {
            Some((cats, what))
                if cats
                    .split(", ")
                    .all(|c| Category::ALL.iter().any(|k| k.id() == c)) =>
            {
                (
                    cats.split(", ").map(str::to_owned).collect(),
                    what.to_owned(),
                )
            }
            _ => (Vec::new(), e.clone()),
        };
        // One database that failed several steps is said once: by the error that says what
        // became of it ("not changed"), else its first.
        let database = |w: &str| {
            w.strip_prefix("database ")
                .and_then(|r| r.split_once(": "))
                .map(|(db, _)| db.to_owned())
        };
        let same =
            |w: &String| *w == what || (database(w).is_some() && database(w) == database(&what));
        match merged.iter_mut().find(|(_, w)| same(w)) {
            Some((have, said)) => {
                for c in cats {
                    if !have.contains(&c) {
                        have.push(c);
                    }
                }
                if what.ends_with("not changed") && !said.ends_with("not changed") {
                    *said = what;
                }
            }
            None => merged.push((cats, what)),
        }
    }
    merged
        .into_iter()
        .map(|(mut cats, what)| {
            if cats.is_empty() {
                return what;
            }
            cats.sort_by_key(|c| Category::ALL.iter().position(|k| k.id() == c));
            format!("{}: {what}", cats.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

// Its one test reads Unix paths.
#[cfg(all(test, unix))]
mod tests {
    use super::one_line;
    use std::path::Path;

    #[test]
    fn one_database_failing_several_steps_is_said_once_from_the_profile() {
        let profile = Path::new("/home/u/.mozilla/firefox/x.usager");
        let errors = [
            "downloads: database /home/u/.mozilla/firefox/x.usager/places.sqlite: no such table: moz_annos".to_owned(),
            "history, downloads: database /home/u/.mozilla/firefox/x.usager/places.sqlite: it has no table moz_places, which gomme needs; not changed".to_owned(),
            "cookies: database /home/u/.mozilla/firefox/x.usager/cookies.sqlite: file is not a database".to_owned(),
            "cache: /home/u/.cache/mozilla/firefox/x.usager/cache2 is a link".to_owned(),
        ];
        assert_eq!(
            one_line(profile, &errors),
            "history, downloads: database places.sqlite: it has no table moz_places, which \
             gomme needs; not changed; cookies: database cookies.sqlite: file is not a database; \
             cache: /home/u/.cache/mozilla/firefox/x.usager/cache2 is a link"
        );
    }
}
