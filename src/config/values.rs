//! Reading each configuration value, so that a wrong one is refused in plain words that name
//! its key and what it should be — `wait must be a whole number of seconds, like wait = 20` —
//! in the person's language, rather than serde's `invalid type: string "x", expected u64`.
//!
//! The TOML reader puts the line of the value around whatever a reader here refuses. The
//! refusal itself is kept as a [`Problem`] for the thread that parses (serde's errors carry
//! only text), and picked up by [`super::Config::parse`].

use crate::browser::kind::Browser;
use crate::category::Category;
use crate::i18n::Lang;
use serde::de::Deserializer;
use serde::Deserialize;
use std::cell::RefCell;
use std::path::PathBuf;

/// What is wrong with a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not TOML at all; the TOML reader's own words.
    Syntax(String),
    /// The key, and the keys its table takes.
    UnknownKey {
        key: String,
        known: Vec<String>,
    },
    Seconds {
        key: &'static str,
        found: String,
    },
    YesNo {
        key: &'static str,
        found: String,
    },
    Text {
        key: &'static str,
        found: String,
    },
    List {
        key: &'static str,
        found: String,
    },
    Category(String),
    Browser(String),
    Lang(String),
}

thread_local! {
    static REFUSED: RefCell<Option<Problem>> = const { RefCell::new(None) };
}

/// Keeps `problem` for the parse under way and returns serde's error for it.
fn refuse<E: serde::de::Error>(problem: Problem) -> E {
    let text = problem.say(Lang::En);
    REFUSED.with(|r| *r.borrow_mut() = Some(problem));
    E::custom(text)
}

/// The problem a reader here refused, if the error came from one.
pub(super) fn take_refused() -> Option<Problem> {
    REFUSED.with(|r| r.borrow_mut().take())
}

/// A value as the person wrote it, for the message: `the text "x"`, `the number 3`.
fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Integer(n) => n.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "[…]".into(),
        toml::Value::Table(_) => "{…}".into(),
    }
}

fn seconds<'de, D: Deserializer<'de>>(d: D, key: &'static str) -> Result<Option<u64>, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Integer(n) if n >= 0 => Ok(Some(n as u64)),
        other => Err(refuse(Problem::Seconds {
            key,
            found: describe(&other),
        })),
    }
}

fn yes_no<'de, D: Deserializer<'de>>(d: D, key: &'static str) -> Result<bool, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::Boolean(b) => Ok(b),
        other => Err(refuse(Problem::YesNo {
            key,
            found: describe(&other),
        })),
    }
}

fn text<'de, D: Deserializer<'de>>(d: D, key: &'static str) -> Result<String, D::Error> {
    match toml::Value::deserialize(d)? {
        toml::Value::String(s) => Ok(s),
        other => Err(refuse(Problem::Text {
            key,
            found: describe(&other),
        })),
    }
}

fn texts<'de, D: Deserializer<'de>>(d: D, key: &'static str) -> Result<Vec<String>, D::Error> {
    let list = match toml::Value::deserialize(d)? {
        toml::Value::Array(list) => list,
        other => {
            return Err(refuse(Problem::List {
                key,
                found: describe(&other),
            }))
        }
    };
    list.into_iter()
        .map(|v| match v {
            toml::Value::String(s) => Ok(s),
            other => Err(refuse(Problem::List {
                key,
                found: describe(&other),
            })),
        })
        .collect()
}

pub(super) fn wait<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    seconds(d, "wait")
}

pub(super) fn timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    seconds(d, "timeout")
}

pub(super) fn empty_folder<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    yes_no(d, "downloads.empty_folder")
}

pub(super) fn session_files<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    yes_no(d, "session.files")
}

pub(super) fn session_folders<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    texts(d, "session.folders").map(Some)
}

pub(super) fn log_system<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    yes_no(d, "log.system")
}

pub(super) fn log_file<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
    text(d, "log.file").map(|t| Some(PathBuf::from(t)))
}

pub(super) fn keep_cookies<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    texts(d, "keep_cookies").map(Some)
}

pub(super) fn categories<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<Category>>, D::Error> {
    let names = texts(d, "categories")?;
    names
        .into_iter()
        .map(|name| {
            Category::ALL
                .into_iter()
                .find(|c| c.id() == name)
                .ok_or_else(|| refuse(Problem::Category(name)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// The names `--browser` takes: each browser's id and the two families.
pub fn browser_names() -> Vec<String> {
    let mut names: Vec<String> = Browser::ALL.iter().map(|b| b.id().to_owned()).collect();
    names.extend(["firefox-family".to_owned(), "chromium-family".to_owned()]);
    names
}

pub(super) fn browsers<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let names = texts(d, "browsers")?;
    let known = browser_names();
    for name in &names {
        if !known.iter().any(|k| k.eq_ignore_ascii_case(name)) {
            return Err(refuse(Problem::Browser(name.clone())));
        }
    }
    Ok(Some(names))
}

pub(super) fn lang<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let code = text(d, "lang")?;
    match code.as_str() {
        "fr" | "en" => Ok(Some(code)),
        _ => Err(refuse(Problem::Lang(code))),
    }
}

impl Problem {
    /// The problem in plain words, without the file and line.
    pub fn say(&self, lang: Lang) -> String {
        let categories = Category::ALL.map(Category::id).join(", ");
        match (lang, self) {
            (Lang::En, Problem::Syntax(why)) => format!("this is not valid TOML ({why})"),
            (Lang::En, Problem::UnknownKey { key, known }) => format!(
                "gomme has no setting named {key:?}; check its spelling: here the settings are {}",
                known.join(", ")
            ),
            (Lang::En, Problem::Seconds { key, found }) => {
                format!("{key} must be a whole number of seconds, like {key} = 20, not {found}")
            }
            (Lang::En, Problem::YesNo { key, found }) => {
                format!("{key} must be true or false, not {found}")
            }
            (Lang::En, Problem::Text { key, found }) => {
                format!("{key} must be text in double quotes, not {found}")
            }
            (Lang::En, Problem::List { key, found }) => format!(
                "{key} must be a list of texts in double quotes, like {key} = [\"a\", \"b\"], \
                 not {found}"
            ),
            (Lang::En, Problem::Category(name)) => {
                format!("categories: {name:?} is not a category; the categories are {categories}")
            }
            (Lang::En, Problem::Browser(name)) => format!(
                "browsers: {name:?} is not a browser gomme knows; it knows {}",
                browser_names().join(", ")
            ),
            (Lang::En, Problem::Lang(code)) => {
                format!("lang must be \"fr\" or \"en\", not {code:?}")
            }
            // The TOML reader's own words are English only.
            (Lang::Fr, Problem::Syntax(_)) => "cette ligne n'est pas écrite comme TOML le \
                demande : vérifiez les crochets, les guillemets droits et le signe ="
                .into(),
            (Lang::Fr, Problem::UnknownKey { key, known }) => format!(
                "gomme n'a pas de réglage nommé {key:?} ; vérifiez l'orthographe : ici les \
                 réglages sont {}",
                known.join(", ")
            ),
            (Lang::Fr, Problem::Seconds { key, found }) => format!(
                "{key} doit être un nombre entier de secondes, comme {key} = 20, et non {found}"
            ),
            (Lang::Fr, Problem::YesNo { key, found }) => {
                format!("{key} doit valoir true ou false, et non {found}")
            }
            (Lang::Fr, Problem::Text { key, found }) => {
                format!("{key} doit être un texte entre guillemets droits, et non {found}")
            }
            (Lang::Fr, Problem::List { key, found }) => format!(
                "{key} doit être une liste de textes entre guillemets, comme \
                 {key} = [\"a\", \"b\"], et non {found}"
            ),
            (Lang::Fr, Problem::Category(name)) => format!(
                "categories : {name:?} n'est pas une catégorie ; les catégories sont {categories}"
            ),
            (Lang::Fr, Problem::Browser(name)) => format!(
                "browsers : gomme ne connaît pas le navigateur {name:?} ; il connaît {}",
                browser_names().join(", ")
            ),
            (Lang::Fr, Problem::Lang(code)) => {
                format!("lang doit valoir \"fr\" ou \"en\", et non {code:?}")
            }
        }
    }
}
