//! The run's deadline. A logoff script must end, whatever it meets: a FIFO swapped in where
//! SQLite opens a journal, a network home that stops answering, a browser that never lets go.
//! Near the deadline no new profile or step is begun; at the deadline itself the binary stops
//! the run (see `main.rs`), says what was done, and exits with its own code. A run stopped
//! there is like one cut by a power failure: every database change is one transaction, so the
//! profile stays usable and the next run finishes the work.

use std::time::{Duration, Instant};

/// The deadline when neither `--timeout` nor the configuration sets one: well inside the
/// 10 minutes Windows gives all logoff scripts together (Group Policy's "Maximum wait time"),
/// and inside the boot unit's own limit.
pub const DEFAULT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    limit: Duration,
    end: Instant,
    /// From here on nothing new is begun: what is under way has until `end`.
    near: Instant,
}

impl Deadline {
    /// The deadline `limit` from now.
    pub fn after(limit: Duration) -> Deadline {
        let now = Instant::now();
        let margin = (limit / 10).clamp(Duration::from_millis(500), Duration::from_secs(10));
        Deadline {
            limit,
            end: now + limit,
            near: now + limit.saturating_sub(margin),
        }
    }

    /// Whether it is too late to begin anything new.
    pub fn is_near(&self) -> bool {
        Instant::now() >= self.near
    }

    /// When the run must have ended.
    pub fn end(&self) -> Instant {
        self.end
    }

    /// The time the run was given.
    pub fn limit(&self) -> Duration {
        self.limit
    }
}

/// Whether `deadline`, if any, is near.
pub fn is_near(deadline: Option<Deadline>) -> bool {
    deadline.is_some_and(|d| d.is_near())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_new_is_begun_near_the_end() {
        let d = Deadline::after(Duration::from_secs(100));
        assert!(!d.is_near());
        assert!(d.near < d.end && d.end - d.near == Duration::from_secs(10));
        let short = Deadline::after(Duration::ZERO);
        assert!(short.is_near());
        assert!(!is_near(None));
    }
}
