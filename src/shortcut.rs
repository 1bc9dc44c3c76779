//! `gomme shortcut`: an icon on the desktop that runs the interactive clean in a terminal
//! window and keeps it open until a key is pressed — one simple action for a helper at the
//! end of a session.

use crate::i18n::Lang;
use crate::schedule::Platform;
use std::path::{Path, PathBuf};

/// The launcher's file name and content for a platform.
pub fn launcher(platform: Platform, exe: &Path, lang: Lang) -> (String, Vec<u8>) {
    let name = match lang {
        Lang::Fr => "Effacer les traces de navigation",
        Lang::En => "Erase browsing traces",
    };
    let exe = exe.to_string_lossy();
    match platform {
        Platform::Linux => (
            "gomme-effacer.desktop".to_owned(),
            format!(
                "[Desktop Entry]\n\
                 Type=Application\n\
                 Version=1.0\n\
                 Name=Erase browsing traces\n\
                 Name[fr]=Effacer les traces de navigation\n\
                 Comment=Remove what the last person left in the web browsers\n\
                 Comment[fr]=Effacer ce que la dernière personne a laissé dans les navigateurs\n\
                 Exec=\"{exe}\" clean --close-browsers --pause\n\
                 Terminal=true\n\
                 Icon=edit-clear\n\
                 Categories=Utility;\n"
            )
            .into_bytes(),
        ),
        Platform::Windows => (
            format!("{name}.cmd"),
            format!(
                "@echo off\r\n\
                 rem {name} - gomme\r\n\
                 chcp 65001 >nul\r\n\
                 \"{exe}\" clean --pause\r\n"
            )
            .into_bytes(),
        ),
        Platform::Macos => (
            format!("{name}.command"),
            format!("#!/bin/sh\n# {name} - gomme\nexec \"{exe}\" clean --close-browsers --pause\n")
                .into_bytes(),
        ),
    }
}

/// The desktop folder of a home: `XDG_DESKTOP_DIR` from `user-dirs.dirs` where set (`Bureau`
/// on a French desktop), else `Desktop`. The file is the account's: read without following a
/// link or waiting on a FIFO.
pub fn desktop_of(home: &Path) -> PathBuf {
    if let Ok(bytes) = crate::fsops::read_regular(&home.join(".config/user-dirs.dirs"), 64 * 1024) {
        for line in String::from_utf8_lossy(&bytes).lines() {
            if let Some(value) = line.trim().strip_prefix("XDG_DESKTOP_DIR=") {
                if let Some(rel) = value.trim().trim_matches('"').strip_prefix("$HOME/") {
                    if crate::discover::context::is_plain_relative(Path::new(rel)) {
                        return home.join(rel);
                    }
                }
            }
        }
    }
    home.join("Desktop")
}

/// Puts the launcher on the desktop `desktop` through the link-proof file layer: as the
/// account that owns the desktop's folders (the icon and a missing desktop folder are theirs),
/// never through a link; a link or hard link where the icon goes is replaced, not written
/// through. Returns the icon's path.
pub fn install(
    desktop: &Path,
    platform: Platform,
    exe: &Path,
    lang: Lang,
) -> crate::error::Result<PathBuf> {
    let (name, content) = launcher(platform, exe, lang);
    let path = desktop.join(name);
    let mode = if platform == Platform::Windows {
        0o644
    } else {
        0o755
    };
    crate::fsops::write_file_creating_folders(&path, &content, mode)?;
    Ok(path)
}

/// Takes the launcher off the desktop `desktop` (a link there is removed as a link); its path
/// if there was one.
pub fn remove(
    desktop: &Path,
    platform: Platform,
    exe: &Path,
    lang: Lang,
) -> crate::error::Result<Option<PathBuf>> {
    let (name, _) = launcher(platform, exe, lang);
    let path = desktop.join(name);
    Ok(crate::fsops::remove_file(&path)?.then_some(path))
}

/// Windows' desktop shared by every account (the Public Known Folder's `Desktop`).
pub fn public_desktop() -> Option<PathBuf> {
    dirs::public_dir().map(|public| public.join("Desktop"))
}
