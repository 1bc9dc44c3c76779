//! Sets `GOMME_VERSION` for `gomme --version`: the crate version and, when built from a git
//! checkout, the short commit, as in `0.1.0 (abc1234)`. Without git, or without a `.git` in
//! the crate's own folder (a crates.io download, a source tarball, a Debian source build), it
//! is the crate version alone. Only the crate's own `.git` counts: a crate unpacked inside some
//! other repository must not take that repository's commit.

// Cargo reads a build script's instructions from its stdout: println! is the protocol.
#![allow(clippy::disallowed_macros)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = env!("CARGO_PKG_VERSION");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let commit = if dir.join(".git").exists() {
        watch_git(&dir);
        git(&dir, &["rev-parse", "--short", "HEAD"])
    } else {
        None
    };
    match commit {
        Some(commit) => println!("cargo:rustc-env=GOMME_VERSION={version} ({commit})"),
        None => println!("cargo:rustc-env=GOMME_VERSION={version}"),
    }
}

/// Reruns this script when HEAD moves: HEAD itself (a checkout), the branch it points to (a
/// commit), and packed-refs (where the branch lives after `git gc`). Git resolves the paths, so
/// a worktree, whose `.git` is a file, works too. Only paths that exist are given: cargo reruns
/// on every build for a missing one.
fn watch_git(dir: &Path) {
    let mut watched = vec![dir.join(".git").join("HEAD")];
    let mut git_path = |name: &str| {
        if let Some(p) = git(dir, &["rev-parse", "--git-path", name]) {
            watched.push(dir.join(p));
        }
    };
    git_path("HEAD");
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        git_path(&branch);
    }
    git_path("packed-refs");
    watched.sort();
    watched.dedup();
    for p in watched.iter().filter(|p| p.is_file()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}

/// One line of git's output, or None if git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let line = text.trim();
    (out.status.success() && !line.is_empty()).then(|| line.to_owned())
}
