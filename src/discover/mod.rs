//! Finding profiles: every known layout under each home, read the way the browser reads it
//! (`profiles.ini`, `Local State`) plus whatever profile folders are on disk but unlisted.

mod chromium;
mod firefox;
pub mod layout;

use crate::browser::{Browser, Family, Variant};
use crate::lock::LockState;
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

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

/// A problem found while looking, reported in one line; discovery goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    #[serde(serialize_with = "lossy")]
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub profiles: Vec<Profile>,
    pub warnings: Vec<Warning>,
    /// Homes that could not be looked in (missing, not a folder, unreadable): whatever they
    /// hold was not checked. Each also has its warning.
    pub unread_homes: Vec<PathBuf>,
}

/// Looks in each home for every profile of the chosen browsers.
pub fn discover(homes: &[PathBuf], browsers: &BTreeSet<Browser>) -> Discovery {
    let mut found = Discovery::default();
    let mut seen = HashSet::new();
    for home in homes {
        let home = match readable_home(home) {
            Ok(home) => home,
            Err(message) => {
                found.warnings.push(Warning {
                    path: home.clone(),
                    message,
                });
                found.unread_homes.push(home.clone());
                continue;
            }
        };
        for root in layout::ROOTS
            .iter()
            .filter(|r| browsers.contains(&r.browser))
        {
            for config in expand(&home, root.config) {
                let Some(config) = contained_dir(&home, &config, &mut found.warnings) else {
                    continue;
                };
                let ctx = Context {
                    home: &home,
                    root,
                    config: &config,
                };
                let profiles = match root.browser.family() {
                    Family::Firefox => firefox::discover(&ctx, &mut found.warnings),
                    Family::Chromium => chromium::discover(&ctx, &mut found.warnings),
                };
                for p in profiles {
                    if seen.insert(p.path.clone()) {
                        found.profiles.push(p);
                    }
                }
            }
        }
    }
    found
}

/// The home `home` resolved, if it is a folder that can be listed; else why not.
fn readable_home(home: &Path) -> Result<PathBuf, String> {
    let real = match dunce::canonicalize(home) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("this home folder does not exist".into())
        }
        Err(e) => return Err(format!("this home folder cannot be read ({e})")),
    };
    if !real.is_dir() {
        return Err("is not a folder, so not a home folder".into());
    }
    if let Err(e) = fs::read_dir(&real) {
        return Err(format!("this home folder cannot be read ({e})"));
    }
    Ok(real)
}

/// What a family's discovery needs to know about the root it looks in.
struct Context<'a> {
    home: &'a Path,
    root: &'a layout::Root,
    config: &'a Path,
}

impl Context<'_> {
    /// The profile's cache folder: the OS cache root plus the profile's path below `config`.
    fn cache_dir(&self, profile: &Path, warnings: &mut Vec<Warning>) -> Option<PathBuf> {
        let rel = profile.strip_prefix(self.config).ok()?;
        let cache = self.root.cache.map(|c| join_rel(self.home, c).join(rel))?;
        if !fs::symlink_metadata(&cache).is_ok_and(|m| m.is_dir()) {
            if fs::symlink_metadata(&cache).is_ok() {
                warnings.push(Warning {
                    path: cache,
                    message: "cache folder is a link or not a folder; not followed".into(),
                });
            }
            return None;
        }
        contained_dir(self.home, &cache, warnings).filter(|c| c != profile)
    }

    fn profile(
        &self,
        path: PathBuf,
        listed: bool,
        lock_dir: &Path,
        warnings: &mut Vec<Warning>,
    ) -> Profile {
        let lock = crate::lock::state(self.root.browser.family(), lock_dir);
        let profile = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Profile {
            browser: self.root.browser,
            variant: self.root.variant,
            profile,
            cache_dir: self.cache_dir(&path, warnings),
            home: self.home.to_path_buf(),
            listed,
            lock,
            lock_dir: lock_dir.to_path_buf(),
            path,
        }
    }
}

/// Joins a `/`-separated relative layout path onto `base`.
fn join_rel(base: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(base.to_path_buf(), |p, c| p.join(c))
}

/// Expands a layout path with `*` components into the real directories it names.
fn expand(home: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut current = vec![home.to_path_buf()];
    for comp in pattern.split('/') {
        let mut next = Vec::new();
        for dir in current {
            if comp == "*" {
                // Never list a folder that a link leads to out of the home.
                if !dunce::canonicalize(&dir).is_ok_and(|real| real.starts_with(home)) {
                    continue;
                }
                let Ok(entries) = fs::read_dir(&dir) else {
                    continue;
                };
                let mut subdirs: Vec<PathBuf> = entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect();
                subdirs.sort();
                next.extend(subdirs);
            } else {
                next.push(dir.join(comp));
            }
        }
        current = next;
    }
    current
}

/// `dir`, resolved, if it is a directory that stays inside `home` once links are resolved. A
/// folder that escapes the home through a link is reported and skipped: gomme often runs as
/// root over other people's homes.
fn contained_dir(home: &Path, dir: &Path, warnings: &mut Vec<Warning>) -> Option<PathBuf> {
    fs::symlink_metadata(dir).ok()?;
    let real = dunce::canonicalize(dir).ok()?;
    if !real.is_dir() {
        return None;
    }
    if !real.starts_with(home) {
        let message = if dir.starts_with(home) {
            "leads outside this home through a link; not followed"
        } else {
            "is outside this home; not looked at"
        };
        warnings.push(Warning {
            path: dir.to_path_buf(),
            message: message.into(),
        });
        return None;
    }
    Some(real)
}

/// Whether `rel` is a plain relative path that cannot climb out of its base.
pub(crate) fn is_plain_relative(rel: &Path) -> bool {
    rel.components().all(|c| matches!(c, Component::Normal(_))) && rel.components().next().is_some()
}

/// The largest settings file gomme reads; past this a file is broken or hostile.
const MAX_SETTINGS_FILE: u64 = 16 * 1024 * 1024;

/// Reads a small settings file as text. `Ok(None)` if absent; a warning if unreadable. A link
/// is not followed, and a FIFO or device in its place is not waited on.
fn read_settings(path: &Path, warnings: &mut Vec<Warning>) -> Option<String> {
    let file = match crate::fsops::open_regular(path) {
        Ok(f) => f,
        Err(crate::error::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return None
        }
        Err(crate::error::Error::Link { .. }) => {
            warnings.push(Warning {
                path: path.into(),
                message: "is a link; not followed; looking at the folders instead".into(),
            });
            return None;
        }
        Err(e) => {
            let why = match e {
                crate::error::Error::Io { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            warnings.push(Warning {
                path: path.into(),
                message: format!("cannot be read ({why}); looking at the folders instead"),
            });
            return None;
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_SETTINGS_FILE + 1).read_to_end(&mut bytes) {
        warnings.push(Warning {
            path: path.into(),
            message: format!("cannot be read ({e}); looking at the folders instead"),
        });
        return None;
    }
    if bytes.len() as u64 > MAX_SETTINGS_FILE {
        warnings.push(Warning {
            path: path.into(),
            message: "is far too large to be a real settings file; looking at the folders instead"
                .into(),
        });
        return None;
    }
    // A UTF-8 byte-order mark is harmless; anything that is not UTF-8 text is broken.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Some(text.to_owned()),
        _ => {
            warnings.push(Warning {
                path: path.into(),
                message: "is not a text file (damaged?); looking at the folders instead".into(),
            });
            None
        }
    }
}
