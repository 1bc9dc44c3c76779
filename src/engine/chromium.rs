//! Chromium family (Chromium, Chrome, Edge, Brave, Vivaldi, Opera): where each category lives.

use super::Engine;
use crate::category::Category;
use crate::plan::Planner;

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
    fn plan(&self, p: &mut Planner) {
        let profile = p.profile;
        if p.wants(Category::Sessions) {
            for name in SESSION_FILES {
                p.remove(Category::Sessions, &profile.path, name);
            }
        }
        if p.wants(Category::Cache) {
            for name in CACHE_DIRS {
                p.remove(Category::Cache, &profile.path, name);
            }
            // The OS cache folder of a Chromium profile holds nothing but caches.
            if let Some(cache) = &profile.cache_dir {
                p.remove_entries(Category::Cache, cache, |_| true);
            }
        }
    }
}
