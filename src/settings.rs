//! Where each setting in force comes from: gomme's default, the configuration file, Group
//! Policy, or the command line (its flags and their `GOMME_…` variables). The precedence is
//! default < file < policy < command line, except that the command line only narrows a
//! policy's categories and browsers (see [`crate::policy`]).

use crate::policy::Policy;
use serde::Serialize;
use std::path::PathBuf;

/// What the configuration in force was made from.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Sources {
    /// The configuration file read, if any.
    pub file: Option<PathBuf>,
    /// The Group Policy read (empty off Windows, or where none is set).
    pub policy: Policy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Default,
    File,
    Policy,
    Flag,
}

impl Origin {
    /// The origin of a setting, by the precedence: the command line, then the policy, then
    /// the file, then the default.
    pub fn of(flag: bool, policy: bool, file: bool) -> Origin {
        if flag {
            Origin::Flag
        } else if policy {
            Origin::Policy
        } else if file {
            Origin::File
        } else {
            Origin::Default
        }
    }
}

/// A setting's value, as `config show` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    List(Vec<String>),
    Number(u64),
    Switch(bool),
    /// A path or a word; `None`: not set.
    Text(Option<String>),
}

/// One setting in force: its configuration key (`log.file`), its value, where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    pub key: &'static str,
    pub value: Value,
    pub origin: Origin,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_then_the_policy_then_the_file() {
        assert_eq!(Origin::of(true, true, true), Origin::Flag);
        assert_eq!(Origin::of(false, true, true), Origin::Policy);
        assert_eq!(Origin::of(false, false, true), Origin::File);
        assert_eq!(Origin::of(false, false, false), Origin::Default);
    }
}
