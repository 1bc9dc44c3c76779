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
            let meta = fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
            if meta.file_type().is_symlink() || is_reparse_point(&meta) || !meta.is_file() {
                return Err(Error::Link { path: path.into() });
            }
            Ok(Owner(None))
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
            check_path(path)
        }
    }

    /// What `path` is and how old (see [`Stamp`]), looked at without following it, through
    /// folders reached without links.
    pub fn stamp(&mut self, path: &Path) -> Result<Stamp> {
        #[cfg(unix)]
        {
            nofollow::stamp(&mut self.way, path)
        }
        #[cfg(not(unix))]
        {
            stamp::stamp_path(path)
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

    /// See [`remove_file`]: a file or a link (removed as a link), never a folder.
    pub fn remove_file(&mut self, path: &Path) -> Result<bool> {
        #[cfg(unix)]
        {
            nofollow::remove_file(&mut self.way, path)
        }
        #[cfg(not(unix))]
        {
            remove_file(path)
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

mod acting;
pub use acting::ActingAs;
mod stamp;
pub use stamp::{EntryKind, Stamp};

/// A point where gomme is about to change the disk (see [`test_points`]); nothing in release
/// builds.
#[inline]
pub(crate) fn point(name: &'static str, path: &Path) {
    #[cfg(debug_assertions)]
    test_points::reached(name, path);
    #[cfg(not(debug_assertions))]
    let _ = (name, path);
}

#[cfg(debug_assertions)]
#[doc(hidden)]
pub mod test_points;

#[cfg(unix)]
mod nofollow;
#[cfg(not(unix))]
mod windows;
#[cfg(not(unix))]
use windows::*;

#[cfg(test)]
mod tests;
