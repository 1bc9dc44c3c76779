//! Counting and removing what a path holds, through open handles: the Windows twin of the
//! Unix descriptor walker. Every folder from the volume's root down is opened relative to
//! the one above it without following reparse points; each handle is asked what it is (its
//! reparse tag, its volume); entries are listed through their folder's handle and removed
//! through their own. A junction, symbolic link or mount point is refused on the way and at
//! the top, and removed as the link itself below: never entered.

use super::handle::{is_link, Access, Entry, Handle, Info};
use crate::fsops::{point, Counts, Error, Result};
use std::ffi::OsStr;
use std::io;
use std::path::{Component, Path, PathBuf};
use windows_sys::Win32::Storage::FileSystem::FILE_ATTRIBUTE_DIRECTORY;

/// Browsers' folders are a few levels deep; each level holds one open folder.
const MAX_DEPTH: usize = 256;

const ERROR_DIRECTORY: i32 = 267;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(in crate::fsops) enum Mode {
    /// Only what `path` is (refused, gone or there), nothing below.
    Check,
    Measure,
    Remove,
}

/// The folder holding `path`, opened from the volume's root one folder at a time, and the
/// last name. A link (or another name surrogate) on the way is refused.
fn parent(path: &Path) -> Result<(Handle, Info, &OsStr)> {
    let mut root = PathBuf::new();
    let mut names = Vec::new();
    for c in path.components() {
        match c {
            Component::Prefix(_) | Component::RootDir if names.is_empty() => root.push(c),
            Component::Normal(name) => names.push(name),
            _ => {
                return Err(Error::Refused {
                    path: path.into(),
                    why: "not a plain absolute path".into(),
                })
            }
        }
    }
    let absolute = path.is_absolute();
    let Some((last, way)) = names.split_last().filter(|_| absolute) else {
        return Err(Error::Refused {
            path: path.into(),
            why: "not a plain absolute path".into(),
        });
    };
    let mut dir = Handle::open_root(&root).map_err(|e| Error::io(&root, e))?;
    let mut so_far = root;
    for name in way {
        so_far.push(name);
        let next = dir
            .open(name, Access::Look, true)
            .map_err(|e| Error::io(&so_far, e))?;
        let info = next.info().map_err(|e| Error::io(&so_far, e))?;
        if info.is_link() {
            return Err(Error::Link { path: so_far });
        }
        dir = next;
    }
    let info = dir.info().map_err(|e| Error::io(&so_far, e))?;
    Ok((dir, info, last))
}

/// Counts, or removes, what `path` holds (see `fsops::measure` and `fsops::remove`).
/// Removing something already gone is done, not an error.
pub(in crate::fsops) fn tree(path: &Path, mode: Mode) -> Result<Counts> {
    let remove = mode == Mode::Remove;
    let gone = |e: &io::Error| remove && e.kind() == io::ErrorKind::NotFound;
    let (dir, dir_info, name) = match parent(path) {
        Err(Error::Io { source, .. }) if gone(&source) => return Ok(Counts::default()),
        other => other?,
    };
    let top = match dir.open(name, Access::Look, false) {
        Err(e) if gone(&e) => return Ok(Counts::default()),
        other => other.map_err(|e| Error::io(path, e))?,
    };
    let info = top.info().map_err(|e| Error::io(path, e))?;
    if info.is_link() {
        return Err(Error::Link { path: path.into() });
    }
    if mode == Mode::Check {
        return Ok(Counts::default());
    }
    let mut walk = Walk {
        remove,
        volume: dir_info.volume,
        counts: Counts::default(),
        error: None,
    };
    if info.is_dir() {
        walk.folder(&dir, name, path, 0);
    } else {
        drop(top);
        walk.leaf(&dir, name, path, info.size);
    }
    match walk.error {
        Some(e) => Err(e),
        None => Ok(walk.counts),
    }
}

struct Walk {
    remove: bool,
    /// The volume of the folder holding the top: nothing on another one is touched.
    volume: u32,
    counts: Counts,
    error: Option<Error>,
}

impl Walk {
    fn fail(&mut self, e: Error) {
        self.error.get_or_insert(e);
    }

    /// The folder `name` of the open folder `dir`: opened as a folder, checked on its handle,
    /// listed, emptied and (when removing) removed.
    fn folder(&mut self, dir: &Handle, name: &OsStr, path: &Path, depth: usize) {
        if depth >= MAX_DEPTH {
            let e = io::Error::other("folders nested far too deep; left as they are");
            return self.fail(Error::io(path, e));
        }
        point("open-dir", path);
        let access = if self.remove {
            Access::ListAndRemove
        } else {
            Access::List
        };
        let sub = match dir.open(name, access, true) {
            Ok(sub) => sub,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            // Replaced by a file since it was listed: removed as what it is now.
            Err(e) if e.raw_os_error() == Some(ERROR_DIRECTORY) => {
                return self.leaf(dir, name, path, 0)
            }
            Err(e) => return self.fail(Error::io(path, e)),
        };
        let info = match sub.info() {
            Ok(info) => info,
            Err(e) => return self.fail(Error::io(path, e)),
        };
        if info.is_link() {
            // Replaced by a junction or a link since it was listed. At the top a link is
            // refused; below, it is removed as the link it is, its target untouched.
            if depth == 0 {
                return self.fail(Error::Link { path: path.into() });
            }
            return self.remove_handle(sub, info, path, 0);
        }
        if info.volume != self.volume {
            tracing::info!(
                path = %crate::sanitize::for_terminal(&path.to_string_lossy()),
                "another volume is here; not crossed"
            );
            return;
        }
        let entries = match sub.list() {
            Ok(entries) => entries,
            Err(e) => return self.fail(Error::io(path, e)),
        };
        for entry in entries {
            self.entry(&sub, &entry, &path.join(&entry.name), depth + 1);
        }
        if self.remove {
            point("rmdir", path);
            // Fails when something below had to stay (a file that failed, one another
            // program holds): the failure that matters was recorded for that file.
            let _ = sub.remove(info.attributes);
        }
    }

    fn entry(&mut self, dir: &Handle, entry: &Entry, path: &Path, depth: usize) {
        let link = is_link(entry.attributes, entry.reparse_tag);
        let folder = entry.attributes & FILE_ATTRIBUTE_DIRECTORY != 0;
        if folder && !link {
            self.folder(dir, &entry.name, path, depth);
        } else {
            self.leaf(dir, &entry.name, path, if link { 0 } else { entry.size });
        }
    }

    /// A file, a link or anything else not to enter, `size` bytes as listed: removed
    /// through its own handle.
    fn leaf(&mut self, dir: &Handle, name: &OsStr, path: &Path, size: u64) {
        if !self.remove {
            self.counts += Counts {
                items: 1,
                bytes: size,
            };
            return;
        }
        let h = match dir.open(name, Access::Remove, false) {
            Ok(h) => h,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(e) => return self.fail(Error::io(path, e)),
        };
        let info = match h.info() {
            Ok(info) => info,
            Err(e) => return self.fail(Error::io(path, e)),
        };
        if info.is_dir() {
            // A real folder swapped in since it was listed: looked at on the next run.
            let e = io::Error::other("became a folder while being removed; left as it is");
            return self.fail(Error::io(path, e));
        }
        self.remove_handle(h, info, path, size);
    }

    fn remove_handle(&mut self, h: Handle, info: Info, path: &Path, size: u64) {
        // A file with other names lives on under them: removing this one would leave the
        // content. Browsers make no hard links.
        if !info.is_link() && info.links > 1 {
            return self.fail(Error::Refused {
                path: path.into(),
                why: "has other names (a hard link to a file elsewhere); not removed".into(),
            });
        }
        point("unlink", path);
        match h.remove(info.attributes) {
            Ok(()) => {
                self.counts += Counts {
                    items: 1,
                    bytes: if info.is_link() { 0 } else { size },
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => self.fail(Error::io(path, e)),
        }
    }
}
