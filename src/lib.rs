//! gomme wipes what one person left in the web browsers of a shared computer — history,
//! cookies, saved logins, downloads, form data, open sessions, cache and site data — and keeps
//! what belongs to the computer: bookmarks, settings, extensions.
//!
//! The pipeline is *discover → plan → report or execute*: [`discover::discover`] finds the
//! profiles, [`plan::build::plan`] decides per profile and category what will go (reading only),
//! [`plan::Plan::report`] is the dry run and [`plan::Plan::execute`] carries out the very same
//! plan.

/// A line for the person at the terminal, on stderr. Unlike `eprintln!`, which panics, a closed
/// or full stderr (a logoff job whose output goes nowhere) loses the line and the run goes on.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod audit_log;
pub mod browser;
pub mod browser_policies;
pub mod category;
pub mod close;
pub mod commands;
pub mod config;
pub mod deadline;
pub mod discover;
pub mod error;
pub mod exit_code;
pub mod fsops;
pub mod i18n;
pub mod lock;
pub mod nss;
pub mod plan;
mod platform;
pub mod policy;
pub mod profile;
pub mod report;
pub mod sanitize;
pub mod schedule;
pub mod session;
pub mod settings;
pub mod shortcut;
pub mod sqlite;
pub mod users;

pub use browser::{Browser, Family, Variant};
pub use category::Category;
pub use exit_code::ExitCode;

/// Whether this process runs as root or administrator.
pub fn is_admin() -> bool {
    platform::is_admin()
}

/// This computer's name, as the audit log records it.
pub fn hostname() -> Option<String> {
    platform::hostname()
}
