//! What a newcomer met on a first try (issue 24): output that cannot be written, usage errors,
//! messages half in English, config errors, a JSON clean that did not ask. One test per item.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::gomme;
use std::fs::File;
use std::process::Stdio;

fn full() -> Stdio {
    Stdio::from(File::options().write(true).open("/dev/full").unwrap())
}

/// Every command whose stdout is full says so and exits 1; none panics (exit 101).
#[cfg(unix)]
#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    let home = common::fixture_home();
    let home = home.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["generate", "completions", "bash"],
        &["generate", "completions", "zsh"],
        &["generate", "completions", "fish"],
        &["generate", "completions", "powershell"],
        &["generate", "completions", "elvish"],
        &["generate", "man"],
        &["--help"],
        &["--version"],
        &["clean", "--help"],
        &["profiles", "--home", home],
        &["profiles", "--json", "--home", home],
        &["clean", "--dry-run", "--home", home],
        &["clean", "--dry-run", "--json", "--home", home],
        &["audit", "--home", home],
    ];
    for args in commands {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gomme"))
            .args(*args)
            .stdout(full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains("No space left"), "{args:?}: {stderr}");
    }
}

/// gomme's own lines on a full or closed stderr are lost, not a panic: an unattended run whose
/// stderr goes nowhere still cleans and still exits with its code.
#[cfg(unix)]
#[test]
fn a_full_stderr_loses_the_lines_not_the_run() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gomme"))
        .args(["audit", "--home", "/nonexistent/gomme-test"])
        .stdout(Stdio::null())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gomme"))
        .args(["clean", "--only", "cokies"])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A usage error keeps clap's own rendering: the valid values and a "did you mean".
#[test]
fn usage_errors_show_the_valid_values_and_a_suggestion() {
    let out = gomme()
        .args(["clean", "--only", "cokies"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("possible values: history, cookies"),
        "{stderr}"
    );
    assert!(stderr.contains("'cookies'"), "{stderr}");
    let out = gomme().arg("clen").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("similar subcommand exists: 'clean'"),
        "{stderr}"
    );
}
