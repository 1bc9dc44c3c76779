//! The file layer on Windows. Removal and counting walk through handles ([`walk`]: folders
//! opened relative to the folder above them, never through a reparse point, checked on the
//! handle, entries removed through their own handle). Writes of gomme's own files and the
//! in-place checks still look by path with `symlink_metadata` before acting: links and
//! reparse points are refused, but a folder swapped between the look and the act is not
//! defended against there.
// This module is the one place outside the Unix layer that acts by path.
#![allow(clippy::disallowed_methods)]

mod handle;
#[cfg(test)]
mod tests;
mod walk;

use super::{Counts, Error, Result};
use std::fs;
use std::io;
use std::path::Path;

/// Counts what `path` holds through handles (see [`walk`]).
pub(super) fn measure_path(path: &Path) -> Result<Counts> {
    walk::tree(path, walk::Mode::Measure)
}

/// Removes what `path` holds through handles (see [`walk`]).
pub(super) fn remove_path(path: &Path) -> Result<Counts> {
    walk::tree(path, walk::Mode::Remove)
}

/// Checks `path` itself through handles: there, not a link, no link on the way.
pub(super) fn check_path(path: &Path) -> Result<()> {
    walk::tree(path, walk::Mode::Check).map(|_| ())
}

pub(super) fn create_folders(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

pub(super) fn remove_link_or_file(p: &Path) -> io::Result<()> {
    remove_one(p)
}

/// A new file at `path` (replacing what is there) through a temporary file renamed over it.
pub(super) fn write_new(path: &Path, content: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".gomme-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let io = |e| Error::io(path, e);
    tmp.write_all(content).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Replaces the content of `path` atomically (see [`replace_file`]).
pub(super) fn replace_path(path: &Path, content: &[u8]) -> Result<()> {
    use std::io::Write;
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.file_type().is_symlink() || is_reparse_point(&meta) || !meta.is_file() {
        return Err(Error::Link { path: path.into() });
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".gomme-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    let io = |e| Error::io(path, e);
    tmp.write_all(content).map_err(io)?;
    tmp.as_file()
        .set_permissions(meta.permissions())
        .map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Removes one file or link; a read-only file is made writable first (Windows refuses
/// otherwise). On Windows a junction or a link to a folder is removed as a folder (the link
/// itself: its target is not touched).
pub(super) fn remove_one(p: &Path) -> io::Result<()> {
    // A junction or folder link reads as a link, not a folder (`is_dir` is false): only
    // `RemoveDirectoryW` takes it away, `DeleteFileW` refuses it.
    #[cfg(windows)]
    if fs::symlink_metadata(p).is_ok_and(|m| {
        use std::os::windows::fs::FileTypeExt;
        m.file_type().is_symlink_dir()
    }) {
        return remove_dir(p);
    }
    match fs::remove_file(p) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && cfg!(windows) => {
            clear_readonly(p)?;
            fs::remove_file(p)
        }
        other => other,
    }
}

/// Removes an empty folder (or, on Windows, a folder link); a read-only one is made writable
/// first on Windows.
pub(super) fn remove_dir(p: &Path) -> io::Result<()> {
    match fs::remove_dir(p) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && cfg!(windows) => {
            clear_readonly(p)?;
            fs::remove_dir(p)
        }
        other => other,
    }
}

/// Clears the read-only attribute of `p` itself (not of a link's target); other attributes,
/// such as hidden, stay.
pub(super) fn clear_readonly(p: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(p)?;
    let mut perms = meta.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(p, perms)
}

#[cfg(windows)]
pub(super) fn is_reparse_point(meta: &fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
    meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

#[cfg(not(any(windows, unix)))]
pub(super) fn is_reparse_point(_meta: &fs::Metadata) -> bool {
    false
}
