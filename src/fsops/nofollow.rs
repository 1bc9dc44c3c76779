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
                if index > anchor {
                    let home = &self.levels[anchor];
                    let home_mount = home.mount.flatten();
                    if dev != home.dev
                        || (home_mount.is_some() && mnt.is_some() && home_mount != mnt)
                    {
                        return Err(Error::Refused {
                            path: so_far,
                            why: "is a mount point (another filesystem, or a folder mounted \
                                  there); not entered"
                                .into(),
                        });
                    }
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

pub(super) fn check_regular(way: &mut Way, path: &Path) -> Result<Owner> {
    let name = way.parent(path)?;
    let top = way.top();
    let st = stat_at(top.dir.as_fd(), &name).map_err(|e| Error::io(path, e))?;
    match kind(&st) {
        libc::S_IFREG => Ok(top.owner),
        libc::S_IFLNK => Err(Error::Link { path: path.into() }),
        _ => Err(not_regular(path)),
    }
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

/// What [`tree`] does with what it finds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Only what `path` is (refused, gone, a mount point or there), nothing below.
    Check,
    Measure,
    Remove,
}

/// Counts, or removes, what `path` holds (see `fsops::measure` and `fsops::remove`).
/// Removing something already gone is done, not an error: another profile of the same
/// home may have removed it first (a downloaded file both browsers recorded, a kiosk
/// Downloads folder emptied whole).
pub(super) fn tree(way: &mut Way, path: &Path, mode: Mode) -> Result<Counts> {
    let remove = mode == Mode::Remove;
    let gone = |e: &io::Error| remove && e.kind() == io::ErrorKind::NotFound;
    let name = match way.parent(path) {
        Err(Error::Io { source, .. }) if gone(&source) => return Ok(Counts::default()),
        other => other?,
    };
    let top = way.top();
    // Removed as the account whose folders these are: what they could not remove themselves
    // stays.
    let _acting = if remove {
        Some(super::ActingAs::new(top.owner).map_err(|e| Error::io(path, e))?)
    } else {
        None
    };
    let st = match stat_at(top.dir.as_fd(), &name) {
        Err(e) if gone(&e) => return Ok(Counts::default()),
        other => other.map_err(|e| Error::io(path, e))?,
    };
    if kind(&st) == libc::S_IFLNK {
        return Err(Error::Link { path: path.into() });
    }
    if st.st_dev != top.dev {
        not_crossed(path);
        return Ok(Counts::default());
    }
    if mode == Mode::Check {
        return Ok(Counts::default());
    }
    let dir = top.dir.as_fd();
    let mount = *top
        .mount
        .get_or_insert_with(|| place(dir).ok().and_then(|p| p.1));
    let mut walk = Walk {
        remove,
        dev: top.dev,
        mount,
        counts: Counts::default(),
        error: None,
    };
    walk.entry(dir, &name, path, &st, 0);
    match walk.error {
        Some(e) => Err(e),
        None => Ok(walk.counts),
    }
}

struct Walk {
    remove: bool,
    /// The filesystem and the mount of the folder holding the top: nothing on another one
    /// is touched.
    dev: libc::dev_t,
    mount: Option<u64>,
    counts: Counts,
    error: Option<Error>,
}

fn not_crossed(path: &Path) {
    tracing::info!(
        path = %crate::sanitize::for_terminal(&path.to_string_lossy()),
        "another filesystem is mounted here; not crossed"
    );
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

impl Walk {
    fn fail(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    fn same_place(&self, dev: libc::dev_t, mount: Option<u64>) -> bool {
        dev == self.dev && (self.mount.is_none() || mount.is_none() || self.mount == mount)
    }

    /// One entry of the open folder `dir`, as `fstatat` saw it a moment ago.
    fn entry(
        &mut self,
        dir: BorrowedFd<'_>,
        name: &CStr,
        path: &Path,
        st: &libc::stat,
        depth: usize,
    ) {
        if kind(st) != libc::S_IFDIR {
            return self.leaf(dir, name, path, st);
        }
        if depth >= MAX_DEPTH {
            let e = io::Error::other("folders nested far too deep; left as they are");
            return self.fail(Error::io(path, e));
        }
        point("open-dir", path);
        let sub = match open_dir(dir.as_raw_fd(), name, libc::O_RDONLY) {
            Ok(sub) => sub,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            // Replaced since it was looked at. At the top a link is refused; below, what is
            // there now is removed as what it is (a link as a link, its target untouched).
            Err(e) => {
                return match stat_at(dir, name) {
                    Ok(now) if kind(&now) == libc::S_IFLNK && depth == 0 => {
                        self.fail(Error::Link { path: path.into() })
                    }
                    Ok(now) if kind(&now) != libc::S_IFDIR && now.st_dev == self.dev => {
                        self.leaf(dir, name, path, &now)
                    }
                    _ => self.fail(Error::io(path, e)),
                };
            }
        };
        match place(sub.as_fd()) {
            Ok((dev, mount)) if self.same_place(dev, mount) => {}
            // A mount point (a bind mount of the same filesystem included): not crossed.
            Ok(_) => return not_crossed(path),
            Err(e) => return self.fail(Error::io(path, e)),
        }
        let sub = match Listing::read(sub) {
            Ok(listing) => listing,
            Err(e) => return self.fail(Error::io(path, e)),
        };
        self.contents(&sub, path, depth + 1);
        drop(sub);
        if self.remove {
            point("rmdir", path);
            // Fails when something below had to stay (a mount point, a file that failed):
            // the failure that matters was recorded for that file.
            // SAFETY: the name is a valid C string and `dir` an open folder.
            unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), libc::AT_REMOVEDIR) };
        }
    }

    fn contents(&mut self, listing: &Listing, path: &Path, depth: usize) {
        let dir = listing.fd();
        for name in &listing.names {
            let child = path.join(OsStr::from_bytes(name.to_bytes()));
            match stat_at(dir, name) {
                // A mount point, or a file mounted over one: not crossed.
                Ok(st) if st.st_dev != self.dev => {}
                Ok(st) => self.entry(dir, name, &child, &st, depth),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => self.fail(Error::io(&child, e)),
            }
        }
    }

    /// A file, a link or anything else that is not a folder: unlinked from its folder.
    fn leaf(&mut self, dir: BorrowedFd<'_>, name: &CStr, path: &Path, st: &libc::stat) {
        let bytes = if kind(st) == libc::S_IFLNK {
            0
        } else {
            u64::try_from(st.st_size).unwrap_or(0)
        };
        if self.remove {
            point("unlink", path);
            // SAFETY: the name is a valid C string and `dir` an open folder.
            if let Err(e) = cvt(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), 0) }) {
                if e.kind() != io::ErrorKind::NotFound {
                    self.fail(Error::io(path, e));
                }
                return;
            }
        }
        self.counts += Counts { items: 1, bytes };
    }
}

/// An open folder and the names it held (`.` and `..` left out), read through the same
/// descriptor the entries are then looked at and removed through.
struct Listing {
    stream: std::ptr::NonNull<libc::DIR>,
    names: Vec<CString>,
}

impl Listing {
    fn read(dir: OwnedFd) -> io::Result<Listing> {
        // SAFETY: on success the stream owns the descriptor (closed with it in `drop`).
        let stream = unsafe { libc::fdopendir(dir.as_raw_fd()) };
        let Some(stream) = std::ptr::NonNull::new(stream) else {
            return Err(io::Error::last_os_error());
        };
        let _ = dir.into_raw_fd();
        let mut listing = Listing {
            stream,
            names: Vec::new(),
        };
        loop {
            clear_errno();
            // SAFETY: `stream` is an open directory stream used by this thread only.
            let entry = unsafe { libc::readdir(listing.stream.as_ptr()) };
            if entry.is_null() {
                let e = io::Error::last_os_error();
                return match e.raw_os_error() {
                    Some(0) | None => Ok(listing),
                    Some(_) if !CAN_CLEAR_ERRNO => Ok(listing),
                    Some(_) => Err(e),
                };
            }
            // SAFETY: d_name is a NUL-terminated name inside the entry readdir returned.
            let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) };
            if name != c"." && name != c".." {
                listing.names.push(name.to_owned());
            }
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the stream's descriptor stays open as long as the stream, which `self`
        // owns.
        unsafe { BorrowedFd::borrow_raw(libc::dirfd(self.stream.as_ptr())) }
    }
}

impl Drop for Listing {
    fn drop(&mut self) {
        // SAFETY: the stream is open and not used after this.
        unsafe { libc::closedir(self.stream.as_ptr()) };
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
const CAN_CLEAR_ERRNO: bool = true;
#[cfg(any(target_os = "linux", target_os = "android"))]
fn clear_errno() {
    // SAFETY: errno is this thread's.
    unsafe { *libc::__errno_location() = 0 };
}
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
const CAN_CLEAR_ERRNO: bool = true;
#[cfg(any(target_os = "macos", target_os = "ios", target_os = "freebsd"))]
fn clear_errno() {
    // SAFETY: errno is this thread's.
    unsafe { *libc::__error() = 0 };
}
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
)))]
const CAN_CLEAR_ERRNO: bool = false;
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd"
)))]
fn clear_errno() {}

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
pub(super) fn check_in_place(way: &mut Way, path: &Path) -> Result<Owner> {
    let name = way.parent(path)?;
    let top = way.top();
    let st = stat_at(top.dir.as_fd(), &name).map_err(|e| Error::io(path, e))?;
    fit_in_place(&st, top.owner, path)?;
    Ok(top.owner)
}

/// See `Folders::check_sidecar`.
pub(super) fn check_sidecar(way: &mut Way, path: &Path, owner: Owner) -> Result<()> {
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
pub(super) fn replace(way: &mut Way, path: &Path, content: &[u8]) -> Result<()> {
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
pub(super) fn write(
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
    let _acting = super::ActingAs::new(owner).map_err(io_err)?;
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
pub(super) fn remove_file(way: &mut Way, path: &Path) -> Result<bool> {
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
    let _acting = super::ActingAs::new(top.owner).map_err(|e| Error::io(path, e))?;
    point("unlink", path);
    // SAFETY: the name is a valid C string and the folder is open.
    match cvt(unsafe { libc::unlinkat(top.dir.as_raw_fd(), name.as_ptr(), 0) }) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// See `fsops::append_file`.
pub(super) fn append(way: &mut Way, path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let name = way.parent(path)?;
    let top = way.top();
    let owner = top.owner;
    let io_err = |e| Error::io(path, e);
    let _acting = super::ActingAs::new(owner).map_err(io_err)?;
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
pub(super) fn list(way: &mut Way, path: &Path) -> Result<Vec<OsString>> {
    let name = way.parent(path)?;
    let top = way.top();
    let dir = match open_dir(top.dir.as_raw_fd(), &name, libc::O_RDONLY) {
        Ok(dir) => dir,
        Err(e) => return Err(refusal(top.dir.as_fd(), &name, path, e)),
    };
    if let Some(anchor) = way
        .anchor
        .as_ref()
        .filter(|a| path.starts_with(a) && path != a.as_path())
    {
        let _ = anchor;
        let (dev, mnt) = place(dir.as_fd()).map_err(|e| Error::io(path, e))?;
        let top = way.top();
        let top_mount = top.mount.flatten();
        if dev != top.dev || (top_mount.is_some() && mnt.is_some() && top_mount != mnt) {
            return Err(Error::Refused {
                path: path.into(),
                why: "is a mount point (another filesystem, or a folder mounted there); not \
                      entered"
                    .into(),
            });
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
