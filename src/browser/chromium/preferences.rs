//! What `Preferences` keeps of the person, as an edit of its JSON.

use crate::category::Category::{self, *};
use crate::plan::planner::JsonEdit;
use serde_json::Value;
use std::collections::BTreeMap;

/// What `Preferences` keeps of the person: per-site settings (site and media engagement, zoom,
/// permissions they granted) and the "did not shut down correctly" flag that makes the browser
/// offer to restore their tabs. Everything else, and extensions' entries, stay.
#[derive(Debug)]
pub(super) struct PreferencesEdit {
    pub(super) history: bool,
    pub(super) sessions: bool,
    pub(super) accounts: bool,
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
        if self.accounts {
            counts.insert(Accounts, sign_out(json));
        }
        counts
    }
}

/// The keys of `Preferences` that name the account the browser is signed into, or hold its
/// sign-in and sync state: removed, as a fresh profile has none of them. `signin.allowed` and
/// its like are the machine's (policies) and stay, and so does `sync.managed`.
const ACCOUNT_KEYS: &[&str] = &[
    "account_info",
    "account_tracker_service_last_update",
    "gaia_cookie",
];
const GOOGLE_SERVICES_KEYS: &[&str] = &[
    "account_id",
    "consented_to_sync",
    "last_account_id",
    "last_gaia_id",
    "last_signed_in_username",
    "last_username",
    "signin_scoped_device_id",
    "username",
];
const SIGNIN_KEPT: &[&str] = &["allowed", "allowed_on_next_startup"];
const SYNC_KEPT: &[&str] = &["managed"];

/// Signs the profile out locally; how many entries went.
fn sign_out(json: &mut Value) -> u64 {
    let mut removed = 0;
    let Some(root) = json.as_object_mut() else {
        return 0;
    };
    for key in ACCOUNT_KEYS {
        removed += u64::from(root.remove(*key).is_some());
    }
    if let Some(google) = root
        .get_mut("google")
        .and_then(|g| g.get_mut("services"))
        .and_then(Value::as_object_mut)
    {
        for key in GOOGLE_SERVICES_KEYS {
            removed += u64::from(google.remove(*key).is_some());
        }
    }
    for (section, kept) in [("signin", SIGNIN_KEPT), ("sync", SYNC_KEPT)] {
        if let Some(obj) = root.get_mut(section).and_then(Value::as_object_mut) {
            let before = obj.len();
            obj.retain(|k, _| kept.contains(&k.as_str()));
            removed += (before - obj.len()) as u64;
        }
    }
    removed
}

/// `Local State`'s entry of each profile (`profile.info_cache`) keeps the name, e-mail, GAIA
/// id and picture of the account the profile was signed into: reset to what the browser
/// writes for a profile with no account. A name staff gave a profile with no account attached
/// stays; a name that came with the account goes back to a default one.
#[derive(Debug)]
pub(super) struct LocalStateEdit;

const INFO_CACHE_ACCOUNT_KEYS: &[&str] = &[
    "gaia_name",
    "gaia_given_name",
    "gaia_picture_file_name",
    "last_downloaded_gaia_picture_url_with_size",
    "hosted_domain",
    "account_categories",
];

/// Microsoft Edge's own fields of the same entry: the Microsoft account or work account
/// (names, object, tenant and consumer ids) and its kind. A fresh Edge profile has each of
/// them empty, or 0 for the kinds (as Edge writes a new profile's `Local State`); absent in
/// the other browsers of the family, and then left absent.
const EDGE_INFO_CACHE_TEXT: &[&str] = &[
    "edge_account_cid",
    "edge_account_first_name",
    "edge_account_last_name",
    "edge_account_location",
    "edge_account_oid",
    "edge_account_puid",
    "edge_account_tenant_id",
];
const EDGE_INFO_CACHE_KINDS: &[&str] = &["edge_account_type", "edge_wam_aad_for_app_account_type"];

impl JsonEdit for LocalStateEdit {
    fn apply(&self, json: &mut Value) -> BTreeMap<Category, u64> {
        let mut reset = 0;
        if let Some(cache) = json
            .pointer_mut("/profile/info_cache")
            .and_then(Value::as_object_mut)
        {
            for entry in cache.values_mut().filter_map(Value::as_object_mut) {
                let text = |e: &serde_json::Map<String, Value>, k: &str| {
                    e.get(k)
                        .and_then(Value::as_str)
                        .is_some_and(|v| !v.is_empty())
                };
                let kind = |e: &serde_json::Map<String, Value>, k: &str| {
                    e.get(k).and_then(Value::as_u64).is_some_and(|v| v != 0)
                };
                let has_account = text(entry, "gaia_id")
                    || text(entry, "user_name")
                    || INFO_CACHE_ACCOUNT_KEYS
                        .iter()
                        .any(|k| entry.contains_key(*k))
                    || EDGE_INFO_CACHE_TEXT.iter().any(|k| text(entry, k))
                    || EDGE_INFO_CACHE_KINDS.iter().any(|k| kind(entry, k));
                if !has_account {
                    continue;
                }
                reset += 1;
                entry.insert("gaia_id".into(), Value::from(""));
                entry.insert("user_name".into(), Value::from(""));
                entry.insert("is_consented_primary_account".into(), Value::Bool(false));
                for key in INFO_CACHE_ACCOUNT_KEYS {
                    entry.remove(*key);
                }
                for key in EDGE_INFO_CACHE_TEXT {
                    if let Some(v) = entry.get_mut(*key) {
                        *v = Value::from("");
                    }
                }
                for key in EDGE_INFO_CACHE_KINDS {
                    if let Some(v) = entry.get_mut(*key) {
                        *v = Value::from(0);
                    }
                }
                if entry.get("use_gaia_picture") == Some(&Value::Bool(true)) {
                    entry.insert("use_gaia_picture".into(), Value::Bool(false));
                }
                if entry.get("is_using_default_name") == Some(&Value::Bool(false)) {
                    // The name came with the account, or was given while it was there.
                    let n = entry
                        .get("metrics_bucket_index")
                        .and_then(Value::as_u64)
                        .unwrap_or(1);
                    entry.insert("name".into(), Value::from(format!("Person {n}")));
                    entry.insert("is_using_default_name".into(), Value::Bool(true));
                }
            }
        }
        BTreeMap::from([(Accounts, reset)])
    }
}
