//! A stand-in for a browser on Windows, for the tests (`tests/windows_close.rs`): holds a lock
//! file open without sharing (Chromium's `lockfile`: delete on close), shows a top-level
//! window that ends the program on `WM_CLOSE`, and, for Chromium's user-data
//! folder, the message window Chromium registers (class `Chrome_MessageWindow`, titled with
//! the folder). Prints `ready` once all is in place; exits 0 after a `WM_CLOSE`.
//!
//! `holder LOCKFILE [USER_DATA] [--ignore-close] [--hidden]`: with `--ignore-close`, the window
//! ignores `WM_CLOSE` (a browser that will not close), so only ending the process stops it;
//! with `--hidden`, the window is not shown (a browser left running in the background).

#[cfg(windows)]
fn main() {
    // A test helper: it writes its lock file by path, as the browser it stands in for does.
    #![allow(clippy::disallowed_methods)]
    use std::io::Write;
    use std::os::windows::ffi::OsStrExt;
    use std::os::windows::fs::OpenOptionsExt;
    use std::sync::atomic::{AtomicBool, Ordering};
    use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
    use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
    use windows_sys::Win32::UI::WindowsAndMessaging::*;

    static IGNORE_CLOSE: AtomicBool = AtomicBool::new(false);

    unsafe extern "system" fn proc(hwnd: HWND, msg: u32, w: WPARAM, l: LPARAM) -> LRESULT {
        match msg {
            WM_CLOSE if IGNORE_CLOSE.load(Ordering::Relaxed) => 0,
            WM_CLOSE => {
                // SAFETY: `hwnd` is this window, on its own thread.
                unsafe { DestroyWindow(hwnd) };
                0
            }
            WM_DESTROY => {
                // SAFETY: no preconditions.
                unsafe { PostQuitMessage(0) };
                0
            }
            // SAFETY: the arguments are the ones Windows passed.
            _ => unsafe { DefWindowProcW(hwnd, msg, w, l) },
        }
    }
    fn wide(s: &std::ffi::OsStr) -> Vec<u16> {
        s.encode_wide().chain([0]).collect()
    }

    let args: Vec<String> = std::env::args().skip(1).collect();
    IGNORE_CLOSE.store(
        args.iter().any(|a| a == "--ignore-close"),
        Ordering::Relaxed,
    );
    let hidden = args.iter().any(|a| a == "--hidden");
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let lock = paths.first().expect("usage: holder LOCKFILE [USER_DATA]");
    let _held = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .share_mode(0x4) // FILE_SHARE_DELETE, as Chromium
        .custom_flags(0x0400_0000) // FILE_FLAG_DELETE_ON_CLOSE
        .open(lock)
        .expect("the lock file");

    // SAFETY: plain Win32 window creation on this thread; every string outlives its call.
    unsafe {
        let instance = GetModuleHandleW(std::ptr::null());
        let class = wide("GommeTestBrowser".as_ref());
        let wc = WNDCLASSW {
            style: 0,
            lpfnWndProc: Some(proc),
            cbClsExtra: 0,
            cbWndExtra: 0,
            hInstance: instance,
            hIcon: std::ptr::null_mut(),
            hCursor: std::ptr::null_mut(),
            hbrBackground: std::ptr::null_mut(),
            lpszMenuName: std::ptr::null(),
            lpszClassName: class.as_ptr(),
        };
        assert!(RegisterClassW(&wc) != 0, "RegisterClassW");
        let title = wide("gomme test browser".as_ref());
        let hwnd = CreateWindowExW(
            0,
            class.as_ptr(),
            title.as_ptr(),
            if hidden {
                WS_OVERLAPPEDWINDOW
            } else {
                WS_OVERLAPPEDWINDOW | WS_VISIBLE
            },
            0,
            0,
            100,
            100,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        );
        assert!(!hwnd.is_null(), "CreateWindowExW");
        if let Some(user_data) = paths.get(1) {
            let class = wide("Chrome_MessageWindow".as_ref());
            let wc = WNDCLASSW {
                lpfnWndProc: Some(DefWindowProcW),
                lpszClassName: class.as_ptr(),
                ..wc
            };
            assert!(RegisterClassW(&wc) != 0, "RegisterClassW");
            let title = wide(user_data.as_ref());
            let message = CreateWindowExW(
                0,
                class.as_ptr(),
                title.as_ptr(),
                0,
                0,
                0,
                0,
                0,
                HWND_MESSAGE,
                std::ptr::null_mut(),
                instance,
                std::ptr::null(),
            );
            assert!(!message.is_null(), "message window");
        }
        let mut out = std::io::stdout();
        writeln!(out, "ready").unwrap();
        out.flush().unwrap();
        let mut msg: MSG = std::mem::zeroed();
        while GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) > 0 {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
    }
}

#[cfg(not(windows))]
fn main() {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "holder: a Windows test helper");
    std::process::exit(2);
}
