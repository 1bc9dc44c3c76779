//! `gomme shortcut`: an icon on the desktop that runs the interactive clean in a terminal
//! window and keeps it open until a key is pressed — one simple action for a helper at the
//! end of a session; with `--session`, a second one for its start ("Début d'accompagnement").

use crate::i18n::Lang;
use crate::schedule::Platform;
use std::path::{Path, PathBuf};

/// The launcher's file name and content for a platform: the interactive clean.
pub fn launcher(platform: Platform, exe: &Path, lang: Lang) -> (String, Vec<u8>) {
    clean_launcher(platform, exe, lang, false)
}

/// Every launcher `shortcut install` puts on a desktop: the clean's, and with `session` the
/// clean's with `--session` and the "Début d'accompagnement" one, which notes the start of a
/// help session (`gomme session start`).
pub fn launchers(
    platform: Platform,
    exe: &Path,
    lang: Lang,
    session: bool,
) -> Vec<(String, Vec<u8>)> {
    let mut all = vec![clean_launcher(platform, exe, lang, session)];
    if session {
        all.push(start_launcher(platform, exe, lang));
    }
    all
}

/// What one launcher says and runs; `render` writes it for each platform.
struct Icon {
    /// The Linux `.desktop` file's name.
    desktop_file: &'static str,
    name: [&'static str; 2],
    comment: [&'static str; 2],
    /// gomme's arguments on Linux and macOS, and on Windows.
    args: &'static str,
    args_windows: &'static str,
    /// A freedesktop icon name.
    icon: &'static str,
}

fn clean_launcher(platform: Platform, exe: &Path, lang: Lang, session: bool) -> (String, Vec<u8>) {
    let icon = |args, args_windows| Icon {
        desktop_file: "gomme-effacer.desktop",
        name: ["Erase browsing traces", "Effacer les traces de navigation"],
        comment: [
            "Remove what the last person left in the web browsers",
            "Effacer ce que la dernière personne a laissé dans les navigateurs",
        ],
        args,
        args_windows,
        icon: "edit-clear",
    };
    let icon = if session {
        icon(
            "clean --session --close-browsers --pause",
            "clean --session --pause",
        )
    } else {
        icon("clean --close-browsers --pause", "clean --pause")
    };
    render(platform, exe, lang, &icon)
}

/// The "Début d'accompagnement" launcher: notes that a help session starts now for the
/// account at the desktop, so that the clean removes what the person makes from then on.
fn start_launcher(platform: Platform, exe: &Path, lang: Lang) -> (String, Vec<u8>) {
    let icon = Icon {
        desktop_file: "gomme-debut.desktop",
        name: ["Start of a help session", "Début d'accompagnement"],
        comment: [
            "Note that a help session starts: what the person makes from now on is removed by \
             the clean",
            "Noter le début d'un accompagnement : ce que la personne crée à partir de \
             maintenant sera effacé",
        ],
        args: "session start --pause",
        args_windows: "session start --pause",
        icon: "appointment-new",
    };
    render(platform, exe, lang, &icon)
}

fn render(platform: Platform, exe: &Path, lang: Lang, icon: &Icon) -> (String, Vec<u8>) {
    let [name_en, name_fr] = icon.name;
    let [comment_en, comment_fr] = icon.comment;
    let name = match lang {
        Lang::Fr => name_fr,
        Lang::En => name_en,
    };
    let exe = exe.to_string_lossy();
    match platform {
        Platform::Linux => (
            icon.desktop_file.to_owned(),
            format!(
                "[Desktop Entry]\n\
                 Type=Application\n\
                 Version=1.0\n\
                 Name={name_en}\n\
                 Name[fr]={name_fr}\n\
                 Comment={comment_en}\n\
                 Comment[fr]={comment_fr}\n\
                 Exec=\"{exe}\" {args}\n\
                 Terminal=true\n\
                 Icon={icon_name}\n\
                 Categories=Utility;\n",
                args = icon.args,
                icon_name = icon.icon,
            )
            .into_bytes(),
        ),
        Platform::Windows => (
            format!("{name}.cmd"),
            format!(
                "@echo off\r\n\
                 rem {name} - gomme\r\n\
                 chcp 65001 >nul\r\n\
                 \"{exe}\" {args}\r\n",
                args = icon.args_windows,
            )
            .into_bytes(),
        ),
        Platform::Macos => (
            format!("{name}.command"),
            format!(
                "#!/bin/sh\n# {name} - gomme\nexec \"{exe}\" {args}\n",
                args = icon.args
            )
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

/// Puts the launchers on the desktop `desktop` through the link-proof file layer: as the
/// account that owns the desktop's folders (the icons and a missing desktop folder are
/// theirs), never through a link; a link or hard link where an icon goes is replaced, not
/// written through. Returns the icons' paths.
pub fn install(
    desktop: &Path,
    platform: Platform,
    exe: &Path,
    lang: Lang,
    session: bool,
) -> crate::error::Result<Vec<PathBuf>> {
    let mode = if platform == Platform::Windows {
        0o644
    } else {
        0o755
    };
    let mut paths = Vec::new();
    for (name, content) in launchers(platform, exe, lang, session) {
        let path = desktop.join(name);
        crate::fsops::write_file_creating_folders(&path, &content, mode)?;
        paths.push(path);
    }
    Ok(paths)
}

/// Takes gomme's launchers off the desktop `desktop`, the session one too (a link there is
/// removed as a link); the paths of those there were.
pub fn remove(
    desktop: &Path,
    platform: Platform,
    exe: &Path,
    lang: Lang,
) -> crate::error::Result<Vec<PathBuf>> {
    let mut removed = Vec::new();
    for (name, _) in launchers(platform, exe, lang, true) {
        let path = desktop.join(name);
        if crate::fsops::remove_file(&path)? {
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Windows' desktop shared by every account (the Public Known Folder's `Desktop`).
pub fn public_desktop() -> Option<PathBuf> {
    dirs::public_dir().map(|public| public.join("Desktop"))
}
