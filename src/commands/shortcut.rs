//! `gomme shortcut install|remove`: the helper's desktop icon, on one desktop, on every
//! person's, or on Windows' public desktop, written through the link-proof file layer as
//! each desktop's owner.

use crate::exit_code::ExitCode;
use crate::i18n::{AdminFor, Done, Lang, Place};
use crate::sanitize::for_terminal;
use crate::schedule::Platform;
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;

/// Where the icon goes, and for what.
#[derive(Debug, Clone)]
pub struct Request {
    /// Install, or remove.
    pub install: bool,
    /// With the "Début d'accompagnement" icon, and a clean icon that cleans the session too.
    pub session: bool,
    /// Every person's desktop (Windows: the public one).
    pub all_users: bool,
    /// This desktop folder instead.
    pub desktop: Option<PathBuf>,
    /// The gomme the icon runs.
    pub exe: PathBuf,
    pub platform: Platform,
}

/// Every desktop is tried; one that is refused (a link on the way) is said and the others
/// still done.
pub fn run(req: &Request, lang: Lang, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let (platform, exe, install) = (req.platform, &req.exe, req.install);
    let mut desktops: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &req.desktop {
        desktops.push(std::path::absolute(dir).context(lang.cannot_place(Place::Desktop))?);
    } else if req.all_users {
        let sysroot = std::env::var_os("GOMME_SYSROOT").map(PathBuf::from);
        if sysroot.is_none() && !crate::is_admin() {
            anyhow::bail!(lang.needs_admin(AdminFor::Shortcuts));
        }
        if platform == Platform::Windows {
            let public = crate::shortcut::public_desktop()
                .context(lang.cannot_place(Place::PublicDesktop))?;
            desktops.push(public);
        } else {
            // The same accounts as `clean --all-users`: people, not service accounts.
            let root = sysroot.unwrap_or_else(|| PathBuf::from("/"));
            for account in crate::users::all(&root, false)? {
                // The home as the password database names it (links there are the
                // administrator's); nothing below it is followed.
                let Ok(home) = dunce::canonicalize(&account.home) else {
                    continue;
                };
                desktops.push(crate::shortcut::desktop_of(&home));
            }
        }
    } else {
        let desktop = if platform == Platform::Windows {
            dirs::desktop_dir()
        } else {
            dirs::home_dir().map(|h| crate::shortcut::desktop_of(&h))
        };
        desktops.push(desktop.context(lang.cannot_place(Place::OwnDesktop))?);
    }
    let mut failed = 0;
    for desktop in &desktops {
        let done = if install {
            crate::shortcut::install(desktop, platform, exe, lang, req.session)
        } else {
            crate::shortcut::remove(desktop, platform, exe, lang)
        };
        match done {
            Ok(paths) if install => {
                for path in paths {
                    writeln!(out, "{}", path.display())?;
                }
            }
            Ok(paths) => {
                for path in paths {
                    writeln!(out, "{}", lang.done(Done::Removed(&path.to_string_lossy())))?;
                }
            }
            Err(e) => {
                failed += 1;
                crate::say!("gomme: {}", for_terminal(&e.to_string()));
            }
        }
    }
    Ok(match failed {
        0 => ExitCode::Done,
        n if n == desktops.len() => ExitCode::Fatal,
        _ => ExitCode::ProfileFailed,
    })
}
