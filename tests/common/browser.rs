//! Starting the real browsers in tests: a local page to load, headless launches on a profile,
//! bounded waits. Only the processes a test starts are ever ended, by their PID.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Serves one small page on 127.0.0.1, at every path, until the test ends; returns the port.
pub fn serve_page() -> u16 {
    serve_page_and_log().0
}

/// The paths requested of a [`serve_page_and_log`] server, in order.
pub type Requests = Arc<Mutex<Vec<String>>>;

/// [`serve_page`], also recording each request's path: a browser that fetched its page is
/// past its start-up (its signal handlers, for one, are installed only after it has taken its
/// profile's lock).
pub fn serve_page_and_log() -> (u16, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Requests::default();
    let log = requests.clone();
    // One thread per connection: browsers open speculative connections they may never send a
    // request on, and a server reading those in turn would wait on one while the page's request
    // sits unaccepted behind it.
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let log = log.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
                let mut buf = [0u8; 4096];
                let n = stream.read(&mut buf).unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]);
                if let Some(path) = head.split_whitespace().nth(1) {
                    log.lock().unwrap().push(path.to_owned());
                }
                let body = "<!doctype html><title>gomme</title><p>after the clean</p>";
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    (port, requests)
}

pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--password-store=basic",
];

/// Firefox ESR, headless, on `profile`, loading `url` (and staying open unless `screenshot`).
pub fn firefox(home: &Path, profile: &Path, url: &str, screenshot: Option<&Path>) -> Child {
    let mut cmd = Command::new("firefox-esr");
    cmd.args(["--headless", "--no-remote", "--profile"])
        .arg(profile);
    if let Some(shot) = screenshot {
        cmd.arg("--screenshot").arg(shot);
    }
    cmd.arg(url)
        .env("HOME", home)
        .env("MOZ_CRASHREPORTER_DISABLE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("firefox-esr is installed (scripts/install-test-deps)")
}

/// Chromium, headless, on a profile of `user_data`, loading `url` (and staying open unless
/// `dump_dom`).
pub fn chromium(home: &Path, user_data: &Path, profile: &str, url: &str, dump_dom: bool) -> Child {
    let mut cmd = Command::new("chromium");
    cmd.args(CHROMIUM_FLAGS)
        .arg(format!("--user-data-dir={}", user_data.display()))
        .arg(format!("--profile-directory={profile}"));
    if dump_dom {
        cmd.arg("--dump-dom");
    }
    cmd.arg(url)
        .env("HOME", home)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium is installed (scripts/install-test-deps)")
}

/// Waits for a child we started; past the deadline, ends it (by its PID) and fails.
pub fn wait(mut child: Child, what: &str, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// [`wait`], keeping what the child wrote to its piped stdout and stderr (read as it comes, so
/// that a full pipe never stalls it).
pub fn wait_with_output(mut child: Child, what: &str, limit: Duration) -> std::process::Output {
    use std::io::Read;
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = wait(child, what, limit);
    std::process::Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// Waits until `ready` says yes, or fails after `limit`.
pub fn wait_until(what: &str, limit: Duration, ready: impl Fn() -> bool) {
    wait_until_saying(what, limit, ready, String::new)
}

/// [`wait_until`], its failure saying what `seen` reports at that moment.
pub fn wait_until_saying(
    what: &str,
    limit: Duration,
    ready: impl Fn() -> bool,
    seen: impl Fn() -> String,
) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < limit,
            "{what} not reached within {limit:?}{}",
            seen()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Whether the browser recorded a visit to `url` in the profile's history.
pub fn visited(history_db: &Path, table_sql: &str, url: &str) -> bool {
    let conn = rusqlite::Connection::open(history_db).unwrap();
    conn.query_row(table_sql, [url], |r| r.get::<_, i64>(0))
        .unwrap()
        > 0
}
