//! Every account's home, for `--all-users` and `--user`: the password database on Linux,
//! `/Users` on macOS, the registry's `ProfileList` on Windows. Each source is read into a
//! plain list and filtered by the same rules, so tests can feed fake ones.

use std::path::{Path, PathBuf};

/// A person's account on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub home: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("cannot read the list of accounts ({what}): {source}")]
    Read {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("no account named {0:?} on this computer")]
    Unknown(String),
}

/// Shells that mean "this account never logs in".
const NO_LOGIN: &[&str] = &["nologin", "false", "sync", "shutdown", "halt"];

/// The uids of people's accounts (`UID_MIN`, `UID_MAX` of `login.defs`): below are system
/// and service accounts (`postgres`, `www-data`…), which may well have a login shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeopleUids {
    pub min: u32,
    pub max: u32,
}

impl Default for PeopleUids {
    /// Debian's and most distributions' defaults.
    fn default() -> Self {
        PeopleUids {
            min: 1000,
            max: 60000,
        }
    }
}

impl PeopleUids {
    /// From `login.defs`-format text; the defaults for what it does not set.
    pub fn from_login_defs(text: &str) -> Self {
        let mut uids = PeopleUids::default();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some(key), Some(value)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(value) = value.parse() else { continue };
            match key {
                "UID_MIN" => uids.min = value,
                "UID_MAX" => uids.max = value,
                _ => {}
            }
        }
        uids
    }

    fn contains(&self, uid: u32) -> bool {
        (self.min..=self.max).contains(&uid)
    }
}

/// Accounts with a login shell and an existing home, from `/etc/passwd`-format text; with
/// `people`, only those whose uid is in that range (root aside). `root` only when asked.
/// `sysroot` prefixes every path (tests use a fake root).
pub fn from_passwd(
    text: &str,
    sysroot: &Path,
    include_root: bool,
    people: Option<PeopleUids>,
) -> Vec<Account> {
    let mut accounts = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(':').collect();
        let [name, _, uid, _, _, home, shell] = fields[..] else {
            continue;
        };
        let shell_name = shell.rsplit('/').next().unwrap_or_default();
        if shell.is_empty() || NO_LOGIN.contains(&shell_name) {
            continue;
        }
        let Ok(uid) = uid.parse::<u32>() else {
            continue;
        };
        if uid == 0 {
            if !include_root {
                continue;
            }
        } else if people.is_some_and(|p| !p.contains(uid)) {
            continue;
        }
        if home.is_empty() || home == "/" || !home.starts_with('/') {
            continue;
        }
        let home = sysroot.join(home.trim_start_matches('/'));
        if home.is_dir() {
            accounts.push(Account {
                name: name.to_owned(),
                home,
            });
        }
    }
    accounts
}

/// Real people's folders under macOS's `/Users`.
pub fn from_users_dir(users: &Path) -> std::io::Result<Vec<Account>> {
    let mut accounts = Vec::new();
    for entry in std::fs::read_dir(users)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == "Shared" || name.starts_with('.') || !entry.file_type()?.is_dir() {
            continue;
        }
        accounts.push(Account {
            name,
            home: entry.path(),
        });
    }
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(accounts)
}

/// People's profiles from the registry's `ProfileList` (SID → `ProfileImagePath`, already
/// expanded): not the system accounts (S-1-5-18, -19, -20), not `.bak` copies, only folders
/// that exist.
pub fn from_profile_list(entries: &[(String, PathBuf)]) -> Vec<Account> {
    let mut accounts = Vec::new();
    for (sid, path) in entries {
        if !sid.starts_with("S-1-5-21-") || sid.ends_with(".bak") {
            continue;
        }
        if !path.is_dir() {
            continue;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        accounts.push(Account {
            name,
            home: path.clone(),
        });
    }
    accounts
}

/// This machine's people's accounts (not system or service accounts). `sysroot` is `/`
/// except in tests.
pub fn all(sysroot: &Path, include_root: bool) -> Result<Vec<Account>, UsersError> {
    accounts(sysroot, include_root, true)
}

fn accounts(
    sysroot: &Path,
    include_root: bool,
    people_only: bool,
) -> Result<Vec<Account>, UsersError> {
    if cfg!(windows) {
        return Ok(from_profile_list(
            &crate::platform::profile_list().map_err(|source| UsersError::Read {
                what: "ProfileList".into(),
                source,
            })?,
        ));
    }
    if cfg!(target_os = "macos") {
        let users = sysroot.join("Users");
        return from_users_dir(&users).map_err(|source| UsersError::Read {
            what: users.display().to_string(),
            source,
        });
    }
    let passwd = sysroot.join("etc/passwd");
    let text = read_text(&passwd)?;
    let people = if people_only {
        let defs = sysroot.join("etc/login.defs");
        Some(match crate::fsops::read_regular(&defs, 1 << 20) {
            Ok(bytes) => PeopleUids::from_login_defs(&String::from_utf8_lossy(&bytes)),
            Err(_) => PeopleUids::default(),
        })
    } else {
        None
    };
    Ok(from_passwd(&text, sysroot, include_root, people))
}

/// A system file, read without following links or waiting on a FIFO.
fn read_text(path: &Path) -> Result<String, UsersError> {
    let read = |source| UsersError::Read {
        what: path.display().to_string(),
        source,
    };
    match crate::fsops::read_regular(path, 64 << 20) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(crate::error::Error::Io { source, .. }) => Err(read(source)),
        Err(e) => Err(read(std::io::Error::other(e.to_string()))),
    }
}

/// The named accounts, in the order given.
pub fn named(sysroot: &Path, names: &[String]) -> Result<Vec<Account>, UsersError> {
    // An account named on purpose is taken whatever its uid.
    let known = accounts(sysroot, true, false)?;
    names
        .iter()
        .map(|n| {
            known
                .iter()
                .find(|a| &a.name == n)
                .cloned()
                .ok_or_else(|| UsersError::Unknown(n.clone()))
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their folders by path
mod tests {
    use super::*;

    #[test]
    fn passwd_keeps_people_with_a_login_shell_and_a_home() {
        let root = tempfile::tempdir().unwrap();
        for home in ["home/alice", "home/bob", "root", "var/lib/postgresql"] {
            std::fs::create_dir_all(root.path().join(home)).unwrap();
        }
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
                      postgres:x:104:110::/var/lib/postgresql:/bin/bash\n\
                      alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n\
                      bob:x:1001:1001::/home/bob:/usr/bin/zsh\n\
                      carol:x:1002:1002::/home/carol:/bin/bash\n\
                      broken line\n";
        let names =
            |accounts: Vec<Account>| accounts.into_iter().map(|a| a.name).collect::<Vec<_>>();
        let people = Some(PeopleUids::default());
        assert_eq!(
            names(from_passwd(passwd, root.path(), false, people)),
            ["alice", "bob"]
        );
        assert_eq!(
            names(from_passwd(passwd, root.path(), true, people)),
            ["root", "alice", "bob"]
        );
        assert_eq!(
            from_passwd(passwd, root.path(), false, people)[0].home,
            root.path().join("home/alice")
        );
        // A service account with a login shell is a person's only when named.
        assert_eq!(
            names(from_passwd(passwd, root.path(), false, None)),
            ["postgres", "alice", "bob"]
        );
        let defs = PeopleUids::from_login_defs("# comment\nUID_MIN\t\t 1001\nUID_MAX 60000\n");
        assert_eq!(
            names(from_passwd(passwd, root.path(), false, Some(defs))),
            ["bob"]
        );
    }

    #[test]
    fn profile_list_skips_system_accounts_and_backups() {
        let root = tempfile::tempdir().unwrap();
        let users = root.path().join("Users");
        for u in ["Lecteur", "Accueil"] {
            std::fs::create_dir_all(users.join(u)).unwrap();
        }
        let entries = vec![
            (
                "S-1-5-18".to_owned(),
                root.path().join("Windows/system32/config/systemprofile"),
            ),
            (
                "S-1-5-19".to_owned(),
                root.path().join("Windows/ServiceProfiles/LocalService"),
            ),
            ("S-1-5-21-1-2-3-1001".to_owned(), users.join("Lecteur")),
            ("S-1-5-21-1-2-3-1002.bak".to_owned(), users.join("Lecteur")),
            ("S-1-5-21-1-2-3-1003".to_owned(), users.join("Accueil")),
            ("S-1-5-21-1-2-3-1004".to_owned(), users.join("Parti")),
        ];
        let names: Vec<String> = from_profile_list(&entries)
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["Lecteur", "Accueil"]);
    }

    #[test]
    fn macos_users_skip_shared() {
        let root = tempfile::tempdir().unwrap();
        for u in ["Shared", "lecteur", ".localized"] {
            std::fs::create_dir_all(root.path().join(u)).unwrap();
        }
        let names: Vec<String> = from_users_dir(root.path())
            .unwrap()
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(names, ["lecteur"]);
    }
}
