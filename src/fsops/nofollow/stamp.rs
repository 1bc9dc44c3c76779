//! An entry's kind and times, looked at relative to the open folder holding it.

use super::*;
use crate::fsops::stamp::{time, EntryKind, Stamp};

/// See `Folders::stamp`.
pub(in crate::fsops) fn stamp(way: &mut Way, path: &Path) -> Result<Stamp> {
    let name = way.parent(path)?;
    let top = way.top();
    let dir = top.dir.as_fd();
    let st = stat_at(dir, &name).map_err(|e| Error::io(path, e))?;
    let kind = match kind(&st) {
        libc::S_IFDIR => EntryKind::Folder,
        libc::S_IFREG => EntryKind::File,
        libc::S_IFLNK => EntryKind::Link,
        _ => EntryKind::Other,
    };
    Ok(Stamp {
        kind,
        changed: time(st.st_ctime, st.st_ctime_nsec),
        born: born(dir, &name, &st).filter(|_| !pretend_no_birth_time()),
        other_filesystem: st.st_dev != top.dev,
    })
}

/// The birth time, if the filesystem keeps one (and it is the same entry `st` describes).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn born(dir: BorrowedFd<'_>, name: &CStr, st: &libc::stat) -> Option<std::time::SystemTime> {
    const STX_BTIME: libc::c_uint = 0x800;
    const STX_INO: libc::c_uint = 0x100;
    let flags = libc::AT_SYMLINK_NOFOLLOW | libc::AT_NO_AUTOMOUNT;
    // SAFETY: a zeroed statx is a valid buffer; `name` is a valid C string.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    let rc = unsafe {
        libc::statx(
            dir.as_raw_fd(),
            name.as_ptr(),
            flags,
            STX_BTIME | STX_INO,
            &mut stx,
        )
    };
    // An entry swapped between the two looks is not given the other one's birth.
    if rc != 0 || stx.stx_mask & STX_BTIME == 0 || stx.stx_ino != st.st_ino {
        return None;
    }
    let t = stx.stx_btime;
    // Some filesystems report a birth time of 0 when they have none.
    (t.tv_sec != 0 || t.tv_nsec != 0).then(|| time(t.tv_sec, i64::from(t.tv_nsec)))
}

#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
fn born(_dir: BorrowedFd<'_>, _name: &CStr, st: &libc::stat) -> Option<std::time::SystemTime> {
    (st.st_birthtime != 0).then(|| time(st.st_birthtime, st.st_birthtime_nsec))
}

#[cfg(not(any(
    all(target_os = "linux", target_env = "gnu"),
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
)))]
fn born(_dir: BorrowedFd<'_>, _name: &CStr, _st: &libc::stat) -> Option<std::time::SystemTime> {
    None
}

/// Debug builds only: `GOMME_TEST_NO_BIRTH_TIME` set makes every filesystem one that keeps no
/// birth time (tmpfs on older kernels), for the tests of the change time alone.
fn pretend_no_birth_time() -> bool {
    cfg!(debug_assertions) && std::env::var_os("GOMME_TEST_NO_BIRTH_TIME").is_some()
}
