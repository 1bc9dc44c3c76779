//! The words of `gomme config show` and of Group Policy's messages.

use super::Lang;
use crate::settings::Origin;

impl Lang {
    /// The heading of `config show`: the file read (if any) and the policy's values (if any).
    pub fn settings_title(self, file: Option<&str>, policy_values: Option<usize>) -> String {
        let file = match (self, file) {
            (Lang::En, Some(f)) => format!("configuration file {f}"),
            (Lang::En, None) => "no configuration file".to_owned(),
            (Lang::Fr, Some(f)) => format!("fichier de configuration {f}"),
            (Lang::Fr, None) => "aucun fichier de configuration".to_owned(),
        };
        let policy = match (self, policy_values) {
            (_, None) => String::new(),
            (Lang::En, Some(0)) => "; no Group Policy set".to_owned(),
            (Lang::Fr, Some(0)) => " ; aucune stratégie de groupe".to_owned(),
            (Lang::En, Some(n)) => {
                format!(
                    "; Group Policy HKLM\\{}: {n} setting(s)",
                    crate::policy::KEY
                )
            }
            (Lang::Fr, Some(n)) => format!(
                " ; stratégie de groupe HKLM\\{} : {n} réglage(s)",
                crate::policy::KEY
            ),
        };
        match self {
            Lang::En => format!("Settings in force ({file}{policy}):"),
            Lang::Fr => format!("Réglages en vigueur ({file}{policy}) :"),
        }
    }

    /// Where a setting comes from, as `config show` says it.
    pub fn origin(self, origin: Origin) -> &'static str {
        match (self, origin) {
            (Lang::En, Origin::Default) => "default",
            (Lang::En, Origin::File) => "file",
            (Lang::En, Origin::Policy) => "policy",
            (Lang::En, Origin::Flag) => "command line",
            (Lang::Fr, Origin::Default) => "par défaut",
            (Lang::Fr, Origin::File) => "fichier",
            (Lang::Fr, Origin::Policy) => "stratégie",
            (Lang::Fr, Origin::Flag) => "ligne de commande",
        }
    }

    pub fn setting_headings(self) -> [&'static str; 3] {
        match self {
            Lang::En => ["Setting", "Value", "From"],
            Lang::Fr => ["Réglage", "Valeur", "Origine"],
        }
    }

    /// An empty list or an unset path.
    pub fn none(self) -> &'static str {
        match self {
            Lang::En => "(none)",
            Lang::Fr => "(aucun)",
        }
    }

    pub fn yes_no(self, yes: bool) -> &'static str {
        match (self, yes) {
            (Lang::En, true) => "yes",
            (Lang::En, false) => "no",
            (Lang::Fr, true) => "oui",
            (Lang::Fr, false) => "non",
        }
    }

    /// `--only` names only categories the policy leaves out.
    pub fn only_outside_policy(self, allowed: &str) -> String {
        match self {
            Lang::En => format!(
                "--only names no category that Group Policy allows (the policy cleans only: {allowed}); the command line can narrow the policy, not widen it"
            ),
            Lang::Fr => format!(
                "--only ne nomme aucune catégorie permise par la stratégie de groupe (elle ne nettoie que : {allowed}) ; la ligne de commande peut restreindre la stratégie, pas l'élargir"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        assert_eq!(
            Lang::Fr.settings_title(Some("/etc/gomme/config.toml"), None),
            "Réglages en vigueur (fichier de configuration /etc/gomme/config.toml) :"
        );
        assert!(Lang::En
            .settings_title(None, Some(2))
            .ends_with(r"Group Policy HKLM\SOFTWARE\Policies\gomme: 2 setting(s)):"));
        assert_eq!(Lang::Fr.origin(Origin::Policy), "stratégie");
        assert_eq!(Lang::En.origin(Origin::Flag), "command line");
    }
}
