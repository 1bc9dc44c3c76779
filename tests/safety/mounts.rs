//! Other filesystems: a filesystem mounted inside a profile (a tmpfs, or a bind mount of a
//! folder of the same filesystem, which has the same device number) is not crossed: what it
//! holds is byte-identical after the clean, and the rest of the profile is cleaned.

use crate::harness::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A mount, unmounted on drop (lazily if busy).
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let p = self.0.to_string_lossy().into_owned();
        if sh("umount", &[&p]).is_err() {
            let _ = sh("umount", &["-l", &p]);
        }
    }
}

enum How {
    Tmpfs,
    /// A bind mount of a folder (or file) from the same filesystem as the home.
    Bind,
}

fn mount(how: &How, source: &Path, at: &Path) -> Result<Mount, String> {
    let at_s = at.to_string_lossy().into_owned();
    match how {
        How::Tmpfs => sh(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                "size=4m,strictatime",
                "gomme-safety-inner",
                &at_s,
            ],
        )?,
        How::Bind => {
            sh("mount", &["--bind", &source.to_string_lossy(), &at_s])?;
            // A read through the bind mount must show in the access time too.
            let _ = sh("mount", &["-o", "remount,bind,strictatime", &at_s]);
            String::new()
        }
    };
    Ok(Mount(at.to_path_buf()))
}

pub fn run(figures: &mut Figures) {
    if let Err(why) = can_mount() {
        figures.note(format!("mount points: cannot mount here ({why})"));
        return;
    }
    let area = Area::new("mounts", 1024);
    let strict = area.strict_atime;
    let j = |a: &str, b: &str| format!("{a}/{b}");
    // (name, where, how, is a file, kiosk mode)
    let cases: Vec<(&str, String, How, bool, bool)> = vec![
        (
            "tmpfs inside cache2",
            j(ff_cache_usager(), "cache2/entries/mnt"),
            How::Tmpfs,
            false,
            false,
        ),
        (
            "tmpfs at cache2 itself",
            j(ff_cache_usager(), "cache2"),
            How::Tmpfs,
            false,
            false,
        ),
        (
            "tmpfs at a site-data origin",
            j(ff_usager(), "storage/default/http+++mounted.example"),
            How::Tmpfs,
            false,
            false,
        ),
        (
            "tmpfs at chromium Session Storage",
            j(ch_default(), "Session Storage"),
            How::Tmpfs,
            false,
            false,
        ),
        (
            "bind mount (same filesystem) inside chromium's cache",
            j(ch_cache_default(), "Cache/Cache_Data/bound"),
            How::Bind,
            false,
            false,
        ),
        (
            "bind mount (same filesystem) at sessionstore-backups",
            j(ff_usager(), "sessionstore-backups"),
            How::Bind,
            false,
            false,
        ),
        (
            "bind mount (same filesystem) inside IndexedDB",
            j(ch_default(), "IndexedDB/http_bound.indexeddb.leveldb"),
            How::Bind,
            false,
            false,
        ),
        (
            "bind-mounted file at logins.json",
            j(ff_usager(), "logins.json"),
            How::Bind,
            true,
            false,
        ),
        (
            "tmpfs inside a kiosk Downloads folder",
            "Downloads/share".to_owned(),
            How::Tmpfs,
            false,
            true,
        ),
        (
            "bind mount inside a kiosk Downloads folder",
            "Downloads/bound".to_owned(),
            How::Bind,
            false,
            true,
        ),
    ];
    for (i, (name, at, how, file, kiosk)) in cases.into_iter().enumerate() {
        let dir = area.path().join(format!("m{i}"));
        figures.case(format!("mount: {name}"), |case| {
            fs::create_dir_all(&dir).unwrap();
            let home = dir.join("home");
            fixture_at(&home);
            let tmp = dir.join("tmp");
            // What the mount shows: files of another place that must stay.
            let source = dir.join("elsewhere");
            fs::create_dir_all(source.join("sub")).unwrap();
            fs::write(source.join("keep.txt"), b"not the person's").unwrap();
            fs::write(source.join("sub/deep.txt"), b"not the person's either").unwrap();
            let at = home.join(&at);
            if file {
                if !at.exists() {
                    fs::write(&at, b"{}").unwrap();
                }
            } else {
                fs::create_dir_all(&at).unwrap();
            }
            let src = if file {
                source.join("keep.txt")
            } else {
                source.clone()
            };
            let guard = match mount(&how, &src, &at) {
                Ok(g) => g,
                Err(e) => {
                    case.fail(format!("cannot mount: {e}"));
                    return;
                }
            };
            if matches!(how, How::Tmpfs) {
                fs::write(at.join("keep.txt"), b"not the person's").unwrap();
                fs::create_dir_all(at.join("sub")).unwrap();
                fs::write(at.join("sub/deep.txt"), b"not the person's either").unwrap();
            }
            let watched = if matches!(how, How::Tmpfs) {
                at.clone()
            } else {
                source.clone()
            };
            let before = Snap::take(&watched);
            let mut extra: Vec<String> = Vec::new();
            if kiosk {
                let config = dir.join("kiosk.toml");
                fs::write(&config, "[downloads]\nempty_folder = true\n").unwrap();
                extra = vec!["--config".into(), config.to_string_lossy().into_owned()];
            }
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            let run = clean(&home, &tmp, &extra);
            check_outside(case, &before, strict);
            if run.sane(case) {
                // A file mount point cannot be unlinked (EBUSY): reported, exit 4.
                run.expect(case, if file { &[0, 4] } else { &[0] });
                let report = scan(&home);
                let left = traces_outside(&report, &[]);
                case.check(left.is_empty(), || {
                    format!("traces left: {}", left.join("; "))
                });
            }
            drop(guard);
            let _ = fs::remove_dir_all(&dir);
        });
    }
}
