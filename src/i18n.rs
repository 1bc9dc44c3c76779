//! Messages in French or English, chosen from the locale. Helpers are not engineers: every
//! message is plain language and says what to do next. JSON keys stay English.

use crate::browser::Browser;
use crate::category::Category;
use crate::lock::LockState;
use crate::report::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    /// From `LC_ALL`, `LC_MESSAGES`, `LANG`, in the order POSIX gives them precedence.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(value) = std::env::var(var) {
                if !value.is_empty() {
                    return Lang::from_locale(&value);
                }
            }
        }
        Lang::En
    }

    pub fn from_locale(locale: &str) -> Lang {
        if locale.to_ascii_lowercase().starts_with("fr") {
            Lang::Fr
        } else {
            Lang::En
        }
    }

    pub fn category(self, c: Category) -> &'static str {
        match (self, c) {
            (Lang::En, Category::History) => "history",
            (Lang::En, Category::Cookies) => "cookies",
            (Lang::En, Category::Logins) => "saved logins",
            (Lang::En, Category::Downloads) => "downloads",
            (Lang::En, Category::Forms) => "form data",
            (Lang::En, Category::Sessions) => "open sessions",
            (Lang::En, Category::Cache) => "cache",
            (Lang::En, Category::SiteData) => "site data",
            (Lang::Fr, Category::History) => "historique",
            (Lang::Fr, Category::Cookies) => "cookies",
            (Lang::Fr, Category::Logins) => "mots de passe",
            (Lang::Fr, Category::Downloads) => "téléchargements",
            (Lang::Fr, Category::Forms) => "formulaires",
            (Lang::Fr, Category::Sessions) => "sessions ouvertes",
            (Lang::Fr, Category::Cache) => "cache",
            (Lang::Fr, Category::SiteData) => "données de sites",
        }
    }

    pub fn status(self, s: Status) -> &'static str {
        match (self, s) {
            (Lang::En, Status::Planned) => "to clean",
            (Lang::En, Status::Cleaned) => "cleaned",
            (Lang::En, Status::SkippedRunning) => "skipped: browser open",
            (Lang::En, Status::Error) => "error",
            (Lang::Fr, Status::Planned) => "à nettoyer",
            (Lang::Fr, Status::Cleaned) => "nettoyé",
            (Lang::Fr, Status::SkippedRunning) => "ignoré : navigateur ouvert",
            (Lang::Fr, Status::Error) => "erreur",
        }
    }

    pub fn lock(self, l: &LockState) -> String {
        match (self, l) {
            (Lang::En, LockState::Idle) => "closed".into(),
            (Lang::En, LockState::Running { pid: Some(pid) }) => format!("open (pid {pid})"),
            (Lang::En, LockState::Running { pid: None }) => "open".into(),
            (Lang::En, LockState::StaleLock) => "closed (stale lock)".into(),
            (Lang::En, LockState::OtherHost { host }) => format!("locked by computer {host}"),
            (Lang::Fr, LockState::Idle) => "fermé".into(),
            (Lang::Fr, LockState::Running { pid: Some(pid) }) => format!("ouvert (pid {pid})"),
            (Lang::Fr, LockState::Running { pid: None }) => "ouvert".into(),
            (Lang::Fr, LockState::StaleLock) => "fermé (verrou périmé)".into(),
            (Lang::Fr, LockState::OtherHost { host }) => {
                format!("verrouillé par l'ordinateur {host}")
            }
        }
    }

    /// Column headings of the report tables.
    pub fn headings(self) -> [&'static str; 6] {
        match self {
            Lang::En => ["Browser", "Install", "Profile", "Category", "Items", "Size"],
            Lang::Fr => [
                "Navigateur",
                "Installation",
                "Profil",
                "Catégorie",
                "Éléments",
                "Taille",
            ],
        }
    }

    pub fn state_heading(self) -> &'static str {
        match self {
            Lang::En => "State",
            Lang::Fr => "État",
        }
    }

    pub fn path_heading(self) -> &'static str {
        match self {
            Lang::En => "Folder",
            Lang::Fr => "Dossier",
        }
    }

    pub fn title_dry_run(self) -> &'static str {
        match self {
            Lang::En => "Dry run: nothing was removed. A clean would remove:",
            Lang::Fr => "Simulation : rien n'a été effacé. Un nettoyage effacerait :",
        }
    }

    pub fn title_clean(self) -> &'static str {
        match self {
            Lang::En => "Removed:",
            Lang::Fr => "Effacé :",
        }
    }

    pub fn nothing_found(self) -> &'static str {
        match self {
            Lang::En => "No browser profile found.",
            Lang::Fr => "Aucun profil de navigateur trouvé.",
        }
    }

    pub fn totals(
        self,
        profiles: usize,
        items: u64,
        size: &str,
        skipped: usize,
        errors: usize,
    ) -> String {
        match self {
            Lang::En => format!(
                "Total: {profiles} profile(s), {items} item(s), {size}; {skipped} skipped, {errors} error(s)"
            ),
            Lang::Fr => format!(
                "Total : {profiles} profil(s), {items} élément(s), {size} ; {skipped} ignoré(s), {errors} erreur(s)"
            ),
        }
    }

    /// What to do about a profile skipped because its browser is open.
    pub fn close_browser(self, browser: Browser, profile: &str) -> String {
        match self {
            Lang::En => format!(
                "{browser} is open on profile {profile}: it was not cleaned. Close {browser}, then run gomme again."
            ),
            Lang::Fr => format!(
                "{browser} est ouvert sur le profil {profile} : il n'a pas été nettoyé. Fermez {browser}, puis relancez gomme."
            ),
        }
    }

    pub fn profile_failed(self, profile: &str) -> String {
        match self {
            Lang::En => format!(
                "profile {profile} could not be fully cleaned (details above). The other profiles were processed."
            ),
            Lang::Fr => format!(
                "le profil {profile} n'a pas pu être entièrement nettoyé (détails ci-dessus). Les autres profils ont été traités."
            ),
        }
    }

    pub fn audit_verdict(self, clean: bool) -> &'static str {
        match (self, clean) {
            (Lang::En, true) => "No trace left to remove.",
            (Lang::En, false) => "Traces remain: run `gomme clean` to remove them.",
            (Lang::Fr, true) => "Aucune trace à effacer.",
            (Lang::Fr, false) => "Des traces restent : lancez `gomme clean` pour les effacer.",
        }
    }

    pub fn warning(self) -> &'static str {
        match self {
            Lang::En => "warning",
            Lang::Fr => "attention",
        }
    }

    /// A size for people: binary units, one decimal (French: decimal comma, octets).
    pub fn size(self, bytes: u64) -> String {
        const UNITS_EN: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        const UNITS_FR: [&str; 5] = ["o", "Kio", "Mio", "Gio", "Tio"];
        let units = match self {
            Lang::En => UNITS_EN,
            Lang::Fr => UNITS_FR,
        };
        if bytes < 1024 {
            return format!("{bytes} {}", units[0]);
        }
        let mut value = bytes as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit < units.len() - 1 {
            value /= 1024.0;
            unit += 1;
        }
        let text = format!("{value:.1} {}", units[unit]);
        match self {
            Lang::En => text,
            Lang::Fr => text.replacen('.', ",", 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(Lang::En.size(0), "0 B");
        assert_eq!(Lang::En.size(1536), "1.5 KiB");
        assert_eq!(Lang::Fr.size(1536), "1,5 Kio");
        assert_eq!(Lang::Fr.size(3 * 1024 * 1024), "3,0 Mio");
    }

    #[test]
    fn locale() {
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
    }
}
