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
    /// The browser's own sign-in: the account the person signed the browser into, its sync
    /// state, and the name, e-mail and picture it left in the profile.
    Accounts,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::History,
        Category::Cookies,
        Category::Logins,
        Category::Downloads,
        Category::Forms,
        Category::Sessions,
        Category::Cache,
        Category::SiteData,
        Category::Accounts,
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
            Category::Accounts => "accounts",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}
