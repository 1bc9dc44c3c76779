//! What discovery finds and everything after it works on: a browser profile on disk, the state
//! of its lock, and what discovery noticed on the way.

use crate::browser::kind::{Browser, Variant};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One browser profile found on disk.
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub browser: Browser,
    pub variant: Variant,
    /// The profile's folder name (`abcd1234.default-esr`, `Default`, `Profile 1`). Display names
    /// from `profiles.ini` or `Local State` are not used: they may be a person's name.
    pub profile: String,
    #[serde(serialize_with = "lossy")]
    pub path: PathBuf,
    /// The profile's OS cache folder, when the browser keeps one apart and it exists.
    #[serde(serialize_with = "lossy_opt")]
    pub cache_dir: Option<PathBuf>,
    /// The home this profile was found in.
    #[serde(skip)]
    pub home: PathBuf,
    /// Whether the browser's own list (`profiles.ini`, `Local State`) names it.
    pub listed: bool,
    pub lock: LockState,
    /// The folder whose lock files say whether the browser runs: the profile (Firefox) or its
    /// user-data dir (Chromium).
    #[serde(skip)]
    pub lock_dir: PathBuf,
}

/// A path in JSON: names from other people's disks need not be UTF-8, and the report must
/// stay valid JSON (serde refuses such a path outright).
fn lossy<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

fn lossy_opt<S: serde::Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => lossy(p, s),
        None => s.serialize_none(),
    }
}

/// A problem found while looking, reported in one line; discovery goes on. Said in the
/// person's language; the JSON report's `message` is the English sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    #[serde(serialize_with = "lossy")]
    pub path: PathBuf,
    #[serde(rename = "message", serialize_with = "in_english")]
    pub problem: Problem,
}

/// What was wrong with [`Warning::path`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    HomeMissing,
    HomeNotFolder,
    /// The system's reason.
    HomeUnreadable(String),
    CacheNotFolder,
    SettingsLink,
    /// The system's reason.
    SettingsUnreadable(String),
    SettingsTooLarge,
    SettingsNotText,
    SettingsDamaged {
        line: usize,
    },
    /// A Firefox profile-group store that cannot be read; the reason.
    ProfileGroupUnreadable(String),
    /// `Local State` lists a profile folder outside the user-data folder.
    ListsProfileOutside,
    /// `profiles.ini` names a profile folder outside its own folder.
    NamesProfileOutside,
    /// A Windows path in a Linux file, or the reverse.
    ForeignPath,
    /// Listed by these files, whose folder is missing.
    ListedFolderMissing(&'static str),
    ProfileLink,
    LeadsOutsideThroughLink,
    OutsideHome,
}

fn in_english<S: serde::Serializer>(problem: &Problem, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&problem.english())
}

impl Problem {
    /// The English sentence: the JSON report's and the English terminal's (`i18n` says the
    /// others).
    pub fn english(&self) -> String {
        const INSTEAD: &str = "looking at the folders instead";
        match self {
            Problem::HomeMissing => "this home folder does not exist".into(),
            Problem::HomeNotFolder => "is not a folder, so not a home folder".into(),
            Problem::HomeUnreadable(why) => {
                format!("this home folder cannot be read ({why})")
            }
            Problem::CacheNotFolder => {
                "cache folder is a link or not a folder; not followed".into()
            }
            Problem::SettingsLink => format!("is a link; not followed; {INSTEAD}"),
            Problem::SettingsUnreadable(why) => {
                format!("cannot be read ({why}); {INSTEAD}")
            }
            Problem::SettingsTooLarge => {
                format!("is far too large to be a real settings file; {INSTEAD}")
            }
            Problem::SettingsNotText => {
                format!("is not a text file (damaged?); {INSTEAD}")
            }
            Problem::SettingsDamaged { line } => {
                format!("is damaged (line {line}); {INSTEAD}")
            }
            Problem::ProfileGroupUnreadable(why) => {
                format!("is a profile group gomme cannot read ({why}); {INSTEAD}")
            }
            Problem::ListsProfileOutside => "lists a profile outside its folder; ignored".into(),
            Problem::NamesProfileOutside => "names a profile outside its folder; ignored".into(),
            Problem::ForeignPath => "names a profile by a path from another system; ignored".into(),
            Problem::ListedFolderMissing(by) => {
                format!("is listed in {by}, but its folder is missing")
            }
            Problem::ProfileLink => "profile folder is a link; not followed".into(),
            Problem::LeadsOutsideThroughLink => {
                "leads outside this home through a link; not followed".into()
            }
            Problem::OutsideHome => "is outside this home; not looked at".into(),
        }
    }
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub profiles: Vec<Profile>,
    pub warnings: Vec<Warning>,
    /// Homes that could not be looked in (missing, not a folder, unreadable): whatever they
    /// hold was not checked. Each also has its warning.
    pub unread_homes: Vec<PathBuf>,
}

/// Whether a browser is using a profile, from its own lock files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum LockState {
    /// No lock: the browser is not using this profile.
    Idle,
    /// The browser holds the profile right now.
    Running { pid: Option<u32> },
    /// A lock file is there, but the browser that left it is gone.
    StaleLock,
    /// Locked by a browser on another computer (a shared or copied home); cannot be checked.
    OtherHost { host: String },
}

impl LockState {
    /// Whether cleaning must not touch the profile.
    pub fn blocks_cleaning(&self) -> bool {
        matches!(
            self,
            LockState::Running { .. } | LockState::OtherHost { .. }
        )
    }
}
