//! Chromium family (Chromium, Chrome, Edge, Brave, Vivaldi, Opera): where each category lives.

use super::{remove_all_but, remove_entries, Engine};
use crate::category::Category;
use crate::discover::Profile;
use crate::error::Result;
use crate::plan::{CategoryPlan, Options};

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

impl Engine for Chromium {
    fn plan(
        &self,
        profile: &Profile,
        category: Category,
        _opts: &Options,
    ) -> Result<Option<CategoryPlan>> {
        let mut plan = CategoryPlan::default();
        match category {
            Category::Sessions => remove_entries(&mut plan, &profile.path, SESSION_FILES)?,
            Category::Cache => {
                remove_entries(&mut plan, &profile.path, CACHE_DIRS)?;
                // The OS cache folder of a Chromium profile holds nothing but caches.
                if let Some(cache) = &profile.cache_dir {
                    remove_all_but(&mut plan, cache, &[])?;
                }
            }
            _ => return Ok(None),
        }
        Ok(Some(plan))
    }
}
