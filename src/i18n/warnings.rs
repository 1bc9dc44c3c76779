//! What discovery met and could not use, in the person's language: the path comes first, then
//! one of these.

use super::Lang;
use crate::profile::Problem;

impl Lang {
    /// A system error in the person's language: Rust gives the C library's English text
    /// whatever the locale. The common kinds are said in French, with the system's number.
    pub fn io_error(self, e: &std::io::Error) -> String {
        use std::io::ErrorKind as K;
        if self == Lang::En {
            return e.to_string();
        }
        let said = match e.kind() {
            K::NotFound => "ce fichier ou dossier n'existe pas",
            K::PermissionDenied => "accès refusé",
            K::IsADirectory => "c'est un dossier",
            K::NotADirectory => "un élément du chemin n'est pas un dossier",
            K::StorageFull => "le disque est plein",
            K::ReadOnlyFilesystem => "le disque est en lecture seule",
            K::InvalidData => "le contenu n'est pas lisible (ni texte, ni UTF-8)",
            K::TimedOut => "délai dépassé",
            K::Interrupted => "interrompu",
            _ => return e.to_string(),
        };
        match e.raw_os_error() {
            Some(n) => format!("{said} (erreur système {n})"),
            None => said.to_owned(),
        }
    }

    pub fn problem(self, p: &Problem) -> String {
        const INSTEAD_EN: &str = "looking at the folders instead";
        const INSTEAD_FR: &str = "gomme regarde les dossiers à la place";
        match (self, p) {
            (Lang::En, Problem::HomeMissing) => "this home folder does not exist".into(),
            (Lang::En, Problem::HomeNotFolder) => "is not a folder, so not a home folder".into(),
            (Lang::En, Problem::HomeUnreadable(why)) => {
                format!("this home folder cannot be read ({why})")
            }
            (Lang::En, Problem::CacheNotFolder) => {
                "cache folder is a link or not a folder; not followed".into()
            }
            (Lang::En, Problem::SettingsLink) => format!("is a link; not followed; {INSTEAD_EN}"),
            (Lang::En, Problem::SettingsUnreadable(why)) => {
                format!("cannot be read ({why}); {INSTEAD_EN}")
            }
            (Lang::En, Problem::SettingsTooLarge) => {
                format!("is far too large to be a real settings file; {INSTEAD_EN}")
            }
            (Lang::En, Problem::SettingsNotText) => {
                format!("is not a text file (damaged?); {INSTEAD_EN}")
            }
            (Lang::En, Problem::SettingsDamaged { line }) => {
                format!("is damaged (line {line}); {INSTEAD_EN}")
            }
            (Lang::En, Problem::ListsProfileOutside) => {
                "lists a profile outside its folder; ignored".into()
            }
            (Lang::En, Problem::NamesProfileOutside) => {
                "names a profile outside its folder; ignored".into()
            }
            (Lang::En, Problem::ForeignPath) => {
                "names a profile by a path from another system; ignored".into()
            }
            (Lang::En, Problem::ListedFolderMissing(by)) => {
                format!("is listed in {by}, but its folder is missing")
            }
            (Lang::En, Problem::ProfileLink) => "profile folder is a link; not followed".into(),
            (Lang::En, Problem::LeadsOutsideThroughLink) => {
                "leads outside this home through a link; not followed".into()
            }
            (Lang::En, Problem::OutsideHome) => "is outside this home; not looked at".into(),

            (Lang::Fr, Problem::HomeMissing) => "ce dossier personnel n'existe pas".into(),
            (Lang::Fr, Problem::HomeNotFolder) => {
                "n'est pas un dossier, donc pas un dossier personnel".into()
            }
            (Lang::Fr, Problem::HomeUnreadable(why)) => {
                format!("ce dossier personnel ne peut pas être lu ({why})")
            }
            (Lang::Fr, Problem::CacheNotFolder) => {
                "le dossier de cache est un lien ou n'est pas un dossier ; il n'est pas suivi"
                    .into()
            }
            (Lang::Fr, Problem::SettingsLink) => {
                format!("est un lien, qui n'est pas suivi ; {INSTEAD_FR}")
            }
            (Lang::Fr, Problem::SettingsUnreadable(why)) => {
                format!("ne peut pas être lu ({why}) ; {INSTEAD_FR}")
            }
            (Lang::Fr, Problem::SettingsTooLarge) => {
                format!("est bien trop gros pour un vrai fichier de réglages ; {INSTEAD_FR}")
            }
            (Lang::Fr, Problem::SettingsNotText) => {
                format!("n'est pas un fichier texte (abîmé ?) ; {INSTEAD_FR}")
            }
            (Lang::Fr, Problem::SettingsDamaged { line }) => {
                format!("est abîmé (ligne {line}) ; {INSTEAD_FR}")
            }
            (Lang::Fr, Problem::ListsProfileOutside | Problem::NamesProfileOutside) => {
                "désigne un profil hors de son dossier ; ignoré".into()
            }
            (Lang::Fr, Problem::ForeignPath) => {
                "désigne un profil par un chemin d'un autre système ; ignoré".into()
            }
            (Lang::Fr, Problem::ListedFolderMissing(by)) => {
                format!("figure dans {by}, mais son dossier manque")
            }
            (Lang::Fr, Problem::ProfileLink) => {
                "le dossier du profil est un lien ; il n'est pas suivi".into()
            }
            (Lang::Fr, Problem::LeadsOutsideThroughLink) => {
                "mène hors de ce dossier personnel par un lien ; il n'est pas suivi".into()
            }
            (Lang::Fr, Problem::OutsideHome) => {
                "est hors de ce dossier personnel ; gomme n'y regarde pas".into()
            }
        }
    }
}
