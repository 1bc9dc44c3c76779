//! The browsers gomme knows, their families and the install variants they come in.

use serde::Serialize;
use std::fmt;

/// A browser gomme can clean. Firefox ESR shares Firefox's profile folders, so it is `Firefox`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Browser {
    Firefox,
    Librewolf,
    Waterfox,
    Chromium,
    Chrome,
    Edge,
    Brave,
    Vivaldi,
    Opera,
}

/// Browsers that store profiles the same way share one engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Firefox,
    Chromium,
}

impl Browser {
    pub const ALL: [Browser; 9] = [
        Browser::Firefox,
        Browser::Librewolf,
        Browser::Waterfox,
        Browser::Chromium,
        Browser::Chrome,
        Browser::Edge,
        Browser::Brave,
        Browser::Vivaldi,
        Browser::Opera,
    ];

    pub fn family(self) -> Family {
        match self {
            Browser::Firefox | Browser::Librewolf | Browser::Waterfox => Family::Firefox,
            _ => Family::Chromium,
        }
    }

    pub fn from_id(id: &str) -> Option<Browser> {
        Browser::ALL.into_iter().find(|b| b.id() == id)
    }

    /// The stable identifier used on the command line and in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Browser::Firefox => "firefox",
            Browser::Librewolf => "librewolf",
            Browser::Waterfox => "waterfox",
            Browser::Chromium => "chromium",
            Browser::Chrome => "chrome",
            Browser::Edge => "edge",
            Browser::Brave => "brave",
            Browser::Vivaldi => "vivaldi",
            Browser::Opera => "opera",
        }
    }
}

impl fmt::Display for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How the browser was installed, which decides where its profiles are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Variant {
    /// A native Linux install (Debian package or any install using the home's dot-folders).
    Deb,
    Snap,
    Flatpak,
    Windows,
    Macos,
}

impl Variant {
    pub fn id(self) -> &'static str {
        match self {
            Variant::Deb => "deb",
            Variant::Snap => "snap",
            Variant::Flatpak => "flatpak",
            Variant::Windows => "windows",
            Variant::Macos => "macos",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
