//! Where each browser keeps its profiles, relative to a user's home, for every install
//! variant. `--home` looks for all of them whatever the host OS, so one test home can hold every
//! layout and an auditor can check a disk mounted from another machine.
//!
//! A `*` component matches any real directory (not a link): snap keeps one data folder per
//! revision.

use crate::browser::kind::{Browser, Variant};

/// One place a browser keeps profiles.
#[derive(Debug, Clone, Copy)]
pub struct Root {
    pub browser: Browser,
    pub variant: Variant,
    /// Firefox: the folder holding `profiles.ini`. Chromium: the user-data dir.
    pub config: &'static str,
    /// The OS cache folder matching `config`, when the browser keeps its cache apart. A
    /// profile's cache dir is this folder plus the profile's path relative to `config`.
    pub cache: Option<&'static str>,
}

const fn root(
    browser: Browser,
    variant: Variant,
    config: &'static str,
    cache: Option<&'static str>,
) -> Root {
    Root {
        browser,
        variant,
        config,
        cache,
    }
}

use Browser::*;
use Variant::*;

pub const ROOTS: &[Root] = &[
    // Firefox (release and ESR share these folders). Firefox ≥147 uses the XDG folder on a
    // fresh home, the legacy one when it exists: look in both.
    root(
        Firefox,
        Deb,
        ".mozilla/firefox",
        Some(".cache/mozilla/firefox"),
    ),
    root(
        Firefox,
        Deb,
        ".config/mozilla/firefox",
        Some(".cache/mozilla/firefox"),
    ),
    root(
        Firefox,
        Snap,
        "snap/firefox/common/.mozilla/firefox",
        Some("snap/firefox/common/.cache/mozilla/firefox"),
    ),
    root(
        Firefox,
        Flatpak,
        ".var/app/org.mozilla.firefox/.mozilla/firefox",
        Some(".var/app/org.mozilla.firefox/cache/mozilla/firefox"),
    ),
    root(
        Firefox,
        Flatpak,
        ".var/app/org.mozilla.firefox/config/mozilla/firefox",
        Some(".var/app/org.mozilla.firefox/cache/mozilla/firefox"),
    ),
    root(
        Firefox,
        Windows,
        "AppData/Roaming/Mozilla/Firefox",
        Some("AppData/Local/Mozilla/Firefox"),
    ),
    root(
        Firefox,
        Macos,
        "Library/Application Support/Firefox",
        Some("Library/Caches/Firefox"),
    ),
    root(Librewolf, Deb, ".librewolf", Some(".cache/librewolf")),
    root(
        Librewolf,
        Deb,
        ".config/librewolf/librewolf",
        Some(".cache/librewolf"),
    ),
    root(
        Librewolf,
        Flatpak,
        ".var/app/io.gitlab.librewolf-community/.librewolf",
        Some(".var/app/io.gitlab.librewolf-community/cache/librewolf"),
    ),
    root(
        Librewolf,
        Windows,
        "AppData/Roaming/librewolf",
        Some("AppData/Local/librewolf"),
    ),
    root(
        Librewolf,
        Macos,
        "Library/Application Support/librewolf",
        Some("Library/Caches/librewolf"),
    ),
    root(Waterfox, Deb, ".waterfox", Some(".cache/waterfox")),
    root(
        Waterfox,
        Flatpak,
        ".var/app/net.waterfox.waterfox/.waterfox",
        Some(".var/app/net.waterfox.waterfox/cache/waterfox"),
    ),
    root(
        Waterfox,
        Windows,
        "AppData/Roaming/Waterfox",
        Some("AppData/Local/Waterfox"),
    ),
    root(
        Waterfox,
        Macos,
        "Library/Application Support/Waterfox",
        Some("Library/Caches/Waterfox"),
    ),
    // Chromium family: Windows keeps the cache inside the profile.
    root(Chromium, Deb, ".config/chromium", Some(".cache/chromium")),
    root(
        Chromium,
        Snap,
        "snap/chromium/common/chromium",
        Some("snap/chromium/common/.cache/chromium"),
    ),
    root(
        Chromium,
        Flatpak,
        ".var/app/org.chromium.Chromium/config/chromium",
        Some(".var/app/org.chromium.Chromium/cache/chromium"),
    ),
    root(Chromium, Windows, "AppData/Local/Chromium/User Data", None),
    root(
        Chromium,
        Macos,
        "Library/Application Support/Chromium",
        Some("Library/Caches/Chromium"),
    ),
    root(
        Chrome,
        Deb,
        ".config/google-chrome",
        Some(".cache/google-chrome"),
    ),
    root(
        Chrome,
        Deb,
        ".config/google-chrome-beta",
        Some(".cache/google-chrome-beta"),
    ),
    root(
        Chrome,
        Deb,
        ".config/google-chrome-unstable",
        Some(".cache/google-chrome-unstable"),
    ),
    root(
        Chrome,
        Flatpak,
        ".var/app/com.google.Chrome/config/google-chrome",
        Some(".var/app/com.google.Chrome/cache/google-chrome"),
    ),
    root(
        Chrome,
        Windows,
        "AppData/Local/Google/Chrome/User Data",
        None,
    ),
    root(
        Chrome,
        Windows,
        "AppData/Local/Google/Chrome Beta/User Data",
        None,
    ),
    root(
        Chrome,
        Windows,
        "AppData/Local/Google/Chrome SxS/User Data",
        None,
    ),
    root(
        Chrome,
        Macos,
        "Library/Application Support/Google/Chrome",
        Some("Library/Caches/Google/Chrome"),
    ),
    root(
        Chrome,
        Macos,
        "Library/Application Support/Google/Chrome Beta",
        Some("Library/Caches/Google/Chrome Beta"),
    ),
    root(
        Edge,
        Deb,
        ".config/microsoft-edge",
        Some(".cache/microsoft-edge"),
    ),
    root(
        Edge,
        Deb,
        ".config/microsoft-edge-beta",
        Some(".cache/microsoft-edge-beta"),
    ),
    root(
        Edge,
        Deb,
        ".config/microsoft-edge-dev",
        Some(".cache/microsoft-edge-dev"),
    ),
    root(
        Edge,
        Flatpak,
        ".var/app/com.microsoft.Edge/config/microsoft-edge",
        Some(".var/app/com.microsoft.Edge/cache/microsoft-edge"),
    ),
    root(
        Edge,
        Windows,
        "AppData/Local/Microsoft/Edge/User Data",
        None,
    ),
    root(
        Edge,
        Windows,
        "AppData/Local/Microsoft/Edge Beta/User Data",
        None,
    ),
    root(
        Edge,
        Macos,
        "Library/Application Support/Microsoft Edge",
        Some("Library/Caches/Microsoft Edge"),
    ),
    root(
        Brave,
        Deb,
        ".config/BraveSoftware/Brave-Browser",
        Some(".cache/BraveSoftware/Brave-Browser"),
    ),
    root(
        Brave,
        Snap,
        "snap/brave/*/.config/BraveSoftware/Brave-Browser",
        Some("snap/brave/common/.cache/BraveSoftware/Brave-Browser"),
    ),
    root(
        Brave,
        Flatpak,
        ".var/app/com.brave.Browser/config/BraveSoftware/Brave-Browser",
        Some(".var/app/com.brave.Browser/cache/BraveSoftware/Brave-Browser"),
    ),
    root(
        Brave,
        Windows,
        "AppData/Local/BraveSoftware/Brave-Browser/User Data",
        None,
    ),
    root(
        Brave,
        Macos,
        "Library/Application Support/BraveSoftware/Brave-Browser",
        Some("Library/Caches/BraveSoftware/Brave-Browser"),
    ),
    root(Vivaldi, Deb, ".config/vivaldi", Some(".cache/vivaldi")),
    root(
        Vivaldi,
        Snap,
        "snap/vivaldi/*/.config/vivaldi",
        Some("snap/vivaldi/common/.cache/vivaldi"),
    ),
    root(
        Vivaldi,
        Flatpak,
        ".var/app/com.vivaldi.Vivaldi/config/vivaldi",
        Some(".var/app/com.vivaldi.Vivaldi/cache/vivaldi"),
    ),
    root(Vivaldi, Windows, "AppData/Local/Vivaldi/User Data", None),
    root(
        Vivaldi,
        Macos,
        "Library/Application Support/Vivaldi",
        Some("Library/Caches/Vivaldi"),
    ),
    root(Opera, Deb, ".config/opera", Some(".cache/opera")),
    root(
        Opera,
        Snap,
        "snap/opera/*/.config/opera",
        Some("snap/opera/common/.cache/opera"),
    ),
    root(
        Opera,
        Flatpak,
        ".var/app/com.opera.Opera/config/opera",
        Some(".var/app/com.opera.Opera/cache/opera"),
    ),
    // Opera keeps its profile in Roaming and its cache in Local.
    root(
        Opera,
        Windows,
        "AppData/Roaming/Opera Software/Opera Stable",
        Some("AppData/Local/Opera Software/Opera Stable"),
    ),
    root(
        Opera,
        Windows,
        "AppData/Roaming/Opera Software/Opera GX Stable",
        Some("AppData/Local/Opera Software/Opera GX Stable"),
    ),
    root(
        Opera,
        Macos,
        "Library/Application Support/com.operasoftware.Opera",
        Some("Library/Caches/com.operasoftware.Opera"),
    ),
    root(
        Opera,
        Macos,
        "Library/Application Support/com.operasoftware.OperaGX",
        Some("Library/Caches/com.operasoftware.OperaGX"),
    ),
];
