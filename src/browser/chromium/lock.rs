//! Is a Chromium-family browser running on this user-data dir? Its own lock files, told from
//! ones a browser that has gone left behind.

use crate::platform;
use crate::profile::LockState;
use std::fs;
use std::path::Path;

/// Chromium family, per user-data dir: `SingletonLock` (symlink to `HOST-PID`, Linux and
/// macOS) and `lockfile` (held open without sharing, Windows).
pub fn state(user_data: &Path) -> LockState {
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
