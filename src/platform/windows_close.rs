//! Who holds a profile on Windows, and closing it. The lock files name no process, so the
//! Restart Manager is asked which processes have them open (what Windows Update and
//! installers use to find who holds a file). Those processes are asked to close as their own
//! window close would: `WM_CLOSE` posted to their top-level windows. Forcing ends exactly those
//! processes, by id, never by name.

use std::io;
use std::path::Path;
use windows_sys::Win32::Foundation::{CloseHandle, ERROR_MORE_DATA, HWND, LPARAM, WPARAM};
use windows_sys::Win32::System::RestartManager::{
    RmEndSession, RmGetList, RmRegisterResources, RmStartSession, CCH_RM_SESSION_KEY,
    RM_PROCESS_INFO,
};
use windows_sys::Win32::System::Threading::{OpenProcess, TerminateProcess, PROCESS_TERMINATE};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    EnumWindows, FindWindowExW, GetWindowThreadProcessId, IsWindowVisible, PostMessageW,
    HWND_MESSAGE, WM_CLOSE,
};

/// The lock files a browser holds open while it runs on `lock_dir`: Chromium's `lockfile`
/// in the user-data folder, Firefox's `parent.lock` in the profile.
const LOCK_FILES: [&str; 2] = ["lockfile", "parent.lock"];

fn wide(text: &std::ffi::OsStr) -> Vec<u16> {
    use std::os::windows::ffi::OsStrExt;
    text.encode_wide().chain([0]).collect()
}

/// The processes holding the browser lock files in `lock_dir`, as the Restart Manager sees
/// them; failing that (Wine's Restart Manager answers no process), for a Chromium user-data
/// folder, the process owning the message window Chromium itself looks for to find the
/// running instance (class `Chrome_MessageWindow`, titled with the user-data path).
pub fn lock_holders(lock_dir: &Path) -> Vec<u32> {
    let files: Vec<_> = LOCK_FILES
        .iter()
        .map(|name| lock_dir.join(name))
        .filter(|p| p.is_file())
        .collect();
    if files.is_empty() {
        return Vec::new();
    }
    let mut pids = restart_manager_holders(&files).unwrap_or_default();
    if pids.is_empty() && files.iter().any(|f| f.ends_with("lockfile")) {
        pids.extend(chromium_instance(lock_dir));
    }
    pids
}

/// What the Restart Manager says holds `files` open.
fn restart_manager_holders(files: &[std::path::PathBuf]) -> io::Result<Vec<u32>> {
    let mut session = 0u32;
    let mut key = [0u16; CCH_RM_SESSION_KEY as usize + 1];
    // SAFETY: `session` and `key` (CCH_RM_SESSION_KEY + 1 characters) outlive the call.
    let rc = unsafe { RmStartSession(&mut session, 0, key.as_mut_ptr()) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc as i32));
    }
    let result = holders_in(session, files);
    // SAFETY: `session` came from RmStartSession and is not used after this.
    unsafe { RmEndSession(session) };
    result
}

fn holders_in(session: u32, files: &[std::path::PathBuf]) -> io::Result<Vec<u32>> {
    let names: Vec<Vec<u16>> = files.iter().map(|f| wide(f.as_os_str())).collect();
    let pointers: Vec<*const u16> = names.iter().map(|n| n.as_ptr()).collect();
    // SAFETY: `pointers` holds `names.len()` NUL-terminated strings that outlive the call; no
    // applications or services are registered.
    let rc = unsafe {
        RmRegisterResources(
            session,
            pointers.len() as u32,
            pointers.as_ptr(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
        )
    };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc as i32));
    }
    let mut infos: Vec<RM_PROCESS_INFO> = Vec::new();
    // The list can grow between the two calls: ask again with the size it says it needs.
    for _ in 0..4 {
        let mut needed = 0u32;
        let mut count = infos.len() as u32;
        let mut reasons = 0u32;
        // SAFETY: `infos` has room for `count` entries; the out-parameters outlive the call.
        let rc = unsafe {
            RmGetList(
                session,
                &mut needed,
                &mut count,
                if infos.is_empty() {
                    std::ptr::null_mut()
                } else {
                    infos.as_mut_ptr()
                },
                &mut reasons,
            )
        };
        if rc == 0 {
            infos.truncate(count as usize);
            return Ok(infos.iter().map(|i| i.Process.dwProcessId).collect());
        }
        if rc != ERROR_MORE_DATA {
            return Err(io::Error::from_raw_os_error(rc as i32));
        }
        // SAFETY: RM_PROCESS_INFO is plain data; all-zero is a valid value.
        infos = vec![unsafe { std::mem::zeroed() }; needed as usize];
    }
    Err(io::Error::other("the Restart Manager's list kept changing"))
}

/// The process of the Chromium instance running on `user_data`, found the way a second
/// Chromium finds it (`process_singleton_win.cc`). Only asked when the lock is held.
fn chromium_instance(user_data: &Path) -> Option<u32> {
    let class = wide("Chrome_MessageWindow".as_ref());
    let title = wide(user_data.as_os_str());
    // SAFETY: both strings are NUL-terminated and outlive the call.
    let hwnd = unsafe {
        FindWindowExW(
            HWND_MESSAGE,
            std::ptr::null_mut(),
            class.as_ptr(),
            title.as_ptr(),
        )
    };
    window_process(hwnd)
}

fn window_process(hwnd: HWND) -> Option<u32> {
    if hwnd.is_null() {
        return None;
    }
    let mut pid = 0u32;
    // SAFETY: `pid` outlives the call; a stale `hwnd` only makes it return 0.
    unsafe { GetWindowThreadProcessId(hwnd, &mut pid) };
    (pid != 0).then_some(pid)
}

/// The visible top-level windows of process `pid`: those a person could close. Hidden ones
/// (a browser's helper windows) are left alone.
fn windows_of(pid: u32) -> Vec<HWND> {
    struct Search {
        pid: u32,
        found: Vec<HWND>,
    }
    unsafe extern "system" fn each(hwnd: HWND, param: LPARAM) -> i32 {
        // SAFETY: `param` is the `Search` that `windows_of` passed, alive for the whole
        // enumeration, and only this callback touches it meanwhile.
        let search = unsafe { &mut *(param as *mut Search) };
        // SAFETY: asking whether a window is shown has no preconditions.
        let visible = unsafe { IsWindowVisible(hwnd) } != 0;
        if visible && window_process(hwnd) == Some(search.pid) {
            search.found.push(hwnd);
        }
        1
    }
    let mut search = Search {
        pid,
        found: Vec::new(),
    };
    // SAFETY: the callback only reads `search` through the pointer it is given, during the
    // call.
    unsafe { EnumWindows(Some(each), &mut search as *mut Search as LPARAM) };
    search.found
}

/// Posts `WM_CLOSE` to each visible top-level window of `pid`, as clicking its close button
/// would; a process with no window shown (a browser left in the background) cannot be asked.
pub fn request_close(pid: u32) -> io::Result<()> {
    let windows = windows_of(pid);
    if windows.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "the process has no window to close",
        ));
    }
    let mut posted = false;
    for hwnd in windows {
        // SAFETY: posting a message has no memory-safety preconditions; a window gone
        // meanwhile makes it fail.
        posted |= unsafe { PostMessageW(hwnd, WM_CLOSE, 0 as WPARAM, 0 as LPARAM) } != 0;
    }
    if posted {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Ends process `pid` (it would not close): that process only, by its id.
pub fn force_stop(pid: u32) -> io::Result<()> {
    // SAFETY: OpenProcess has no memory-safety preconditions.
    let process = unsafe { OpenProcess(PROCESS_TERMINATE, 0, pid) };
    if process.is_null() {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `process` is an open handle with PROCESS_TERMINATE, closed right after.
    let ok = unsafe { TerminateProcess(process, 1) } != 0;
    let err = io::Error::last_os_error();
    // SAFETY: `process` came from OpenProcess and is not used after this.
    unsafe { CloseHandle(process) };
    if ok {
        Ok(())
    } else {
        Err(err)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their folders by path
mod tests {
    use std::io::BufRead;

    #[test]
    #[cfg_attr(wine, ignore = "Wine 8's RmGetList is a stub: it lists no process")]
    fn the_restart_manager_names_the_process_holding_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("lockfile");
        // examples/holder.rs, built beside the tests by `cargo test`; no message window, so
        // only the Restart Manager can find it.
        let exe = std::env::current_exe().unwrap();
        let holder = exe
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("examples/holder.exe");
        let mut child = std::process::Command::new(holder)
            .arg(&lock)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready");
        let found = super::restart_manager_holders(std::slice::from_ref(&lock));
        let all = super::lock_holders(dir.path());
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(found.unwrap(), [child.id()]);
        assert_eq!(all, [child.id()]);
    }
}
