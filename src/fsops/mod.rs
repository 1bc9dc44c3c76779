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

    /// Folders for work in the home `home`: below it, a folder that is a mount point (another
    /// filesystem, or a folder bind-mounted there) is refused, never entered, wherever it
    /// lies on the way to a path.
    pub fn within(home: &Path) -> Self {
        #[cfg(unix)]
        {
            Folders {
                way: nofollow::Way::anchored(home),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = home;
            Folders::default()
        }
    }

    /// Checks that `path` may be changed in place (a database, a settings file): a regular
    /// file reached without any link, with one name only (not a hard link to a file
    /// elsewhere), owned by the account the way to it belongs to. Says who that account is.
    pub fn check_in_place(&mut self, path: &Path) -> Result<Owner> {
        #[cfg(unix)]
        {
            nofollow::check_in_place(&mut self.way, path)
        }
        #[cfg(not(unix))]
        {
            check_regular(path)
        }
    }

    /// Checks that `path`, a file SQLite may open beside a database (its `-wal`, `-shm`,
    /// `-journal`), is either absent or fit to change in place as `owner`'s (see
    /// [`Folders::check_in_place`]): a FIFO there would block SQLite's `open` forever.
    pub fn check_sidecar(&mut self, path: &Path, owner: Owner) -> Result<()> {
        #[cfg(unix)]
        {
            nofollow::check_sidecar(&mut self.way, path, owner)
        }
        #[cfg(not(unix))]
        {
            let _ = owner;
            match fs::symlink_metadata(path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(Error::io(path, e)),
                Ok(m) if m.file_type().is_symlink() || is_reparse_point(&m) => {
                    Err(Error::Link { path: path.into() })
                }
                Ok(m) if !m.is_file() => Err(not_regular(path)),
                Ok(_) => Ok(()),
            }
        }
    }

    /// See [`replace_file`]; the file must also be fit to change in place (see
    /// [`Folders::check_in_place`]).
    pub fn replace_file(&mut self, path: &Path, content: &[u8]) -> Result<()> {
        #[cfg(unix)]
        {
            nofollow::replace(&mut self.way, path, content)
        }
        #[cfg(not(unix))]
        {
            replace_path(path, content)
        }
    }

    /// The names in the folder `path`, listed through the folder itself (reached without
    /// links; below the home, not a mount point).
    pub fn list(&mut self, path: &Path) -> Result<Vec<std::ffi::OsString>> {
        #[cfg(unix)]
        {
            nofollow::list(&mut self.way, path)
        }
        #[cfg(not(unix))]
        {
            let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
            if meta.file_type().is_symlink() || is_reparse_point(&meta) {
                return Err(Error::Link { path: path.into() });
            }
            let mut names = Vec::new();
            for entry in fs::read_dir(path).map_err(|e| Error::io(path, e))? {
                names.push(entry.map_err(|e| Error::io(path, e))?.file_name());
            }
            Ok(names)
        }
    }

    /// See [`read_regular`].
    pub fn read_regular(&mut self, path: &Path, max: u64) -> Result<Vec<u8>> {
        read_all(self.open_regular(path)?, path, max)
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
/// reached without following any link, and the file is created and renamed relative to it;
/// the file must be fit to change in place (see [`Folders::check_in_place`]).
pub fn replace_file(path: &Path, content: &[u8]) -> Result<()> {
    Folders::new().replace_file(path, content)
}

/// Creates or replaces the file `path` with `content` and permissions `mode`, the one way
/// gomme writes a file of its own (installers, logs): through folders opened one at a time
/// without following links, as the account the folder belongs to (so the file is theirs, and
/// nothing they could not write themselves is written); into a temporary name, flushed, then
/// renamed over whatever was there. A link or a hard link at `path` is replaced, never written
/// through; a link on the way is refused.
pub fn write_file(path: &Path, content: &[u8], mode: u32) -> Result<()> {
    write_path(path, content, mode, false)
}

/// [`write_file`], making the missing folders on the way first (mode 0755), each as the
/// account that owns the folder above it: never a root-owned folder in someone's home.
pub fn write_file_creating_folders(path: &Path, content: &[u8], mode: u32) -> Result<()> {
    write_path(path, content, mode, true)
}

fn write_path(path: &Path, content: &[u8], mode: u32, create: bool) -> Result<()> {
    #[cfg(unix)]
    {
        nofollow::write(&mut nofollow::Way::default(), path, content, mode, create)
    }
    #[cfg(not(unix))]
    {
        let _ = mode;
        if let Some(dir) = path.parent() {
            if create {
                create_folders(dir)?;
            }
            let meta = fs::symlink_metadata(dir).map_err(|e| Error::io(dir, e))?;
            if meta.file_type().is_symlink() || is_reparse_point(&meta) {
                return Err(Error::Link { path: dir.into() });
            }
        }
        if let Ok(meta) = fs::symlink_metadata(path) {
            if meta.is_dir() {
                return Err(Error::Refused {
                    path: path.into(),
                    why: "is a folder; not replaced".into(),
                });
            }
        }
        write_new(path, content)
    }
}

/// Removes the file (or link) `path`, reached without links; `false` if nothing was there. A
/// folder is refused.
pub fn remove_file(path: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        nofollow::remove_file(&mut nofollow::Way::default(), path)
    }
    #[cfg(not(unix))]
    {
        match fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(path, e)),
            Ok(m) if m.is_dir() && !is_reparse_point(&m) => Err(Error::Refused {
                path: path.into(),
                why: "is a folder; not removed".into(),
            }),
            Ok(_) => remove_link_or_file(path)
                .map(|()| true)
                .map_err(|e| Error::io(path, e)),
        }
    }
}

/// Appends `bytes` to the file `path` (made with `mode` if missing) in one write, flushed: a
/// log. The file must be fit to change in place (see [`Folders::check_in_place`]): a link, a
/// hard link, a FIFO or another account's file there is refused.
pub fn append_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        nofollow::append(&mut nofollow::Way::default(), path, bytes, mode)
    }
    #[cfg(not(unix))]
    {
        use std::io::Write;
        let _ = mode;
        if let Ok(meta) = fs::symlink_metadata(path) {
            if meta.file_type().is_symlink() || is_reparse_point(&meta) {
                return Err(Error::Link { path: path.into() });
            }
            if !meta.is_file() {
                return Err(not_regular(path));
            }
        }
        #[allow(clippy::disallowed_methods)]
        let mut file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| Error::io(path, e))?;
        file.write_all(bytes).map_err(|e| Error::io(path, e))?;
        file.sync_data().map_err(|e| Error::io(path, e))
    }
}

#[cfg(not(unix))]
#[allow(clippy::disallowed_methods)]
fn create_folders(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

#[cfg(not(unix))]
fn remove_link_or_file(p: &Path) -> io::Result<()> {
    remove_one(p)
}

/// A new file at `path` (replacing what is there) through a temporary file renamed over it.
#[cfg(not(unix))]
// Windows still walks by path (the handle-based walker is to come).
#[allow(clippy::disallowed_methods)]
fn write_new(path: &Path, content: &[u8]) -> Result<()> {
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
#[cfg(not(unix))]
// Windows still walks by path (the handle-based walker is to come).
#[allow(clippy::disallowed_methods)]
fn replace_path(path: &Path, content: &[u8]) -> Result<()> {
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
#[cfg(not(unix))]
// Windows still walks by path (the handle-based walker is to come).
#[allow(clippy::disallowed_methods)]
fn remove_one(p: &Path) -> io::Result<()> {
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
// Windows still walks by path (the handle-based walker is to come).
#[allow(clippy::disallowed_methods)]
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
// Windows still walks by path (the handle-based walker is to come).
#[allow(clippy::disallowed_methods)]
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
    read_all(open_regular(path)?, path, max)
}

fn read_all(file: fs::File, path: &Path, max: u64) -> Result<Vec<u8>> {
    use std::io::Read;
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

mod acting;
pub use acting::ActingAs;

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
/// at the Nth point (crash tests); `GOMME_TEST_POINTS=FILE` appends each point reached to FILE;
/// `GOMME_TEST_PAUSE_AT="POINT SUFFIX"` with `GOMME_TEST_PAUSE_FILE=FILE` stops the binary at
/// the first point named POINT whose path ends with SUFFIX, creates FILE, and goes on once FILE
/// is removed (at most a minute later), so a test can change the disk while a run is under way.
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

    fn pause_if_asked(point: &str, path: &Path) {
        use std::sync::atomic::AtomicBool;
        static PAUSED: AtomicBool = AtomicBool::new(false);
        static AT: OnceLock<Option<(String, String, PathBuf)>> = OnceLock::new();
        let at = AT.get_or_init(|| {
            let spec = std::env::var("GOMME_TEST_PAUSE_AT").ok()?;
            let file = std::env::var_os("GOMME_TEST_PAUSE_FILE")?;
            let (name, suffix) = spec.split_once(' ')?;
            Some((name.to_owned(), suffix.to_owned(), PathBuf::from(file)))
        });
        let Some((name, suffix, file)) = at else {
            return;
        };
        if point != name
            || !path
                .as_os_str()
                .as_encoded_bytes()
                .ends_with(suffix.as_bytes())
            || PAUSED.swap(true, Ordering::SeqCst)
        {
            return;
        }
        #[allow(clippy::disallowed_methods)]
        let _ = std::fs::write(file, path.as_os_str().as_encoded_bytes());
        let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while file.exists() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
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
        pause_if_asked(point, path);
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
            // Test instrumentation, into a file the test names.
            #[allow(clippy::disallowed_methods)]
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
mod nofollow;

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their folders by path
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
