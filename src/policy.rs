//! Group Policy: the settings IT pushes to a fleet of Windows PCs, read from
//! `HKLM\SOFTWARE\Policies\gomme` (written by the ADMX templates in
//! `packaging/windows/policy/`). A policy value overrides the configuration file; the command
//! line may narrow the policy's categories and browsers, never widen them.
//!
//! Each value is named after the configuration key it stands for, with `_` for the table's dot
//! (`log_file` is `[log] file`). Reading the registry is Windows-only; turning its values into
//! settings, and laying them over the file's, is the same code everywhere and tested here.

use crate::category::Category;
use std::path::PathBuf;

/// The registry key, under `HKEY_LOCAL_MACHINE`.
pub const KEY: &str = r"SOFTWARE\Policies\gomme";

/// The registry type a policy value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// REG_MULTI_SZ: one entry a line.
    List,
    /// REG_DWORD.
    Number,
    /// REG_DWORD, 0 or 1.
    Switch,
    /// REG_SZ or REG_EXPAND_SZ.
    Text,
}

/// Every value gomme reads from the key: its name, the configuration key it overrides, its
/// type. The ADMX template's test checks its policies against this table.
pub const VALUES: [(&str, &str, Kind); 9] = [
    ("categories", "categories", Kind::List),
    ("browsers", "browsers", Kind::List),
    ("keep_cookies", "keep_cookies", Kind::List),
    ("wait", "wait", Kind::Number),
    ("timeout", "timeout", Kind::Number),
    ("lang", "lang", Kind::Text),
    (
        "downloads_empty_folder",
        "downloads.empty_folder",
        Kind::Switch,
    ),
    ("log_file", "log.file", Kind::Text),
    ("log_system", "log.system", Kind::Switch),
];

/// A value as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Strings(Vec<String>),
    Number(u32),
    Text(String),
    /// Any other registry type (REG_BINARY, REG_QWORD…), by its name.
    Other(&'static str),
}

impl Value {
    fn type_name(&self) -> &'static str {
        match self {
            Value::Strings(_) => "REG_MULTI_SZ",
            Value::Number(_) => "REG_DWORD",
            Value::Text(_) => "REG_SZ",
            Value::Other(name) => name,
        }
    }
}

/// The settings a policy sets; `None` where it sets nothing.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Policy {
    pub categories: Option<Vec<Category>>,
    pub browsers: Option<Vec<String>>,
    pub keep_cookies: Option<Vec<String>>,
    pub wait: Option<u64>,
    pub timeout: Option<u64>,
    pub lang: Option<String>,
    pub downloads_empty_folder: Option<bool>,
    pub log_file: Option<PathBuf>,
    pub log_system: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read the Group Policy key HKLM\\{KEY}: {0}")]
    Read(#[source] std::io::Error),
    #[error("Group Policy value {name} (HKLM\\{KEY}): {message}")]
    Invalid { name: String, message: String },
}

fn invalid(name: &str, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        name: name.to_owned(),
        message: message.into(),
    }
}

impl Policy {
    /// The policy from the key's values. An unknown name, a wrong type or a wrong value is an
    /// error naming the value, as an unknown key in the configuration file is: a policy that
    /// says something gomme does not understand must not clean more or less than meant.
    pub fn from_values(
        values: impl IntoIterator<Item = (String, Value)>,
    ) -> Result<Policy, PolicyError> {
        let mut policy = Policy::default();
        for (name, value) in values {
            let Some(&(_, _, kind)) = VALUES
                .iter()
                .find(|(n, _, _)| n.eq_ignore_ascii_case(&name))
            else {
                let known: Vec<&str> = VALUES.iter().map(|(n, _, _)| *n).collect();
                return Err(invalid(
                    &name,
                    format!("unknown value; gomme reads {}", known.join(", ")),
                ));
            };
            let wrong_type =
                |want: &str| invalid(&name, format!("should be {want}, is {}", value.type_name()));
            match kind {
                Kind::List => {
                    let Value::Strings(list) = &value else {
                        return Err(wrong_type("REG_MULTI_SZ"));
                    };
                    // Group Policy's list box leaves no empty line, `reg add` may: skipped.
                    let list: Vec<String> = list
                        .iter()
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect();
                    match name.to_ascii_lowercase().as_str() {
                        "categories" => {
                            let mut categories = Vec::new();
                            for id in &list {
                                categories.push(Category::from_id(id).ok_or_else(|| {
                                    let ids: Vec<&str> =
                                        Category::ALL.iter().map(|c| c.id()).collect();
                                    invalid(
                                        &name,
                                        format!(
                                            "unknown category {id:?}; the categories are {}",
                                            ids.join(", ")
                                        ),
                                    )
                                })?);
                            }
                            policy.categories = Some(categories);
                        }
                        "browsers" => policy.browsers = Some(list),
                        _ => policy.keep_cookies = Some(list),
                    }
                }
                Kind::Number => {
                    let Value::Number(n) = value else {
                        return Err(wrong_type("REG_DWORD"));
                    };
                    match name.to_ascii_lowercase().as_str() {
                        "wait" => policy.wait = Some(n.into()),
                        _ => policy.timeout = Some(n.into()),
                    }
                }
                Kind::Switch => {
                    let on = match value {
                        Value::Number(0) => false,
                        Value::Number(1) => true,
                        Value::Number(n) => {
                            return Err(invalid(&name, format!("should be 0 or 1, is {n}")))
                        }
                        _ => return Err(wrong_type("REG_DWORD")),
                    };
                    match name.to_ascii_lowercase().as_str() {
                        "downloads_empty_folder" => policy.downloads_empty_folder = Some(on),
                        _ => policy.log_system = Some(on),
                    }
                }
                Kind::Text => {
                    let Value::Text(text) = value else {
                        return Err(wrong_type("REG_SZ"));
                    };
                    let text = text.trim().to_owned();
                    if text.is_empty() {
                        continue;
                    }
                    match name.to_ascii_lowercase().as_str() {
                        "lang" => policy.lang = Some(text),
                        _ => policy.log_file = Some(PathBuf::from(text)),
                    }
                }
            }
        }
        Ok(policy)
    }

    /// Whether the policy sets anything at all.
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// How many settings it sets.
    pub fn count(&self) -> usize {
        [
            self.categories.is_some(),
            self.browsers.is_some(),
            self.keep_cookies.is_some(),
            self.wait.is_some(),
            self.timeout.is_some(),
            self.lang.is_some(),
            self.downloads_empty_folder.is_some(),
            self.log_file.is_some(),
            self.log_system.is_some(),
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }

    /// `--only`'s categories, within the policy's list when it has one: the command line
    /// narrows a policy, never widens it.
    pub fn narrow_categories(&self, asked: &[Category]) -> Vec<Category> {
        match &self.categories {
            Some(allowed) => asked
                .iter()
                .copied()
                .filter(|c| allowed.contains(c))
                .collect(),
            None => asked.to_vec(),
        }
    }

    /// This computer's policy. Off Windows there is none.
    pub fn read() -> Result<Policy, PolicyError> {
        Policy::from_values(read_values()?)
    }
}

/// The key's values, or none when the key does not exist.
#[cfg(windows)]
fn read_values() -> Result<Vec<(String, Value)>, PolicyError> {
    use winreg::enums::{HKEY_LOCAL_MACHINE, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_SZ};
    use winreg::types::FromRegValue;
    let key = match winreg::RegKey::predef(HKEY_LOCAL_MACHINE).open_subkey(KEY) {
        Ok(key) => key,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(PolicyError::Read(e)),
    };
    let mut values = Vec::new();
    for entry in key.enum_values() {
        let (name, raw) = entry.map_err(PolicyError::Read)?;
        let bad = |e: std::io::Error| invalid(&name, e.to_string());
        let value = match raw.vtype {
            REG_MULTI_SZ => Value::Strings(Vec::<String>::from_reg_value(&raw).map_err(bad)?),
            REG_DWORD => Value::Number(u32::from_reg_value(&raw).map_err(bad)?),
            REG_SZ => Value::Text(String::from_reg_value(&raw).map_err(bad)?),
            REG_EXPAND_SZ => {
                let text = String::from_reg_value(&raw).map_err(bad)?;
                Value::Text(crate::platform::expand_env(&text, |v| {
                    std::env::var(v).ok()
                }))
            }
            other => Value::Other(match other {
                winreg::enums::REG_QWORD => "REG_QWORD",
                winreg::enums::REG_BINARY => "REG_BINARY",
                _ => "another registry type",
            }),
        };
        values.push((name, value));
    }
    Ok(values)
}

#[cfg(not(windows))]
fn read_values() -> Result<Vec<(String, Value)>, PolicyError> {
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(values: &[(&str, Value)]) -> Result<Policy, PolicyError> {
        Policy::from_values(values.iter().map(|(n, v)| (n.to_string(), v.clone())))
    }

    fn strings(items: &[&str]) -> Value {
        Value::Strings(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn values_of_each_type() {
        let p = policy(&[
            ("categories", strings(&["cookies", "", "history"])),
            ("browsers", strings(&["firefox-family"])),
            ("keep_cookies", strings(&["bib.example"])),
            ("wait", Value::Number(20)),
            ("Timeout", Value::Number(0)),
            ("lang", Value::Text("fr".into())),
            ("downloads_empty_folder", Value::Number(1)),
            (
                "log_file",
                Value::Text(r"C:\ProgramData\gomme\gomme.jsonl".into()),
            ),
            ("log_system", Value::Number(0)),
        ])
        .unwrap();
        assert_eq!(
            p.categories,
            Some(vec![Category::Cookies, Category::History])
        );
        assert_eq!(p.browsers, Some(vec!["firefox-family".to_owned()]));
        assert_eq!(p.wait, Some(20));
        assert_eq!(p.timeout, Some(0));
        assert_eq!(p.downloads_empty_folder, Some(true));
        assert_eq!(p.log_system, Some(false));
        assert!(p.log_file.is_some() && p.lang.as_deref() == Some("fr"));
        assert_eq!(p.count(), VALUES.len());
        assert!(policy(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_wrong_value_is_an_error_naming_it() {
        let err = |values: &[(&str, Value)]| policy(values).unwrap_err().to_string();
        let e = err(&[("categorie", strings(&["cookies"]))]);
        assert!(
            e.contains("categorie") && e.contains("unknown value"),
            "{e}"
        );
        let e = err(&[("categories", strings(&["bookmarks"]))]);
        assert!(e.contains("bookmarks") && e.contains("categories"), "{e}");
        let e = err(&[("categories", Value::Text("cookies".into()))]);
        assert!(e.contains("REG_MULTI_SZ") && e.contains("REG_SZ"), "{e}");
        let e = err(&[("wait", Value::Text("10".into()))]);
        assert!(e.contains("REG_DWORD"), "{e}");
        let e = err(&[("log_system", Value::Number(2))]);
        assert!(e.contains("0 or 1"), "{e}");
        let e = err(&[("timeout", Value::Other("REG_QWORD"))]);
        assert!(e.contains("REG_QWORD"), "{e}");
    }

    #[test]
    fn the_command_line_narrows_a_policy_list_never_widens_it() {
        let p = policy(&[("categories", strings(&["cookies", "history"]))]).unwrap();
        assert_eq!(
            p.narrow_categories(&[Category::Cookies, Category::Cache]),
            vec![Category::Cookies]
        );
        assert!(p.narrow_categories(&[Category::Cache]).is_empty());
        assert_eq!(
            Policy::default().narrow_categories(&[Category::Cache]),
            vec![Category::Cache]
        );
    }
}
