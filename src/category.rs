//! What can be wiped. Everything else in a profile (bookmarks, settings, extensions) is kept.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    History,
    Cookies,
    Logins,
    Downloads,
    Forms,
    Sessions,
    Cache,
    SiteData,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::History,
        Category::Cookies,
        Category::Logins,
        Category::Downloads,
        Category::Forms,
        Category::Sessions,
        Category::Cache,
        Category::SiteData,
    ];

    pub fn from_id(id: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.id() == id)
    }

    /// The stable identifier used on the command line and as a JSON key.
    pub fn id(self) -> &'static str {
        match self {
            Category::History => "history",
            Category::Cookies => "cookies",
            Category::Logins => "logins",
            Category::Downloads => "downloads",
            Category::Forms => "forms",
            Category::Sessions => "sessions",
            Category::Cache => "cache",
            Category::SiteData => "site-data",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
