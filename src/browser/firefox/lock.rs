//! Is Firefox running on this profile? Its own lock files, told from ones a Firefox that has
//! gone left behind.

use crate::platform;
use crate::profile::LockState;
use std::fs;
use std::path::Path;

/// Firefox family: `.parentlock` (POSIX lock, Linux and macOS), the `lock` symlink
/// (`IP:+PID`, Linux) and `parent.lock` (held open without sharing, Windows).
pub fn state(profile: &Path) -> LockState {
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

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}
