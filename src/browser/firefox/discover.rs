//! Firefox family: `profiles.ini` and `installs.ini` as Firefox reads them, plus profile
//! folders that are on disk but not listed.

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
                problem: Problem::ListedFolderMissing("profiles.ini or installs.ini"),
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
