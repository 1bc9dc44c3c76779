//! How old an entry is, looked at without following a link: what a session clean judges by.
//! Its change time (`ctime`, which no one can set back) and, where the filesystem keeps it,
//! its birth time; never the modification time alone, which a copy keeps from the original.

use std::time::SystemTime;

/// What an entry is, as seen without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Folder,
    File,
    Link,
    /// A FIFO, a socket, a device.
    Other,
}

/// An entry's kind and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub kind: EntryKind,
    /// When its content or its inode last changed (Unix `ctime`; Windows: the last write).
    pub changed: SystemTime,
    /// When it was made, where the filesystem says (`statx` `stx_btime`, macOS birth time,
    /// Windows creation time); `None` where it does not (tmpfs on older kernels, some network
    /// filesystems).
    pub born: Option<SystemTime>,
    /// Whether it lies on another filesystem than the folder holding it (a mount point).
    pub other_filesystem: bool,
}

#[cfg(unix)]
pub(super) fn time(secs: i64, nanos: i64) -> SystemTime {
    use std::time::{Duration, UNIX_EPOCH};
    let nanos = u32::try_from(nanos.clamp(0, 999_999_999)).unwrap_or(0);
    if secs >= 0 {
        UNIX_EPOCH + Duration::new(secs as u64, nanos)
    } else {
        UNIX_EPOCH - Duration::from_secs(secs.unsigned_abs()) + Duration::from_nanos(nanos.into())
    }
}

#[cfg(not(unix))]
pub(super) fn stamp_path(path: &std::path::Path) -> crate::error::Result<Stamp> {
    use crate::error::Error;
    let meta = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    let kind = if meta.file_type().is_symlink() || super::is_reparse_point(&meta) {
        EntryKind::Link
    } else if meta.is_dir() {
        EntryKind::Folder
    } else if meta.is_file() {
        EntryKind::File
    } else {
        EntryKind::Other
    };
    let changed = meta.modified().map_err(|e| Error::io(path, e))?;
    Ok(Stamp {
        kind,
        changed,
        born: meta.created().ok(),
        other_filesystem: false,
    })
}
