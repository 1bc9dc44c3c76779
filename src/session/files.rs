//! The account's personal folders, and what in them was made or changed since the session
//! started. Walked through the link-proof file layer, anchored at the home: a personal folder
//! on another filesystem (a removable drive, a network folder) is refused, never entered, and
//! so is a mount point found below one. A link is never followed: one made during the session
//! is removed as a link (its target untouched), an older one is left.

use super::Removal;
use crate::error::Error;
use crate::fsops::{EntryKind, Folders, Stamp};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The personal folders, by id, as `[session] folders` names them.
pub const IDS: [&str; 6] = [
    "desktop",
    "documents",
    "downloads",
    "pictures",
    "videos",
    "music",
];

/// How deep the walk goes below a personal folder that existed before the session.
const MAX_DEPTH: usize = 64;

/// `user-dirs.dirs`' key for a folder id, and the folder's default name.
fn xdg(id: &str) -> Option<(&'static str, &'static str)> {
    Some(match id {
        "desktop" => ("XDG_DESKTOP_DIR", "Desktop"),
        "documents" => ("XDG_DOCUMENTS_DIR", "Documents"),
        "downloads" => ("XDG_DOWNLOAD_DIR", "Downloads"),
        "pictures" => ("XDG_PICTURES_DIR", "Pictures"),
        "videos" => ("XDG_VIDEOS_DIR", "Videos"),
        "music" => ("XDG_MUSIC_DIR", "Music"),
        _ => return None,
    })
}

/// The personal folders of `home`: `names` (ids, or plain folder paths relative to the
/// home), else all of [`IDS`]. On Linux each id is resolved through `user-dirs.dirs`
/// (`Bureau`, `Téléchargements` on a French desktop); elsewhere it is the Known Folder's
/// default name below the home. A folder set to the home itself (how `user-dirs.dirs`
/// disables one) is left out: the home is never a personal folder to empty. A folder inside
/// another one listed is left out too (the outer one's walk covers it).
pub fn personal_folders(home: &Path, names: Option<&[String]>) -> Vec<(String, PathBuf)> {
    let dirs = if cfg!(windows) || cfg!(target_os = "macos") {
        String::new()
    } else {
        crate::fsops::read_regular(&home.join(".config/user-dirs.dirs"), 64 * 1024)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let default: Vec<String> = IDS.iter().map(|s| s.to_string()).collect();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for name in names.unwrap_or(&default) {
        let path = match xdg(name) {
            Some((key, fallback)) => xdg_value(&dirs, key)
                .map(|rel| home.join(rel))
                .unwrap_or_else(|| home.join(fallback)),
            None if crate::discover::context::is_plain_relative(Path::new(name)) => home.join(name),
            None => continue,
        };
        // Windows and macOS: the account's own Known Folders, wherever they were redirected
        // below the home (OneDrive's `Desktop`); another account's, by their default name.
        let path = known_folder(home, name).unwrap_or(path);
        if path == home || found.iter().any(|(_, p)| *p == path) {
            continue;
        }
        found.push((name.clone(), path));
    }
    let all = found.clone();
    found.retain(|(_, p)| !all.iter().any(|(_, q)| q != p && p.starts_with(q)));
    found
}

/// The folder `id` of the account running gomme, as the system knows it, when `home` is that
/// account's and the folder lies below it (Windows and macOS).
fn known_folder(home: &Path, id: &str) -> Option<PathBuf> {
    if !(cfg!(windows) || cfg!(target_os = "macos")) {
        return None;
    }
    if dirs::home_dir().as_deref() != Some(home) {
        return None;
    }
    let dir = match id {
        "desktop" => dirs::desktop_dir(),
        "documents" => dirs::document_dir(),
        "downloads" => dirs::download_dir(),
        "pictures" => dirs::picture_dir(),
        "videos" => dirs::video_dir(),
        "music" => dirs::audio_dir(),
        _ => None,
    }?;
    (dir.starts_with(home) && dir != home).then_some(dir)
}

/// The value of `key` in `user-dirs.dirs`, relative to the home; `Some("")` for the home.
fn xdg_value(text: &str, key: &str) -> Option<PathBuf> {
    for line in text.lines() {
        let Some(value) = line.trim().strip_prefix(key) else {
            continue;
        };
        let Some(value) = value.trim_start().strip_prefix('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        if value == "$HOME" || value == "$HOME/" {
            return Some(PathBuf::new());
        }
        let rel = value.strip_prefix("$HOME/")?;
        return crate::discover::context::is_plain_relative(Path::new(rel)).then(|| rel.into());
    }
    None
}

/// Whether an entry was made or changed after `since`: its change time, or its birth time.
pub fn is_new(st: &Stamp, since: SystemTime) -> bool {
    st.changed > since || st.born.is_some_and(|b| b > since)
}

/// What the walk of one personal folder found.
#[derive(Debug, Default)]
pub struct Found {
    pub removals: Vec<Removal>,
    /// What could not be looked at or will not be removed, said without any file's name.
    pub errors: Vec<String>,
}

/// What in the personal folder `base` (id `id`) was made or changed after `since`. A folder
/// made after it goes whole; a folder that existed before stays, and only what is new in it
/// goes. Without birth times (a filesystem that keeps none), a folder changed after `since`
/// goes whole only when nothing older is found in it. Each removal is measured with the same
/// walk that will remove it.
pub fn plan_folder(folders: &mut Folders, id: &str, base: &Path, since: SystemTime) -> Found {
    let mut found = Found::default();
    match folders.stamp(base) {
        Ok(st) if st.kind == EntryKind::Folder && !st.other_filesystem => {}
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return found;
        }
        // A link, or a drive or share mounted there: skipped, as it must be; said, since what
        // the person put there stays.
        Ok(_) | Err(Error::Link { .. }) | Err(Error::Refused { .. }) => {
            tracing::warn!(
                folder = id,
                "a link or another filesystem (a removable drive, a network folder); not looked in"
            );
            return found;
        }
        Err(e) => {
            let why = super::unnamed(&e);
            found
                .errors
                .push(format!("{id}: cannot be looked in ({why})"));
            return found;
        }
    }
    let mut walk = Walk {
        folders,
        id,
        base,
        since,
        found: &mut found,
    };
    walk.contents(base, 0);
    found
}

struct Walk<'a> {
    folders: &'a mut Folders,
    id: &'a str,
    base: &'a Path,
    since: SystemTime,
    found: &'a mut Found,
}

impl Walk<'_> {
    fn fail(&mut self, what: &str, e: Option<&Error>) {
        let why = e
            .map(|e| format!(" ({})", super::unnamed(e)))
            .unwrap_or_default();
        self.found.errors.push(format!("{}: {what}{why}", self.id));
    }

    /// Plans the new entries of the folder `dir`; returns how many older entries it holds
    /// (in it or below), which stay.
    fn contents(&mut self, dir: &Path, depth: usize) -> usize {
        let mut names: Vec<OsString> = match self.folders.list(dir) {
            Ok(names) => names,
            // A folder bind-mounted there (same device, another mount): not entered, kept.
            Err(Error::Refused { .. }) => {
                tracing::warn!(folder = self.id, "a mount point; not entered");
                return 1;
            }
            Err(e) => {
                self.fail("a folder could not be listed", Some(&e));
                return 1;
            }
        };
        names.sort();
        let mut kept = 0;
        for name in names {
            let path = dir.join(&name);
            let st = match self.folders.stamp(&path) {
                Ok(st) => st,
                Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                    continue
                }
                Err(e) => {
                    self.fail("an entry could not be looked at", Some(&e));
                    kept += 1;
                    continue;
                }
            };
            // A drive or a share mounted in a personal folder: never entered, never removed.
            if st.other_filesystem {
                kept += 1;
                continue;
            }
            if st.kind == EntryKind::Link {
                if is_new(&st, self.since) {
                    self.found.removals.push(Removal {
                        path,
                        base: self.base.to_path_buf(),
                        counts: crate::fsops::Counts { items: 1, bytes: 0 },
                        folder: false,
                        link: true,
                    });
                } else {
                    kept += 1;
                }
                continue;
            }
            if st.kind != EntryKind::Folder {
                if is_new(&st, self.since) {
                    self.plan(path, false);
                } else {
                    kept += 1;
                }
                continue;
            }
            let born_after = st.born.map(|b| b > self.since);
            if born_after == Some(true) {
                self.plan(path, true);
                continue;
            }
            if depth >= MAX_DEPTH {
                self.fail("folders nested far too deep; left as they are", None);
                kept += 1;
                continue;
            }
            let before = self.found.removals.len();
            let inner = self.contents(&path, depth + 1);
            // No birth time: a folder changed since, holding nothing older, was made since.
            if born_after.is_none() && inner == 0 && st.changed > self.since {
                self.found.removals.truncate(before);
                self.plan(path, true);
            } else {
                kept += 1 + inner;
            }
        }
        kept
    }

    fn plan(&mut self, path: PathBuf, folder: bool) {
        match self.folders.measure(&path) {
            Ok(counts) => self.found.removals.push(Removal {
                path,
                base: self.base.to_path_buf(),
                counts,
                folder,
                link: false,
            }),
            Err(e) => self.fail("a new entry will not be removed", Some(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn without_birth_time_the_change_time_decides() {
        let since = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let at = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let stamp = |changed, born: Option<u64>| Stamp {
            kind: EntryKind::File,
            changed: at(changed),
            born: born.map(at),
            other_filesystem: false,
        };
        assert!(is_new(&stamp(1_001, None), since));
        assert!(!is_new(&stamp(999, None), since));
        assert!(
            !is_new(&stamp(1_000, None), since),
            "the same tick is not after"
        );
        assert!(is_new(&stamp(999, Some(1_001)), since));
        assert!(!is_new(&stamp(999, Some(10)), since));
    }

    #[test]
    fn folders_from_user_dirs_never_the_home_nor_one_inside_another() {
        let home = tempfile::tempdir().unwrap();
        crate::fsops::write_file_creating_folders(
            &home.path().join(".config/user-dirs.dirs"),
            b"XDG_DESKTOP_DIR=\"$HOME/Bureau\"\nXDG_DOCUMENTS_DIR=\"$HOME/Documents\"\n\
              XDG_MUSIC_DIR=\"$HOME/\"\nXDG_PICTURES_DIR=\"$HOME/Documents/Images\"\n\
              XDG_VIDEOS_DIR=\"/etc\"\n",
            0o644,
        )
        .unwrap();
        let got = personal_folders(home.path(), None);
        let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
        if cfg!(any(windows, target_os = "macos")) {
            return;
        }
        assert_eq!(ids, ["desktop", "documents", "downloads", "videos"]);
        assert_eq!(got[0].1, home.path().join("Bureau"));
        assert_eq!(got[3].1, home.path().join("Videos"), "not /etc");
    }
}
