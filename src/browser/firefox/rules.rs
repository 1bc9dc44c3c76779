//! Firefox family (Firefox, ESR, LibreWolf, Waterfox): where each category lives. The order
//! is the plan's: download records are read before the records go, favicons are cleaned
//! against the cleaned history.

use super::special::{
    plan_account_prefs, plan_cookies, plan_downloaded_files, plan_favicons, plan_key_database,
    plan_places,
};
use crate::browser::rules::Place::{Below, OsCache, Profile};
use crate::browser::rules::{
    delete, delete_if, rule, tidy, Act::*, Rule, Statement, DOWNLOADED_FILES,
};
use crate::category::Category::*;
use crate::sqlite::Version;

const SESSION_FILES: &[&str] = &[
    "sessionstore.jsonlz4",
    "sessionstore.js",
    "sessionstore.bak",
    "sessionstore-backups",
    "sessionCheckpoints.json",
];

/// Caches, in the profile and in its OS cache folder. `safebrowsing` and the rest of the
/// cache folder are not the person's: they stay.
const CACHE_DIRS: &[&str] = &["cache2", "startupCache", "jumpListCache", "OfflineCache"];

/// Files that only record where the person went.
const HISTORY_FILES: &[&str] = &[
    "thumbnails",
    "SiteSecurityServiceState.bin",
    "SiteSecurityServiceState.txt",
    "AlternateServices.bin",
    "AlternateServices.txt",
];

const LOGIN_FILES: &[&str] = &["logins.json", "logins-backup.json", "signons.sqlite"];

const FORM_STEPS: &[Statement] = &[
    delete("DELETE FROM moz_formhistory", &[("moz_formhistory", &[])]),
    delete_if(
        "moz_deleted_formhistory",
        "DELETE FROM moz_deleted_formhistory",
        &[("moz_deleted_formhistory", &[])],
    ),
    delete_if(
        "moz_history_to_sources",
        "DELETE FROM moz_history_to_sources",
        &[("moz_history_to_sources", &[])],
    ),
    delete_if(
        "moz_sources",
        "DELETE FROM moz_sources",
        &[("moz_sources", &[])],
    ),
];

/// The schema versions of the databases the rules clean row by row, as the committed fixture's
/// Firefox wrote them (`user_version`): newer ones are cleaned with a note.
const FORMS_VERSIONS: Version = Version::UserVersion(4, 5);
const BOUNCE_VERSIONS: Version = Version::UserVersion(1, 1);
const WEBAPPS_VERSIONS: Version = Version::UserVersion(2, 2);
/// Firefox's storage version, major << 16 | minor: 2.3.
const STORAGE_VERSIONS: Version = Version::UserVersion(131_075, 131_075);
const PERMISSIONS_VERSIONS: Version = Version::UserVersion(12, 13);
const CONTENT_PREFS_VERSIONS: Version = Version::UserVersion(4, 6);

pub const RULES: &[Rule] = &[
    rule(
        &[Downloads],
        Profile,
        Special {
            what: DOWNLOADED_FILES,
            plan: plan_downloaded_files,
            databases: &[],
        },
    ),
    rule(
        &[History, Downloads],
        Profile,
        Special {
            what:
                "`places.sqlite`: visits and the pages only they explain (bookmarked pages stay, \
               counters reset), origins, input and search history, page metadata; download \
               records (`moz_annos`, download visits)",
            plan: plan_places,
            databases: &["places.sqlite"],
        },
    ),
    rule(
        &[History],
        Profile,
        Special {
            what: "`favicons.sqlite`: icons of removed pages (bookmarked pages and their sites' \
               root icons stay)",
            plan: plan_favicons,
            databases: &["favicons.sqlite"],
        },
    ),
    rule(&[History], Profile, Remove(HISTORY_FILES)),
    rule(&[History], OsCache, Remove(&["thumbnails"])),
    rule(
        &[History],
        Profile,
        Rows {
            db: "bounce-tracking-protection.sqlite",
            tables: &["sites"],
            version: Some(BOUNCE_VERSIONS),
            steps: &[delete("DELETE FROM sites", &[("sites", &[])])],
        },
    ),
    rule(
        &[Cookies],
        Profile,
        Special {
            what: "`cookies.sqlite` rows, except the `--keep-cookies` domains",
            plan: plan_cookies,
            databases: &["cookies.sqlite"],
        },
    ),
    rule(&[Logins], Profile, Remove(LOGIN_FILES)),
    // The Rust mirror of the login store, and breach alerts shown for saved logins.
    rule(&[Logins], Profile, RemoveDatabases(&["logins.db"])),
    rule(
        &[Logins],
        Profile,
        Special {
            what: "`key4.db` only if someone set a primary password (Firefox then makes a new one \
               without), else it stays: it also holds certificates",
            plan: plan_key_database,
            databases: &[],
        },
    ),
    rule(
        &[Forms],
        Profile,
        Rows {
            db: "formhistory.sqlite",
            tables: &["moz_formhistory"],
            version: Some(FORMS_VERSIONS),
            steps: FORM_STEPS,
        },
    ),
    rule(&[Forms], Profile, Remove(&["autofill-profiles.json"])),
    rule(&[Sessions], Profile, Remove(SESSION_FILES)),
    rule(&[Cache], Profile, Remove(CACHE_DIRS)),
    rule(&[Cache], OsCache, Remove(CACHE_DIRS)),
    // Site storage, except extensions' own (`moz-extension+++…`).
    rule(
        &[SiteData],
        Below("storage"),
        Entries {
            folder: "default",
            keep: Some("moz-extension+++"),
        },
    ),
    rule(
        &[SiteData],
        Below("storage"),
        Entries {
            folder: "temporary",
            keep: Some("moz-extension+++"),
        },
    ),
    rule(
        &[SiteData],
        Below("storage"),
        Entries {
            folder: "private",
            keep: Some("moz-extension+++"),
        },
    ),
    rule(&[SiteData], Below("storage"), Remove(&["to-be-removed"])),
    rule(
        &[SiteData],
        Below("storage"),
        RemoveDatabases(&["ls-archive.sqlite"]),
    ),
    rule(&[SiteData], Profile, Remove(&["serviceworker.txt"])),
    // Per-site decisions and what sites showed: certificate exceptions accepted ("Accept the
    // risk"), client certificates chosen, notifications shown (title, text, origin).
    rule(
        &[SiteData],
        Profile,
        Remove(&[
            "cert_override.txt",
            "ClientAuthRememberList.bin",
            "ClientAuthRememberList.txt",
            "notificationstore.json",
        ]),
    ),
    rule(
        &[SiteData],
        Profile,
        Rows {
            db: "webappsstore.sqlite",
            tables: &["webappsstore2"],
            version: Some(WEBAPPS_VERSIONS),
            steps: &[delete(
                "DELETE FROM webappsstore2 WHERE originKey NOT LIKE '%moz-extension%'",
                &[("webappsstore2", &["originKey"])],
            )],
        },
    ),
    rule(
        &[SiteData],
        Profile,
        Rows {
            db: "storage.sqlite",
            tables: &["origin", "cache"],
            version: Some(STORAGE_VERSIONS),
            steps: &[
                delete(
                    "DELETE FROM origin WHERE origin NOT LIKE 'moz-extension%' \
                 AND repository_id IN (SELECT id FROM repository WHERE name <> 'persistent')",
                    &[
                        ("origin", &["origin", "repository_id"]),
                        ("repository", &["id", "name"]),
                    ],
                ),
                // Firefox rebuilds its storage cache from disk when it is marked invalid.
                tidy(
                    "UPDATE cache SET valid = 0 WHERE valid IS NOT 0",
                    &[("cache", &["valid"])],
                ),
            ],
        },
    ),
    rule(
        &[SiteData],
        Profile,
        Rows {
            db: "permissions.sqlite",
            tables: &["moz_perms"],
            version: Some(PERMISSIONS_VERSIONS),
            steps: &[
                delete(
                    "DELETE FROM moz_perms WHERE origin NOT LIKE 'moz-extension:%'",
                    &[("moz_perms", &["origin"])],
                ),
                delete_if("moz_hosts", "DELETE FROM moz_hosts", &[("moz_hosts", &[])]),
                delete_if(
                    "moz_origin_interactions",
                    "DELETE FROM moz_origin_interactions",
                    &[("moz_origin_interactions", &[])],
                ),
            ],
        },
    ),
    // Per-site preferences (zoom…) hang off groups; global ones have no group and stay.
    rule(
        &[SiteData],
        Profile,
        Rows {
            db: "content-prefs.sqlite",
            tables: &["prefs", "groups"],
            version: Some(CONTENT_PREFS_VERSIONS),
            steps: &[
                delete(
                    "DELETE FROM prefs WHERE groupID IS NOT NULL",
                    &[("prefs", &["groupID"])],
                ),
                delete("DELETE FROM groups", &[("groups", &[])]),
            ],
        },
    ),
    // The browser's own sign-in: Firefox Accounts' state (e-mail, session token, display
    // name) and sync's, and the preferences that name the account.
    rule(
        &[Accounts],
        Profile,
        Remove(&["signedInUser.json", "weave"]),
    ),
    rule(
        &[Accounts],
        Profile,
        Special {
            what: "`prefs.js`: the `identity.fxaccounts.*` and `services.sync.*` preferences (the \
               account's e-mail, device name, sync state); every other line stays",
            plan: plan_account_prefs,
            databases: &[],
        },
    ),
];
