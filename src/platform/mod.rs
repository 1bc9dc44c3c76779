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

/// Asks a process to end as a window close would (SIGTERM: browsers save and quit).
#[cfg(unix)]
pub fn request_close(pid: u32) -> std::io::Result<()> {
    signal(pid, libc::SIGTERM)
}

/// Stops a process that would not close (SIGKILL).
#[cfg(unix)]
pub fn force_stop(pid: u32) -> std::io::Result<()> {
    signal(pid, libc::SIGKILL)
}

#[cfg(unix)]
fn signal(pid: u32, sig: libc::c_int) -> std::io::Result<()> {
    let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    if pid <= 0 {
        return Err(std::io::Error::other("no such process"));
    }
    // SAFETY: kill has no memory-safety preconditions; pid is a positive process id.
    if unsafe { libc::kill(pid, sig) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(windows)]
mod windows_close;
#[cfg(windows)]
pub use windows_close::{force_stop, lock_holders, request_close};

/// The processes holding the lock files in `lock_dir`, where the lock itself names none
/// (Windows); on Unix the lock names its process.
#[cfg(unix)]
pub fn lock_holders(_lock_dir: &std::path::Path) -> Vec<u32> {
    Vec::new()
}

#[cfg(unix)]
mod journal;
mod record_kind;
pub use record_kind::RecordKind;

/// Sends each line to journald with its kind's `MESSAGE_ID` when journald runs, else to
/// syslog(3): facility user, identity `gomme`; a warning at `LOG_WARNING`, the others at
/// `LOG_INFO`.
#[cfg(unix)]
pub fn system_log(lines: &[(String, &RecordKind)]) -> std::io::Result<()> {
    use std::ffi::CString;
    if journal::send(std::path::Path::new(journal::SOCKET), lines)? {
        return Ok(());
    }
    static IDENT: &std::ffi::CStr = c"gomme";
    // SAFETY: IDENT is a static C string that outlives every syslog call; the format is a
    // constant "%s" and each message a valid C string.
    unsafe { libc::openlog(IDENT.as_ptr(), libc::LOG_PID, libc::LOG_USER) };
    for (line, kind) in lines {
        let message = CString::new(line.replace('\0', " ")).map_err(std::io::Error::other)?;
        let level = if kind.warning {
            libc::LOG_WARNING
        } else {
            libc::LOG_INFO
        };
        unsafe { libc::syslog(level, c"%s".as_ptr(), message.as_ptr()) };
    }
    unsafe { libc::closelog() };
    Ok(())
}

#[cfg(windows)]
pub use imp::event_log as system_log;

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

/// Expands `%VAR%` references the way `ExpandEnvironmentStrings` does (unknown ones stay).
#[cfg_attr(not(windows), allow(dead_code))] // the registry's paths; tested everywhere
pub fn expand_env(text: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('%') {
            Some(end) => {
                let name = &after[..end];
                match lookup(name) {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push('%');
                        out.push_str(name);
                        out.push('%');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::expand_env;

    #[test]
    fn environment_references_expand() {
        let lookup = |n: &str| (n == "SystemDrive").then(|| "C:".to_owned());
        assert_eq!(
            expand_env("%SystemDrive%\\Users\\x", lookup),
            "C:\\Users\\x"
        );
        assert_eq!(expand_env("%Nope%\\a", lookup), "%Nope%\\a");
        assert_eq!(expand_env("50% off", lookup), "50% off");
    }
}
