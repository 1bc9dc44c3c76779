//! The fixture manifest (`fixtures/manifest.json`): which marker tokens
//! were planted where, and which of them must survive a clean.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Categories of traces a clean must remove.
pub const TRACE_CATEGORIES: &[&str] = &[
    "history",
    "cookies",
    "logins",
    "downloads",
    "forms",
    "sessions",
    "cache",
    "site-data",
    "accounts",
];
/// Categories of data a clean must keep.
pub const KEEP_CATEGORIES: &[&str] = &["bookmarks", "settings"];

#[derive(Clone, Debug, Deserialize)]
pub struct Manifest {
    pub schema: u32,
    #[serde(default)]
    pub generated: Option<String>,
    #[serde(default)]
    pub browsers: BTreeMap<String, String>,
    /// Home directory, relative to the manifest's directory.
    pub home: String,
    #[serde(default)]
    pub profiles: Vec<Profile>,
    pub markers: Vec<Marker>,
    #[serde(default)]
    pub not_planted: Vec<NotPlanted>,
    /// Directory the manifest was loaded from.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Profile {
    pub browser: String,
    /// Relative to the home.
    pub path: String,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Marker {
    pub token: String,
    #[serde(default)]
    pub browser: String,
    #[serde(default)]
    pub profile: String,
    pub category: String,
    #[serde(default)]
    pub keep: bool,
    #[serde(default)]
    pub keep_if_kept_domain: Option<String>,
    #[serde(default, rename = "where")]
    pub where_: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct NotPlanted {
    pub browser: String,
    pub category: String,
    #[serde(default)]
    pub why: String,
}

impl Marker {
    /// A bare marker (for scans without a manifest).
    pub fn bare(token: &str, category: &str) -> Marker {
        Marker {
            token: token.to_string(),
            browser: String::new(),
            profile: String::new(),
            category: category.to_string(),
            keep: false,
            keep_if_kept_domain: None,
            where_: None,
        }
    }

    /// Whether the marker must survive a clean. `kept_domains = None`
    /// means "the domains named by `keep_if_kept_domain` were kept".
    pub fn is_keeper(&self, kept_domains: Option<&[String]>) -> bool {
        if self.keep {
            return true;
        }
        match (&self.keep_if_kept_domain, kept_domains) {
            (Some(_), None) => true,
            (Some(d), Some(list)) => list.iter().any(|k| k.eq_ignore_ascii_case(d)),
            (None, _) => false,
        }
    }
}

impl Manifest {
    /// Loads and parses a manifest.
    pub fn load(path: impl AsRef<Path>) -> anyhow::Result<Manifest> {
        let path = path.as_ref();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut m: Manifest =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        m.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(m)
    }

    /// The fixture home named by the manifest.
    pub fn home_dir(&self) -> PathBuf {
        self.base_dir.join(&self.home)
    }

    pub fn tokens(&self) -> Vec<&str> {
        self.markers.iter().map(|m| m.token.as_str()).collect()
    }

    pub fn marker(&self, token: &str) -> Option<&Marker> {
        self.markers.iter().find(|m| m.token == token)
    }

    /// Checks that the manifest and the fixture home agree. Returns the
    /// problems found (empty = they agree):
    /// * schema 1, tokens well-formed (`gmk` + lowercase alnum) and unique,
    ///   categories known;
    /// * every profile exists under `home` and holds a profile of its
    ///   browser, and its browser has a version in `browsers` that matches
    ///   the version the profile was last run with (`compatibility.ini`,
    ///   Chromium's `Last Version`);
    /// * every marker names a listed profile of its browser;
    /// * no browser profile under `home` is missing from the manifest.
    pub fn check_against(&self, home: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        if self.schema != 1 {
            problems.push(format!("schema {} (expected 1)", self.schema));
        }
        if !home.is_dir() {
            problems.push(format!("home {} is not a directory", home.display()));
            return problems;
        }
        let mut listed = HashSet::new();
        for p in &self.profiles {
            let dir = home.join(&p.path);
            listed.insert(normalize(&p.path));
            match self.browser_version(&p.browser) {
                None => problems.push(format!(
                    "profile {} ({}): no version for this browser in \"browsers\"",
                    p.path, p.browser
                )),
                Some(v) if v.trim().is_empty() => {
                    problems.push(format!("browser {} has an empty version", p.browser))
                }
                Some(v) => {
                    if let Some(actual) = profile_version(&p.browser, &dir) {
                        if !version_matches(&actual, v) {
                            problems.push(format!(
                                "profile {} was last run by {} {actual}, manifest says {v}",
                                p.path, p.browser
                            ));
                        }
                    }
                }
            }
            if !dir.is_dir() {
                problems.push(format!(
                    "profile {} ({}) does not exist under {}",
                    p.path,
                    p.browser,
                    home.display()
                ));
                continue;
            }
            if !holds_profile(&p.browser, &dir) {
                problems.push(format!("{} does not hold a {} profile", p.path, p.browser));
            }
        }
        let mut seen = HashSet::new();
        for m in &self.markers {
            let well_formed = m.token.len() > 3
                && m.token.starts_with("gmk")
                && m.token
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !well_formed {
                problems.push(format!("token {:?} is not gmk + lowercase alnum", m.token));
            }
            if !seen.insert(m.token.as_str()) {
                problems.push(format!("token {} listed twice", m.token));
            }
            if !TRACE_CATEGORIES.contains(&m.category.as_str())
                && !KEEP_CATEGORIES.contains(&m.category.as_str())
            {
                problems.push(format!(
                    "token {}: unknown category {:?}",
                    m.token, m.category
                ));
            }
            match self
                .profiles
                .iter()
                .find(|p| normalize(&p.path) == normalize(&m.profile))
            {
                None => problems.push(format!(
                    "token {}: profile {:?} is not listed in \"profiles\"",
                    m.token, m.profile
                )),
                Some(p) if p.browser != m.browser => problems.push(format!(
                    "token {}: browser {} but profile {} is {}",
                    m.token, m.browser, m.profile, p.browser
                )),
                Some(_) => {}
            }
        }
        for n in &self.not_planted {
            if self.browser_version(&n.browser).is_none() {
                problems.push(format!("not_planted: unknown browser {}", n.browser));
            }
        }
        for (browser, rel) in find_profiles(home) {
            if !listed.contains(&normalize(&rel)) {
                problems.push(format!(
                    "{browser} profile {rel} under the home is not listed in the manifest"
                ));
            }
        }
        problems
    }

    /// The version the manifest gives for a profile's browser
    /// (`firefox` matches the key `firefox-esr`).
    pub fn browser_version(&self, browser: &str) -> Option<&str> {
        self.browsers
            .iter()
            .find(|(k, _)| k.as_str() == browser || k.starts_with(&format!("{browser}-")))
            .map(|(_, v)| v.as_str())
    }
}

/// Compares versions on their leading numeric part
/// (`153.7.0esr` matches `153.7.0`).
pub fn version_matches(actual: &str, manifest: &str) -> bool {
    let num = |s: &str| -> String {
        s.trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect::<String>()
            .trim_end_matches('.')
            .to_string()
    };
    let (a, m) = (num(actual), num(manifest));
    !m.is_empty() && a == m
}

fn normalize(p: &str) -> String {
    // Windows: paths found under the home come with `\`.
    p.replace('\\', "/").trim_matches('/').replace("//", "/")
}

/// Whether `dir` looks like a profile of `browser`.
pub fn holds_profile(browser: &str, dir: &Path) -> bool {
    let any = |names: &[&str]| names.iter().any(|n| dir.join(n).exists());
    match browser {
        "firefox" => any(&["prefs.js", "places.sqlite", "times.json"]),
        "chromium" | "chrome" => any(&["Preferences", "History", "Cookies"]),
        _ => false,
    }
}

/// The browser version a profile was last run with, if it says.
pub fn profile_version(browser: &str, dir: &Path) -> Option<String> {
    match browser {
        "firefox" => {
            let text = std::fs::read_to_string(dir.join("compatibility.ini")).ok()?;
            let v = text.lines().find_map(|l| l.strip_prefix("LastVersion="))?;
            // "153.7.0_20261103151912/20261103151912"
            Some(v.split('_').next()?.to_string())
        }
        "chromium" | "chrome" => {
            let text = std::fs::read_to_string(dir.parent()?.join("Last Version")).ok()?;
            Some(text.trim().to_string())
        }
        _ => None,
    }
}

/// Browser profiles with browsing data found under a home (relative
/// paths): Firefox directories with `places.sqlite`, Chromium ones with
/// `Preferences` and `History`.
pub fn find_profiles(home: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(home)
        .follow_links(false)
        .into_iter()
        .flatten()
    {
        if !e.file_type().is_dir() {
            continue;
        }
        let dir = e.path();
        let browser = if dir.join("places.sqlite").is_file() && dir.join("prefs.js").is_file() {
            "firefox"
        } else if dir.join("Preferences").is_file() && dir.join("History").is_file() {
            "chromium"
        } else {
            continue;
        };
        if let Ok(rel) = dir.strip_prefix(home) {
            out.push((browser.to_string(), rel.to_string_lossy().into_owned()));
        }
    }
    out
}
