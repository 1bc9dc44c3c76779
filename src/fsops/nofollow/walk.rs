//! Counting and removing what a path holds, through open folders: every entry looked at
//! with `fstatat` and removed with `unlinkat` relative to the folder it was listed from.

use super::*;

/// What [`tree`] does with what it finds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::fsops) enum Mode {
    /// Only what `path` is (refused, gone, a mount point or there), nothing below.
    Check,
    Measure,
    Remove,
}

/// Counts, or removes, what `path` holds (see `fsops::measure` and `fsops::remove`).
/// Removing something already gone is done, not an error: another profile of the same
/// home may have removed it first (a downloaded file both browsers recorded, a kiosk
/// Downloads folder emptied whole).
pub(in crate::fsops) fn tree(way: &mut Way, path: &Path, mode: Mode) -> Result<Counts> {
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
        Some(crate::fsops::ActingAs::new(top.owner).map_err(|e| Error::io(path, e))?)
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
        // A file with other names lives on under them: removing this one would leave the
        // content, and change a file elsewhere (its link count). Browsers make no hard links.
        if kind(st) == libc::S_IFREG && st.st_nlink > 1 {
            return self.fail(Error::Refused {
                path: path.into(),
                why: "has other names (a hard link to a file elsewhere); not removed".into(),
            });
        }
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
pub(super) struct Listing {
    stream: std::ptr::NonNull<libc::DIR>,
    pub(super) names: Vec<CString>,
}

impl Listing {
    pub(super) fn read(dir: OwnedFd) -> io::Result<Listing> {
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
