//! Is a browser running on this profile? The families' own lock rules are in `browser/`; this
//! is the library's one door to them.

pub use crate::browser::chromium::lock::state as chromium;
pub use crate::browser::firefox::lock::state as firefox;
pub use crate::browser::lock_state as state;
pub use crate::profile::LockState;
