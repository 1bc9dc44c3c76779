//! Counting and removing files without ever following a link or crossing into another
//! filesystem. The dry run counts with [`measure`]; the clean removes with [`remove`], which
//! walks the same way, so both see the same files.
//!
//! gomme runs as root over homes whose owners can rename and relink anything in them at any
//! moment. On Unix every path is therefore opened one component at a time from `/`, each
//! folder with `O_NOFOLLOW | O_DIRECTORY`, and everything below is looked at, listed and
//! removed relative to open folders (`fstatat`, `unlinkat`): a folder swapped for a link after
//! it was checked is refused or removed as a link, never followed. Paths must be canonical
//! (discovery makes them so); a link anywhere in one is refused.

use crate::error::{Error, Result};
use serde::Serialize;
use std::fs;
use std::io;
use std::ops::AddAssign;
use std::path::{Component, Path};
#[cfg(not(unix))]
use walkdir::WalkDir;

/// How deep [`remove`] and [`measure`] go below the path they are given. Browsers' folders are
/// a few levels deep; each level holds one open folder.
#[cfg(unix)]
const MAX_DEPTH: usize = 256;

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

#[cfg(not(unix))]
fn walker(path: &Path) -> WalkDir {
    WalkDir::new(path)
        .follow_links(false)
        .follow_root_links(false)
        .same_file_system(true)
        .contents_first(true)
}

/// Whether `path` names something (a dangling link counts).
pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Folders gomme works in, kept open from one call to the next: the files of a profile share
/// most of their way from `/`, which is then opened (and checked for links) once, not once per
/// file. Each open folder keeps naming the folder that was checked, whatever is renamed or
/// swapped on its path later; use one `Folders` for one pass over one profile.
#[derive(Default)]
pub struct Folders {
    #[cfg(unix)]
    way: nofollow::Way,
}

impl Folders {
    pub fn new() -> Self {
        Self::default()
    }

    /// See [`measure`].
    pub fn measure(&mut self, path: &Path) -> Result<Counts> {
        #[cfg(unix)]
        {
            nofollow::tree(&mut self.way, path, nofollow::Mode::Measure)
        }
        #[cfg(not(unix))]
        {
            measure_path(path)
        }
    }

    /// What [`measure`] checks of `path` itself (there, not a link, no link on the way),
    /// without looking below it: for a clean that counts what it removes as it goes.
    pub fn check(&mut self, path: &Path) -> Result<()> {
        #[cfg(unix)]
        {
            nofollow::tree(&mut self.way, path, nofollow::Mode::Check).map(|_| ())
        }
        #[cfg(not(unix))]
        {
            let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
            if meta.file_type().is_symlink() || is_reparse_point(&meta) {
                return Err(Error::Link { path: path.into() });
            }
            Ok(())
        }
    }

    /// See [`open_regular`].
    pub fn open_regular(&mut self, path: &Path) -> Result<fs::File> {
        #[cfg(unix)]
        {
            nofollow::open_regular(&mut self.way, path)
        }
        #[cfg(not(unix))]
        {
            open_regular(path)
        }
    }

    /// See [`check_regular`].
    pub fn check_regular(&mut self, path: &Path) -> Result<Owner> {
        #[cfg(unix)]
        {
            nofollow::check_regular(&mut self.way, path)
        }
        #[cfg(not(unix))]
        {
            check_regular(path)
        }
    }

    /// See [`remove`].
    pub fn remove(&mut self, path: &Path, base: &Path) -> Result<Counts> {
        check_inside(path, base)?;
        #[cfg(unix)]
        {
            nofollow::tree(&mut self.way, path, nofollow::Mode::Remove)
        }
        #[cfg(not(unix))]
        {
            remove_path(path)
        }
    }
}

/// Counts what [`remove`] would remove at `path`: a file, or every file and link below a
/// directory on the same filesystem. A link at `path`, or in any folder leading to it, is
/// refused (on Windows, a link at `path` itself); a mount point at `path` counts nothing (it
/// is not crossed).
pub fn measure(path: &Path) -> Result<Counts> {
    Folders::new().measure(path)
}

/// Removes `path` (a file, or a directory tree on the same filesystem) and returns what was
/// removed. `base` is the directory the plan allowed: nothing outside it is touched, and a link
/// at `path` (on Unix, or in any folder leading to it, even one swapped in after planning) is
/// refused. Links inside the tree are removed as links; their targets are not touched. A
/// directory that cannot go (a mount point below, a file that failed) stays; a mount point at
/// `path` is left whole.
pub fn remove(path: &Path, base: &Path) -> Result<Counts> {
    Folders::new().remove(path, base)
}

#[cfg(not(unix))]
fn measure_path(path: &Path) -> Result<Counts> {
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

#[cfg(not(unix))]
fn remove_path(path: &Path) -> Result<Counts> {
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

/// `path` lies strictly below `base`, with no `..` or `.` on the way.
fn check_inside(path: &Path, base: &Path) -> Result<()> {
    let inside = path.strip_prefix(base).is_ok_and(|rest| {
        rest.components().next().is_some()
            && rest.components().all(|c| matches!(c, Component::Normal(_)))
    });
    if inside {
        Ok(())
    } else {
        Err(Error::Outside {
            path: path.into(),
            base: base.into(),
        })
    }
}

/// Replaces the content of `path` atomically: a temporary file in the same folder, with the
/// original's permissions (and owner, when running as root), flushed, then renamed over it. An
/// interruption leaves either the old file or the new one, never half of one. The folder is
/// reached without following any link, and the file is created and renamed relative to it.
#[cfg(unix)]
pub fn replace_file(path: &Path, content: &[u8]) -> Result<()> {
    nofollow::replace(path, content)
}

/// Replaces the content of `path` atomically: a temporary file in the same folder, with the
/// original's permissions (and owner, when running as root), flushed, then renamed over it. An
/// interruption leaves either the old file or the new one, never half of one.
#[cfg(not(unix))]
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
#[cfg(not(unix))]
fn remove_file(p: &Path) -> io::Result<()> {
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
#[cfg(not(unix))]
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
#[cfg(not(unix))]
fn clear_readonly(p: &Path) -> io::Result<()> {
    let meta = fs::symlink_metadata(p)?;
    let mut perms = meta.permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    fs::set_permissions(p, perms)
}

#[cfg(not(unix))]
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

#[cfg(not(any(windows, unix)))]
fn is_reparse_point(_meta: &fs::Metadata) -> bool {
    false
}

/// A regular file opened for reading, never through a link (in any component on Unix) and
/// never blocking: a FIFO or a device planted in place of a settings file is refused, not
/// waited on.
pub fn open_regular(path: &Path) -> Result<fs::File> {
    #[cfg(unix)]
    {
        Folders::new().open_regular(path)
    }
    #[cfg(not(unix))]
    {
        let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.file_type().is_symlink() || is_reparse_point(&meta) {
            return Err(Error::Link { path: path.into() });
        }
        if !meta.is_file() {
            return Err(not_regular(path));
        }
        fs::File::open(path).map_err(|e| Error::io(path, e))
    }
}

/// Reads a regular file of at most `max` bytes (see [`open_regular`]); a larger one is
/// reported as damaged, unread.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(Error::Damaged {
            path: path.into(),
            what: "far too large".into(),
        });
    }
    Ok(bytes)
}

fn not_regular(path: &Path) -> Error {
    Error::io(
        path,
        io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
    )
}

/// Whether `path` is a folder reached without any link on the way (nor at the end).
pub fn is_plain_dir(path: &Path) -> bool {
    #[cfg(unix)]
    {
        nofollow::is_plain_dir(path)
    }
    #[cfg(not(unix))]
    {
        fs::symlink_metadata(path).is_ok_and(|m| m.is_dir() && !is_reparse_point(&m))
    }
}

/// Who may swap what lies on the way to a file: the owner (uid, gid) of the deepest folder on
/// its path that root does not own, if any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Owner(pub Option<(u32, u32)>);

/// Checks that `path` is a regular file reached without any link, and says who owns the way
/// to it (see [`Owner`]).
pub fn check_regular(path: &Path) -> Result<Owner> {
    #[cfg(unix)]
    {
        Folders::new().check_regular(path)
    }
    #[cfg(not(unix))]
    {
        let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.file_type().is_symlink() || is_reparse_point(&meta) || !meta.is_file() {
            return Err(Error::Link { path: path.into() });
        }
        Ok(Owner(None))
    }
}

/// While alive, the file accesses of this thread are checked as those of `owner` (Linux:
/// `setfsuid`/`setfsgid`, per thread), so that a library that works by path (SQLite) can only
/// reach what that person could reach themselves, whatever they swap meanwhile. Does nothing
/// when not running as root, when the owner is root, or on other systems.
pub struct ActingAs {
    #[cfg(target_os = "linux")]
    previous: Option<(u32, u32)>,
}

impl ActingAs {
    pub fn new(owner: Owner) -> io::Result<ActingAs> {
        #[cfg(target_os = "linux")]
        {
            // SAFETY: geteuid has no preconditions.
            let Some((uid, gid)) = owner.0.filter(|_| unsafe { libc::geteuid() } == 0) else {
                return Ok(ActingAs { previous: None });
            };
            if uid == 0 {
                return Ok(ActingAs { previous: None });
            }
            // SAFETY: setfsgid/setfsuid only change this thread's filesystem ids; they return
            // the previous value and cannot fail visibly, so the result is read back (an
            // invalid id, -1, changes nothing and returns the current one).
            let (old_gid, old_uid, now_gid, now_uid) = unsafe {
                let old_gid = libc::setfsgid(gid);
                let old_uid = libc::setfsuid(uid);
                (
                    old_gid,
                    old_uid,
                    libc::setfsgid(u32::MAX),
                    libc::setfsuid(u32::MAX),
                )
            };
            let acting = ActingAs {
                previous: Some((old_uid as u32, old_gid as u32)),
            };
            if (now_uid as u32, now_gid as u32) != (uid, gid) {
                drop(acting);
                return Err(io::Error::other("cannot act as the owner of the profile"));
            }
            Ok(acting)
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = owner;
            Ok(ActingAs {})
        }
    }
}

impl Drop for ActingAs {
    fn drop(&mut self) {
        #[cfg(target_os = "linux")]
        if let Some((uid, gid)) = self.previous {
            // SAFETY: see `new`; this restores the ids this thread had.
            unsafe {
                libc::setfsuid(uid);
                libc::setfsgid(gid);
            }
        }
    }
}

/// A point where gomme is about to change the disk (see [`test_points`]); nothing in release
/// builds.
#[inline]
pub(crate) fn point(name: &'static str, path: &Path) {
    #[cfg(debug_assertions)]
    test_points::reached(name, path);
    #[cfg(not(debug_assertions))]
    let _ = (name, path);
}

/// Test instrumentation, compiled into debug builds only (release builds have none of it): a
/// per-thread callback run at each point where gomme is about to change the disk, so a test
/// can swap a folder for a link at that exact moment; `GOMME_TEST_KILL_AT=N` kills the process
/// at the Nth point (crash tests); `GOMME_TEST_POINTS=FILE` appends each point reached to FILE.
#[cfg(debug_assertions)]
#[doc(hidden)]
pub mod test_points {
    use std::cell::RefCell;
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;

    pub type Hook = Box<dyn FnMut(&str, &Path)>;

    thread_local! {
        static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
    }

    /// Sets this thread's callback (`None` clears it). It gets the point's name (`unlink`,
    /// `rmdir`, `open-dir`, `replace-write`, `replace-rename`, `sqlite-open`, `sqlite-begin`,
    /// `sqlite-step`, `sqlite-commit`, `sqlite-compact`, `sqlite-vacuum`, `sqlite-done`) and the
    /// path gomme is about to act on.
    pub fn set_hook(hook: Option<Hook>) {
        HOOK.with(|h| *h.borrow_mut() = hook);
    }

    pub(crate) fn reached(point: &str, path: &Path) {
        if let Some(mut hook) = HOOK.with(|h| h.borrow_mut().take()) {
            hook(point, path);
            HOOK.with(|h| {
                h.borrow_mut().get_or_insert(hook);
            });
        }
        static KILL_AT: OnceLock<Option<u64>> = OnceLock::new();
        static LOG: OnceLock<Option<PathBuf>> = OnceLock::new();
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let kill_at = KILL_AT.get_or_init(|| {
            std::env::var("GOMME_TEST_KILL_AT")
                .ok()
                .and_then(|v| v.parse().ok())
        });
        let log = LOG.get_or_init(|| std::env::var_os("GOMME_TEST_POINTS").map(PathBuf::from));
        if kill_at.is_none() && log.is_none() {
            return;
        }
        let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(log) = log {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(log)
            {
                // One write per line: points are reached from several threads at once.
                let _ = f.write_all(format!("{n} {point}\n").as_bytes());
            }
        }
        if *kill_at == Some(n) {
            #[cfg(unix)]
            // SAFETY: kill has no memory-safety preconditions; this process ends here.
            unsafe {
                libc::kill(libc::getpid(), libc::SIGKILL);
            }
            std::process::abort();
        }
    }
}

#[cfg(unix)]
mod nofollow {
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
    }

    impl Way {
        /// Opens (or keeps) the folders leading to `path`, refusing any link, and returns the
        /// last component; the folder holding it is then the top of the way.
        fn parent(&mut self, path: &Path) -> Result<CString> {
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
            for name in &folders[shared..] {
                so_far.push(name);
                let c = cstring(name).map_err(|e| Error::io(&so_far, e))?;
                let top = self.levels.last().expect("/ is always there");
                let dir = match open_dir(top.dir.as_raw_fd(), &c, THROUGH) {
                    Ok(next) => next,
                    Err(e) => return Err(refusal(top.dir.as_fd(), &c, &so_far, e)),
                };
                let st = stat_fd(dir.as_fd()).map_err(|e| Error::io(&so_far, e))?;
                let owner = if st.st_uid != 0 {
                    Owner(Some((st.st_uid, st.st_gid)))
                } else {
                    top.owner
                };
                self.levels.push(Level {
                    name: name.to_os_string(),
                    dir,
                    owner,
                    dev: st.st_dev,
                    mount: None,
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
        open_parent(path).is_ok_and(|p| {
            stat_at(p.dir.as_fd(), &p.name).is_ok_and(|st| kind(&st) == libc::S_IFDIR)
        })
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

    /// See `fsops::replace_file`.
    pub(super) fn replace(path: &Path, content: &[u8]) -> Result<()> {
        let parent = open_parent(path)?;
        let io_err = |e| Error::io(path, e);
        let st = stat_at(parent.dir.as_fd(), &parent.name).map_err(io_err)?;
        if kind(&st) != libc::S_IFREG {
            return Err(Error::Link { path: path.into() });
        }
        let (tmp, mut file) = create_temp(&parent.dir).map_err(io_err)?;
        let mut write = || -> io::Result<()> {
            point("replace-write", path);
            file.write_all(content)?;
            // mode_t is u16 on some systems, u32 on others.
            #[allow(clippy::unnecessary_cast)]
            let mode = st.st_mode as u32 & 0o7777;
            file.set_permissions(fs::Permissions::from_mode(mode))?;
            let mine = file.metadata()?;
            if (mine.uid(), mine.gid()) != (st.st_uid, st.st_gid) {
                std::os::unix::fs::fchown(&file, Some(st.st_uid), Some(st.st_gid))?;
            }
            file.sync_all()?;
            point("replace-rename", path);
            let d = parent.dir.as_raw_fd();
            // SAFETY: both names are valid C strings relative to the same open folder.
            cvt(unsafe { libc::renameat(d, tmp.as_ptr(), d, parent.name.as_ptr()) })?;
            Ok(())
        };
        if let Err(e) = write() {
            // SAFETY: the name is a valid C string relative to the open folder.
            unsafe { libc::unlinkat(parent.dir.as_raw_fd(), tmp.as_ptr(), 0) };
            return Err(io_err(e));
        }
        // The rename lasts through a power cut once the folder is flushed too.
        if let Ok(dir) = open_dir(parent.dir.as_raw_fd(), c".", libc::O_RDONLY) {
            let _ = fs::File::from(dir).sync_all();
        }
        Ok(())
    }

    /// A new, empty, private file in `dir` with a name nothing else uses.
    fn create_temp(dir: &OwnedFd) -> io::Result<(CString, fs::File)> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let flags =
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC;
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

    #[cfg(unix)]
    #[test]
    fn a_link_in_a_folder_on_the_way_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let base = root.join("profile");
        let elsewhere = root.join("elsewhere");
        fs::create_dir_all(elsewhere.join("default/site")).unwrap();
        fs::write(elsewhere.join("default/site/data"), b"keep").unwrap();
        fs::create_dir_all(&base).unwrap();
        std::os::unix::fs::symlink(&elsewhere, base.join("storage")).unwrap();
        let path = base.join("storage/default/site");
        assert!(matches!(measure(&path), Err(Error::Link { .. })));
        assert!(matches!(remove(&path, &base), Err(Error::Link { .. })));
        assert!(matches!(
            read_regular(&base.join("storage/default/site/data"), 10),
            Err(Error::Link { .. })
        ));
        assert!(elsewhere.join("default/site/data").exists());
        // `..` never climbs out of the base, whatever the prefix says.
        assert!(matches!(
            remove(&base.join("../elsewhere/default"), &base),
            Err(Error::Outside { .. })
        ));
    }

    /// The swap the previous walk-then-unlink-by-path removal followed: a folder replaced by a
    /// link between the listing and the unlink.
    #[cfg(all(unix, debug_assertions))]
    #[test]
    fn a_folder_swapped_for_a_link_mid_removal_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let base = root.join("profile");
        let etc = root.join("etc");
        fs::create_dir_all(base.join("cache2/entries")).unwrap();
        fs::create_dir_all(&etc).unwrap();
        for n in ["a", "b", "c"] {
            fs::write(base.join("cache2/entries").join(n), b"cache").unwrap();
            fs::write(etc.join(n), b"precious").unwrap();
        }
        let (entries, moved, etc2) = (
            base.join("cache2/entries"),
            base.join("cache2/moved"),
            etc.clone(),
        );
        let mut done = false;
        test_points::set_hook(Some(Box::new(move |point, _path| {
            if point == "unlink" && !done {
                done = true;
                fs::rename(&entries, &moved).unwrap();
                std::os::unix::fs::symlink(&etc2, &entries).unwrap();
            }
        })));
        let _ = remove(&base.join("cache2"), &base);
        test_points::set_hook(None);
        for n in ["a", "b", "c"] {
            assert_eq!(fs::read(etc.join(n)).unwrap(), b"precious");
        }
    }

    #[test]
    fn removing_what_is_already_gone_is_done() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let base = root.join("home");
        fs::create_dir_all(&base).unwrap();
        assert_eq!(
            remove(&base.join("Downloads/gone.pdf"), &base).unwrap(),
            Counts::default()
        );
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
