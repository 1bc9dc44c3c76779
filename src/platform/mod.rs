//! Operating-system specifics, one module per platform, chosen at compile time.

#[cfg(unix)]
#[path = "unix.rs"]
mod imp;
#[cfg(windows)]
#[path = "windows.rs"]
mod imp;

pub use imp::{held_open_exclusively, hostname, pid_alive, posix_lock_holder};

#[cfg(windows)]
mod profile_list;
#[cfg(windows)]
pub use profile_list::profile_list;

/// There is no registry here.
#[cfg(not(windows))]
pub fn profile_list() -> std::io::Result<Vec<(String, std::path::PathBuf)>> {
    Ok(Vec::new())
}

/// Whether this process may read and change other accounts' files.
#[cfg(unix)]
pub fn is_admin() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Whether this process may read and change other accounts' files: it can open the
/// machine-wide key only administrators may write.
#[cfg(windows)]
pub fn is_admin() -> bool {
    use winreg::enums::{HKEY_LOCAL_MACHINE, KEY_WRITE};
    winreg::RegKey::predef(HKEY_LOCAL_MACHINE)
        .open_subkey_with_flags(
            r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList",
            KEY_WRITE,
        )
        .is_ok()
}
