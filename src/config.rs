//! The configuration file, for scheduled runs: what to clean, how long to wait for a closing
//! browser, where to log. TOML; an unknown key is an error naming the key and its line, so a
//! typo never silently cleans more or less than IT meant. Group Policy overrides it on Windows
//! (`policy.rs`); command-line flags override both, but only narrow a policy's lists.

use crate::category::Category;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Categories to clean (default: all).
    pub categories: Option<Vec<Category>>,
    /// Browsers or families to clean (default: all), as on the command line.
    pub browsers: Option<Vec<String>>,
    /// Cookie domains to keep, with their subdomains.
    pub keep_cookies: Option<Vec<String>>,
    /// Seconds to wait for a closing browser to let go of its profile.
    pub wait: Option<u64>,
    /// Seconds a run may take in all before it is stopped (0: no limit).
    pub timeout: Option<u64>,
    #[serde(default)]
    pub downloads: Downloads,
    #[serde(default)]
    pub log: Log,
    /// `fr` or `en`.
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
    #[serde(default)]
    pub empty_folder: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Log {
    /// Audit log: one JSON line per profile per run.
    pub file: Option<PathBuf>,
    /// Also send those lines to the system log (syslog, journald).
    #[serde(default)]
    pub system: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("configuration file {path}, line {line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
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
            ConfigError::Invalid {
                path: path.into(),
                line,
                message: e.message().trim().to_owned(),
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
}
