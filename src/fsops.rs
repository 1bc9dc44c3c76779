//! Counting and removing files without ever following a link or crossing into another
//! filesystem. The dry run counts with [`measure`]; the clean removes with [`remove`], which
//! walks the same way, so both see the same files.

use crate::error::{Error, Result};
use serde::Serialize;
use std::fs;
use std::io;
use std::ops::AddAssign;
use std::path::Path;
use walkdir::WalkDir;

/// How much a piece of a plan holds: items (files, links, database rows) and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub items: u64,
    pub bytes: u64,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, other: Counts) {
        self.items += other.items;
        self.bytes += other.bytes;
    }
}

fn walker(path: &Path) -> WalkDir {
    WalkDir::new(path)
        .follow_links(false)
        .same_file_system(true)
        .contents_first(true)
}

/// Whether `path` names something (a dangling link counts).
pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Counts what [`remove`] would remove at `path`: a file, or every file and link below a
/// directory on the same filesystem. A link at `path` itself is refused.
pub fn measure(path: &Path) -> Result<Counts> {
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

/// Removes `path` (a file, or a directory tree on the same filesystem) and returns what was
/// removed. `base` is the directory the plan allowed: nothing outside it is touched, and a link
/// at `path` is refused. Links inside the tree are removed as links; their targets are not
/// touched. A directory that cannot go (a mount point below, a file that failed) stays.
pub fn remove(path: &Path, base: &Path) -> Result<Counts> {
    if !path.starts_with(base) || path == base {
        return Err(Error::Outside {
            path: path.into(),
            base: base.into(),
        });
    }
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
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
        match remove_file(p) {
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

/// Replaces the content of `path` atomically: a temporary file in the same folder, with the
/// original's permissions (and owner, when running as root), flushed, then renamed over it. An
/// interruption leaves either the old file or the new one, never half of one.
pub fn replace_file(path: &Path, content: &[u8]) -> Result<()> {
    use std::io::Write;
    let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.file_type().is_symlink() || !meta.is_file() {
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
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mine = tmp.as_file().metadata().map_err(io)?;
        if (mine.uid(), mine.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()))
                .map_err(io)?;
        }
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Removes one file or link; a read-only file is made writable first (Windows refuses
/// otherwise). On Windows a junction or a link to a folder is removed as a folder (the link
/// itself: its target is not touched).
fn remove_file(p: &Path) -> io::Result<()> {
    #[cfg(windows)]
    if fs::symlink_metadata(p).is_ok_and(|m| is_reparse_point(&m) && m.is_dir()) {
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
fn remove_dir(p: &Path) -> io::Result<()> {
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
fn clear_readonly(p: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(p)?;
    let mut perms = meta.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(p, perms)
}

fn walk_error(root: &Path, e: walkdir::Error) -> Error {
    let path = e.path().unwrap_or(root).to_path_buf();
    let source = e
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("filesystem loop"));
    Error::io(path, source)
}

#[cfg(windows)]
fn is_reparse_point(meta: &fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
    meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

#[cfg(not(windows))]
fn is_reparse_point(_meta: &fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measure_and_remove_agree_and_links_are_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("profile");
        let outside = tmp.path().join("outside");
        fs::create_dir_all(base.join("cache2/entries")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("precious"), b"keep me").unwrap();
        fs::write(base.join("cache2/entries/a"), b"12345").unwrap();
        fs::write(base.join("cache2/index"), b"123").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, base.join("cache2/escape")).unwrap();

        let planned = measure(&base.join("cache2")).unwrap();
        let removed = remove(&base.join("cache2"), &base).unwrap();
        assert_eq!(planned, removed);
        assert_eq!(removed.bytes, 8);
        assert!(!base.join("cache2").exists());
        assert_eq!(fs::read(outside.join("precious")).unwrap(), b"keep me");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_top_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("profile");
        fs::create_dir_all(&base).unwrap();
        fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), base.join("cache2")).unwrap();
        assert!(matches!(
            measure(&base.join("cache2")),
            Err(Error::Link { .. })
        ));
        assert!(matches!(
            remove(&base.join("cache2"), &base),
            Err(Error::Link { .. })
        ));
        assert!(tmp.path().join("elsewhere").is_dir());
    }

    #[test]
    fn nothing_outside_the_base() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().join("profile");
        fs::create_dir_all(&base).unwrap();
        fs::write(tmp.path().join("other"), b"x").unwrap();
        assert!(matches!(
            remove(&tmp.path().join("other"), &base),
            Err(Error::Outside { .. })
        ));
        assert!(tmp.path().join("other").exists());
    }
}
