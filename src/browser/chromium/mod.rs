//! Chromium family (Chromium, Chrome, Edge, Brave, Vivaldi, Opera): where each category lives
//! and how it is removed. History follows Chrome's own "delete all history": bookmarked URLs
//! stay with their counters reset, every other History table is emptied.

mod discover;
pub mod lock;

use super::steps::{
    database_if_present, fixup, keep_cookies, remove_database_file, remove_downloaded_files,
    remove_entries, step, step_if,
};
use super::Engine;
use crate::category::Category::{self, *};
use crate::discover::context::Context;
use crate::plan::planner::{JsonEdit, Planner};
use crate::profile::{LockState, Profile, Warning};
use crate::sqlite::{quote, DbClean, Schema, Sql, Step, Version};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct Chromium;

const SESSION_FILES: &[&str] = &[
    "Sessions",
    "Sessions_Encrypted",
    "Current Session",
    "Current Tabs",
    "Last Session",
    "Last Tabs",
];

const CACHE_DIRS: &[&str] = &[
    "Cache",
    "Code Cache",
    "GPUCache",
    "DawnCache",
    "DawnGraphiteCache",
    "DawnWebGPUCache",
    "Media Cache",
    "Application Cache",
    "Service Worker/CacheStorage",
];

/// Files that only record where the person went (at the profile root, or under `Network/`).
const HISTORY_FILES: &[&str] = &[
    "Visited Links",
    "History Provider Cache",
    "TransportSecurity",
    "Network Persistent State",
    "Archived History",
    "DownloadMetadata",
];

/// Databases whose every table (but `meta`) records browsing.
const HISTORY_DATABASES: &[&str] = &[
    "Top Sites",
    "Shortcuts",
    "Network Action Predictor",
    "Reporting and NEL",
    "DIPS",
];

/// Site storage. Local and session storage are one LevelDB for every origin, so they go whole
/// (never byte-edited); IndexedDB is one store per origin, and extensions' stores stay.
const SITE_DATA_DIRS: &[&str] = &[
    "Local Storage",
    "Session Storage",
    "Service Worker",
    "File System",
    "Shared Storage",
    "WebStorage",
    "blob_storage",
    "databases",
    "Storage",
];

/// History schema versions gomme has been checked against (Chromium 120 to 156 write 66 to
/// 70).
const HISTORY_VERSIONS: Version = Version::MetaTable(60, 75);

impl Engine for Chromium {
    fn discover(&self, ctx: &Context, warnings: &mut Vec<Warning>) -> Vec<Profile> {
        discover::discover(ctx, warnings)
    }

    fn lock_state(&self, user_data: &Path) -> LockState {
        lock::state(user_data)
    }

    fn plan(&self, p: &mut Planner) {
        let dir = p.profile.path.clone();
        let history = p.wants(History);
        let downloads = p.wants(Downloads);
        let sessions = p.wants(Sessions);

        if downloads {
            plan_downloaded_files(p, &dir);
            // A LevelDB of several features, among them the records of downloads in
            // progress: removed whole, never byte-edited.
            p.remove(Downloads, &dir, "shared_proto_db");
        }
        if (history || downloads) && dir.join("History").is_file() {
            p.database(history_db(&dir, history, downloads));
        }
        if history {
            if dir.join("Favicons").is_file() && dir.join("History").is_file() {
                p.database(favicons(&dir));
            }
            for base in [dir.clone(), dir.join("Network")] {
                for name in HISTORY_FILES {
                    p.remove(History, &base, name);
                }
            }
            for base in [dir.clone(), dir.join("Network")] {
                for name in HISTORY_DATABASES {
                    clear_database(p, History, base.join(name), &[]);
                }
            }
            // URL-keyed metrics of every profile, kept once per user-data dir: cleaned with
            // the dir's first profile, so it is counted once.
            if owns_user_data(p) {
                let ukm = p.profile.lock_dir.join("segmentation_platform/ukm_db");
                clear_database(p, History, ukm, &[]);
            }
        }
        if history || sessions {
            let prefs = dir.join("Preferences");
            if prefs.is_file() {
                let edit = Arc::new(PreferencesEdit { history, sessions });
                p.edit_json(if history { History } else { Sessions }, prefs, edit);
            }
        }
        if p.wants(Cookies) {
            let keep = keep_cookies("host_key", &p.opts.keep_cookies);
            for path in [dir.join("Network/Cookies"), dir.join("Cookies")] {
                database_if_present(
                    p,
                    path,
                    &["cookies", "meta"],
                    None,
                    vec![step(
                        Cookies,
                        format!("DELETE FROM cookies WHERE NOT ({keep})"),
                    )],
                );
            }
        }
        if p.wants(Logins) {
            for name in ["Login Data", "Login Data For Account"] {
                database_if_present(
                    p,
                    dir.join(name),
                    &["logins", "meta"],
                    None,
                    vec![
                        step(Logins, "DELETE FROM logins"),
                        step_if(
                            Logins,
                            "insecure_credentials",
                            "DELETE FROM insecure_credentials",
                        ),
                        step_if(Logins, "password_notes", "DELETE FROM password_notes"),
                        step_if(Logins, "stats", "DELETE FROM stats"),
                        step_if(
                            Logins,
                            "sync_entities_metadata",
                            "DELETE FROM sync_entities_metadata",
                        ),
                    ],
                );
            }
        }
        // `Web Data`, one transaction for both categories: everything autofill remembers
        // (forms; search engines in `keywords` stay) and the sign-in tokens of the accounts
        // the person logged into the browser with (logins).
        let logins = p.opts.categories.contains(&Logins);
        let mut web_data = Vec::new();
        if p.wants(Forms) {
            web_data.push(empty_all_but(Forms, &["keywords", "token_service"]));
            clear_database(p, Forms, dir.join("Account Web Data"), &[]);
        }
        if logins {
            web_data.push(step_if(
                Logins,
                "token_service",
                "DELETE FROM token_service",
            ));
        }
        database_if_present(p, dir.join("Web Data"), &["meta"], None, web_data);
        if sessions {
            for name in SESSION_FILES {
                p.remove(Sessions, &dir, name);
            }
        }
        if p.wants(Cache) {
            for name in CACHE_DIRS {
                p.remove(Cache, &dir, name);
            }
            // The OS cache folder of a Chromium profile holds nothing but caches.
            if let Some(cache) = p.profile.cache_dir.clone() {
                remove_entries(p, Cache, &cache, |_| true);
            }
        }
        if p.wants(SiteData) {
            for name in SITE_DATA_DIRS {
                p.remove(SiteData, &dir, name);
            }
            remove_entries(p, SiteData, &dir.join("IndexedDB"), |origin| {
                !origin.starts_with("chrome-extension_")
            });
            for name in [
                "Shared Storage",
                "Trust Tokens",
                "Conversions",
                "Interest Groups",
            ] {
                remove_database_file(p, SiteData, &dir, name);
            }
            p.remove(SiteData, &dir, "Site Characteristics Database");
        }
    }
}

/// `History`: visits and everything derived from them; download records when downloads are
/// chosen. URLs a bookmark points to stay, with their counters reset.
fn history_db(dir: &Path, history: bool, downloads: bool) -> DbClean {
    let mut steps = Vec::new();
    if downloads {
        steps.extend([
            step(Downloads, "DELETE FROM downloads_url_chains"),
            step_if(
                Downloads,
                "downloads_slices",
                "DELETE FROM downloads_slices",
            ),
            step(Downloads, "DELETE FROM downloads"),
        ]);
    }
    if history {
        let bookmarked = bookmarked_urls(dir);
        let keep = if bookmarked.is_empty() {
            "0".to_owned()
        } else {
            let list: Vec<String> = bookmarked.iter().map(|u| quote(u)).collect();
            format!("url IN ({})", list.join(", "))
        };
        steps.push(step(History, "DELETE FROM visits"));
        for table in [
            "visit_source",
            "visited_links",
            "keyword_search_terms",
            "segment_usage",
            "segments",
            "content_annotations",
            "context_annotations",
            "clusters",
            "clusters_and_visits",
            "cluster_keywords",
            "cluster_visit_duplicates",
            "journeys",
            "journey_continuation_queries",
            "journey_history_entries",
            "history_sync_metadata",
            "journey_sync_metadata",
        ] {
            steps.push(step_if(History, table, format!("DELETE FROM {table}")));
        }
        steps.push(step(
            History,
            format!("DELETE FROM urls WHERE NOT ({keep})"),
        ));
        steps.push(fixup(
            History,
            "UPDATE urls SET visit_count = 0, typed_count = 0, last_visit_time = 0 \
             WHERE visit_count != 0 OR typed_count != 0 OR last_visit_time != 0",
        ));
    }
    DbClean {
        path: dir.join("History"),
        schema: Schema {
            tables: &[
                "urls",
                "visits",
                "downloads",
                "downloads_url_chains",
                "meta",
            ],
            version: Some(HISTORY_VERSIONS),
        },
        attach: Vec::new(),
        steps,
    }
}

/// `Favicons`, cleaned against the cleaned `History`: bookmarked pages keep their icons.
fn favicons(dir: &Path) -> DbClean {
    DbClean {
        path: dir.join("Favicons"),
        schema: Schema {
            tables: &["favicons", "favicon_bitmaps", "icon_mapping"],
            version: None,
        },
        attach: vec![("history".into(), dir.join("History"))],
        steps: vec![
            step(
                History,
                "DELETE FROM icon_mapping WHERE NOT EXISTS \
                 (SELECT 1 FROM history.urls u WHERE u.url = icon_mapping.page_url)",
            ),
            step(
                History,
                "DELETE FROM favicons WHERE NOT EXISTS \
                 (SELECT 1 FROM icon_mapping m WHERE m.icon_id = favicons.id)",
            ),
            step(
                History,
                "DELETE FROM favicon_bitmaps WHERE NOT EXISTS \
                 (SELECT 1 FROM favicons f WHERE f.id = favicon_bitmaps.icon_id)",
            ),
        ],
    }
}

/// Whether this profile is the first (by folder name) of its user-data dir, the one that
/// cleans what the dir keeps for all its profiles.
fn owns_user_data(p: &Planner) -> bool {
    let user_data = &p.profile.lock_dir;
    if user_data == &p.profile.path {
        return true;
    }
    let Ok(entries) = std::fs::read_dir(user_data) else {
        return false;
    };
    // A profile folder that is a link is not cleaned, so it cannot be the owner.
    let first = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| e.path().join("Preferences").is_file())
        .map(|e| e.file_name())
        .min();
    first.as_deref() == p.profile.path.file_name()
}

/// Empties every table of a database but `meta` and those in `keep`, if the database is there.
fn clear_database(
    p: &mut Planner,
    category: Category,
    path: PathBuf,
    keep: &'static [&'static str],
) {
    database_if_present(p, path, &[], None, vec![empty_all_but(category, keep)]);
}

/// A step that empties every table of a database but `meta` and those in `keep`.
fn empty_all_but(category: Category, keep: &'static [&'static str]) -> Step {
    Step {
        sql: Sql::EmptyAllBut(keep),
        ..step(category, "")
    }
}

/// The files the download records point to.
fn plan_downloaded_files(p: &mut Planner, dir: &Path) {
    remove_downloaded_files(
        p,
        &dir.join("History"),
        "SELECT target_path FROM downloads UNION SELECT current_path FROM downloads",
        |path| (!path.is_empty()).then(|| PathBuf::from(path)),
    );
}

/// The largest bookmarks file gomme reads.
const MAX_BOOKMARKS: u64 = 64 * 1024 * 1024;

/// Every URL in `Bookmarks` and `AccountBookmarks`.
fn bookmarked_urls(dir: &Path) -> Vec<String> {
    fn walk(node: &Value, out: &mut Vec<String>) {
        if let Some(url) = node.get("url").and_then(Value::as_str) {
            out.push(url.to_owned());
        }
        if let Some(children) = node.get("children").and_then(Value::as_array) {
            children.iter().for_each(|c| walk(c, out));
        }
        if let Some(roots) = node.get("roots").and_then(Value::as_object) {
            roots.values().for_each(|r| walk(r, out));
        }
    }
    let mut urls = Vec::new();
    for name in ["Bookmarks", "AccountBookmarks"] {
        // Never through a link, never a FIFO, never a huge file read whole.
        if let Ok(bytes) = crate::fsops::read_regular(&dir.join(name), MAX_BOOKMARKS) {
            if let Ok(json) = serde_json::from_slice::<Value>(&bytes) {
                walk(&json, &mut urls);
            }
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// What `Preferences` keeps of the person: per-site settings (site and media engagement, zoom,
/// permissions they granted) and the "did not shut down correctly" flag that makes the browser
/// offer to restore their tabs. Everything else, and extensions' entries, stay.
#[derive(Debug)]
struct PreferencesEdit {
    history: bool,
    sessions: bool,
}

impl JsonEdit for PreferencesEdit {
    fn apply(&self, json: &mut Value) -> BTreeMap<Category, u64> {
        let mut counts = BTreeMap::new();
        if self.history {
            let mut removed = 0;
            if let Some(exceptions) = json
                .pointer_mut("/profile/content_settings/exceptions")
                .and_then(Value::as_object_mut)
            {
                for setting in exceptions.values_mut().filter_map(Value::as_object_mut) {
                    let before = setting.len();
                    setting.retain(|pattern, _| pattern.starts_with("chrome-extension://"));
                    removed += (before - setting.len()) as u64;
                }
            }
            if let Some(zoom) = json
                .pointer_mut("/partition/per_host_zoom_levels")
                .and_then(Value::as_object_mut)
            {
                for hosts in zoom.values_mut().filter_map(Value::as_object_mut) {
                    removed += hosts.len() as u64;
                    hosts.clear();
                }
            }
            if let Some(obj) = json.get_mut("zerosuggest").and_then(Value::as_object_mut) {
                removed += u64::from(obj.remove("cachedresults").is_some());
                removed += u64::from(obj.remove("cachedresults_with_url").is_some());
            }
            counts.insert(History, removed);
        }
        if self.sessions {
            let mut changed = 0;
            if let Some(profile) = json.get_mut("profile").and_then(Value::as_object_mut) {
                if profile
                    .get("exit_type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t != "Normal")
                {
                    profile.insert("exit_type".into(), Value::from("Normal"));
                    changed = 1;
                }
                if profile.get("exited_cleanly") == Some(&Value::Bool(false)) {
                    profile.insert("exited_cleanly".into(), Value::Bool(true));
                    changed = 1;
                }
            }
            counts.insert(Sessions, changed);
        }
        counts
    }
}
