//! Is a browser running on this profile? Read the browser's own lock files and tell a live lock
//! from one left behind by a browser that has gone.

use crate::browser::Family;
use crate::platform;
use serde::Serialize;
use std::fs;
use std::path::Path;

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

/// The lock state of a profile's lock folder (see `Profile::lock_dir`), as of now.
pub fn state(family: Family, lock_dir: &Path) -> LockState {
    match family {
        Family::Firefox => firefox(lock_dir),
        Family::Chromium => chromium(lock_dir),
    }
}

/// Firefox family: `.parentlock` (POSIX lock, Linux and macOS), the `lock` symlink
/// (`IP:+PID`, Linux) and `parent.lock` (held open without sharing, Windows).
pub fn firefox(profile: &Path) -> LockState {
    let parent_lock = profile.join(".parentlock");
    let link = profile.join("lock");
    let windows_lock = profile.join("parent.lock");

    if fs::symlink_metadata(&parent_lock).is_ok_and(|m| m.is_file()) {
        // The POSIX lock is authoritative where it can be probed: Firefox always holds it.
        if let Ok(holder) = platform::posix_lock_holder(&parent_lock) {
            return match holder {
                Some(pid) => LockState::Running { pid: Some(pid) },
                None if is_symlink(&link) => LockState::StaleLock,
                None => LockState::Idle,
            };
        }
    }
    if let Ok(target) = fs::read_link(&link) {
        // `127.0.1.1:+12345`: the PID follows the last '+'.
        let pid = target
            .to_string_lossy()
            .rsplit_once('+')
            .and_then(|(_, pid)| pid.parse::<u32>().ok());
        return match pid {
            Some(pid) if platform::pid_alive(pid) => LockState::Running { pid: Some(pid) },
            _ => LockState::StaleLock,
        };
    }
    if windows_lock.is_file() && platform::held_open_exclusively(&windows_lock) {
        return LockState::Running { pid: None };
    }
    LockState::Idle
}

/// Chromium family, per user-data dir: `SingletonLock` (symlink to `HOST-PID`, Linux and
/// macOS) and `lockfile` (held open without sharing, Windows).
pub fn chromium(user_data: &Path) -> LockState {
    let singleton = user_data.join("SingletonLock");
    if let Ok(target) = fs::read_link(&singleton) {
        let target = target.to_string_lossy().into_owned();
        let Some((host, pid)) = target.rsplit_once('-') else {
            return LockState::StaleLock;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            return LockState::StaleLock;
        };
        if platform::hostname().as_deref() != Some(host) {
            // The link's target is the home owner's to write: it is shown, never obeyed.
            return LockState::OtherHost {
                host: crate::sanitize::for_terminal(host).into_owned(),
            };
        }
        return if platform::pid_alive(pid) {
            LockState::Running { pid: Some(pid) }
        } else {
            LockState::StaleLock
        };
    }
    if fs::symlink_metadata(&singleton).is_ok() {
        return LockState::StaleLock;
    }
    let lockfile = user_data.join("lockfile");
    if lockfile.is_file() {
        // Deleted on close: present means running (checked on Windows) or crashed.
        return if platform::held_open_exclusively(&lockfile) {
            LockState::Running { pid: None }
        } else {
            LockState::StaleLock
        };
    }
    LockState::Idle
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}
