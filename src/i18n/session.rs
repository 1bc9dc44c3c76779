//! What the session clean says (`gomme session start`, `clean --session`): helpers read these.

use super::Lang;
use crate::schedule::Purpose;

impl Lang {
    /// `gomme session start` done for a home.
    pub fn session_started(self, home: &str, at: &str) -> String {
        match self {
            Lang::En => format!("session started for {home} at {at}: a clean with --session will remove what is made or changed from now on in the personal folders"),
            Lang::Fr => format!("début d'accompagnement noté pour {home} à {at} : un nettoyage avec --session effacera ce qui sera créé ou modifié à partir de maintenant dans les dossiers personnels"),
        }
    }

    /// `gomme session start --keep` for a home whose start is noted already.
    pub fn session_kept(self, home: &str, at: &str) -> String {
        match self {
            Lang::En => format!("{home}: the session noted at {at} has not been cleaned yet; its start is kept"),
            Lang::Fr => format!("{home} : l'accompagnement noté à {at} n'a pas encore été nettoyé ; son début est gardé"),
        }
    }

    /// `--all-users`: an account logged in now is left out of the session clean.
    pub fn session_in_use(self, home: &str) -> String {
        match self {
            Lang::En => format!("{home}: this account is logged in now; its personal folders are left for its own clean"),
            Lang::Fr => format!("{home} : ce compte est connecté en ce moment ; ses dossiers personnels sont laissés pour son propre nettoyage"),
        }
    }

    /// `--session` without a marker: nothing was done.
    pub fn session_no_marker(self, homes: &str) -> String {
        match self {
            Lang::En => format!("no session start is recorded for {homes}, so gomme cannot tell which files are the person's; nothing was done. Run `gomme session start` when the person sits down (the logon task does it), or clean without --session"),
            Lang::Fr => format!("aucun début d'accompagnement n'est noté pour {homes} : gomme ne peut pas savoir quels fichiers sont ceux de la personne ; rien n'a été fait. Lancez « gomme session start » quand la personne s'installe (la tâche d'ouverture de session le fait), ou nettoyez sans --session"),
        }
    }

    /// `--all-users`: an account without a marker is left out of the session clean.
    pub fn session_skipped(self, home: &str) -> String {
        match self {
            Lang::En => format!("{home}: no session start recorded; its personal folders are left as they are"),
            Lang::Fr => format!("{home} : aucun début d'accompagnement noté ; ses dossiers personnels ne sont pas touchés"),
        }
    }

    pub fn session_heading(self, home: &str) -> String {
        match self {
            Lang::En => format!("Made during the session, in {home}:"),
            Lang::Fr => format!("Créé pendant l'accompagnement, dans {home} :"),
        }
    }

    pub fn session_line(self, what: &str, items: u64, size: &str) -> String {
        match self {
            Lang::En => format!("{what}: {items} ({size})"),
            Lang::Fr => format!("{what} : {items} ({size})"),
        }
    }

    pub fn session_nothing(self) -> &'static str {
        match self {
            Lang::En => "nothing new in the personal folders",
            Lang::Fr => "rien de nouveau dans les dossiers personnels",
        }
    }

    /// The heading of the file names shown to the helper before the question.
    pub fn session_names(self) -> &'static str {
        match self {
            Lang::En => "Files and folders made during the session, which will be removed:",
            Lang::Fr => {
                "Fichiers et dossiers créés pendant l'accompagnement, qui vont être effacés :"
            }
        }
    }

    /// A personal folder, by its id.
    pub fn folder_name(self, id: &str) -> String {
        let name = match (self, id) {
            (Lang::En, "desktop") => "Desktop",
            (Lang::En, "documents") => "Documents",
            (Lang::En, "downloads") => "Downloads",
            (Lang::En, "pictures") => "Pictures",
            (Lang::En, "videos") => "Videos",
            (Lang::En, "music") => "Music",
            (Lang::Fr, "desktop") => "Bureau",
            (Lang::Fr, "documents") => "Documents",
            (Lang::Fr, "downloads") => "Téléchargements",
            (Lang::Fr, "pictures") => "Images",
            (Lang::Fr, "videos") => "Vidéos",
            (Lang::Fr, "music") => "Musique",
            (_, other) => return crate::sanitize::for_terminal(other).into_owned(),
        };
        name.to_owned()
    }

    pub fn traces_name(self) -> &'static str {
        match self {
            Lang::En => "Desktop traces of them (recent files, thumbnails)",
            Lang::Fr => "Leurs traces sur le bureau (fichiers récents, miniatures)",
        }
    }

    pub fn session_purpose(self, p: Purpose) -> &'static str {
        match (self, p) {
            (Lang::En, Purpose::WindowsSession) => {
                r"task \gomme\session: at each logon, as the person, notes when their session starts"
            }
            (Lang::Fr, Purpose::WindowsSession) => {
                r"tâche \gomme\session : à chaque ouverture de session, en tant que la personne, note l'heure du début"
            }
            (Lang::En, _) => "at each logon, as the person: notes when their session starts (for clean --session)",
            (Lang::Fr, _) => "à chaque ouverture de session, en tant que la personne : note l'heure du début (pour clean --session)",
        }
    }
}

impl Lang {
    /// The clean's verdict, saying first what went from the personal folders (`files`) and
    /// the desktop (`traces`) when anything did: it replaces "there was nothing to remove".
    pub fn with_session_verdict(self, verdict: String, files: u64, traces: u64) -> String {
        if files == 0 && traces == 0 {
            return verdict;
        }
        let (nothing, done) = match self {
            Lang::En => (
                "Done: there was nothing to remove. ",
                format!("Done: {files} file(s) made during the session and {traces} trace(s) of them on the desktop were removed."),
            ),
            Lang::Fr => (
                "Terminé : il n'y avait rien à effacer. ",
                format!("Terminé : {files} fichier(s) créé(s) pendant l'accompagnement et {traces} trace(s) sur le bureau ont été effacés."),
            ),
        };
        match verdict.strip_prefix(nothing) {
            Some(rest) => format!("{done} {rest}"),
            None => {
                let also = match self {
                    Lang::En => format!("Also {files} file(s) made during the session and {traces} trace(s) of them on the desktop."),
                    Lang::Fr => format!("Aussi {files} fichier(s) créé(s) pendant l'accompagnement et {traces} trace(s) sur le bureau."),
                };
                match verdict.split_once(". ") {
                    Some((first, rest)) => format!("{first}. {also} {rest}"),
                    None => format!("{verdict} {also}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn the_verdict_says_what_went_from_the_personal_folders() {
        for lang in [Lang::En, Lang::Fr] {
            let nothing = lang.verdict(&[], 0, 0, 0, 0, 0);
            let said = lang.with_session_verdict(nothing.clone(), 3, 2);
            assert!(said.contains('3') && said.contains('2'), "{said}");
            assert!(!said.contains("rien à effacer") && !said.contains("nothing to remove"));
            assert!(
                said.ends_with(nothing.rsplit(". ").next().unwrap()),
                "{said}"
            );
            assert_eq!(lang.with_session_verdict(nothing.clone(), 0, 0), nothing);
            let browsers = lang.verdict(&[crate::Category::History], 1, 0, 0, 0, 0);
            let both = lang.with_session_verdict(browsers, 1, 0);
            assert!(both.contains("1 f"), "{both}");
        }
    }
}
