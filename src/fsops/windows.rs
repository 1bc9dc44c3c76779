//! The file layer where there is no descriptor-based walk (Windows, for now): paths are
//! looked at with `symlink_metadata` before anything is done, links and reparse points
//! (junctions) are refused at the top and removed as links below, but between the look and the
//! act a swapped folder is not defended against. The handle-based walker is to replace this.
// This module is the one place outside the Unix layer that acts by path.
#![allow(clippy::disallowed_methods)]

use super::{Counts, Error, Result};
use std::fs;
use std::io;
use std::path::Path;
use walkdir::WalkDir;

fn walker(path: &Path) -> WalkDir {
    WalkDir::new(path)
        .follow_links(false)
        .follow_root_links(false)
        .same_file_system(true)
        .contents_first(true)
}

pub(super) fn measure_path(path: &Path) -> Result<Counts> {
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.file_type().is_symlink() || is_reparse_point(&meta) {
        return Err(Error::Link { path: path.into() });
    }
    let mut counts = Counts::default();
    for entry in walker(path) {
        let entry = entry.map_err(|e| walk_error(path, e))?;
        if !entry.file_type().is_dir() {
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            counts += Counts {
                items: 1,
                bytes: if entry.path_is_symlink() { 0 } else { len },
            };
        }
    }
    Ok(counts)
}

pub(super) fn remove_path(path: &Path) -> Result<Counts> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        // Already gone (another profile's record named the same file): nothing left to do,
        // as on Unix.
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Counts::default()),
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.file_type().is_symlink() || is_reparse_point(&meta) {
        return Err(Error::Link { path: path.into() });
    }
    let mut removed = Counts::default();
    let mut first_error = None;
    for entry in walker(path) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                first_error.get_or_insert(walk_error(path, e));
                continue;
            }
        };
        let p = entry.path();
        if entry.file_type().is_dir() {
            // Fails when something below had to stay (a mount point, a failed file): the
            // failure that matters was already recorded for that file.
            let _ = remove_dir(p);
            continue;
        }
        let len = if entry.path_is_symlink() {
            0
        } else {
            entry.metadata().map(|m| m.len()).unwrap_or(0)
        };
        match remove_one(p) {
            Ok(()) => {
                removed += Counts {
                    items: 1,
                    bytes: len,
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                first_error.get_or_insert(Error::io(p, e));
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(removed),
    }
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

pub(super) fn walk_error(root: &Path, e: walkdir::Error) -> Error {
    let path = e.path().unwrap_or(root).to_path_buf();
    let source = e
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("filesystem loop"));
    Error::io(path, source)
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
