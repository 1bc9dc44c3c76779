//! Chromium family: each user-data dir's `Local State` (`profile.info_cache`) and every
//! `Default`, `Profile N` and `Guest Profile` folder that holds a `Preferences` file or one of
//! the browser's databases (a profile whose `Preferences` is gone still holds its history).

use crate::browser::Browser;
use crate::discover::context::{contained_dir, read_settings, Context};
use crate::profile::{Problem, Profile, Warning};
use std::fs;
use std::path::{Path, PathBuf};

pub(super) fn discover(ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<Profile> {
    let user_data = ctx.config;
    let mut listed: Vec<String> = Vec::new();
    let local_state = user_data.join("Local State");
    if let Some(text) = read_settings(&local_state, warnings) {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(json) => {
                if let Some(cache) = json
                    .pointer("/profile/info_cache")
                    .and_then(|v| v.as_object())
                {
                    listed.extend(cache.keys().cloned());
                }
            }
            Err(e) => warnings.push(Warning {
                path: local_state,
                problem: Problem::SettingsDamaged { line: e.line() },
            }),
        }
    }

    let mut candidates: Vec<(PathBuf, bool)> = Vec::new();
    for name in &listed {
        if is_profile_dir_name(name) || is_plain_name(name) {
            candidates.push((user_data.join(name), true));
        } else {
            warnings.push(Warning {
                path: user_data.join("Local State"),
                problem: Problem::ListsProfileOutside,
            });
        }
    }
    if let Ok(entries) = fs::read_dir(user_data) {
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter(|n| is_profile_dir_name(n))
            .collect();
        names.sort();
        candidates.extend(names.into_iter().map(|n| (user_data.join(n), false)));
    }
    // Older Opera builds use the user-data dir itself as the profile.
    if ctx.root.browser == Browser::Opera && user_data.join("Preferences").is_file() {
        candidates.push((user_data.to_path_buf(), false));
    }

    let mut profiles: Vec<Profile> = Vec::new();
    for (path, is_listed) in candidates {
        if is_listed && fs::symlink_metadata(&path).is_err() {
            warnings.push(Warning {
                path: path.clone(),
                problem: Problem::ListedFolderMissing("Local State"),
            });
            continue;
        }
        if !is_listed && !PROFILE_FILES.iter().any(|f| path.join(f).is_file()) {
            continue;
        }
        if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            warnings.push(Warning {
                path,
                problem: Problem::ProfileLink,
            });
            continue;
        }
        let Some(real) = contained_dir(ctx.home, &path, warnings) else {
            continue;
        };
        if let Some(existing) = profiles.iter_mut().find(|p| p.path == real) {
            existing.listed |= is_listed;
            continue;
        }
        profiles.push(ctx.profile(
            real,
            is_listed,
            user_data,
            super::lock::state(user_data),
            warnings,
        ));
    }
    profiles
}

/// Files only a Chromium profile folder holds: its settings, or a database a person's traces
/// are in.
const PROFILE_FILES: &[&str] = &[
    "Preferences",
    "History",
    "Cookies",
    "Network/Cookies",
    "Login Data",
    "Web Data",
    "Favicons",
];

/// `Default`, `Profile N`, `Guest Profile` (not `System Profile`, the profile picker's).
fn is_profile_dir_name(name: &str) -> bool {
    name == "Default"
        || name == "Guest Profile"
        || name
            .strip_prefix("Profile ")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A single folder name, with no way to climb out of the user-data dir.
fn is_plain_name(name: &str) -> bool {
    let p = Path::new(name);
    crate::discover::context::is_plain_relative(p)
        && p.components().count() == 1
        && !name.contains('\\')
}
