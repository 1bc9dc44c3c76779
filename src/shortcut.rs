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
/// on a French desktop), else `Desktop`.
pub fn desktop_of(home: &Path) -> PathBuf {
    if let Ok(text) = std::fs::read_to_string(home.join(".config/user-dirs.dirs")) {
        for line in text.lines() {
            if let Some(value) = line.trim().strip_prefix("XDG_DESKTOP_DIR=") {
                if let Some(rel) = value.trim().trim_matches('"').strip_prefix("$HOME/") {
                    if crate::discover::is_plain_relative(Path::new(rel)) {
                        return home.join(rel);
                    }
                }
            }
        }
    }
    home.join("Desktop")
}

/// Windows' desktop shared by every account (the Public Known Folder's `Desktop`).
pub fn public_desktop() -> Option<PathBuf> {
    dirs::public_dir().map(|public| public.join("Desktop"))
}
