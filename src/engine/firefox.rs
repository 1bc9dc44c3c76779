//! Firefox family (Firefox, ESR, LibreWolf, Waterfox): where each category lives.

use super::{remove_entries, Engine};
use crate::category::Category;
use crate::discover::Profile;
use crate::error::Result;
use crate::plan::{CategoryPlan, Options};

pub struct Firefox;

/// Session restore: without these the next person clicks "restore previous session" and is
/// inside someone's account.
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

impl Engine for Firefox {
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
                if let Some(cache) = &profile.cache_dir {
                    remove_entries(&mut plan, cache, CACHE_DIRS)?;
                }
            }
            _ => return Ok(None),
        }
        Ok(Some(plan))
    }
}
