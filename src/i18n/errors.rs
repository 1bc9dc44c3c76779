//! A profile's error line in the person's language. The report keeps it in English (the JSON
//! `error`, the logs); the terminal says it in French when the locale is French. The line is
//! gomme's own wording (`history, downloads: database places.sqlite: …; not changed`), so its
//! parts are known: categories, gomme's sentences, and the common system and SQLite reasons.
//! Anything else (a rare system reason) stays as the system gave it.

use super::Lang;
use crate::category::Category;

/// gomme's sentences and the common reasons, English then French, longest first where one
/// contains another.
const PHRASES: &[(&str, &str)] = &[
    (
        "stopped at the run's deadline (--timeout) before this was done",
        "arrêté à l'échéance du passage (--timeout) avant d'être fait",
    ),
    ("is a link; gomme never follows links", "est un lien ; gomme ne suit jamais les liens"),
    (
        "is a link, leads through one or is not a folder; not followed",
        "est un lien, passe par un lien ou n'est pas un dossier ; il n'est pas suivi",
    ),
    ("is a link; not followed", "est un lien ; il n'est pas suivi"),
    (
        "has other names (a hard link to a file elsewhere)",
        "a d'autres noms (un lien physique vers un fichier ailleurs)",
    ),
    (
        "belongs to another account than its folder",
        "appartient à un autre compte que son dossier",
    ),
    (
        "is a mount point (another filesystem, or a folder mounted there); not entered",
        "est un point de montage (un autre système de fichiers, ou un dossier monté là) ; gomme n'y entre pas",
    ),
    ("it holds no tables (emptied?)", "elle ne contient aucune table (vidée ?)"),
    ("its table ", "sa table "),
    (" has no column ", " n'a pas de colonne "),
    ("it has no table ", "elle n'a pas de table "),
    (", which gomme needs", ", dont gomme a besoin"),
    (
        "it says only code of its version ",
        "elle dit que seul un programme de sa version ",
    ),
    (
        " or later can use it, and gomme was tested with version ",
        " ou plus récente peut l'utiliser, et gomme a été essayé avec la version ",
    ),
    ("not valid JSON (line ", "JSON invalide (ligne "),
    ("far too large", "bien trop gros"),
    ("is a folder", "est un dossier"),
    ("is outside ", "est hors de "),
    ("is damaged (", "est abîmé ("),
    ("; not touched", " ; rien n'y a été touché"),
    ("; not changed", " ; rien n'a été changé"),
    ("; not removed", " ; rien n'a été supprimé"),
    ("; not replaced", " ; rien n'a été remplacé"),
    ("file is not a database", "le fichier n'est pas une base de données"),
    ("database disk image is malformed", "la base de données est abîmée"),
    ("database is locked", "la base de données est verrouillée (par un navigateur ouvert ?)"),
    ("attempt to write a readonly database", "la base de données est en lecture seule"),
    ("unable to open database file", "impossible d'ouvrir la base de données"),
    ("No such file or directory", "ce fichier ou dossier n'existe pas"),
    ("Permission denied", "accès refusé"),
    ("No space left on device", "le disque est plein"),
    ("Read-only file system", "le disque est en lecture seule"),
    ("os error ", "erreur système "),
    ("no such table: ", "table absente : "),
    ("database ", "base de données "),
];

impl Lang {
    /// [`crate::report::ProfileReport::error`] said in this language.
    pub fn profile_error(self, line: &str) -> String {
        if self == Lang::En {
            return line.to_owned();
        }
        // "; " inside one error ("…; not changed") is kept apart from "; " between errors.
        const INSIDE: char = '\u{1}';
        let mut line = line.to_owned();
        for (en, _) in PHRASES {
            if en.contains("; ") {
                line = line.replace(en, &en.replace("; ", &INSIDE.to_string()));
            }
        }
        line.split("; ")
            .map(|part| {
                // `history, downloads: …`: the categories are gomme's, said in French.
                let (cats, rest) = match part.split_once(": ") {
                    Some((cats, rest))
                        if cats
                            .split(", ")
                            .all(|c| Category::ALL.iter().any(|k| k.id() == c)) =>
                    {
                        let said: Vec<&str> = cats
                            .split(", ")
                            .filter_map(|c| Category::ALL.into_iter().find(|k| k.id() == c))
                            .map(|c| self.category(c))
                            .collect();
                        (Some(said.join(", ")), rest)
                    }
                    _ => (None, part),
                };
                let mut rest = rest.to_owned();
                for (en, fr) in PHRASES {
                    rest = rest.replace(&en.replace("; ", &INSIDE.to_string()), fr);
                }
                let rest = rest.replace(INSIDE, " ; ");
                // French puts a space before a colon.
                let rest = rest.replace(": ", " : ");
                match cats {
                    Some(cats) => format!("{cats} : {rest}"),
                    None => rest,
                }
            })
            .collect::<Vec<_>>()
            .join(" ; ")
            .replace("  ;", " ;")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_error_in_french() {
        let line = "history, downloads: database places.sqlite: it has no table moz_places, \
                    which gomme needs; not changed; cookies: database cookies.sqlite: file is \
                    not a database";
        assert_eq!(
            Lang::Fr.profile_error(line),
            "historique, téléchargements : base de données places.sqlite : elle n'a pas de \
             table moz_places, dont gomme a besoin ; rien n'a été changé ; cookies : base de \
             données cookies.sqlite : le fichier n'est pas une base de données"
        );
        assert_eq!(Lang::En.profile_error(line), line);
    }

    /// Every English sentence of the table is one gomme (or SQLite, or the system) says: a
    /// sentence reworded in the code and not here would stay English.
    #[test]
    fn the_phrases_are_gommes_own() {
        let sources = [
            include_str!("../error.rs"),
            include_str!("../fsops/mod.rs"),
            include_str!("../fsops/nofollow/mod.rs"),
            include_str!("../fsops/nofollow/walk.rs"),
            include_str!("../fsops/nofollow/write.rs"),
            include_str!("../sqlite/mod.rs"),
            include_str!("../sqlite/probe.rs"),
            include_str!("../plan/mod.rs"),
            include_str!("../plan/planner.rs"),
            include_str!("../browser/steps.rs"),
        ]
        .concat();
        // A string continued over lines (`\` at a line's end) reads as one line.
        let mut sources = sources.as_str();
        let mut joined = String::new();
        while let Some((before, after)) = sources.split_once("\\\n") {
            joined.push_str(before);
            sources = after.trim_start();
        }
        joined.push_str(sources);
        let sources = joined;
        let outside = [
            "file is not a database",
            "database disk image is malformed",
            "database is locked",
            "attempt to write a readonly database",
            "unable to open database file",
            "No such file or directory",
            "Permission denied",
            "No space left on device",
            "Read-only file system",
            "os error ",
            "no such table: ",
        ];
        for (en, _) in PHRASES {
            assert!(
                outside.contains(en) || sources.contains(en.trim_start_matches("; ")),
                "no source says {en:?}"
            );
        }
    }
}
