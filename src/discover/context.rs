//! What a family's discovery works with: the root it looks in, and safe ways to read that
//! root's settings files and resolve its folders.

use super::layout;
use crate::profile::{LockState, Problem, Profile, Warning};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// What a family's discovery needs to know about the root it looks in.
pub struct Context<'a> {
    pub home: &'a Path,
    pub root: &'a layout::Root,
    pub config: &'a Path,
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
                    problem: Problem::CacheNotFolder,
                });
            }
            return None;
        }
        contained_dir(self.home, &cache, warnings).filter(|c| c != profile)
    }

    /// The profile at `path`, with the state of its lock (read from `lock_dir` by the family).
    pub fn profile(
        &self,
        path: PathBuf,
        listed: bool,
        lock_dir: &Path,
        lock: LockState,
        warnings: &mut Vec<Warning>,
    ) -> Profile {
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

/// `dir`, resolved, if it is a directory that stays inside `home` once links are resolved. A
/// folder that escapes the home through a link is reported and skipped: gomme often runs as
/// root over other people's homes.
pub fn contained_dir(home: &Path, dir: &Path, warnings: &mut Vec<Warning>) -> Option<PathBuf> {
    fs::symlink_metadata(dir).ok()?;
    let real = dunce::canonicalize(dir).ok()?;
    if !real.is_dir() {
        return None;
    }
    if !real.starts_with(home) {
        let problem = if dir.starts_with(home) {
            Problem::LeadsOutsideThroughLink
        } else {
            Problem::OutsideHome
        };
        warnings.push(Warning {
            path: dir.to_path_buf(),
            problem,
        });
        return None;
    }
    Some(real)
}

/// Whether `rel` is a plain relative path that cannot climb out of its base.
pub fn is_plain_relative(rel: &Path) -> bool {
    rel.components().all(|c| matches!(c, Component::Normal(_))) && rel.components().next().is_some()
}

/// The largest settings file gomme reads; past this a file is broken or hostile.
const MAX_SETTINGS_FILE: u64 = 16 * 1024 * 1024;

/// Reads a small settings file as text. `Ok(None)` if absent; a warning if unreadable. A link
/// is not followed, and a FIFO or device in its place is not waited on.
pub fn read_settings(path: &Path, warnings: &mut Vec<Warning>) -> Option<String> {
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
                problem: Problem::SettingsLink,
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
                problem: Problem::SettingsUnreadable(why),
            });
            return None;
        }
    };
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_SETTINGS_FILE + 1).read_to_end(&mut bytes) {
        warnings.push(Warning {
            path: path.into(),
            problem: Problem::SettingsUnreadable(e.to_string()),
        });
        return None;
    }
    if bytes.len() as u64 > MAX_SETTINGS_FILE {
        warnings.push(Warning {
            path: path.into(),
            problem: Problem::SettingsTooLarge,
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
                problem: Problem::SettingsNotText,
            });
            None
        }
    }
}
