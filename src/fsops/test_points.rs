//! Test instrumentation, compiled into debug builds only (release builds have none of it): a
//! per-thread callback run at each point where gomme is about to change the disk, so a test
//! can swap a folder for a link at that exact moment; `GOMME_TEST_KILL_AT=N` kills the process
//! at the Nth point (crash tests); `GOMME_TEST_POINTS=FILE` appends each point reached to FILE;
//! `GOMME_TEST_PAUSE_AT="POINT SUFFIX"` with `GOMME_TEST_PAUSE_FILE=FILE` stops the binary at
//! the first point named POINT whose path ends with SUFFIX, creates FILE, and goes on once FILE
//! is removed (at most a minute later), so a test can change the disk while a run is under way.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

pub type Hook = Box<dyn FnMut(&str, &Path)>;

thread_local! {
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Sets this thread's callback (`None` clears it). It gets the point's name (`unlink`,
/// `rmdir`, `open-dir`, `replace-write`, `replace-rename`, `sqlite-open`, `sqlite-begin`,
/// `sqlite-step`, `sqlite-commit`, `sqlite-compact`, `sqlite-vacuum`, `sqlite-done`) and the
/// path gomme is about to act on.
pub fn set_hook(hook: Option<Hook>) {
    HOOK.with(|h| *h.borrow_mut() = hook);
}

fn pause_if_asked(point: &str, path: &Path) {
    use std::sync::atomic::AtomicBool;
    static PAUSED: AtomicBool = AtomicBool::new(false);
    static AT: OnceLock<Option<(String, String, PathBuf)>> = OnceLock::new();
    let at = AT.get_or_init(|| {
        let spec = std::env::var("GOMME_TEST_PAUSE_AT").ok()?;
        let file = std::env::var_os("GOMME_TEST_PAUSE_FILE")?;
        let (name, suffix) = spec.split_once(' ')?;
        Some((name.to_owned(), suffix.to_owned(), PathBuf::from(file)))
    });
    let Some((name, suffix, file)) = at else {
        return;
    };
    if point != name
        || !path
            .as_os_str()
            .as_encoded_bytes()
            .ends_with(suffix.as_bytes())
        || PAUSED.swap(true, Ordering::SeqCst)
    {
        return;
    }
    #[allow(clippy::disallowed_methods)]
    let _ = std::fs::write(file, path.as_os_str().as_encoded_bytes());
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while file.exists() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

pub(crate) fn reached(point: &str, path: &Path) {
    if let Some(mut hook) = HOOK.with(|h| h.borrow_mut().take()) {
        hook(point, path);
        HOOK.with(|h| {
            h.borrow_mut().get_or_insert(hook);
        });
    }
    static KILL_AT: OnceLock<Option<u64>> = OnceLock::new();
    static LOG: OnceLock<Option<PathBuf>> = OnceLock::new();
    static COUNT: AtomicU64 = AtomicU64::new(0);
    pause_if_asked(point, path);
    let kill_at = KILL_AT.get_or_init(|| {
        std::env::var("GOMME_TEST_KILL_AT")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    let log = LOG.get_or_init(|| std::env::var_os("GOMME_TEST_POINTS").map(PathBuf::from));
    if kill_at.is_none() && log.is_none() {
        return;
    }
    let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(log) = log {
        // Test instrumentation, into a file the test names.
        #[allow(clippy::disallowed_methods)]
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            // One write per line: points are reached from several threads at once.
            let _ = f.write_all(format!("{n} {point}\n").as_bytes());
        }
    }
    if *kill_at == Some(n) {
        #[cfg(unix)]
        // SAFETY: kill has no memory-safety preconditions; this process ends here.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort();
    }
}
