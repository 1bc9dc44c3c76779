//! The handle walker on its own: read-only and hidden files and folders, paths longer than
//! 260 characters, files other programs hold open, links and junctions (those only on a
//! real Windows: Wine 8 can make neither).

// Tests build their trees by path.
#![allow(clippy::disallowed_methods)]

use super::walk::{tree, Mode};
use crate::error::Error;
use crate::fsops::Counts;
use std::fs::{self, File, OpenOptions};
use std::os::windows::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use windows_sys::Win32::Storage::FileSystem::{
    SetFileAttributesW, FILE_ATTRIBUTE_HIDDEN, FILE_ATTRIBUTE_READONLY,
    FILE_ATTRIBUTE_REPARSE_POINT, FILE_ATTRIBUTE_SYSTEM,
};

fn add_attributes(path: &Path, attributes: u32) {
    use std::os::windows::ffi::OsStrExt;
    let now = fs::symlink_metadata(path).unwrap().file_attributes();
    let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
    // SAFETY: a NUL-terminated path.
    assert_ne!(
        unsafe { SetFileAttributesW(wide.as_ptr(), now | attributes) },
        0
    );
    // Wine keeps read-only for files only (as the Unix mode), not for folders.
    if cfg!(not(wine)) || !path.is_dir() {
        assert_eq!(
            fs::symlink_metadata(path).unwrap().file_attributes() & attributes,
            attributes
        );
    }
}

/// A temporary folder, canonical (the walker takes plain absolute paths).
fn scratch() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let base = dunce::canonicalize(tmp.path()).unwrap();
    (tmp, base)
}

fn measure_then_remove(path: &Path) -> Counts {
    let planned = tree(path, Mode::Measure).unwrap();
    let removed = tree(path, Mode::Remove).unwrap();
    assert_eq!(removed, planned);
    assert!(
        fs::symlink_metadata(path).is_err(),
        "{} stays",
        path.display()
    );
    removed
}

#[test]
fn read_only_hidden_and_system_files_and_folders_are_counted_and_removed() {
    let (_tmp, base) = scratch();
    let top = base.join("cache2");
    let inner = top.join("entries/doomed");
    fs::create_dir_all(&inner).unwrap();
    for (name, attributes) in [
        ("ro", FILE_ATTRIBUTE_READONLY),
        ("hidden", FILE_ATTRIBUTE_HIDDEN),
        (
            "all",
            FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN | FILE_ATTRIBUTE_SYSTEM,
        ),
    ] {
        fs::write(inner.join(name), b"12345").unwrap();
        add_attributes(&inner.join(name), attributes);
    }
    fs::write(top.join("plain"), b"1").unwrap();
    add_attributes(&inner, FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_HIDDEN);
    add_attributes(&top.join("entries"), FILE_ATTRIBUTE_READONLY);
    assert!(
        fs::remove_file(inner.join("ro")).is_err(),
        "read-only not enforced"
    );

    let removed = measure_then_remove(&top);
    assert_eq!(
        removed,
        Counts {
            items: 4,
            bytes: 16
        }
    );
    assert!(base.exists(), "the folder above stays");
}

#[test]
fn a_single_read_only_file_is_removed() {
    let (_tmp, base) = scratch();
    let file = base.join("Cookies");
    fs::write(&file, b"abc").unwrap();
    add_attributes(&file, FILE_ATTRIBUTE_READONLY);
    assert_eq!(measure_then_remove(&file), Counts { items: 1, bytes: 3 });
}

#[test]
fn paths_longer_than_260_characters_are_walked_and_removed() {
    let (_tmp, base) = scratch();
    let top = base.join("Cache");
    let mut deep = top.clone();
    while deep.as_os_str().len() < 600 {
        deep.push("a-rather-long-folder-name-for-a-cache-entry");
    }
    fs::create_dir_all(&deep).unwrap();
    let file = deep.join("0123456789ABCDEF0123456789ABCDEF01234567");
    fs::write(&file, b"long").unwrap();
    assert!(file.as_os_str().len() > 600);
    assert_eq!(measure_then_remove(&top), Counts { items: 1, bytes: 4 });
    // The long path itself, given to the walker.
    fs::create_dir_all(&deep).unwrap();
    fs::write(&file, b"long").unwrap();
    assert_eq!(measure_then_remove(&file), Counts { items: 1, bytes: 4 });
    assert!(deep.is_dir());
}

#[test]
fn a_file_held_open_with_delete_sharing_is_removed() {
    let (_tmp, base) = scratch();
    let top = base.join("Sessions");
    fs::create_dir_all(&top).unwrap();
    fs::write(top.join("Session_1"), b"one").unwrap();
    fs::write(top.join("Tabs_1"), b"tabs").unwrap();
    // As SQLite and browsers open their files: read, write and delete shared.
    let held = OpenOptions::new()
        .read(true)
        .write(true)
        .share_mode(0x7)
        .open(top.join("Tabs_1"))
        .unwrap();
    let removed = tree(&top, Mode::Remove).unwrap();
    assert_eq!(removed, Counts { items: 2, bytes: 7 });
    // POSIX semantics take the name away at once (Windows 10 1709+ on NTFS); elsewhere it
    // goes when the other handle closes, and the folder with the next run.
    let pending = fs::symlink_metadata(&top).is_ok();
    drop(held);
    if pending {
        tree(&top, Mode::Remove).unwrap();
    }
    assert!(fs::symlink_metadata(&top).is_err());
    #[cfg(not(wine))]
    assert!(!pending, "POSIX delete semantics expected on NTFS");
}

#[test]
fn a_file_held_open_without_sharing_is_an_error_and_the_rest_is_removed() {
    let (_tmp, base) = scratch();
    let top = base.join("Network");
    fs::create_dir_all(&top).unwrap();
    fs::write(top.join("Cookies"), b"held").unwrap();
    fs::write(top.join("TransportSecurity"), b"free").unwrap();
    let held: File = OpenOptions::new()
        .read(true)
        .share_mode(0)
        .open(top.join("Cookies"))
        .unwrap();
    let err = tree(&top, Mode::Remove).unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("Cookies")),
        "{err:?}"
    );
    assert!(!top.join("TransportSecurity").exists());
    drop(held);
    assert_eq!(fs::read(top.join("Cookies")).unwrap(), b"held");
}

#[test]
fn gone_is_done_for_a_removal_and_an_error_for_a_count() {
    let (_tmp, base) = scratch();
    let missing = base.join("nothing/here");
    assert_eq!(tree(&missing, Mode::Remove).unwrap(), Counts::default());
    assert!(tree(&missing, Mode::Measure).is_err());
    assert!(tree(&missing, Mode::Check).is_err());
}

#[test]
fn paths_with_dot_dot_or_relative_are_refused() {
    let (_tmp, base) = scratch();
    fs::create_dir_all(base.join("a")).unwrap();
    for path in [
        base.join("a/../a"),
        PathBuf::from("a"),
        PathBuf::from(r"\a"),
    ] {
        assert!(
            matches!(tree(&path, Mode::Remove), Err(Error::Refused { .. })),
            "{}",
            path.display()
        );
    }
}

fn junction(link: &Path, target: &Path) {
    let out = std::process::Command::new("cmd")
        .arg("/c")
        .arg("mklink")
        .arg("/J")
        .arg(link)
        .arg(target)
        .output()
        .unwrap();
    assert!(
        out.status.success()
            && fs::symlink_metadata(link).unwrap().file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT
                != 0,
        "mklink /J: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Another person's folder, which must come out as it went in.
fn victim(base: &Path) -> PathBuf {
    let outside = base.join("Documents");
    fs::create_dir_all(outside.join("sub")).unwrap();
    fs::write(outside.join("precious.txt"), b"keep me").unwrap();
    fs::write(outside.join("sub/also.txt"), b"and me").unwrap();
    outside
}

fn assert_intact(outside: &Path) {
    assert_eq!(fs::read(outside.join("precious.txt")).unwrap(), b"keep me");
    assert_eq!(fs::read(outside.join("sub/also.txt")).unwrap(), b"and me");
}

#[test]
#[cfg_attr(wine, ignore = "Wine 8 cannot create junctions")]
fn a_junction_inside_is_removed_as_itself_never_entered() {
    let (_tmp, base) = scratch();
    let outside = victim(&base);
    let top = base.join("cache2");
    fs::create_dir_all(top.join("entries")).unwrap();
    fs::write(top.join("entries/x"), b"xx").unwrap();
    junction(&top.join("entries/escape"), &outside);
    let removed = measure_then_remove(&top);
    assert_eq!(
        removed,
        Counts { items: 2, bytes: 2 },
        "the junction and one file"
    );
    assert_intact(&outside);
}

#[test]
#[cfg_attr(wine, ignore = "Wine 8 cannot create junctions")]
fn a_junction_at_the_top_or_on_the_way_is_refused() {
    let (_tmp, base) = scratch();
    let outside = victim(&base);
    let profile = base.join("profile");
    fs::create_dir_all(&profile).unwrap();
    junction(&profile.join("cache2"), &outside);
    for mode in [Mode::Check, Mode::Measure, Mode::Remove] {
        let top = profile.join("cache2");
        assert!(matches!(tree(&top, mode), Err(Error::Link { .. })));
        let below = profile.join("cache2/sub");
        assert!(matches!(tree(&below, mode), Err(Error::Link { .. })));
    }
    assert!(profile.join("cache2").exists(), "the junction itself stays");
    assert_intact(&outside);
}

#[test]
#[cfg_attr(wine, ignore = "Wine 8 cannot create symbolic links")]
fn symbolic_links_inside_are_removed_as_themselves() {
    let (_tmp, base) = scratch();
    let outside = victim(&base);
    let top = base.join("Service Worker");
    fs::create_dir_all(&top).unwrap();
    // Symbolic links need the privilege or developer mode; CI runners have it.
    std::os::windows::fs::symlink_file(outside.join("precious.txt"), top.join("file-link"))
        .expect("symlink_file (developer mode or administrator)");
    std::os::windows::fs::symlink_dir(&outside, top.join("dir-link")).unwrap();
    let removed = measure_then_remove(&top);
    assert_eq!(removed, Counts { items: 2, bytes: 0 });
    assert_intact(&outside);
}
