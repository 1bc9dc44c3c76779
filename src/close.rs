//! Closing a browser that still holds a profile, the way its own window close would: a polite
//! termination request to the process named in that profile's lock — never a kill by name —
//! then a bounded wait for the lock to go. Forcing is a separate, explicit choice.

use crate::profile::LockState;
use crate::profile::Profile;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The browser closed by itself after the request.
    Closed { pid: u32 },
    /// It did not close in time and was forced to stop.
    Forced { pid: u32 },
    /// It is still running.
    StillRunning { pid: u32 },
    /// No process gomme can ask holds the lock (another computer, no PID, no window).
    CannotAsk,
}

/// Asks the browser holding `profile` to close, waits up to `wait` for it to let go, and if
/// `force`, stops it then. On Windows the lock names no process: the processes holding its
/// file are asked for (see [`crate::platform::lock_holders`]).
pub fn close(profile: &Profile, wait: Duration, force: bool) -> Closed {
    let pids = holders(profile);
    let Some(&pid) = pids.first() else {
        return Closed::CannotAsk;
    };
    let mut asked = false;
    for &p in &pids {
        asked |= crate::platform::request_close(p).is_ok();
    }
    if asked && released(profile, wait) {
        return Closed::Closed { pid };
    }
    if force {
        // Only those still holding it: a process that closed meanwhile, and its id perhaps
        // reused, is left alone.
        let still: Vec<u32> = holders(profile)
            .into_iter()
            .filter(|p| pids.contains(p))
            .collect();
        let mut stopped = !still.is_empty();
        for p in still {
            stopped &= crate::platform::force_stop(p).is_ok();
        }
        if stopped && released(profile, Duration::from_secs(10)) {
            return Closed::Forced { pid };
        }
    }
    if asked {
        Closed::StillRunning { pid }
    } else {
        Closed::CannotAsk
    }
}

/// The processes holding `profile`'s lock: the one it names, or (Windows) those the system
/// says have its lock file open.
fn holders(profile: &Profile) -> Vec<u32> {
    match current(profile) {
        LockState::Running { pid: Some(pid) } => vec![pid],
        LockState::Running { pid: None } => crate::platform::lock_holders(&profile.lock_dir),
        _ => Vec::new(),
    }
}

fn current(profile: &Profile) -> LockState {
    crate::browser::lock_state(profile.browser.family(), &profile.lock_dir)
}

/// Waits until the profile's lock no longer blocks cleaning, up to `wait`.
fn released(profile: &Profile, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    loop {
        if !current(profile).blocks_cleaning() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
