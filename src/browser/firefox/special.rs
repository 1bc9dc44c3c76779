//! Firefox's special steps, the ones its rule table cannot say: the history database and its
//! icons (as Firefox's own `History.clear()`), cookies with a keep list, the files download
//! records name, and `key4.db`.

use crate::browser::steps::{
    database_if_present, file_uri_path, fixup, keep_cookies, remove_database_file,
    remove_downloaded_files, step, step_if,
};
use crate::category::Category::{self, *};
use crate::plan::planner::{Planner, SettingsEdit};
use crate::sqlite::{DbClean, Schema, Step, Uses, Version};
use std::collections::BTreeMap;

/// Places schema versions gomme was tested with (Firefox 115 ESR to 153 ESR write 69 to 86;
/// 86 is the committed fixture's). A newer one is cleaned, with a note, as long as it has
/// every table and column the steps use.
const PLACES_VERSIONS: Version = Version::UserVersion(69, 86);

/// `cookies.sqlite`'s schema version, as the committed fixture's Firefox wrote it.
const COOKIES_VERSIONS: Version = Version::UserVersion(17, 17);

const DOWNLOAD_ATTRS: &str = "SELECT id FROM moz_anno_attributes WHERE name LIKE 'downloads/%'";
/// What [`DOWNLOAD_ATTRS`] uses.
const DOWNLOAD_ATTRS_USES: Uses = ("moz_anno_attributes", &["id", "name"]);

/// `places.sqlite`, for history and download records, in one transaction.
pub(super) fn plan_places(p: &mut Planner) {
    let history = p.opts.categories.contains(&History);
    let downloads = p.opts.categories.contains(&Downloads);
    if p.profile.path.join("places.sqlite").is_file() {
        let clean = places(p, history, downloads);
        p.database(clean);
    }
}

/// `favicons.sqlite`, against the cleaned `places.sqlite`.
pub(super) fn plan_favicons(p: &mut Planner) {
    let dir = &p.profile.path;
    if dir.join("favicons.sqlite").is_file() && dir.join("places.sqlite").is_file() {
        let clean = favicons(p);
        p.database(clean);
    }
}

/// `cookies.sqlite`, but the domains to keep.
pub(super) fn plan_cookies(p: &mut Planner) {
    let step = cookies_step(&p.opts.keep_cookies);
    database_if_present(
        p,
        p.profile.path.join("cookies.sqlite"),
        &["moz_cookies"],
        Some(COOKIES_VERSIONS),
        vec![step],
    );
}

/// The statement that empties `moz_cookies` but the domains to keep.
fn cookies_step(domains: &[String]) -> Step {
    let keep = keep_cookies("host", domains);
    let uses: &[Uses] = if domains.is_empty() {
        &[("moz_cookies", &[])]
    } else {
        &[("moz_cookies", &["host"])]
    };
    step(
        Cookies,
        format!("DELETE FROM moz_cookies WHERE NOT ({keep})"),
    )
    .using(uses)
}

/// Every database clean this file defines, each way it can be asked for (for the test that
/// each statement uses only what it declares).
#[cfg(test)]
pub(crate) fn every_clean() -> Vec<DbClean> {
    let dir = std::path::Path::new("profile");
    let mut out = Vec::new();
    for (history, downloads) in [(true, true), (true, false), (false, true)] {
        out.push(places_clean(dir.join("places.sqlite"), history, downloads));
    }
    out.push(favicons_clean(dir));
    for keep in [vec![], vec!["bibliotheque.example".to_owned()]] {
        out.push(DbClean {
            path: dir.join("cookies.sqlite"),
            schema: Schema {
                tables: &[],
                version: None,
            },
            attach: Vec::new(),
            steps: vec![cookies_step(&keep)],
        });
    }
    out
}

/// `places.sqlite`: visits, the pages only they explain, and everything hanging off those
/// pages; download records when downloads are chosen.
fn places(p: &Planner, history: bool, downloads: bool) -> DbClean {
    places_clean(p.profile.path.join("places.sqlite"), history, downloads)
}

/// [`places`], for the database at `path`.
fn places_clean(path: std::path::PathBuf, history: bool, downloads: bool) -> DbClean {
    let mut steps = Vec::new();
    if downloads {
        steps.push(
            step(
                Downloads,
                format!("DELETE FROM moz_annos WHERE anno_attribute_id IN ({DOWNLOAD_ATTRS})"),
            )
            .using(&[("moz_annos", &["anno_attribute_id"]), DOWNLOAD_ATTRS_USES]),
        );
        // Visits of type 7 are the "downloaded" visits the download list is built from.
        steps.push(
            step(
                Downloads,
                "DELETE FROM moz_historyvisits WHERE visit_type = 7",
            )
            .using(&[("moz_historyvisits", &["visit_type"])]),
        );
    }
    if history {
        // Without downloads chosen, download records and their visits stay.
        let (keep_downloads, visits): (&str, &[Uses]) = if downloads {
            ("", &[("moz_historyvisits", &[])])
        } else {
            (
                " WHERE visit_type <> 7",
                &[("moz_historyvisits", &["visit_type"])],
            )
        };
        let all = |table: &'static str| {
            step_if(History, table, format!("DELETE FROM {table}")).using(&[(table, &[])])
        };
        steps.extend([
            step(History, format!("DELETE FROM moz_historyvisits{keep_downloads}")).using(visits),
            step_if(History, "moz_historyvisits_extra",
                "DELETE FROM moz_historyvisits_extra WHERE NOT EXISTS \
                 (SELECT 1 FROM moz_historyvisits v WHERE v.id = visit_id)")
                .using(&[("moz_historyvisits_extra", &["visit_id"]), ("moz_historyvisits", &["id"])]),
            all("moz_places_metadata"),
            all("moz_places_metadata_search_queries"),
            step(History, "DELETE FROM moz_inputhistory").using(&[("moz_inputhistory", &[])]),
            all("moz_newtab_story_click"),
            all("moz_newtab_story_impression"),
            all("moz_newtab_shortcuts_interaction"),
            all("moz_previews_tombstones"),
            // Pages no bookmark or keyword references (foreign_count), no visit left explains,
            // and no kept download record names.
            step(History, format!(
                "DELETE FROM moz_places WHERE foreign_count = 0 \
                 AND NOT EXISTS (SELECT 1 FROM moz_historyvisits v WHERE v.place_id = moz_places.id) \
                 AND NOT EXISTS (SELECT 1 FROM moz_annos a WHERE a.place_id = moz_places.id \
                                 AND a.anno_attribute_id IN ({DOWNLOAD_ATTRS}))"))
                .using(&[
                    ("moz_places", &["id", "foreign_count"]),
                    ("moz_historyvisits", &["place_id"]),
                    ("moz_annos", &["place_id", "anno_attribute_id"]),
                    DOWNLOAD_ATTRS_USES,
                ]),
            fixup(History, "DELETE FROM moz_annos WHERE NOT EXISTS \
                 (SELECT 1 FROM moz_places h WHERE h.id = moz_annos.place_id)")
                .using(&[("moz_annos", &["place_id"]), ("moz_places", &["id"])]),
            fixup(History, "DELETE FROM moz_places_extra WHERE NOT EXISTS \
                 (SELECT 1 FROM moz_places h WHERE h.id = moz_places_extra.place_id)")
                .using(&[("moz_places_extra", &["place_id"]), ("moz_places", &["id"])]),
            // Kept (bookmarked) pages forget they were visited. Firefox's own triggers do this
            // on its connections; a plain connection has none.
            // Each tidying step changes only rows not yet as it leaves them: a second clean
            // finds nothing to change and writes nothing.
            fixup(History, "UPDATE moz_places SET visit_count = 0, last_visit_date = NULL, typed = 0, \
                 frecency = -1, recalc_frecency = 1 \
                 WHERE NOT EXISTS (SELECT 1 FROM moz_historyvisits v WHERE v.place_id = moz_places.id) \
                 AND (visit_count IS NOT 0 OR last_visit_date IS NOT NULL OR typed IS NOT 0 \
                      OR frecency IS NOT -1 OR recalc_frecency IS NOT 1)")
                .using(&[
                    ("moz_places", &["id", "visit_count", "last_visit_date", "typed", "frecency",
                                     "recalc_frecency"]),
                    ("moz_historyvisits", &["place_id"]),
                ]),
            step(History, "DELETE FROM moz_origins WHERE NOT EXISTS \
                 (SELECT 1 FROM moz_places h WHERE h.origin_id = moz_origins.id)")
                .using(&[("moz_origins", &["id"]), ("moz_places", &["origin_id"])]),
            fixup(History, "UPDATE moz_origins SET recalc_frecency = 1 WHERE recalc_frecency IS NOT 1")
                .using(&[("moz_origins", &["recalc_frecency"])]),
            fixup(History, "DELETE FROM moz_meta WHERE key LIKE 'origin_frecency_%' \
                 OR key LIKE 'origin_alt_frecency_%'")
                .using(&[("moz_meta", &["key"])]),
        ]);
    }
    let places_tables: &[&str] = &[
        "moz_places",
        "moz_historyvisits",
        "moz_annos",
        "moz_anno_attributes",
        "moz_origins",
        "moz_inputhistory",
        "moz_places_extra",
        "moz_meta",
        "moz_bookmarks",
    ];
    DbClean {
        path,
        schema: Schema {
            tables: places_tables,
            version: Some(PLACES_VERSIONS),
        },
        attach: Vec::new(),
        steps,
    }
}

/// `favicons.sqlite`, cleaned against the cleaned `places.sqlite`: the icons of removed pages
/// go; bookmarked pages keep theirs, and so do their sites' root icons (`/favicon.ico`).
fn favicons(p: &Planner) -> DbClean {
    favicons_clean(&p.profile.path)
}

/// [`favicons`], for the profile folder `dir`.
fn favicons_clean(dir: &std::path::Path) -> DbClean {
    DbClean {
        path: dir.join("favicons.sqlite"),
        schema: Schema {
            tables: &["moz_icons", "moz_pages_w_icons", "moz_icons_to_pages"],
            version: None,
        },
        attach: vec![("places".into(), dir.join("places.sqlite"))],
        steps: vec![
            step(History, "DELETE FROM moz_pages_w_icons WHERE NOT EXISTS \
                 (SELECT 1 FROM places.moz_places h \
                  WHERE h.url_hash = moz_pages_w_icons.page_url_hash AND h.url = moz_pages_w_icons.page_url)")
                .using(&[
                    ("moz_pages_w_icons", &["page_url_hash", "page_url"]),
                    ("places.moz_places", &["url_hash", "url"]),
                ]),
            fixup(History, "DELETE FROM moz_icons_to_pages WHERE NOT EXISTS \
                 (SELECT 1 FROM moz_pages_w_icons g WHERE g.id = moz_icons_to_pages.page_id)")
                .using(&[("moz_icons_to_pages", &["page_id"]), ("moz_pages_w_icons", &["id"])]),
            step(History, "DELETE FROM moz_icons WHERE NOT EXISTS \
                 (SELECT 1 FROM moz_icons_to_pages m WHERE m.icon_id = moz_icons.id) \
                 AND NOT (root = 1 AND substr(icon_url, 1, length(icon_url) - length('/favicon.ico')) \
                          IN (SELECT prefix || host FROM places.moz_origins))")
                .using(&[
                    ("moz_icons", &["id", "root", "icon_url"]),
                    ("moz_icons_to_pages", &["icon_id"]),
                    ("places.moz_origins", &["prefix", "host"]),
                ]),
        ],
    }
}

/// The files the download records point to.
pub(super) fn plan_downloaded_files(p: &mut Planner) {
    let places = p.profile.path.join("places.sqlite");
    remove_downloaded_files(
        p,
        &places,
        "SELECT content FROM moz_annos WHERE anno_attribute_id IN \
         (SELECT id FROM moz_anno_attributes WHERE name = 'downloads/destinationFileURI')",
        file_uri_path,
    );
}

/// `key4.db` holds the key of the saved logins and those of certificates, and stays, unless
/// someone set a primary password: the next person would then be asked for a password they
/// cannot know to see or save logins. It then goes (with the logins it protected); Firefox
/// makes a new one, without a password, at its next start.
pub(super) fn plan_key_database(p: &mut Planner) {
    let dir = p.profile.path.clone();
    let dir = dir.as_path();
    let key4 = dir.join("key4.db");
    if !key4.is_file() {
        return;
    }
    let check = p.query_rows(
        &key4,
        "SELECT item1, item2 FROM metaData WHERE id = 'password'",
        |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)),
    );
    let (salt, check) = match check.map(|rows| rows.into_iter().next()) {
        Ok(Some(row)) => row,
        Ok(None) => return,
        Err(e) => {
            tracing::info!("key4.db not read, kept: {e}");
            return;
        }
    };
    match crate::nss::primary_password_set(&salt, &check) {
        Some(true) => remove_database_file(p, Logins, dir, "key4.db"),
        Some(false) => {}
        None => tracing::info!("key4.db: a password check gomme cannot read; kept"),
    }
}

/// `prefs.js`: the Firefox Accounts and sync preferences (`identity.fxaccounts.*`,
/// `services.sync.*`: the account's e-mail, its device name, sync state), line by line; every
/// other line stays byte for byte. `identity.fxaccounts.enabled` is the machine's choice and
/// stays, and so do `services.sync.engine.*` (the kinds of data sync may carry).
pub(super) fn plan_account_prefs(p: &mut Planner) {
    let prefs = p.profile.path.join("prefs.js");
    if prefs.is_file() {
        p.edit_json(Accounts, prefs, std::sync::Arc::new(AccountPrefs));
    }
}

#[derive(Debug)]
struct AccountPrefs;

/// Whether a `prefs.js` line sets a preference of the person's account.
fn is_account_pref(line: &str) -> bool {
    let Some(rest) = line.trim_start().strip_prefix("user_pref(\"") else {
        return false;
    };
    let name = rest.split('"').next().unwrap_or_default();
    (name.starts_with("identity.fxaccounts.") || name.starts_with("services.sync."))
        && name != "identity.fxaccounts.enabled"
        // Which kinds of data sync may carry: Firefox's own defaults, naming no one.
        && !name.starts_with("services.sync.engine.")
}

impl SettingsEdit for AccountPrefs {
    fn apply(
        &self,
        _path: &std::path::Path,
        bytes: &[u8],
    ) -> crate::error::Result<(Vec<u8>, BTreeMap<Category, u64>)> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut removed = 0;
        for line in bytes.split_inclusive(|b| *b == b'\n') {
            if is_account_pref(&String::from_utf8_lossy(line)) {
                removed += 1;
            } else {
                out.extend_from_slice(line);
            }
        }
        Ok((out, BTreeMap::from([(Accounts, removed)])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_prefs_go_and_every_other_line_stays() {
        let prefs = "// Mozilla User Preferences\n\
            user_pref(\"browser.startup.homepage\", \"https://bibliotheque.example\");\n\
            user_pref(\"identity.fxaccounts.enabled\", true);\n\
            user_pref(\"identity.fxaccounts.account.device.name\", \"Camille’s Firefox\");\n\
            user_pref(\"services.sync.username\", \"camille@example.org\");\n\
            user_pref(\"services.sync.engine.addresses.available\", true);\n\
            user_pref(\"services.synchronize\", 1);\n";
        let (out, counts) = AccountPrefs
            .apply(std::path::Path::new("prefs.js"), prefs.as_bytes())
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(counts[&Accounts], 2);
        assert!(
            !out.contains("camille") && !out.contains("Camille"),
            "{out}"
        );
        assert!(out.contains("browser.startup.homepage") && out.contains("fxaccounts.enabled"));
        assert!(out.contains("services.synchronize") && out.contains("engine.addresses"));
        let (again, counts) = AccountPrefs
            .apply(std::path::Path::new("prefs.js"), out.as_bytes())
            .unwrap();
        assert_eq!(counts[&Accounts], 0);
        assert_eq!(again, out.as_bytes());
    }
}
