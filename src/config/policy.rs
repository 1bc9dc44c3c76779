//! Group Policy laid over the configuration file: what the policy sets wins (`crate::policy`
//! reads it).

use super::Config;
use crate::policy::Policy;

impl Config {
    /// The configuration in force: this file's, with every setting `policy` sets replaced by
    /// the policy's. The policy itself is kept in `sources`, for the command line's narrowing
    /// and for `gomme config show`.
    pub fn under(self, policy: Policy) -> Config {
        let mut c = self;
        if let Some(v) = &policy.categories {
            c.categories = Some(v.clone());
        }
        if let Some(v) = &policy.browsers {
            c.browsers = Some(v.clone());
        }
        if let Some(v) = &policy.keep_cookies {
            c.keep_cookies = Some(v.clone());
        }
        if let Some(v) = policy.wait {
            c.wait = Some(v);
        }
        if let Some(v) = policy.timeout {
            c.timeout = Some(v);
        }
        if let Some(v) = &policy.lang {
            c.lang = Some(v.clone());
        }
        if let Some(v) = policy.downloads_empty_folder {
            c.downloads.empty_folder = v;
        }
        if let Some(v) = &policy.log_file {
            c.log.file = Some(v.clone());
        }
        if let Some(v) = policy.log_system {
            c.log.system = v;
        }
        c.sources.policy = policy;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::category::Category;
    use crate::policy::{Kind, Value, VALUES};
    use std::path::Path;

    fn policy(values: &[(&str, Value)]) -> Policy {
        Policy::from_values(values.iter().map(|(n, v)| (n.to_string(), v.clone()))).unwrap()
    }

    fn strings(items: &[&str]) -> Value {
        Value::Strings(items.iter().map(|s| s.to_string()).collect())
    }

    /// Every policy value stands for a configuration key that exists: the file accepts that
    /// key with a value of the policy's type.
    #[test]
    fn every_value_is_a_configuration_key() {
        for (name, key, kind) in VALUES {
            let value = match kind {
                Kind::List if name == "categories" => "[\"cookies\"]",
                Kind::List => "[\"firefox\"]",
                Kind::Number => "5",
                Kind::Switch => "true",
                Kind::Text if name == "lang" => "\"fr\"",
                Kind::Text => "\"/tmp/x.jsonl\"",
            };
            let text = match key.split_once('.') {
                Some((table, k)) => format!("[{table}]\n{k} = {value}\n"),
                None => format!("{key} = {value}\n"),
            };
            assert_eq!(
                name,
                key.replace('.', "_"),
                "the value is named for the key"
            );
            let parsed = Config::parse(&text, Path::new("t.toml"));
            assert!(parsed.is_ok(), "{key}: {:?}", parsed.err());
            assert_ne!(parsed.unwrap(), Config::default(), "{key} had no effect");
        }
    }

    #[test]
    fn the_policy_overrides_the_file_where_it_says_something() {
        let file = Config::parse(
            "categories = [\"history\"]\nwait = 3\nkeep_cookies = [\"a.example\"]\n[log]\nsystem = true\n",
            Path::new("t.toml"),
        )
        .unwrap();
        let p = policy(&[
            ("categories", strings(&["cookies"])),
            ("log_system", Value::Number(0)),
            ("downloads_empty_folder", Value::Number(1)),
        ]);
        let c = file.under(p.clone());
        assert_eq!(c.categories, Some(vec![Category::Cookies]));
        assert!(!c.log.system && c.downloads.empty_folder);
        // What the policy does not set stays the file's.
        assert_eq!(c.wait, Some(3));
        assert_eq!(c.keep_cookies, Some(vec!["a.example".to_owned()]));
        assert_eq!(c.sources.policy, p);
    }
}
