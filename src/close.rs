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
    /// The lock names no process gomme can ask (another computer, or no PID).
    CannotAsk,
}

/// Asks the browser holding `profile` to close, waits up to `wait` for it to let go, and if
/// `force`, stops it then.
pub fn close(profile: &Profile, wait: Duration, force: bool) -> Closed {
    let LockState::Running { pid: Some(pid) } = current(profile) else {
        return Closed::CannotAsk;
    };
    if crate::platform::request_close(pid).is_err() {
        return Closed::CannotAsk;
    }
    if released(profile, wait) {
        return Closed::Closed { pid };
    }
    if force
        && crate::platform::force_stop(pid).is_ok()
        && released(profile, Duration::from_secs(10))
    {
        return Closed::Forced { pid };
    }
    Closed::StillRunning { pid }
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
