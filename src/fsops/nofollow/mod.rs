//! The Unix side of the file layer: every path opened one folder at a time from `/`, never
//! through a link, and everything below acted on relative to open folders.

use super::{not_regular, point, Counts, Error, Owner, Result, MAX_DEPTH};
use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// How a folder gomme only goes through is opened: `O_PATH` needs no read permission.
#[cfg(any(target_os = "linux", target_os = "android"))]
const THROUGH: libc::c_int = libc::O_PATH;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
const THROUGH: libc::c_int = libc::O_RDONLY;

fn cvt(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

fn cstring(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a name holds a NUL byte"))
}

fn kind(st: &libc::stat) -> libc::mode_t {
    st.st_mode & libc::S_IFMT
}

/// Opens the folder `name` of `dir` (a descriptor, or `AT_FDCWD`), never through a link.
fn open_dir(dir: RawFd, name: &CStr, how: libc::c_int) -> io::Result<OwnedFd> {
    let flags = how | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: `name` is a valid C string; the descriptor returned is owned from here on.
    let fd = cvt(unsafe { libc::openat(dir, name.as_ptr(), flags) })?;
    // SAFETY: `fd` was just opened and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Makes the folder `name` in the folder `parent`, as the owner of the way to it.
fn make_dir(parent: &Level, name: &CStr) -> io::Result<()> {
    let _acting = super::ActingAs::new(parent.owner)?;
    point("mkdir", Path::new(OsStr::from_bytes(name.to_bytes())));
    // SAFETY: `name` is a valid C string and `parent.dir` an open folder.
    match cvt(unsafe { libc::mkdirat(parent.dir.as_raw_fd(), name.as_ptr(), 0o755) }) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn stat_at(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<libc::stat> {
    // SAFETY: a zeroed stat is a valid buffer; `name` is a valid C string.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    cvt(unsafe {
        libc::fstatat(
            dir.as_raw_fd(),
            name.as_ptr(),
            &mut st,
            libc::AT_SYMLINK_NOFOLLOW,
        )
    })?;
    Ok(st)
}

fn stat_fd(fd: BorrowedFd<'_>) -> io::Result<libc::stat> {
    // SAFETY: a zeroed stat is a valid buffer for fstat.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    cvt(unsafe { libc::fstat(fd.as_raw_fd(), &mut st) })?;
    Ok(st)
}

/// The folder holding a path, opened without links, and the path's last component.
struct Parent {
    dir: OwnedFd,
    name: CString,
}

/// Opens, one component at a time from `/`, the folder that holds `path`, never through a
/// link: a component that is a link, even one swapped in a moment ago, is refused.
fn open_parent(path: &Path) -> Result<Parent> {
    let mut way = Way::default();
    let name = way.parent(path)?;
    let top = way.levels.pop().expect("a way holds at least /");
    Ok(Parent { dir: top.dir, name })
}

/// One folder on a [`Way`].
struct Level {
    name: OsString,
    dir: OwnedFd,
    /// The owner of the deepest folder so far that root does not own (see `Owner`).
    owner: Owner,
    dev: libc::dev_t,
    /// Its mount, looked up when first needed.
    mount: Option<Option<u64>>,
}

impl Level {
    /// Whether a folder on filesystem `dev` and mount `mnt` is on this folder's own (a mount
    /// id not known on either side compares equal).
    fn same_place(&self, dev: libc::dev_t, mnt: Option<u64>) -> bool {
        let own = self.mount.flatten();
        dev == self.dev && (own.is_none() || mnt.is_none() || own == mnt)
    }
}

/// The refusal of a folder below the home that is a mount point.
fn mount_point(path: PathBuf) -> Error {
    Error::Refused {
        path,
        why: "is a mount point (another filesystem, or a folder mounted there); not entered".into(),
    }
}

/// The folders from `/` to the one holding the last path looked at, each opened without
/// following a link. The next path reuses the part of the way it shares with the last one
/// (a profile's files share all but the last few folders), so a profile's thousands of
/// files cost one open per folder, not one per folder per file. An open folder keeps
/// naming the folder that was checked, whatever is renamed or swapped on its path later.
#[derive(Default)]
pub struct Way {
    levels: Vec<Level>,
    /// The folder (a home) below which every folder must be on its filesystem and mount: a
    /// folder below it that is a mount point (another filesystem, or a folder bind-mounted
    /// there) is refused, not entered.
    anchor: Option<PathBuf>,
}

impl Way {
    /// A way whose folders below `anchor` must all be on the anchor's filesystem and mount.
    pub(super) fn anchored(anchor: &Path) -> Way {
        Way {
            levels: Vec::new(),
            anchor: Some(anchor.to_path_buf()),
        }
    }

    /// Opens (or keeps) the folders leading to `path`, refusing any link, and returns the
    /// last component; the folder holding it is then the top of the way.
    fn parent(&mut self, path: &Path) -> Result<CString> {
        self.parent_with(path, false)
    }

    /// [`Way::parent`]; with `create`, a missing folder is made (mode 0755), as the owner of
    /// the folder above it (see `Owner`): never as root in someone's home.
    fn parent_with(&mut self, path: &Path, create: bool) -> Result<CString> {
        let bad = || {
            Error::io(
                path,
                io::Error::new(io::ErrorKind::InvalidInput, "not a plain absolute path"),
            )
        };
        let mut components = path.components();
        if components.next() != Some(Component::RootDir) {
            return Err(bad());
        }
        let mut names = Vec::new();
        for c in components {
            match c {
                Component::Normal(name) => names.push(name),
                _ => return Err(bad()),
            }
        }
        let Some((last, folders)) = names.split_last() else {
            return Err(bad());
        };
        if self.levels.is_empty() {
            let dir = open_dir(libc::AT_FDCWD, c"/", THROUGH).map_err(|e| Error::io("/", e))?;
            let st = stat_fd(dir.as_fd()).map_err(|e| Error::io("/", e))?;
            self.levels.push(Level {
                name: OsString::new(),
                dir,
                owner: Owner(None),
                dev: st.st_dev,
                mount: None,
            });
        }
        let shared = folders
            .iter()
            .zip(&self.levels[1..])
            .take_while(|(name, level)| **name == level.name)
            .count();
        self.levels.truncate(1 + shared);
        let mut so_far: PathBuf = std::iter::once(OsStr::new("/"))
            .chain(folders[..shared].iter().copied())
            .collect();
        // The anchor's level, when `path` lies below it.
        let anchor_level = self
            .anchor
            .as_ref()
            .filter(|a| path.starts_with(a))
            .map(|a| a.components().count() - 1);
        for name in &folders[shared..] {
            so_far.push(name);
            let c = cstring(name).map_err(|e| Error::io(&so_far, e))?;
            let top = self.levels.last().expect("/ is always there");
            let dir = match open_dir(top.dir.as_raw_fd(), &c, THROUGH) {
                Ok(next) => next,
                Err(e) if create && e.kind() == io::ErrorKind::NotFound => {
                    make_dir(top, &c).map_err(|e| Error::io(&so_far, e))?;
                    open_dir(top.dir.as_raw_fd(), &c, THROUGH)
                        .map_err(|e| refusal(top.dir.as_fd(), &c, &so_far, e))?
                }
                Err(e) => return Err(refusal(top.dir.as_fd(), &c, &so_far, e)),
            };
            let st = stat_fd(dir.as_fd()).map_err(|e| Error::io(&so_far, e))?;
            let owner = if st.st_uid != 0 {
                Owner(Some((st.st_uid, st.st_gid)))
            } else {
                top.owner
            };
            let index = self.levels.len();
            let mut mount = None;
            if let Some(anchor) = anchor_level.filter(|a| index >= *a) {
                let (dev, mnt) = place(dir.as_fd()).map_err(|e| Error::io(&so_far, e))?;
                mount = Some(mnt);
                if index > anchor && !self.levels[anchor].same_place(dev, mnt) {
                    return Err(mount_point(so_far));
                }
            }
            self.levels.push(Level {
                name: name.to_os_string(),
                dir,
                owner,
                dev: st.st_dev,
                mount,
            });
        }
        cstring(last).map_err(|e| Error::io(path, e))
    }

    fn top(&mut self) -> &mut Level {
        self.levels.last_mut().expect("a way holds at least /")
    }
}

/// The error for something that could not be opened: a link is refused as such.
fn refusal(dir: BorrowedFd<'_>, name: &CStr, path: &Path, e: io::Error) -> Error {
    if stat_at(dir, name).is_ok_and(|st| kind(&st) == libc::S_IFLNK) {
        Error::Link { path: path.into() }
    } else {
        Error::io(path, e)
    }
}

pub(super) fn is_plain_dir(path: &Path) -> bool {
    open_parent(path)
        .is_ok_and(|p| stat_at(p.dir.as_fd(), &p.name).is_ok_and(|st| kind(&st) == libc::S_IFDIR))
}

pub(super) fn open_regular(way: &mut Way, path: &Path) -> Result<fs::File> {
    let name = way.parent(path)?;
    let dir = way.top().dir.as_fd();
    let flags = libc::O_RDONLY | libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC;
    // SAFETY: the name is a valid C string; the descriptor is owned from here on.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) };
    if fd < 0 {
        let e = io::Error::last_os_error();
        return Err(refusal(dir, &name, path, e));
    }
    // SAFETY: `fd` was just opened and nothing else owns it.
    let file = unsafe { fs::File::from_raw_fd(fd) };
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(not_regular(path));
    }
    Ok(file)
}

/// The filesystem and the mount an open folder belongs to (one `statx`). A folder
/// bind-mounted from the same filesystem has the same device, not the same mount.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn place(dir: BorrowedFd<'_>) -> io::Result<(libc::dev_t, Option<u64>)> {
    const STX_MNT_ID: libc::c_uint = 0x1000;
    let flags = libc::AT_EMPTY_PATH | libc::AT_NO_AUTOMOUNT;
    // SAFETY: a zeroed statx is a valid buffer; the path is a valid (empty) C string.
    let mut stx: libc::statx = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statx(dir.as_raw_fd(), c"".as_ptr(), flags, STX_MNT_ID, &mut stx) };
    if rc != 0 {
        // No statx (an old kernel, a sandbox): the device alone.
        return Ok((stat_fd(dir)?.st_dev, None));
    }
    let dev = libc::makedev(stx.stx_dev_major, stx.stx_dev_minor);
    Ok((
        dev,
        (stx.stx_mask & STX_MNT_ID != 0).then_some(stx.stx_mnt_id),
    ))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn place(dir: BorrowedFd<'_>) -> io::Result<(libc::dev_t, Option<u64>)> {
    Ok((stat_fd(dir)?.st_dev, None))
}

mod stamp;
mod walk;
mod write;
pub(super) use stamp::stamp;
pub(super) use walk::{tree, Mode};
pub(super) use write::{append, check_in_place, check_sidecar, list, remove_file, replace, write};
