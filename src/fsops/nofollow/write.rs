//! Writing through open folders: files changed in place checked first (regular, one name,
//! the owner's), new files written to a private name and renamed, logs appended, single files
//! removed, folders listed.

use super::walk::Listing;
use super::*;

/// Whether a file gomme changes in place may be changed: a regular file, with one name (a
/// hard link would carry the change to a file elsewhere), owned by the account the way to it
/// belongs to (see `Owner`).
fn fit_in_place(st: &libc::stat, owner: Owner, path: &Path) -> Result<()> {
    match kind(st) {
        libc::S_IFREG => {}
        libc::S_IFLNK => return Err(Error::Link { path: path.into() }),
        _ => return Err(not_regular(path)),
    }
    if st.st_nlink != 1 {
        return Err(Error::Refused {
            path: path.into(),
            why: "has other names (a hard link to a file elsewhere); not changed".into(),
        });
    }
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    let expected = match owner.0 {
        Some((uid, _)) => st.st_uid == uid,
        None => st.st_uid == 0 || st.st_uid == euid,
    };
    if !expected {
        return Err(Error::Refused {
            path: path.into(),
            why: "belongs to another account than its folder; not changed".into(),
        });
    }
    Ok(())
}

/// See `Folders::check_in_place`.
pub(in crate::fsops) fn check_in_place(way: &mut Way, path: &Path) -> Result<Owner> {
    let name = way.parent(path)?;
    let top = way.top();
    let st = stat_at(top.dir.as_fd(), &name).map_err(|e| Error::io(path, e))?;
    fit_in_place(&st, top.owner, path)?;
    Ok(top.owner)
}

/// See `Folders::check_sidecar`.
pub(in crate::fsops) fn check_sidecar(way: &mut Way, path: &Path, owner: Owner) -> Result<()> {
    let name = way.parent(path)?;
    let top = way.top();
    match stat_at(top.dir.as_fd(), &name) {
        Ok(st) => fit_in_place(&st, owner, path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// See `fsops::replace_file`: the file must be fit to change in place, and keeps its
/// permissions and owner.
pub(in crate::fsops) fn replace(way: &mut Way, path: &Path, content: &[u8]) -> Result<()> {
    let name = way.parent(path)?;
    let top = way.top();
    let st = stat_at(top.dir.as_fd(), &name).map_err(|e| Error::io(path, e))?;
    fit_in_place(&st, top.owner, path)?;
    // mode_t is u16 on some systems, u32 on others.
    #[allow(clippy::unnecessary_cast)]
    let mode = st.st_mode as u32 & 0o7777;
    let owner = top.owner;
    write_in(
        top,
        &name,
        path,
        content,
        mode,
        owner,
        Some((st.st_uid, st.st_gid)),
    )
}

/// See `fsops::write_file`.
pub(in crate::fsops) fn write(
    way: &mut Way,
    path: &Path,
    content: &[u8],
    mode: u32,
    create_folders: bool,
) -> Result<()> {
    let name = way.parent_with(path, create_folders)?;
    let top = way.top();
    match stat_at(top.dir.as_fd(), &name) {
        Ok(st) if kind(&st) == libc::S_IFDIR => {
            return Err(Error::Refused {
                path: path.into(),
                why: "is a folder; not replaced".into(),
            })
        }
        _ => {}
    }
    let owner = top.owner;
    write_in(top, &name, path, content, mode, owner, None)
}

/// Writes `content` to a new private file in the folder of `top`, as `owner`, then renames it
/// to `name`: whatever was there (a file, a link, a hard link) is replaced, never written
/// through.
fn write_in(
    top: &Level,
    name: &CStr,
    path: &Path,
    content: &[u8],
    mode: u32,
    owner: Owner,
    keep_owner: Option<(u32, u32)>,
) -> Result<()> {
    let io_err = |e| Error::io(path, e);
    let _acting = crate::fsops::ActingAs::new(owner).map_err(io_err)?;
    let (tmp, mut file) = create_temp(&top.dir).map_err(io_err)?;
    let mut write = || -> io::Result<()> {
        point("replace-write", path);
        file.write_all(content)?;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
        if let Some((uid, gid)) = keep_owner {
            let mine = file.metadata()?;
            if (mine.uid(), mine.gid()) != (uid, gid) {
                std::os::unix::fs::fchown(&file, Some(uid), Some(gid))?;
            }
        }
        file.sync_all()?;
        point("replace-rename", path);
        let d = top.dir.as_raw_fd();
        // SAFETY: both names are valid C strings relative to the same open folder.
        cvt(unsafe { libc::renameat(d, tmp.as_ptr(), d, name.as_ptr()) })?;
        Ok(())
    };
    if let Err(e) = write() {
        // SAFETY: the name is a valid C string relative to the open folder.
        unsafe { libc::unlinkat(top.dir.as_raw_fd(), tmp.as_ptr(), 0) };
        return Err(io_err(e));
    }
    // The rename lasts through a power cut once the folder is flushed too.
    if let Ok(dir) = open_dir(top.dir.as_raw_fd(), c".", libc::O_RDONLY) {
        let _ = fs::File::from(dir).sync_all();
    }
    Ok(())
}

/// See `fsops::remove_file`.
pub(in crate::fsops) fn remove_file(way: &mut Way, path: &Path) -> Result<bool> {
    let name = way.parent(path)?;
    let top = way.top();
    match stat_at(top.dir.as_fd(), &name) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(Error::io(path, e)),
        Ok(st) if kind(&st) == libc::S_IFDIR => {
            return Err(Error::Refused {
                path: path.into(),
                why: "is a folder; not removed".into(),
            })
        }
        Ok(_) => {}
    }
    let _acting = crate::fsops::ActingAs::new(top.owner).map_err(|e| Error::io(path, e))?;
    point("unlink", path);
    // SAFETY: the name is a valid C string and the folder is open.
    match cvt(unsafe { libc::unlinkat(top.dir.as_raw_fd(), name.as_ptr(), 0) }) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// See `fsops::append_file`.
pub(in crate::fsops) fn append(way: &mut Way, path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let name = way.parent(path)?;
    let top = way.top();
    let owner = top.owner;
    let io_err = |e| Error::io(path, e);
    let _acting = crate::fsops::ActingAs::new(owner).map_err(io_err)?;
    let flags = libc::O_WRONLY
        | libc::O_APPEND
        | libc::O_CREAT
        | libc::O_NOFOLLOW
        | libc::O_NONBLOCK
        | libc::O_CLOEXEC;
    point("append", path);
    // SAFETY: the name is a valid C string; the descriptor is owned from here on.
    let fd = unsafe { libc::openat(top.dir.as_raw_fd(), name.as_ptr(), flags, mode) };
    if fd < 0 {
        let e = io::Error::last_os_error();
        return Err(refusal(top.dir.as_fd(), &name, path, e));
    }
    // SAFETY: `fd` was just opened and nothing else owns it.
    let mut file = unsafe { fs::File::from_raw_fd(fd) };
    let st = stat_fd(file.as_fd()).map_err(io_err)?;
    fit_in_place(&st, owner, path)?;
    file.write_all(bytes).map_err(io_err)?;
    file.sync_data().map_err(io_err)
}

/// See `Folders::list`.
pub(in crate::fsops) fn list(way: &mut Way, path: &Path) -> Result<Vec<OsString>> {
    let name = way.parent(path)?;
    let top = way.top();
    let dir = match open_dir(top.dir.as_raw_fd(), &name, libc::O_RDONLY) {
        Ok(dir) => dir,
        Err(e) => return Err(refusal(top.dir.as_fd(), &name, path, e)),
    };
    // Below the home, the listed folder itself must not be a mount point either.
    if way
        .anchor
        .as_ref()
        .is_some_and(|a| path.starts_with(a) && path != a.as_path())
    {
        let (dev, mnt) = place(dir.as_fd()).map_err(|e| Error::io(path, e))?;
        if !way.top().same_place(dev, mnt) {
            return Err(mount_point(path.into()));
        }
    }
    let listing = Listing::read(dir).map_err(|e| Error::io(path, e))?;
    Ok(listing
        .names
        .iter()
        .map(|n| OsStr::from_bytes(n.to_bytes()).to_os_string())
        .collect())
}

/// A new, empty, private file in `dir` with a name nothing else uses.
fn create_temp(dir: &OwnedFd) -> io::Result<(CString, fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    loop {
        let seq = SEQ.fetch_add(1, Ordering::Relaxed);
        let name = format!(".gomme-{}-{nanos:x}-{seq}", std::process::id());
        let name = CString::new(name).expect("no NUL in a generated name");
        // SAFETY: the name is a valid C string; the descriptor is owned from here on.
        let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags, 0o600) };
        if fd >= 0 {
            // SAFETY: `fd` was just opened and nothing else owns it.
            return Ok((name, unsafe { fs::File::from_raw_fd(fd) }));
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::AlreadyExists || seq > 1000 {
            return Err(e);
        }
    }
}
