//! Chromium family (Chromium, Chrome, Edge, Brave, Vivaldi, Opera): where each category
//! lives. The order is the plan's: download records are read before the records go, favicons
//! are cleaned against the cleaned history, `Account Web Data` before `Web Data`.

use super::special::{
    plan_cookies, plan_downloaded_files, plan_favicons, plan_history, plan_local_state,
    plan_preferences, plan_ukm, plan_unnamed_copies, plan_web_data,
};
use crate::browser::rules::Place::{Below, OsCache, Profile};
use crate::browser::rules::{delete, delete_if, rule, Act::*, Rule, Statement, DOWNLOADED_FILES};
use crate::category::Category::*;
use crate::sqlite::Version;

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
    // compression dictionaries sites sent (`Use-As-Dictionary`), by site
    "Shared Dictionary",
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
    // notifications sites showed, origin trials they enabled, push budgets: by origin
    "Platform Notifications",
    "PersistentOriginTrials",
    "BudgetDatabase",
];

/// Stores of browser features that record, by host, sites the person visited: hints fetched
/// for them, carts and discounts seen on shops, pending certificate-transparency reports.
const PER_SITE_HISTORY: &[&str] = &[
    "optimization_guide_hint_cache_store",
    "chrome_cart_db",
    "discount_infos_db",
    "SCT Auditing Pending Reports",
];

/// Microsoft Edge's own stores, beside Chromium's (absent from the other browsers of the
/// family). Collections are not cleared by Edge's own "clear browsing data", and the
/// feature is retired but its database stays: the pages, notes and images a person saved.
/// Names as Edge writes them (forensic write-ups of `Collections/collectionsSQLite`;
/// third-party Edge cleaners list the others).
const EDGE_HISTORY: &[&str] = &[
    "Collections",
    "EdgeCoupons",
    "EdgeJourneys",
    "EdgeTravel",
    "EdgeHubAppUsage",
    "parcel_tracking_db",
    "discounts_db",
    "commerce_subscription_db",
];

/// Edge's wallet kept on disk (cards, passes and memberships shown in its Wallet).
const EDGE_FORMS: &[&str] = &["EdgeWallet"];

/// Edge's "Drop" (files and notes sent between the account's devices) and its push messaging
/// tied to the account.
const EDGE_ACCOUNT: &[&str] = &["EdgeEDrop", "EdgePushStorageWithConnectTokenAndKey"];

const LOGIN_STEPS: &[Statement] = &[
    delete("DELETE FROM logins", &[("logins", &[])]),
    delete_if(
        "insecure_credentials",
        "DELETE FROM insecure_credentials",
        &[("insecure_credentials", &[])],
    ),
    delete_if(
        "password_notes",
        "DELETE FROM password_notes",
        &[("password_notes", &[])],
    ),
    delete_if("stats", "DELETE FROM stats", &[("stats", &[])]),
    delete_if(
        "sync_entities_metadata",
        "DELETE FROM sync_entities_metadata",
        &[("sync_entities_metadata", &[])],
    ),
];

/// `Login Data`'s schema versions (its `meta` table), as the committed fixture's Chromium
/// wrote them: newer ones are cleaned with a note, unless they say code of this version can no
/// longer use them.
const LOGIN_VERSIONS: Version = Version::MetaTable(43, 43);

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
    // A LevelDB of several features, among them the records of downloads in progress:
    // removed whole, never byte-edited.
    rule(&[Downloads], Profile, Remove(&["shared_proto_db"])),
    // background downloads (the download service's entries: URLs)
    rule(&[Downloads], Profile, Remove(&["Download Service"])),
    rule(
        &[History, Downloads],
        Profile,
        Special {
            what: "`History`: visits, URLs not bookmarked (bookmarked ones stay, counters reset), \
               search terms, segments, annotations, clusters…; download records (`downloads`, \
               `downloads_url_chains`)",
            plan: plan_history,
            databases: &["History"],
        },
    ),
    rule(
        &[History],
        Profile,
        Special {
            what: "`Favicons` of removed pages",
            plan: plan_favicons,
            databases: &["Favicons"],
        },
    ),
    rule(&[History], Profile, Remove(HISTORY_FILES)),
    rule(&[History], Below("Network"), Remove(HISTORY_FILES)),
    rule(&[History], Profile, EmptyDatabases(HISTORY_DATABASES)),
    rule(
        &[History],
        Below("Network"),
        EmptyDatabases(HISTORY_DATABASES),
    ),
    rule(
        &[History],
        Profile,
        Special {
            what: "the user-data folder's `segmentation_platform/ukm_db` (every table), with its \
               first profile",
            plan: plan_ukm,
            databases: &["segmentation_platform/ukm_db"],
        },
    ),
    rule(
        &[History, Sessions, Accounts],
        Profile,
        Special {
            what:
                "`Preferences`: per-site settings (engagement, zoom, site exceptions; extensions' \
               entries stay), cached suggestions (history); the \"did not shut down correctly\" \
               flag that offers to restore tabs (sessions); the signed-in account (`account_info`, \
               `google.services.last_username` and the like, `signin.*` but what policies set, \
               `sync.*`, `gaia_cookie`) (accounts)",
            plan: plan_preferences,
            databases: &[],
        },
    ),
    rule(
        &[Cookies],
        Profile,
        Special {
            what: "`Cookies` and `Network/Cookies` rows, except the `--keep-cookies` domains",
            plan: plan_cookies,
            databases: &["Cookies", "Network/Cookies"],
        },
    ),
    rule(
        &[Logins],
        Profile,
        Rows {
            db: "Login Data",
            tables: &["logins", "meta"],
            version: Some(LOGIN_VERSIONS),
            steps: LOGIN_STEPS,
        },
    ),
    rule(
        &[Logins],
        Profile,
        Rows {
            db: "Login Data For Account",
            tables: &["logins", "meta"],
            version: Some(LOGIN_VERSIONS),
            steps: LOGIN_STEPS,
        },
    ),
    rule(&[Forms], Profile, EmptyDatabases(&["Account Web Data"])),
    rule(
        &[Forms, Accounts],
        Profile,
        Special {
            what:
                "`Web Data`: every autofill table (addresses, cards, IBANs…; search engines stay) \
               (forms) and the signed-in account's tokens, `token_service` (accounts), in one \
               transaction",
            plan: plan_web_data,
            databases: &["Web Data"],
        },
    ),
    rule(&[History], Profile, Remove(EDGE_HISTORY)),
    rule(&[History], Profile, Remove(PER_SITE_HISTORY)),
    // hosts where heavy ads were stopped
    rule(
        &[History],
        Profile,
        EmptyDatabases(&["heavy_ad_intervention_opt_out.db"]),
    ),
    // sites where autofill was declined, and the sites of the saved logins
    rule(&[Forms], Profile, Remove(&["AutofillStrikeDatabase"])),
    rule(
        &[Logins],
        Profile,
        EmptyDatabases(&["Affiliation Database"]),
    ),
    rule(
        &[History],
        Profile,
        Special {
            what: "copies of stores a write cut short left under a random name (`<uuid>.tmp`, \
                   as Chromium names them on Windows), in the profile's folder and, with its \
                   first profile, the user-data folder",
            plan: plan_unnamed_copies,
            databases: &[],
        },
    ),
    rule(&[Forms], Profile, Remove(EDGE_FORMS)),
    rule(&[Accounts], Profile, Remove(EDGE_ACCOUNT)),
    rule(&[Sessions], Profile, Remove(SESSION_FILES)),
    rule(&[Cache], Profile, Remove(CACHE_DIRS)),
    // The OS cache folder of a Chromium profile holds nothing but caches.
    rule(
        &[Cache],
        OsCache,
        Entries {
            folder: "",
            keep: None,
        },
    ),
    rule(&[SiteData], Profile, Remove(SITE_DATA_DIRS)),
    rule(
        &[SiteData],
        Profile,
        Entries {
            folder: "IndexedDB",
            keep: Some("chrome-extension_"),
        },
    ),
    rule(
        &[SiteData],
        Profile,
        RemoveDatabases(&[
            "Shared Storage",
            "Trust Tokens",
            "Conversions",
            "Interest Groups",
        ]),
    ),
    rule(
        &[SiteData],
        Profile,
        Remove(&["Site Characteristics Database"]),
    ),
    // The browser's own sign-in: its stores of the account, sync and push messaging.
    rule(
        &[Accounts],
        Profile,
        Remove(&[
            "Accounts",
            "GCM Store",
            "Sync Data",
            "Google Profile Picture.png",
            // The account's key store for sync, named by its GAIA id.
            "trusted_vault.pb",
        ]),
    ),
    rule(
        &[Accounts],
        Profile,
        Special {
            what: "`Local State`'s entry of each profile: the account's e-mail, GAIA name and id \
                   and picture, and Edge's `edge_account_*` fields (names, object, tenant and \
                   consumer ids, kind), reset as for a profile with no account (a name staff \
                   gave a profile with no account stays), with the user-data folder's first \
                   profile",
            plan: plan_local_state,
            databases: &[],
        },
    ),
];
