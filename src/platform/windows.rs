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
///
/// The probe itself holds the file exclusively for a moment, and the profiles of one Chromium
/// user-data folder share its `lockfile`: probes from this process's threads take turns, so
/// that one never takes another for a running browser.
pub fn held_open_exclusively(path: &Path) -> bool {
    static PROBE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = PROBE.lock().unwrap_or_else(|e| e.into_inner());
    // A statement, not the function's last expression: the probe's handle is closed here,
    // while this thread still has its turn.
    // Read-only, only to see whether the browser holds it.
    #[allow(clippy::disallowed_methods)]
    let held = match OpenOptions::new().read(true).share_mode(0).open(path) {
        Ok(_) => false,
        Err(e) => e.raw_os_error() == Some(ERROR_SHARING_VIOLATION),
    };
    held
}

pub fn hostname() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

/// The Event Log source gomme writes as. The installer registers it (with .NET's
/// `EventLogMessages.dll`, whose every event id reads "%1", as message file); unregistered,
/// Windows still keeps each event, the Event Viewer then prefixes it with a note that the
/// source's descriptions are missing.
pub const EVENT_SOURCE: &str = "gomme";

/// Writes each line to the Windows Event Log (Application), source [`EVENT_SOURCE`], with its
/// kind's event id: a warning for the kinds that are, information otherwise.
pub fn event_log(lines: &[(String, &super::RecordKind)]) -> io::Result<()> {
    use windows_sys::Win32::System::EventLog::{
        DeregisterEventSource, RegisterEventSourceW, ReportEventW, EVENTLOG_INFORMATION_TYPE,
        EVENTLOG_WARNING_TYPE,
    };
    let wide = |s: &str| s.encode_utf16().chain([0]).collect::<Vec<u16>>();
    let source = wide(EVENT_SOURCE);
    // SAFETY: `source` is a NUL-terminated UTF-16 string; a null server name is this machine.
    let log = unsafe { RegisterEventSourceW(std::ptr::null(), source.as_ptr()) };
    if log.is_null() {
        return Err(io::Error::last_os_error());
    }
    let mut result = Ok(());
    for (line, record) in lines {
        let message = wide(&line.replace('\0', " "));
        let strings = [message.as_ptr()];
        let kind = if record.warning {
            EVENTLOG_WARNING_TYPE
        } else {
            EVENTLOG_INFORMATION_TYPE
        };
        // SAFETY: `log` is an open event source; `strings` holds one NUL-terminated UTF-16
        // string that outlives the call; no user SID, no raw data.
        let ok = unsafe {
            ReportEventW(
                log,
                kind,
                0,
                record.event_id,
                std::ptr::null_mut(),
                1,
                0,
                strings.as_ptr(),
                std::ptr::null(),
            )
        };
        if ok == 0 && result.is_ok() {
            result = Err(io::Error::last_os_error());
        }
    }
    // SAFETY: `log` came from RegisterEventSourceW and is not used after this.
    unsafe { DeregisterEventSource(log) };
    result
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their folders by path
mod tests {
    use super::held_open_exclusively;

    #[test]
    fn probes_from_several_threads_never_take_each_other_for_a_browser() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("lockfile");
        std::fs::write(&lock, b"").unwrap();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..200 {
                        assert!(!held_open_exclusively(&lock));
                    }
                });
            }
        });
    }
}
