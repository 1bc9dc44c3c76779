//! Operating-system specifics, one module per platform, chosen at compile time.

#[cfg(unix)]
#[path = "unix.rs"]
mod imp;
#[cfg(windows)]
#[path = "windows.rs"]
mod imp;

pub use imp::{held_open_exclusively, hostname, pid_alive, posix_lock_holder};
