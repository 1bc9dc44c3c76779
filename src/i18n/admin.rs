//! What `gomme schedule` and `gomme shortcut` say: IT staff read these, helpers too.

use super::Lang;
use crate::schedule::Purpose;

/// One line of `schedule`'s or `shortcut`'s output.
#[derive(Debug, Clone, Copy)]
pub enum Done<'a> {
    /// The package's own unit is used as it is.
    Using(&'a str),
    WouldWrite(&'a str),
    Wrote(&'a str),
    WouldRun(&'a str),
    Ran(&'a str),
    WouldRemove(&'a str),
    Removed(&'a str),
    Installed(&'a str),
    InstalledByPackage(&'a str),
    NotInstalled(&'a str),
}

impl Lang {
    /// A colon between a path and what it is for: French puts a space before it.
    pub fn colon(self) -> &'static str {
        match self {
            Lang::En => ": ",
            Lang::Fr => " : ",
        }
    }

    pub fn purpose(self, p: Purpose) -> &'static str {
        match (self, p) {
            (Lang::En, Purpose::LinuxBoot) => {
                "at each boot, before anyone can log in: cleans every account"
            }
            (Lang::En, Purpose::LinuxLogout) => {
                "when a user's session ends: cleans that user's browsers"
            }
            (Lang::En, Purpose::WindowsBoot) => {
                r"task \gomme\boot: at each start-up, as SYSTEM, cleans every account"
            }
            (Lang::En, Purpose::WindowsLogoff) => {
                r"task \gomme\logoff: when a user logs off (Security event 4647), as SYSTEM, cleans every account that is not in use"
            }
            (Lang::En, Purpose::MacosBoot) => "at each start-up: cleans every account",
            (Lang::En, Purpose::MacosLogout) => {
                "each time the login window comes back (after a logout): cleans every account not in use"
            }
            (Lang::Fr, Purpose::LinuxBoot) => {
                "à chaque démarrage, avant toute connexion : nettoie tous les comptes"
            }
            (Lang::Fr, Purpose::LinuxLogout) => {
                "à la fin de la session d'une personne : nettoie ses navigateurs"
            }
            (Lang::Fr, Purpose::WindowsBoot) => {
                r"tâche \gomme\boot : à chaque démarrage, en tant que SYSTEM, nettoie tous les comptes"
            }
            (Lang::Fr, Purpose::WindowsLogoff) => {
                r"tâche \gomme\logoff : à chaque déconnexion (événement de sécurité 4647), en tant que SYSTEM, nettoie tous les comptes qui ne sont pas en cours d'utilisation"
            }
            (Lang::Fr, Purpose::MacosBoot) => "à chaque démarrage : nettoie tous les comptes",
            (Lang::Fr, Purpose::MacosLogout) => {
                "à chaque retour de la fenêtre de connexion (après une déconnexion) : nettoie tous les comptes qui ne sont pas en cours d'utilisation"
            }
            (_, Purpose::LinuxSession | Purpose::WindowsSession | Purpose::MacosSession) => {
                self.session_purpose(p)
            }
        }
    }

    pub fn done(self, d: Done) -> String {
        match (self, d) {
            (Lang::En, Done::Using(p)) => format!("using {p}"),
            (Lang::En, Done::WouldWrite(p)) => format!("would write {p}"),
            (Lang::En, Done::Wrote(p)) => format!("wrote {p}"),
            (Lang::En, Done::WouldRun(c)) => format!("would run: {c}"),
            (Lang::En, Done::Ran(c)) => format!("ran: {c}"),
            (Lang::En, Done::WouldRemove(p)) => format!("would remove {p}"),
            (Lang::En, Done::Removed(p)) => format!("removed {p}"),
            (Lang::En, Done::Installed(p)) => format!("installed: {p}"),
            (Lang::En, Done::InstalledByPackage(p)) => format!("installed by the package: {p}"),
            (Lang::En, Done::NotInstalled(p)) => format!("not installed: {p}"),
            (Lang::Fr, Done::Using(p)) => format!("utilise {p}"),
            (Lang::Fr, Done::WouldWrite(p)) => format!("écrirait {p}"),
            (Lang::Fr, Done::Wrote(p)) => format!("a écrit {p}"),
            (Lang::Fr, Done::WouldRun(c)) => format!("lancerait : {c}"),
            (Lang::Fr, Done::Ran(c)) => format!("a lancé : {c}"),
            (Lang::Fr, Done::WouldRemove(p)) => format!("supprimerait {p}"),
            (Lang::Fr, Done::Removed(p)) => format!("a supprimé {p}"),
            (Lang::Fr, Done::Installed(p)) => format!("installé : {p}"),
            (Lang::Fr, Done::InstalledByPackage(p)) => format!("installé par le paquet : {p}"),
            (Lang::Fr, Done::NotInstalled(p)) => format!("non installé : {p}"),
        }
    }

    /// A unit's state as `systemctl is-enabled` prints it, in the person's language, with
    /// systemctl's own word after it in French (the word IT searches for).
    pub fn unit_state(self, state: &str) -> String {
        let fr = match state {
            "enabled" => "activé",
            "enabled-runtime" => "activé jusqu'au redémarrage",
            "disabled" => "désactivé",
            "static" => "statique (lancé par une autre unité)",
            "masked" | "masked-runtime" => "masqué",
            "linked" | "linked-runtime" => "lié",
            "alias" => "alias",
            "indirect" => "indirect",
            "generated" => "généré",
            "transient" => "temporaire",
            "not-found" => "introuvable",
            _ => return state.to_owned(),
        };
        match self {
            Lang::En => state.to_owned(),
            Lang::Fr => format!("{fr} ({state})"),
        }
    }

    /// `schedule status` when the service manager cannot say (no systemd running, say).
    pub fn unit_state_unknown(self, why: &str) -> String {
        match self {
            Lang::En => format!("state unknown: systemctl could not say ({why})"),
            Lang::Fr => format!("état inconnu : systemctl n'a pas pu le dire ({why})"),
        }
    }

    pub fn needs_admin(self, for_what: AdminFor) -> String {
        match (self, for_what) {
            (Lang::En, AdminFor::Schedule) => "installing a schedule needs administrator rights: run gomme again as root (sudo) or as administrator".into(),
            (Lang::En, AdminFor::Shortcuts) => "an icon for every account needs administrator rights: run gomme again as root (sudo) or as administrator".into(),
            (Lang::Fr, AdminFor::Schedule) => "installer le passage automatique demande les droits d'administrateur : relancez gomme en root (sudo) ou en administrateur".into(),
            (Lang::Fr, AdminFor::Shortcuts) => "une icône pour chaque compte demande les droits d'administrateur : relancez gomme en root (sudo) ou en administrateur".into(),
        }
    }

    pub fn link_refused(self, path: &str) -> String {
        match self {
            Lang::En => format!("{path} is a link; gomme never follows links, so nothing was done"),
            Lang::Fr => {
                format!(
                    "{path} est un lien ; gomme ne suit jamais les liens, rien n'a donc été fait"
                )
            }
        }
    }

    pub fn cannot_write(self, path: &str) -> String {
        match self {
            Lang::En => format!("cannot write {path}"),
            Lang::Fr => format!("impossible d'écrire {path}"),
        }
    }

    pub fn cannot_remove(self, path: &str) -> String {
        match self {
            Lang::En => format!("cannot remove {path}"),
            Lang::Fr => format!("impossible de supprimer {path}"),
        }
    }

    pub fn cannot_run(self, command: &str) -> String {
        match self {
            Lang::En => format!("cannot run {command}"),
            Lang::Fr => format!("impossible de lancer {command}"),
        }
    }

    pub fn command_failed(self, command: &str, status: &str) -> String {
        match self {
            Lang::En => format!("{command} failed ({status})"),
            Lang::Fr => format!("{command} a échoué ({status})"),
        }
    }

    /// A folder named on the command line whose absolute form cannot be made.
    pub fn cannot_place(self, what: Place) -> &'static str {
        match (self, what) {
            (Lang::En, Place::Root) => "cannot tell where --root is",
            (Lang::En, Place::Desktop) => "cannot tell where the desktop is",
            (Lang::En, Place::PublicDesktop) => {
                "cannot find the public desktop; name it with --desktop DIR"
            }
            (Lang::En, Place::OwnDesktop) => {
                "cannot find your desktop folder; name it with --desktop DIR"
            }
            (Lang::Fr, Place::Root) => "impossible de savoir où est --root",
            (Lang::Fr, Place::Desktop) => "impossible de savoir où est le bureau",
            (Lang::Fr, Place::PublicDesktop) => {
                "bureau public introuvable ; indiquez-le avec --desktop DOSSIER"
            }
            (Lang::Fr, Place::OwnDesktop) => {
                "votre bureau est introuvable ; indiquez-le avec --desktop DOSSIER"
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum AdminFor {
    Schedule,
    Shortcuts,
}

#[derive(Debug, Clone, Copy)]
pub enum Place {
    Root,
    Desktop,
    PublicDesktop,
    OwnDesktop,
}
