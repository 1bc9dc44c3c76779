//! Exit codes: one enum, documented in `--help` and the README. IT scripts rely on these.

/// The process exit status. When several apply, the first in this list wins:
/// `Fatal`, `Usage`, `TimedOut`, `ProfileFailed`, `TracesRemain`, `BrowserRunning`, `Done`.
/// For `audit` they are a detection contract (monitoring, Intune-style detection scripts):
/// `Done` only when everything was read and nothing is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Everything asked for was done.
    Done = 0,
    /// Nothing could be done (e.g. no home to look in, output not writable, `--session` for a
    /// home with no session start recorded).
    Fatal = 1,
    /// The command line was wrong.
    Usage = 2,
    /// At least one profile was skipped because its browser is running.
    BrowserRunning = 3,
    /// At least one profile failed; the others were still processed.
    ProfileFailed = 4,
    /// `audit` only: traces remain that a clean would remove.
    TracesRemain = 5,
    /// The run reached its deadline (`--timeout`) and was stopped; what was done is kept, and
    /// the profiles not finished are said. Run it again to finish.
    TimedOut = 6,
}

impl ExitCode {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// The text `--help` shows after the options.
pub const HELP: &str = "\
Exit codes:
  0  done (audit: everything was read and no trace is left)
  1  fatal error, nothing was done (e.g. no home could be read, or --session
     without a recorded session start)
  2  usage error
  3  at least one profile skipped because its browser is running
  4  at least one profile or home could not be read or cleaned (the others were)
  5  audit only: traces remain (and everything else was read)
  6  stopped at its deadline (--timeout) before the end: run it again
When several apply: 1, 2, 6, 4, 5, 3, 0.
For detection scripts, audit's code is a contract: 0 clean, 5 traces remain,
3, 4 or 6 could not check everything (traces may remain), 1 or 2 did not run.";
