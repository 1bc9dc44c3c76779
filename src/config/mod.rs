//! The configuration file, for scheduled runs: what to clean, how long to wait for a closing
//! browser, where to log. TOML; an unknown key is an error naming the key and its line, so a
//! typo never silently cleans more or less than IT meant. Group Policy overrides it on Windows
//! (`policy.rs`); command-line flags override both, but only narrow a policy's lists.

use crate::category::Category;
use crate::i18n::Lang;
use serde::Deserialize;

mod policy;
mod values;

use std::path::{Path, PathBuf};
pub use values::Problem;

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Categories to clean (default: all).
    #[serde(default, deserialize_with = "values::categories")]
    pub categories: Option<Vec<Category>>,
    /// Browsers or families to clean (default: all), as on the command line.
    #[serde(default, deserialize_with = "values::browsers")]
    pub browsers: Option<Vec<String>>,
    /// Cookie domains to keep, with their subdomains.
    #[serde(default, deserialize_with = "values::keep_cookies")]
    pub keep_cookies: Option<Vec<String>>,
    /// Seconds to wait for a closing browser to let go of its profile.
    #[serde(default, deserialize_with = "values::wait")]
    pub wait: Option<u64>,
    /// Seconds a run may take in all before it is stopped (0: no limit).
    #[serde(default, deserialize_with = "values::timeout")]
    pub timeout: Option<u64>,
    #[serde(default)]
    pub downloads: Downloads,
    #[serde(default)]
    pub log: Log,
    #[serde(default)]
    pub session: Session,
    /// `fr` or `en`.
    #[serde(default, deserialize_with = "values::lang")]
    pub lang: Option<String>,
    /// The file read and the Group Policy laid over it (not a key of the file).
    #[serde(skip)]
    pub sources: crate::settings::Sources,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Downloads {
    /// Empty the whole Downloads folder of each home (kiosk accounts), not only the files the
    /// browsers recorded.
    #[serde(default, deserialize_with = "values::empty_folder")]
    pub empty_folder: bool,
}

/// `[session]`: the person's own files, made during their session (see `gomme session`).
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Every clean also removes what was made or changed in the personal folders since the
    /// session started (as `clean --session`).
    #[serde(default, deserialize_with = "values::session_files")]
    pub files: bool,
    /// The personal folders (`desktop`, `documents`, `downloads`, `pictures`, `videos`,
    /// `music`, or folders relative to the home); default: all six.
    #[serde(default, deserialize_with = "values::session_folders")]
    pub folders: Option<Vec<String>>,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    /// Audit log: one JSON line per profile per run.
    #[serde(default, deserialize_with = "values::log_file")]
    pub file: Option<PathBuf>,
    /// Also send those lines to the system log (syslog, journald).
    #[serde(default, deserialize_with = "values::log_system")]
    pub system: bool,
}

/// A configuration file that cannot be used; [`ConfigError::say`] puts it in plain words.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", self.say(Lang::En))]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", self.say(Lang::En))]
    Invalid {
        path: PathBuf,
        line: usize,
        problem: Problem,
    },
}

impl ConfigError {
    /// One line: the file, the line, what is wrong and what it should be.
    pub fn say(&self, lang: Lang) -> String {
        match (self, lang) {
            (ConfigError::Read { path, source }, Lang::En) => format!(
                "cannot read the configuration file {}: {source}",
                path.display()
            ),
            (ConfigError::Read { path, source }, Lang::Fr) => format!(
                "impossible de lire le fichier de configuration {} : {}",
                path.display(),
                lang.io_error(source)
            ),
            (
                ConfigError::Invalid {
                    path,
                    line,
                    problem,
                },
                Lang::En,
            ) => format!(
                "configuration file {}, line {line}: {}; nothing was done",
                path.display(),
                problem.say(lang)
            ),
            (
                ConfigError::Invalid {
                    path,
                    line,
                    problem,
                },
                Lang::Fr,
            ) => format!(
                "fichier de configuration {}, ligne {line} : {} ; rien n'a été fait",
                path.display(),
                problem.say(lang)
            ),
        }
    }
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        let mut config = Config::parse(&text, path)?;
        config.sources.file = Some(path.into());
        Ok(config)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        values::take_refused();
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| {
                    text.as_bytes()[..s.start.min(text.len())]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count()
                        + 1
                })
                .unwrap_or(1);
            let message = e.message().trim();
            let problem = values::take_refused().unwrap_or_else(|| {
                match message
                    .strip_prefix("unknown field `")
                    .and_then(|rest| rest.split_once('`'))
                {
                    // serde: "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
                    Some((key, rest)) => Problem::UnknownKey {
                        key: key.to_owned(),
                        known: rest
                            .split('`')
                            .skip(1)
                            .step_by(2)
                            .map(str::to_owned)
                            .collect(),
                    },
                    None => Problem::Syntax(message.replace('\n', " ")),
                }
            });
            ConfigError::Invalid {
                path: path.into(),
                line,
                problem,
            }
        })
    }

    /// The system-wide file read when `--config` is not given, if it exists.
    pub fn default_path() -> PathBuf {
        if cfg!(windows) {
            let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
            PathBuf::from(base).join("gomme").join("config.toml")
        } else if cfg!(target_os = "macos") {
            PathBuf::from("/Library/Application Support/gomme/config.toml")
        } else {
            PathBuf::from("/etc/gomme/config.toml")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn a_valid_file() {
        let c = parse(
            "categories = [\"history\", \"site-data\"]\nkeep_cookies = [\"bib.example\"]\nwait = 15\n\
             [downloads]\nempty_folder = true\n[log]\nfile = \"/var/log/gomme.jsonl\"\n",
        )
        .unwrap();
        assert_eq!(
            c.categories,
            Some(vec![Category::History, Category::SiteData])
        );
        assert_eq!(c.wait, Some(15));
        assert!(c.downloads.empty_folder);
        assert_eq!(
            c.log.file.as_deref(),
            Some(Path::new("/var/log/gomme.jsonl"))
        );
    }

    #[test]
    fn an_empty_file_means_defaults() {
        assert_eq!(parse("# nothing\n").unwrap(), Config::default());
    }

    #[test]
    fn an_unknown_key_names_the_key_and_line() {
        let err = parse("wait = 3\n\nkeep_cookie = [\"x\"]\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("line 3") && err.contains("keep_cookie"),
            "{err}"
        );
        let err = parse("[downloads]\nempty = true\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2") && err.contains("empty"), "{err}");
    }

    #[test]
    fn a_bad_type_or_value_is_refused() {
        let err = parse("wait = \"ten\"\n").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        let err = parse("categories = [\"bookmarks\"]\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bookmarks"), "{err}");
    }

    /// Every wrong value names its key, its line and what it should be, in both languages.
    #[test]
    fn each_wrong_value_says_key_line_and_what_it_should_be() {
        let cases = [
            ("lang = \"de\"", "lang must be \"fr\" or \"en\", not \"de\""),
            ("wait = \"x\"", "wait must be a whole number of seconds"),
            ("timeout = -1", "timeout must be a whole number of seconds"),
            (
                "browsers = [\"firefax\"]",
                "\"firefax\" is not a browser gomme knows",
            ),
            (
                "categories = [\"bookmarks\"]",
                "\"bookmarks\" is not a category",
            ),
            (
                "keep_cookies = \"x\"",
                "keep_cookies must be a list of texts",
            ),
            (
                "[downloads]\nempty_folder = 1",
                "downloads.empty_folder must be true or false",
            ),
            (
                "[log]\nsystem = \"yes\"",
                "log.system must be true or false",
            ),
            ("[log]\nfile = 3", "log.file must be text"),
            ("[log]\nfiles = \"x\"", "no setting named \"files\""),
        ];
        for (text, expected) in cases {
            let text = format!("# gomme\n{text}\n");
            let err = parse(&text).unwrap_err();
            let line = text.lines().count();
            let en = err.say(Lang::En);
            assert!(en.contains(expected), "{text}: {en}");
            assert!(en.contains(&format!("line {line}:")), "{text}: {en}");
            let fr = err.say(Lang::Fr);
            assert!(fr.contains(&format!("ligne {line} :")), "{text}: {fr}");
            assert!(!fr.contains(" must "), "{text}: {fr}");
        }
        // Good values of the same keys pass.
        parse("lang = \"fr\"\nbrowsers = [\"Firefox\", \"chromium-family\"]\ntimeout = 0\n")
            .unwrap();
    }
}
