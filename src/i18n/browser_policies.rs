//! What `gomme schedule` says about the browsers' background policies (see
//! `crate::browser_policies`): IT staff read these.

use super::Lang;
use crate::browser_policies::{Policy, Step, Why};

impl Lang {
    /// Why a policy is set, in a few words.
    pub fn policy_why(self, why: Why) -> &'static str {
        match (self, why) {
            (Lang::En, Why::EdgeStartupBoost) => {
                "stops Edge's startup boost, which keeps Edge running after its windows close"
            }
            (Lang::En, Why::EdgeBackground) => {
                "stops Edge running in the background for its extensions and apps once its windows close"
            }
            (Lang::En, Why::ChromeBackground) => {
                "stops Chrome running in the background for its extensions and apps once its windows close"
            }
            (Lang::Fr, Why::EdgeStartupBoost) => {
                "arrête le démarrage rapide d'Edge, qui le laisse tourner après la fermeture de ses fenêtres"
            }
            (Lang::Fr, Why::EdgeBackground) => {
                "empêche Edge de continuer en arrière-plan pour ses extensions et applications une fois ses fenêtres fermées"
            }
            (Lang::Fr, Why::ChromeBackground) => {
                "empêche Chrome de continuer en arrière-plan pour ses extensions et applications une fois ses fenêtres fermées"
            }
        }
    }

    /// One line of `schedule install` or `remove` about a policy.
    pub fn policy_step(self, step: Step, dry_run: bool) -> String {
        let path = |p: Policy| p.path();
        match (self, step, dry_run) {
            (Lang::En, Step::Set(p), true) => {
                format!(
                    "would set {} = {}: {}",
                    path(p),
                    p.value,
                    self.policy_why(p.why)
                )
            }
            (Lang::En, Step::Set(p), false) => {
                format!("set {} = {}: {}", path(p), p.value, self.policy_why(p.why))
            }
            (Lang::En, Step::Ours(p), _) => {
                format!("{} = {}: set by gomme already", path(p), p.value)
            }
            (Lang::En, Step::Theirs(p, v), _) => format!(
                "{} is {} already, set by someone else: left as it is",
                path(p),
                self.shown(v)
            ),
            (Lang::En, Step::Unset(p), true) => format!("would remove {}", path(p)),
            (Lang::En, Step::Unset(p), false) => format!("removed {}", path(p)),
            (Lang::En, Step::Changed(p, v), _) => format!(
                "{} was set by gomme but is {} now: left as it is",
                path(p),
                self.shown(v)
            ),
            (Lang::Fr, Step::Set(p), true) => format!(
                "mettrait {} à {} : {}",
                path(p),
                p.value,
                self.policy_why(p.why)
            ),
            (Lang::Fr, Step::Set(p), false) => format!(
                "a mis {} à {} : {}",
                path(p),
                p.value,
                self.policy_why(p.why)
            ),
            (Lang::Fr, Step::Ours(p), _) => {
                format!("{} = {} : déjà mis par gomme", path(p), p.value)
            }
            (Lang::Fr, Step::Theirs(p, v), _) => format!(
                "{} vaut déjà {}, mis par quelqu'un d'autre : laissé tel quel",
                path(p),
                self.shown(v)
            ),
            (Lang::Fr, Step::Unset(p), true) => format!("supprimerait {}", path(p)),
            (Lang::Fr, Step::Unset(p), false) => format!("a supprimé {}", path(p)),
            (Lang::Fr, Step::Changed(p, v), _) => format!(
                "{} avait été mis par gomme mais vaut {} maintenant : laissé tel quel",
                path(p),
                self.shown(v)
            ),
        }
    }

    /// `schedule status`'s line about a policy.
    pub fn policy_state(self, p: Policy, value: Option<u32>, ours: bool) -> String {
        match (self, value, ours) {
            (Lang::En, None, _) => format!("{}: not set", p.path()),
            (Lang::En, Some(v), true) => format!("{} = {} (set by gomme)", p.path(), self.shown(v)),
            (Lang::En, Some(v), false) => format!("{} = {}", p.path(), self.shown(v)),
            (Lang::Fr, None, _) => format!("{} : non défini", p.path()),
            (Lang::Fr, Some(v), true) => {
                format!("{} = {} (mis par gomme)", p.path(), self.shown(v))
            }
            (Lang::Fr, Some(v), false) => format!("{} = {}", p.path(), self.shown(v)),
        }
    }

    pub fn cannot_set_policies(self) -> &'static str {
        match self {
            Lang::En => "cannot change the browsers' background policies in the registry",
            Lang::Fr => {
                "impossible de modifier dans le registre les règles d'arrière-plan des navigateurs"
            }
        }
    }
}

impl Lang {
    /// A value as read: `u32::MAX` stands for one that is not a number.
    fn shown(self, v: u32) -> String {
        match (self, v) {
            (Lang::En, u32::MAX) => "not a number".into(),
            (Lang::Fr, u32::MAX) => "autre chose qu'un nombre".into(),
            _ => v.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser_policies::POLICIES;

    #[test]
    fn every_line_is_said_in_both_languages() {
        for p in POLICIES {
            for step in [
                Step::Set(p),
                Step::Ours(p),
                Step::Theirs(p, 1),
                Step::Unset(p),
                Step::Changed(p, 1),
            ] {
                for dry in [true, false] {
                    let en = Lang::En.policy_step(step, dry);
                    let fr = Lang::Fr.policy_step(step, dry);
                    assert!(en.contains(r"HKLM\SOFTWARE\Policies\"), "{en}");
                    assert_ne!(en, fr);
                }
            }
        }
        assert!(Lang::Fr
            .policy_step(Step::Set(POLICIES[0]), true)
            .starts_with(
                r"mettrait HKLM\SOFTWARE\Policies\Microsoft\Edge\StartupBoostEnabled à 0 : "
            ));
    }
}
