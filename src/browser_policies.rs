//! The browsers' own machine policies that stop them running in the background once their
//! windows are closed: Edge's startup boost and background mode, Chrome's background mode.
//! A browser left running holds its profile, so the logoff clean has to skip it.
//!
//! `gomme schedule install` sets only the values that are not set already (a value an
//! administrator or a GPO set is left as it is), and records each one it set under
//! `HKLM\SOFTWARE\gomme\Policies set`. `gomme schedule remove` deletes only those recorded
//! values, and only if they still hold what gomme wrote; a value changed since is left, and
//! forgotten.

use std::io;

/// A machine policy value (a `REG_DWORD` under `HKLM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub key: &'static str,
    pub name: &'static str,
    pub value: u32,
    pub why: Why,
}

/// What a policy stops, for the person reading `schedule`'s output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    EdgeStartupBoost,
    EdgeBackground,
    ChromeBackground,
}

pub const EDGE_KEY: &str = r"SOFTWARE\Policies\Microsoft\Edge";
pub const CHROME_KEY: &str = r"SOFTWARE\Policies\Google\Chrome";

pub const POLICIES: [Policy; 3] = [
    Policy {
        key: EDGE_KEY,
        name: "StartupBoostEnabled",
        value: 0,
        why: Why::EdgeStartupBoost,
    },
    Policy {
        key: EDGE_KEY,
        name: "BackgroundModeEnabled",
        value: 0,
        why: Why::EdgeBackground,
    },
    Policy {
        key: CHROME_KEY,
        name: "BackgroundModeEnabled",
        value: 0,
        why: Why::ChromeBackground,
    },
];

/// Where gomme records the values it set: one value per policy, named `<key>\<name>`.
pub const RECORD_KEY: &str = r"SOFTWARE\gomme\Policies set";

impl Policy {
    /// As administrators write it: `HKLM\SOFTWARE\Policies\Microsoft\Edge\StartupBoostEnabled`.
    pub fn path(&self) -> String {
        format!(r"HKLM\{}\{}", self.key, self.name)
    }

    fn record(&self) -> String {
        format!(r"{}\{}", self.key, self.name)
    }
}

/// Registry values, as far as the policies need them: `REG_DWORD`s under one root.
pub trait Store {
    fn get(&self, key: &str, name: &str) -> io::Result<Option<u32>>;
    fn set(&mut self, key: &str, name: &str, value: u32) -> io::Result<()>;
    /// Deletes a value; one already gone is not an error.
    fn delete(&mut self, key: &str, name: &str) -> io::Result<()>;
}

/// What was (or, in a dry run, would be) done with one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Not set before: set to gomme's value (and recorded).
    Set(Policy),
    /// Set already, by gomme in an earlier install.
    Ours(Policy),
    /// Set already by someone else, to this value: left as it is.
    Theirs(Policy, u32),
    /// Gomme's value, deleted.
    Unset(Policy),
    /// Gomme had set it, but it holds another value now: left as it is.
    Changed(Policy, u32),
}

fn recorded(store: &impl Store, p: &Policy) -> io::Result<bool> {
    Ok(store.get(RECORD_KEY, &p.record())?.is_some())
}

/// Sets each policy that is not set, recording it; with `dry_run`, only says so.
pub fn install(store: &mut impl Store, dry_run: bool) -> io::Result<Vec<Step>> {
    let mut steps = Vec::new();
    for p in POLICIES {
        let step = match store.get(p.key, p.name)? {
            Some(v) if v == p.value && recorded(store, &p)? => Step::Ours(p),
            Some(v) => Step::Theirs(p, v),
            None => {
                if !dry_run {
                    // Recorded first: a failure between the two leaves a record, which
                    // `remove` handles, never a value of gomme's it does not know about.
                    store.set(RECORD_KEY, &p.record(), p.value)?;
                    store.set(p.key, p.name, p.value)?;
                }
                Step::Set(p)
            }
        };
        steps.push(step);
    }
    Ok(steps)
}

/// Deletes each policy value gomme recorded that still holds gomme's value, and forgets
/// the records; with `dry_run`, only says so.
pub fn remove(store: &mut impl Store, dry_run: bool) -> io::Result<Vec<Step>> {
    let mut steps = Vec::new();
    for p in POLICIES {
        if !recorded(store, &p)? {
            continue;
        }
        let step = match store.get(p.key, p.name)? {
            Some(v) if v == p.value => Some(Step::Unset(p)),
            Some(v) => Some(Step::Changed(p, v)),
            None => None,
        };
        if !dry_run {
            if matches!(step, Some(Step::Unset(_))) {
                store.delete(p.key, p.name)?;
            }
            store.delete(RECORD_KEY, &p.record())?;
        }
        steps.extend(step);
    }
    Ok(steps)
}

/// Each policy's value now (`None`: not set), and whether gomme set it.
pub fn status(store: &impl Store) -> io::Result<Vec<(Policy, Option<u32>, bool)>> {
    POLICIES
        .iter()
        .map(|p| Ok((*p, store.get(p.key, p.name)?, recorded(store, p)?)))
        .collect()
}

/// `schedule install|remove|status` for the policies, on this Windows machine: each step
/// said on `out`.
#[cfg(windows)]
pub fn run(
    action: crate::schedule::Action,
    dry_run: bool,
    lang: crate::i18n::Lang,
    out: &mut impl std::io::Write,
) -> anyhow::Result<()> {
    use crate::schedule::Action;
    use anyhow::Context as _;
    let mut registry = Registry::machine();
    let context = || lang.cannot_set_policies();
    let steps = match action {
        Action::Install => install(&mut registry, dry_run).with_context(context)?,
        Action::Remove => remove(&mut registry, dry_run).with_context(context)?,
        Action::Status => {
            for (p, value, ours) in status(&registry).with_context(context)? {
                writeln!(out, "{}", lang.policy_state(p, value, ours))?;
            }
            return Ok(());
        }
    };
    for step in steps {
        writeln!(out, "{}", lang.policy_step(step, dry_run))?;
    }
    Ok(())
}

/// The machine's own registry (`HKLM`), or another root for the tests.
#[cfg(windows)]
pub struct Registry(pub winreg::RegKey);

#[cfg(windows)]
impl Registry {
    pub fn machine() -> Registry {
        Registry(winreg::RegKey::predef(winreg::enums::HKEY_LOCAL_MACHINE))
    }
}

#[cfg(windows)]
impl Store for Registry {
    fn get(&self, key: &str, name: &str) -> io::Result<Option<u32>> {
        let key = match self.0.open_subkey(key) {
            Ok(key) => key,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        match key.get_value::<u32, _>(name) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            // Another type (a string someone wrote): not gomme's value, shown as none of its.
            Err(e) if e.kind() == io::ErrorKind::InvalidData => Ok(Some(u32::MAX)),
            Err(e) => Err(e),
        }
    }

    fn set(&mut self, key: &str, name: &str, value: u32) -> io::Result<()> {
        let (key, _) = self.0.create_subkey(key)?;
        key.set_value(name, &value)
    }

    fn delete(&mut self, key: &str, name: &str) -> io::Result<()> {
        use winreg::enums::KEY_SET_VALUE;
        let key = match self.0.open_subkey_with_flags(key, KEY_SET_VALUE) {
            Ok(key) => key,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        match key.delete_value(name) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Memory(BTreeMap<(String, String), u32>);

    impl Store for Memory {
        fn get(&self, key: &str, name: &str) -> io::Result<Option<u32>> {
            Ok(self.0.get(&(key.into(), name.into())).copied())
        }
        fn set(&mut self, key: &str, name: &str, value: u32) -> io::Result<()> {
            self.0.insert((key.into(), name.into()), value);
            Ok(())
        }
        fn delete(&mut self, key: &str, name: &str) -> io::Result<()> {
            self.0.remove(&(key.into(), name.into()));
            Ok(())
        }
    }

    fn round_trip(store: &mut impl Store) {
        // An administrator's own choice for Chrome, before gomme.
        store.set(CHROME_KEY, "BackgroundModeEnabled", 1).unwrap();
        let dry = install(store, true).unwrap();
        assert_eq!(store.get(EDGE_KEY, "StartupBoostEnabled").unwrap(), None);
        assert_eq!(
            dry,
            [
                Step::Set(POLICIES[0]),
                Step::Set(POLICIES[1]),
                Step::Theirs(POLICIES[2], 1)
            ]
        );
        assert_eq!(install(store, false).unwrap(), dry);
        assert_eq!(store.get(EDGE_KEY, "StartupBoostEnabled").unwrap(), Some(0));
        assert_eq!(
            store.get(EDGE_KEY, "BackgroundModeEnabled").unwrap(),
            Some(0)
        );
        assert_eq!(
            store.get(CHROME_KEY, "BackgroundModeEnabled").unwrap(),
            Some(1)
        );
        // A second install knows its own.
        let again = install(store, false).unwrap();
        assert_eq!(
            again[..2],
            [Step::Ours(POLICIES[0]), Step::Ours(POLICIES[1])]
        );
        // Someone turns startup boost back on meanwhile: remove leaves that.
        store.set(EDGE_KEY, "StartupBoostEnabled", 1).unwrap();
        let dry = remove(store, true).unwrap();
        assert_eq!(
            dry,
            [Step::Changed(POLICIES[0], 1), Step::Unset(POLICIES[1])]
        );
        assert_eq!(
            store.get(EDGE_KEY, "BackgroundModeEnabled").unwrap(),
            Some(0)
        );
        assert_eq!(remove(store, false).unwrap(), dry);
        assert_eq!(store.get(EDGE_KEY, "StartupBoostEnabled").unwrap(), Some(1));
        assert_eq!(store.get(EDGE_KEY, "BackgroundModeEnabled").unwrap(), None);
        assert_eq!(
            store.get(CHROME_KEY, "BackgroundModeEnabled").unwrap(),
            Some(1)
        );
        // Nothing of gomme's is left to remove.
        assert_eq!(remove(store, false).unwrap(), []);
        assert!(status(store).unwrap().iter().all(|(_, _, ours)| !ours));
    }

    #[test]
    fn install_sets_only_what_is_unset_and_remove_only_what_gomme_set_and_still_holds() {
        round_trip(&mut Memory::default());
    }

    /// The same, in a real registry (Wine's under `scripts/test-windows`), below a key of
    /// this test's own in `HKCU`, never the machine's policies.
    #[cfg(windows)]
    #[test]
    fn the_same_in_the_registry() {
        use winreg::enums::HKEY_CURRENT_USER;
        let hkcu = winreg::RegKey::predef(HKEY_CURRENT_USER);
        let name = format!(r"Software\gomme-test-{}", std::process::id());
        let (root, _) = hkcu.create_subkey(&name).unwrap();
        round_trip(&mut Registry(root));
        hkcu.delete_subkey_all(&name).unwrap();
    }
}
