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
        const INSTEAD_FR: &str = "gomme regarde les dossiers à la place";
        match (self, p) {
            (Lang::En, p) => p.english(),
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
            (Lang::Fr, Problem::ProfileGroupUnreadable(why)) => {
                format!(
                    "est un groupe de profils que gomme ne peut pas lire ({why}) ; {INSTEAD_FR}"
                )
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
