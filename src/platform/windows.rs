use std::fs::OpenOptions;
use std::io;
use std::os::windows::fs::OpenOptionsExt;
use std::path::Path;

const ERROR_SHARING_VIOLATION: i32 = 32;

/// Lock files of another OS's layout carry PIDs that mean nothing here.
pub fn pid_alive(_pid: u32) -> bool {
    false
}

/// POSIX locks do not exist on Windows: a `.parentlock` here (a profile copied from Linux or
/// macOS) cannot be probed, so the caller goes on to the locks Windows Firefox holds.
pub fn posix_lock_holder(_path: &Path) -> io::Result<Option<u32>> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Firefox's `parent.lock` and Chromium's `lockfile` are held open with no sharing while the
/// browser runs: opening them exclusively then fails with a sharing violation (even from the
/// process that holds them). Any other failure (gone, unreadable) is not taken as a live lock.
pub fn held_open_exclusively(path: &Path) -> bool {
    match OpenOptions::new().read(true).share_mode(0).open(path) {
        Ok(_) => false,
        Err(e) => e.raw_os_error() == Some(ERROR_SHARING_VIOLATION),
    }
}

pub fn hostname() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}
