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
    let written = meta.modified().map_err(|e| Error::io(path, e))?;
    // The change time moves with any change to the file, its name or attributes included,
    // and cannot be set back as the last-write time can; the later of the two, to be safe.
    let changed = change_time(path).map_or(written, |c| c.max(written));
    Ok(Stamp {
        kind,
        changed,
        born: meta.created().ok(),
        other_filesystem: false,
    })
}

/// A file's change time (`FILE_BASIC_INFO.ChangeTime`), read through a handle opened for its
/// attributes only, on the entry itself (a link or junction is not followed).
#[cfg(windows)]
fn change_time(path: &std::path::Path) -> Option<SystemTime> {
    use std::os::windows::fs::OpenOptionsExt;
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{
        FileBasicInfo, GetFileInformationByHandleEx, FILE_BASIC_INFO, FILE_FLAG_BACKUP_SEMANTICS,
        FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES,
    };
    // Opened to read attributes, never to write: not a write by path.
    #[allow(clippy::disallowed_methods)]
    let file = std::fs::OpenOptions::new()
        .access_mode(FILE_READ_ATTRIBUTES)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
        .ok()?;
    // SAFETY: a zeroed FILE_BASIC_INFO is valid; the buffer and its size describe it, and
    // the handle is open for the call.
    let mut info: FILE_BASIC_INFO = unsafe { std::mem::zeroed() };
    let ok = unsafe {
        GetFileInformationByHandleEx(
            file.as_raw_handle(),
            FileBasicInfo,
            (&mut info as *mut FILE_BASIC_INFO).cast(),
            std::mem::size_of::<FILE_BASIC_INFO>() as u32,
        )
    };
    if ok == 0 {
        return None;
    }
    // 100-nanosecond intervals since 1601-01-01.
    const UNIX_EPOCH_AS_FILETIME: u64 = 116_444_736_000_000_000;
    let since_unix = u64::try_from(info.ChangeTime)
        .ok()?
        .checked_sub(UNIX_EPOCH_AS_FILETIME)?;
    Some(std::time::UNIX_EPOCH + std::time::Duration::from_nanos(since_unix.saturating_mul(100)))
}

#[cfg(all(not(unix), not(windows)))]
fn change_time(_path: &std::path::Path) -> Option<SystemTime> {
    None
}
