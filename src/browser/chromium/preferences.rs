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
