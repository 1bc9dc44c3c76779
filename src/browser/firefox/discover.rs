//! Firefox family: `profiles.ini` and `installs.ini` as Firefox reads them, the profile-group
//! stores of the new profile manager (`Profile Groups/<store>.sqlite`), plus profile folders
//! that are on disk but not listed.

use crate::discover::context::{contained_dir, is_plain_relative, read_settings, Context};
use crate::profile::{Problem, Profile, Warning};
use ini::{Ini, ParseOption};
use std::fs;
use std::path::{Path, PathBuf};

/// Files only a Firefox profile folder holds.
const PROFILE_FILES: &[&str] = &[
    "prefs.js",
    "places.sqlite",
    "cookies.sqlite",
    "times.json",
    "compatibility.ini",
];

pub(super) fn discover(ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<Profile> {
    let mut listed = Vec::new();
    for name in ["profiles.ini", "installs.ini"] {
        let file = ctx.config.join(name);
        if let Some(text) = read_settings(&file, warnings) {
            match Ini::load_from_str_opt(&text, ini_options()) {
                Ok(ini) => listed.extend(listed_paths(ctx.config, &file, &ini, warnings)),
                Err(e) => warnings.push(Warning {
                    path: file,
                    problem: Problem::SettingsDamaged { line: e.line },
                }),
            }
        }
    }
    listed.extend(group_store_paths(ctx, warnings));

    let mut profiles: Vec<Profile> = Vec::new();
    let mut add = |path: &Path, is_listed: bool, warnings: &mut Vec<Warning>| {
        if fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            warnings.push(Warning {
                path: path.into(),
                problem: Problem::ProfileLink,
            });
            return;
        }
        let Some(real) = contained_dir(ctx.home, path, warnings) else {
            return;
        };
        if profiles.iter().any(|p| p.path == real) {
            return;
        }
        let lock_dir = real.clone();
        profiles.push(ctx.profile(
            real,
            is_listed,
            &lock_dir,
            super::lock::state(&lock_dir),
            warnings,
        ));
    };
    for path in &listed {
        if fs::symlink_metadata(path).is_err() {
            warnings.push(Warning {
                path: path.clone(),
                problem: Problem::ListedFolderMissing(
                    "profiles.ini, installs.ini or a profile group",
                ),
            });
            continue;
        }
        add(path, true, warnings);
    }
    for dir in [ctx.config.to_path_buf(), ctx.config.join("Profiles")] {
        // `config` is resolved and inside the home; a `Profiles` link is not listed.
        if !fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            continue;
        }
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        let mut unlisted: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .filter(|p| PROFILE_FILES.iter().any(|f| p.join(f).is_file()))
            .collect();
        unlisted.sort();
        for path in unlisted {
            add(&path, false, warnings);
        }
    }
    profiles
}

/// The folder of the new profile manager's stores ("selectable profiles", Firefox 138+).
const GROUP_STORES: &str = "Profile Groups";

/// Profile folders named by the new profile manager's stores: the `path` column of the
/// `Profiles` table of each `Profile Groups/<store>.sqlite` (Firefox's
/// `SelectableProfileService`), relative to the root, or absolute. Profiles made there need
/// not be in `profiles.ini`. The folder is listed and each store read the way a clean reads a
/// database: never through a link, from a private copy (the store is not opened in place, so
/// nothing in the home changes).
fn group_store_paths(ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<PathBuf> {
    let dir = ctx.config.join(GROUP_STORES);
    if !crate::fsops::exists(&dir) {
        return Vec::new();
    }
    let mut folders = crate::fsops::Folders::within(ctx.home);
    let mut names: Vec<String> = match folders.list(&dir) {
        Ok(names) => names
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sqlite"))
            .collect(),
        Err(e) => {
            warnings.push(Warning {
                path: dir,
                problem: Problem::SettingsUnreadable(why(&e)),
            });
            return Vec::new();
        }
    };
    names.sort();
    let mut paths = Vec::new();
    for name in names {
        let store = dir.join(&name);
        let mut scratch = crate::sqlite::Scratch::within(ctx.home);
        let rows = crate::sqlite::query(&mut scratch, &store, "SELECT path FROM Profiles", |r| {
            r.get::<_, Option<String>>(0)
        });
        match rows {
            Ok(rows) => {
                for value in rows.into_iter().flatten() {
                    paths.extend(store_path(ctx.config, &store, &value, warnings));
                }
            }
            Err(e) => warnings.push(Warning {
                path: store,
                problem: Problem::ProfileGroupUnreadable(why(&e)),
            }),
        }
    }
    paths
}

/// A store's `path` value as a folder: relative to the root (`/` or `\\` between names), or
/// absolute; one that climbs out of the root is ignored, as in `profiles.ini`.
fn store_path(
    config: &Path,
    store: &Path,
    value: &str,
    warnings: &mut Vec<Warning>,
) -> Option<PathBuf> {
    let value = value.trim();
    if Path::new(value).is_absolute() {
        return Some(PathBuf::from(value));
    }
    let rel = PathBuf::from(value.replace('\\', "/"));
    if is_plain_relative(&rel) {
        return Some(config.join(rel));
    }
    warnings.push(Warning {
        path: store.into(),
        problem: Problem::NamesProfileOutside,
    });
    None
}

/// An error's reason, without the path the warning names already.
fn why(e: &crate::error::Error) -> String {
    match e {
        crate::error::Error::Io { source, .. } => source.to_string(),
        crate::error::Error::Sqlite { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// Backslashes are ordinary characters in Windows paths, not escapes.
fn ini_options() -> ParseOption {
    ParseOption {
        enabled_quote: false,
        enabled_escape: false,
        ..ParseOption::default()
    }
}

/// Profile folders named by `profiles.ini` (`[ProfileN] Path=`, `IsRelative=`) or
/// `installs.ini` / `[Install…]` (`Default=`, always relative).
fn listed_paths(
    config: &Path,
    file: &Path,
    ini: &Ini,
    warnings: &mut Vec<Warning>,
) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for (section, props) in ini.iter() {
        let section = section.unwrap_or_default();
        let (value, relative) = if section.starts_with("Profile") {
            let Some(path) = props.get("Path") else {
                continue;
            };
            (path, props.get("IsRelative").map(str::trim) != Some("0"))
        } else if let Some(default) = props.get("Default").filter(|_| section != "General") {
            (default, true)
        } else {
            continue;
        };
        let value = value.trim();
        if relative {
            let rel = PathBuf::from(value.replace('\\', "/"));
            if is_plain_relative(&rel) {
                paths.push(config.join(rel));
            } else {
                warnings.push(Warning {
                    path: file.into(),
                    problem: Problem::NamesProfileOutside,
                });
            }
        } else if Path::new(value).is_absolute() {
            paths.push(PathBuf::from(value));
        } else {
            warnings.push(Warning {
                path: file.into(),
                problem: Problem::ForeignPath,
            });
        }
    }
    paths
}
