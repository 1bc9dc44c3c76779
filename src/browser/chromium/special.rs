//! The Chromium family's special steps, the ones its rule table cannot say: `History` and
//! its icons (as Chrome's own "delete all history"), cookies with a keep list, `Web Data`'s
//! two categories in one transaction, the user-data folder's URL-keyed metrics, `Preferences`,
//! and the files download records name.

use super::preferences::{LocalStateEdit, PreferencesEdit};
use crate::browser::steps::{
    database_if_present, fixup, keep_cookies, remove_downloaded_files, step, step_if,
};
use crate::category::Category::{self, *};
use crate::plan::planner::Planner;
use crate::sqlite::{quote, DbClean, Schema, Sql, Step, Uses, Version};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// History schema versions gomme was tested with (Chromium 120 to 156 write 66 to 70; 70 is
/// the committed fixture's). A newer one is cleaned, with a note, as long as it has every
/// table and column the steps use and its `last_compatible_version` is at most 70.
const HISTORY_VERSIONS: Version = Version::MetaTable(66, 70);

/// `Cookies`' and `Favicons`' schema versions, as the committed fixture's Chromium wrote them.
const COOKIES_VERSIONS: Version = Version::MetaTable(24, 24);
const FAVICONS_VERSIONS: Version = Version::MetaTable(9, 9);

/// `History`, for history and download records, in one transaction.
pub(super) fn plan_history(p: &mut Planner) {
    let dir = p.profile.path.clone();
    let history = p.opts.categories.contains(&History);
    let downloads = p.opts.categories.contains(&Downloads);
    if dir.join("History").is_file() {
        p.database(history_db(&dir, history, downloads));
    }
}

/// `Favicons`, against the cleaned `History`.
pub(super) fn plan_favicons(p: &mut Planner) {
    let dir = p.profile.path.clone();
    if dir.join("Favicons").is_file() && dir.join("History").is_file() {
        p.database(favicons(&dir));
    }
}

/// URL-keyed metrics of every profile, kept once per user-data dir: cleaned with the dir's
/// first profile, so it is counted once.
pub(super) fn plan_ukm(p: &mut Planner) {
    if owns_user_data(p) {
        let ukm = p.profile.lock_dir.join("segmentation_platform/ukm_db");
        clear_database(p, History, ukm, &[]);
    }
}

/// `Preferences`: per-site settings (history) and the flag that offers to restore tabs
/// (sessions).
pub(super) fn plan_preferences(p: &mut Planner) {
    let history = p.opts.categories.contains(&History);
    let sessions = p.opts.categories.contains(&Sessions);
    let accounts = p.opts.categories.contains(&Accounts);
    let prefs = p.profile.path.join("Preferences");
    if prefs.is_file() {
        let edit = Arc::new(PreferencesEdit {
            history,
            sessions,
            accounts,
        });
        let category = match (history, sessions) {
            (true, _) => History,
            (false, true) => Sessions,
            (false, false) => Accounts,
        };
        p.edit_json(category, prefs, edit);
    }
}

/// The copies a write cut short left under no name but a random one: on Windows Chromium
/// writes `<uuid>.tmp` before renaming it over the store (and deletes stale ones itself only
/// at its next start). What they copied is unknown: they go with history, from the profile's
/// folder and, with its first profile, the user-data folder's.
pub(super) fn plan_unnamed_copies(p: &mut Planner) {
    let mut dirs = vec![p.profile.path.clone()];
    if owns_user_data(p) {
        dirs.push(p.profile.lock_dir.clone());
    }
    for dir in dirs {
        p.remove_entries(History, &dir, is_unnamed_copy);
    }
}

/// `<uuid>.tmp`: see [`plan_unnamed_copies`].
pub(super) fn is_unnamed_copy(name: &str) -> bool {
    name.strip_suffix(".tmp")
        .is_some_and(crate::plan::planner::is_uuid)
}

/// `Local State`'s entries of the user-data folder's profiles, once, with its first profile
/// (every profile of the folder shares the file, and its lock).
pub(super) fn plan_local_state(p: &mut Planner) {
    let local_state = p.profile.lock_dir.join("Local State");
    if local_state.is_file() && owns_user_data(p) {
        p.edit_json(Accounts, local_state, Arc::new(LocalStateEdit));
    }
}

/// `Cookies` and `Network/Cookies`, but the domains to keep.
pub(super) fn plan_cookies(p: &mut Planner) {
    let dir = p.profile.path.clone();
    for path in [dir.join("Network/Cookies"), dir.join("Cookies")] {
        let step = cookies_step(&p.opts.keep_cookies);
        database_if_present(
            p,
            path,
            &["cookies", "meta"],
            Some(COOKIES_VERSIONS),
            vec![step],
        );
    }
}

/// The statement that empties `cookies` but the domains to keep.
fn cookies_step(domains: &[String]) -> Step {
    let keep = keep_cookies("host_key", domains);
    let uses: &[Uses] = if domains.is_empty() {
        &[("cookies", &[])]
    } else {
        &[("cookies", &["host_key"])]
    };
    step(Cookies, format!("DELETE FROM cookies WHERE NOT ({keep})")).using(uses)
}

/// `Web Data`'s steps for the chosen categories.
fn web_data_steps(forms: bool, accounts: bool) -> Vec<Step> {
    let mut web_data = Vec::new();
    if forms {
        web_data.push(empty_all_but(Forms, &["keywords", "token_service"]));
    }
    if accounts {
        web_data.push(
            step_if(Accounts, "token_service", "DELETE FROM token_service")
                .using(&[("token_service", &[])]),
        );
    }
    web_data
}

/// Every database clean this file defines, each way it can be asked for (for the test that
/// each statement uses only what it declares).
#[cfg(test)]
pub(crate) fn every_clean() -> Vec<DbClean> {
    let dir = Path::new("profile");
    let bare = |path: PathBuf, steps: Vec<Step>| DbClean {
        path,
        schema: Schema {
            tables: &[],
            version: None,
        },
        attach: Vec::new(),
        steps,
    };
    let mut out = Vec::new();
    for bookmarked in [vec![], vec!["https://bibliotheque.example/".to_owned()]] {
        for (history, downloads) in [(true, true), (true, false), (false, true)] {
            out.push(history_db_with(dir, &bookmarked, history, downloads));
        }
    }
    out.push(favicons(dir));
    for keep in [vec![], vec!["bibliotheque.example".to_owned()]] {
        out.push(bare(dir.join("Cookies"), vec![cookies_step(&keep)]));
    }
    out.push(bare(dir.join("Web Data"), web_data_steps(true, true)));
    out
}

/// `Web Data`, one transaction for both categories: everything autofill remembers (forms;
/// search engines in `keywords` stay) and the tokens of the account the person signed the
/// browser into (accounts: signing out locally takes them with the account's name).
pub(super) fn plan_web_data(p: &mut Planner) {
    let web_data = web_data_steps(
        p.opts.categories.contains(&Forms),
        p.opts.categories.contains(&Accounts),
    );
    let path = p.profile.path.join("Web Data");
    database_if_present(p, path, &["meta"], None, web_data);
}

/// The files the download records point to.
pub(super) fn plan_downloaded_files(p: &mut Planner) {
    let dir = p.profile.path.clone();
    plan_downloaded_files_in(p, &dir);
}

/// `History`: visits and everything derived from them; download records when downloads are
/// chosen. URLs a bookmark points to stay, with their counters reset.
fn history_db(dir: &Path, history: bool, downloads: bool) -> DbClean {
    let bookmarked = if history {
        bookmarked_urls(dir)
    } else {
        Vec::new()
    };
    history_db_with(dir, &bookmarked, history, downloads)
}

/// [`history_db`], keeping the URLs `bookmarked`.
fn history_db_with(dir: &Path, bookmarked: &[String], history: bool, downloads: bool) -> DbClean {
    let mut steps = Vec::new();
    if downloads {
        steps.extend([
            step(Downloads, "DELETE FROM downloads_url_chains")
                .using(&[("downloads_url_chains", &[])]),
            step_if(
                Downloads,
                "downloads_slices",
                "DELETE FROM downloads_slices",
            )
            .using(&[("downloads_slices", &[])]),
            step(Downloads, "DELETE FROM downloads").using(&[("downloads", &[])]),
        ]);
    }
    if history {
        let (keep, urls): (String, &[Uses]) = if bookmarked.is_empty() {
            ("0".to_owned(), &[("urls", &[])])
        } else {
            let list: Vec<String> = bookmarked.iter().map(|u| quote(u)).collect();
            (
                format!("url IN ({})", list.join(", ")),
                &[("urls", &["url"])],
            )
        };
        steps.push(step(History, "DELETE FROM visits").using(&[("visits", &[])]));
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
            steps.push(
                step_if(History, table, format!("DELETE FROM {table}")).using(&[(table, &[])]),
            );
        }
        steps.push(step(History, format!("DELETE FROM urls WHERE NOT ({keep})")).using(urls));
        steps.push(
            fixup(
                History,
                "UPDATE urls SET visit_count = 0, typed_count = 0, last_visit_time = 0 \
                 WHERE visit_count != 0 OR typed_count != 0 OR last_visit_time != 0",
            )
            .using(&[("urls", &["visit_count", "typed_count", "last_visit_time"])]),
        );
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
            version: Some(FAVICONS_VERSIONS),
        },
        attach: vec![("history".into(), dir.join("History"))],
        steps: vec![
            step(
                History,
                "DELETE FROM icon_mapping WHERE NOT EXISTS \
                 (SELECT 1 FROM history.urls u WHERE u.url = icon_mapping.page_url)",
            )
            .using(&[("icon_mapping", &["page_url"]), ("history.urls", &["url"])]),
            step(
                History,
                "DELETE FROM favicons WHERE NOT EXISTS \
                 (SELECT 1 FROM icon_mapping m WHERE m.icon_id = favicons.id)",
            )
            .using(&[("favicons", &["id"]), ("icon_mapping", &["icon_id"])]),
            step(
                History,
                "DELETE FROM favicon_bitmaps WHERE NOT EXISTS \
                 (SELECT 1 FROM favicons f WHERE f.id = favicon_bitmaps.icon_id)",
            )
            .using(&[("favicon_bitmaps", &["icon_id"]), ("favicons", &["id"])]),
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
fn plan_downloaded_files_in(p: &mut Planner, dir: &Path) {
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
