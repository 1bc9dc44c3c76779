//! Messages in French or English, chosen from the locale. Helpers are not engineers: every
//! message is plain language and says what to do next. JSON keys stay English.

use crate::browser::kind::Browser;
use crate::category::Category;
use crate::profile::LockState;
use crate::report::Status;

mod admin;
mod browser_policies;
mod errors;
mod session;
mod settings;
mod warnings;

pub use admin::{AdminFor, Done, Place};

/// Which report a title heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Title {
    DryRun,
    Audit,
    Clean,
    /// The plan shown before the helper's question.
    Confirm,
}

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
            (Lang::En, Category::Accounts) => "signed-in accounts",
            (Lang::Fr, Category::History) => "historique",
            (Lang::Fr, Category::Cookies) => "cookies",
            (Lang::Fr, Category::Logins) => "mots de passe",
            (Lang::Fr, Category::Downloads) => "téléchargements",
            (Lang::Fr, Category::Forms) => "formulaires",
            (Lang::Fr, Category::Sessions) => "sessions ouvertes",
            (Lang::Fr, Category::Cache) => "cache",
            (Lang::Fr, Category::SiteData) => "données de sites",
            (Lang::Fr, Category::Accounts) => "comptes connectés",
        }
    }

    pub fn status(self, s: Status) -> &'static str {
        match (self, s) {
            (Lang::En, Status::Planned) => "to clean",
            (Lang::En, Status::Cleaned) => "cleaned",
            (Lang::En, Status::SkippedRunning) => "skipped: browser open",
            (Lang::En, Status::Error) => "error",
            (Lang::En, Status::Unfinished) => "unfinished: out of time",
            (Lang::Fr, Status::Planned) => "à nettoyer",
            (Lang::Fr, Status::Cleaned) => "nettoyé",
            (Lang::Fr, Status::SkippedRunning) => "ignoré : navigateur ouvert",
            (Lang::Fr, Status::Error) => "erreur",
            (Lang::Fr, Status::Unfinished) => "inachevé : temps écoulé",
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

    /// The report's title; `rows` says whether a table follows it.
    pub fn title(self, t: Title, rows: bool) -> &'static str {
        match (self, t, rows) {
            (Lang::En, Title::DryRun, true) => {
                "Dry run: nothing was removed. A clean would remove:"
            }
            (Lang::En, Title::DryRun, false) => "Dry run: nothing was removed.",
            (Lang::En, Title::Audit, true) => "Audit: nothing was removed. A clean would remove:",
            (Lang::En, Title::Audit, false) => "Audit: nothing was removed.",
            (Lang::En, Title::Clean, true) => "Removed:",
            (Lang::En, Title::Clean, false) => "Nothing was removed.",
            (Lang::En, Title::Confirm, true) => "This will be removed:",
            (Lang::En, Title::Confirm, false) => "Nothing to remove.",
            (Lang::Fr, Title::DryRun, true) => {
                "Simulation : rien n'a été effacé. Un nettoyage effacerait :"
            }
            (Lang::Fr, Title::DryRun, false) => "Simulation : rien n'a été effacé.",
            (Lang::Fr, Title::Audit, true) => {
                "Vérification : rien n'a été effacé. Un nettoyage effacerait :"
            }
            (Lang::Fr, Title::Audit, false) => "Vérification : rien n'a été effacé.",
            (Lang::Fr, Title::Clean, true) => "Effacé :",
            (Lang::Fr, Title::Clean, false) => "Rien n'a été effacé.",
            (Lang::Fr, Title::Confirm, true) => "Voici ce qui va être effacé :",
            (Lang::Fr, Title::Confirm, false) => "Rien à effacer.",
        }
    }

    /// Profiles with nothing to remove, below a table of the others (`others`) or alone.
    pub fn nothing_in(self, profiles: usize, others: bool) -> String {
        match (self, others) {
            (Lang::En, true) => format!("{profiles} other profile(s): nothing to remove."),
            (Lang::En, false) => format!("{profiles} profile(s): nothing to remove."),
            (Lang::Fr, true) => format!("{profiles} autre(s) profil(s) : rien à effacer."),
            (Lang::Fr, false) => format!("{profiles} profil(s) : rien à effacer."),
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

    /// A database cleaned (or to be cleaned, in a dry run) although its schema is newer than
    /// any gomme was tested with: every table and column it uses was there.
    pub fn newer_than_tested(
        self,
        profile: &str,
        note: &crate::sqlite::Note,
        cleaning: bool,
    ) -> String {
        let crate::sqlite::Note {
            database,
            version,
            tested,
        } = note;
        match (self, cleaning) {
            (Lang::En, true) => format!(
                "Note: {profile}: {database} is newer than tested (schema {version}, tested up \
                 to {tested}); cleaned, as everything gomme uses in it is there."
            ),
            (Lang::En, false) => format!(
                "Note: {profile}: {database} is newer than tested (schema {version}, tested up \
                 to {tested}); it will be cleaned, as everything gomme uses in it is there."
            ),
            (Lang::Fr, true) => format!(
                "Remarque : {profile} : {database} est plus récent que les versions testées \
                 (schéma {version}, testé jusqu'à {tested}) ; nettoyé, car tout ce dont gomme \
                 se sert s'y trouve."
            ),
            (Lang::Fr, false) => format!(
                "Remarque : {profile} : {database} est plus récent que les versions testées \
                 (schéma {version}, testé jusqu'à {tested}) ; il sera nettoyé, car tout ce dont \
                 gomme se sert s'y trouve."
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

    /// A profile with errors: `cleaning` for a clean, else a dry run or an audit, which only
    /// looked.
    pub fn profile_failed(self, profile: &str, cleaning: bool) -> String {
        match (self, cleaning) {
            (Lang::En, true) => format!(
                "profile {profile} could not be fully cleaned (details above). The other profiles were processed."
            ),
            (Lang::En, false) => format!(
                "profile {profile} could not be fully checked (details above): traces may remain there. The other profiles were checked."
            ),
            (Lang::Fr, true) => format!(
                "le profil {profile} n'a pas pu être entièrement nettoyé (détails ci-dessus). Les autres profils ont été traités."
            ),
            (Lang::Fr, false) => format!(
                "le profil {profile} n'a pas pu être entièrement vérifié (détails ci-dessus) : des traces peuvent y rester. Les autres profils ont été vérifiés."
            ),
        }
    }

    /// The run was stopped at its deadline.
    pub fn timed_out(self, secs: u64, done: usize, cleaning: bool) -> String {
        match (self, cleaning) {
            (Lang::En, true) => format!(
                "stopped at the run's deadline ({secs} s): {done} profile(s) were cleaned before \
                 it; the others may still hold traces. Run gomme again to finish."
            ),
            (Lang::En, false) => format!(
                "stopped at the run's deadline ({secs} s) before everything was checked: traces \
                 may remain. Run it again, or with a longer --timeout."
            ),
            (Lang::Fr, true) => format!(
                "arrêt à l'échéance de {secs} s : {done} profil(s) nettoyé(s) avant ; les autres \
                 peuvent garder des traces. Relancez gomme pour finir."
            ),
            (Lang::Fr, false) => format!(
                "arrêt à l'échéance de {secs} s avant d'avoir tout vérifié : des traces peuvent \
                 rester. Relancez, ou avec un --timeout plus long."
            ),
        }
    }

    /// A profile the deadline left undone.
    pub fn profile_unfinished(self, name: &str) -> String {
        match self {
            Lang::En => {
                format!("{name}: not finished before the run's deadline; run gomme again to finish")
            }
            Lang::Fr => format!("{name} : pas fini avant l'échéance ; relancez gomme pour finir"),
        }
    }

    /// The last line of a dry run: what a clean would remove, and what could not be checked.
    pub fn dry_run_verdict(self, items: u64, unchecked: usize) -> String {
        match (self, items > 0) {
            (_, false) => self.audit_verdict(0, unchecked),
            (Lang::En, true) if unchecked == 0 => {
                "A clean would remove what is listed above; nothing was removed.".to_owned()
            }
            (Lang::Fr, true) if unchecked == 0 => {
                "Un nettoyage effacerait ce qui est listé ci-dessus ; rien n'a été effacé.".to_owned()
            }
            (Lang::En, true) => format!(
                "A clean would remove what is listed above; nothing was removed. {unchecked} profile(s) or home folder(s) could not be checked (see the messages above): traces may remain there."
            ),
            (Lang::Fr, true) => format!(
                "Un nettoyage effacerait ce qui est listé ci-dessus ; rien n'a été effacé. {unchecked} profil(s) ou dossier(s) personnel(s) n'ont pas pu être vérifiés (voir les messages ci-dessus) : des traces peuvent y rester."
            ),
        }
    }

    /// The last line of an audit: `items` found, `unchecked` profiles and homes not wholly
    /// read. "No trace" only when everything was read.
    pub fn audit_verdict(self, items: u64, unchecked: usize) -> String {
        let found = match (self, items > 0) {
            (_, false) => None,
            (Lang::En, true) => Some("Traces remain: run `gomme clean` to remove them."),
            (Lang::Fr, true) => Some("Des traces restent : lancez `gomme clean` pour les effacer."),
        };
        let unread = match self {
            Lang::En => format!(
                "{unchecked} profile(s) or home folder(s) could not be checked (see the messages above): traces may remain there."
            ),
            Lang::Fr => format!(
                "{unchecked} profil(s) ou dossier(s) personnel(s) n'ont pas pu être vérifiés (voir les messages ci-dessus) : des traces peuvent y rester."
            ),
        };
        match (found, unchecked > 0) {
            (None, false) => match self {
                Lang::En => "No trace left to remove.".to_owned(),
                Lang::Fr => "Aucune trace à effacer.".to_owned(),
            },
            (None, true) => unread,
            (Some(found), false) => found.to_owned(),
            (Some(found), true) => format!("{found} {unread}"),
        }
    }

    /// A category as the subject of a sentence: « l'historique », "history".
    fn category_phrase(self, c: Category) -> &'static str {
        match (self, c) {
            (Lang::Fr, Category::History) => "l'historique",
            (Lang::Fr, Category::Cookies) => "les cookies",
            (Lang::Fr, Category::Logins) => "les mots de passe enregistrés",
            (Lang::Fr, Category::Downloads) => "les téléchargements",
            (Lang::Fr, Category::Forms) => "les données de formulaires",
            (Lang::Fr, Category::Sessions) => "les onglets ouverts",
            (Lang::Fr, Category::Cache) => "le cache",
            (Lang::Fr, Category::SiteData) => "les données des sites",
            (Lang::Fr, Category::Accounts) => "les comptes connectés au navigateur",
            (Lang::En, Category::History) => "the history",
            (Lang::En, Category::Cookies) => "the cookies",
            (Lang::En, Category::Logins) => "the saved passwords",
            (Lang::En, Category::Downloads) => "the downloads",
            (Lang::En, Category::Forms) => "the form data",
            (Lang::En, Category::Sessions) => "the open tabs",
            (Lang::En, Category::Cache) => "the cache",
            (Lang::En, Category::SiteData) => "the site data",
            (Lang::En, Category::Accounts) => "the accounts signed into the browser",
        }
    }

    fn and_list(self, items: &[&str]) -> String {
        let and = match self {
            Lang::Fr => " et ",
            Lang::En => " and ",
        };
        match items {
            [] => String::new(),
            [one] => (*one).to_owned(),
            [rest @ .., last] => format!("{}{and}{last}", rest.join(", ")),
        }
    }

    /// The last line of an interactive clean: what was removed, and whether anything is left,
    /// as checked by an audit right after.
    pub fn verdict(
        self,
        removed: &[Category],
        profiles: usize,
        remaining: u64,
        skipped: usize,
        errors: usize,
        unread_homes: usize,
    ) -> String {
        let phrases: Vec<&str> = removed.iter().map(|c| self.category_phrase(*c)).collect();
        let list = self.and_list(&phrases);
        let mut text = match (self, removed.is_empty()) {
            (Lang::Fr, true) => "Terminé : il n'y avait rien à effacer.".to_owned(),
            (Lang::En, true) => "Done: there was nothing to remove.".to_owned(),
            (Lang::Fr, false) => {
                let profils = if profiles > 1 { "profils" } else { "profil" };
                let verbe = if phrases.len() > 1 || list.starts_with("les ") {
                    "ont été effacés"
                } else {
                    "a été effacé"
                };
                format!("Terminé : {list} de {profiles} {profils} {verbe}.")
            }
            (Lang::En, false) => {
                let profs = if profiles > 1 { "profiles" } else { "profile" };
                format!("Done: {list} of {profiles} {profs} were removed.")
            }
        };
        text.push(' ');
        let all_read = skipped == 0 && errors == 0 && unread_homes == 0;
        text.push_str(&match (self, remaining == 0 && all_read) {
            (Lang::Fr, true) => "Aucune trace restante.".to_owned(),
            (Lang::En, true) => "No trace left.".to_owned(),
            (Lang::Fr, false) => {
                let mut why = Vec::new();
                if skipped > 0 {
                    why.push(format!("{skipped} profil(s) dont le navigateur est encore ouvert : fermez-le puis relancez gomme"));
                }
                if errors > 0 {
                    why.push(format!("{errors} profil(s) qui n'ont pas pu être entièrement nettoyés (voir les messages ci-dessus)"));
                }
                if unread_homes > 0 {
                    why.push(format!("{unread_homes} dossier(s) personnel(s) qui n'ont pas pu être lus (voir les messages ci-dessus)"));
                }
                if why.is_empty() {
                    why.push(format!("{remaining} élément(s) n'ont pas pu être effacés : relancez gomme"));
                }
                if remaining == 0 {
                    format!("Attention, des traces peuvent rester : {}.", why.join(" ; "))
                } else {
                    format!("Attention, il reste des traces : {}.", why.join(" ; "))
                }
            }
            (Lang::En, false) => {
                let mut why = Vec::new();
                if skipped > 0 {
                    why.push(format!("{skipped} profile(s) whose browser is still open: close it, then run gomme again"));
                }
                if errors > 0 {
                    why.push(format!("{errors} profile(s) could not be fully cleaned (see the messages above)"));
                }
                if unread_homes > 0 {
                    why.push(format!("{unread_homes} home folder(s) could not be read (see the messages above)"));
                }
                if why.is_empty() {
                    why.push(format!("{remaining} item(s) could not be removed: run gomme again"));
                }
                if remaining == 0 {
                    format!("Careful, traces may remain: {}.", why.join("; "))
                } else {
                    format!("Careful, traces remain: {}.", why.join("; "))
                }
            }
        });
        text
    }

    pub fn confirm(self) -> &'static str {
        match self {
            Lang::Fr => "Effacer ces traces ? Tapez o puis Entrée pour effacer, Entrée seule pour annuler : ",
            Lang::En => "Remove these traces? Type y then Enter to remove, Enter alone to cancel: ",
        }
    }

    pub fn confirmed(self, answer: &str) -> bool {
        let a = answer.trim().to_lowercase();
        match self {
            Lang::Fr => matches!(a.as_str(), "o" | "oui" | "y" | "yes"),
            Lang::En => matches!(a.as_str(), "y" | "yes"),
        }
    }

    pub fn cancelled(self) -> &'static str {
        match self {
            Lang::Fr => "Annulé : rien n'a été effacé.",
            Lang::En => "Cancelled: nothing was removed.",
        }
    }

    pub fn ask_close(self, browsers: &str) -> String {
        match self {
            Lang::Fr => format!("{browsers} est encore ouvert. Le fermer maintenant (les onglets ouverts seront perdus) ? Tapez o puis Entrée : "),
            Lang::En => format!("{browsers} is still open. Close it now (its open tabs will be lost)? Type y then Enter: "),
        }
    }

    pub fn closed(self, browser: &str, pid: u32, forced: bool) -> String {
        match (self, forced) {
            (Lang::Fr, false) => format!("{browser} (processus {pid}) a été fermé."),
            (Lang::Fr, true) => {
                format!("{browser} (processus {pid}) ne se fermait pas : il a été arrêté de force.")
            }
            (Lang::En, false) => format!("{browser} (process {pid}) was closed."),
            (Lang::En, true) => {
                format!("{browser} (process {pid}) would not close: it was stopped.")
            }
        }
    }

    pub fn not_closed(self, browser: &str) -> String {
        match self {
            Lang::Fr => format!(
                "{browser} ne s'est pas fermé à temps : fermez-le vous-même, puis relancez gomme."
            ),
            Lang::En => {
                format!("{browser} did not close in time: close it yourself, then run gomme again.")
            }
        }
    }

    pub fn press_enter(self) -> &'static str {
        match self {
            Lang::Fr => "Appuyez sur Entrée pour fermer cette fenêtre.",
            Lang::En => "Press Enter to close this window.",
        }
    }

    /// A home that could not be looked in, on the terminal.
    pub fn home_unread(self, home: &str, why: &str) -> String {
        match self {
            Lang::En => format!("error: {home}: {why}; nothing there was checked"),
            Lang::Fr => format!("erreur : {home} : {why} ; rien n'y a été vérifié"),
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
    fn verdicts_read_as_sentences() {
        use Category::*;
        assert_eq!(
            Lang::Fr.verdict(&[History, Cookies, Logins, Downloads], 3, 0, 0, 0, 0),
            "Terminé : l'historique, les cookies, les mots de passe enregistrés et les téléchargements de 3 profils ont été effacés. Aucune trace restante."
        );
        assert_eq!(
            Lang::En.verdict(&[History, Cookies], 1, 0, 1, 0, 0),
            "Done: the history and the cookies of 1 profile were removed. Careful, traces may remain: 1 profile(s) whose browser is still open: close it, then run gomme again."
        );
        assert!(Lang::Fr
            .verdict(&[], 2, 0, 0, 0, 0)
            .starts_with("Terminé : il n'y avait rien à effacer."));
        assert!(
            Lang::Fr.confirmed(" Oui\n") && !Lang::Fr.confirmed("") && !Lang::En.confirmed("o")
        );
    }

    #[test]
    fn locale() {
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
    }
}
