//! `gomme config show`: the settings a clean or an audit would run with, and where each comes
//! from (default, file, policy, command line), as a table or as JSON.

use crate::exit_code::ExitCode;
use crate::i18n::Lang;
use crate::sanitize::for_terminal;
use crate::settings::{Setting, Sources, Value};
use anyhow::Context as _;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Shown<'a> {
    schema: u32,
    /// The configuration file read, if any.
    file: Option<String>,
    /// The Group Policy key and how many settings it sets (Windows only).
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<PolicyShown>,
    settings: &'a [Setting],
}

#[derive(Serialize)]
struct PolicyShown {
    key: String,
    settings: usize,
}

pub fn show(
    settings: &[Setting],
    sources: &Sources,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    // Group Policy exists on Windows only: elsewhere the report does not mention it.
    let policy = cfg!(windows).then(|| sources.policy.count());
    let file = sources
        .file
        .as_ref()
        .map(|f| f.to_string_lossy().into_owned());
    if json {
        let shown = Shown {
            schema: crate::report::SCHEMA,
            file,
            policy: policy.map(|settings| PolicyShown {
                key: format!("HKLM\\{}", crate::policy::KEY),
                settings,
            }),
            settings,
        };
        serde_json::to_writer_pretty(&mut *out, &shown).context("cannot write the settings")?;
        writeln!(out).context("cannot write the settings")?;
        return Ok(ExitCode::Done);
    }
    let file = file.as_deref().map(for_terminal);
    writeln!(out, "{}", lang.settings_title(file.as_deref(), policy))?;
    let mut rows: Vec<[String; 3]> = vec![lang.setting_headings().map(str::to_owned)];
    for s in settings {
        let value = match &s.value {
            Value::List(items) if items.is_empty() => lang.none().to_owned(),
            Value::List(items) => items.join(", "),
            Value::Number(n) => n.to_string(),
            Value::Switch(on) => lang.yes_no(*on).to_owned(),
            Value::Text(None) => lang.none().to_owned(),
            Value::Text(Some(text)) => text.clone(),
        };
        let value = for_terminal(&value).into_owned();
        rows.push([s.key.to_owned(), value, lang.origin(s.origin).to_owned()]);
    }
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let (w0, w1) = (width(0), width(1));
    for [key, value, origin] in &rows {
        writeln!(out, "  {key:<w0$}  {value:<w1$}  {origin}")?;
    }
    Ok(ExitCode::Done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Origin;

    fn settings() -> Vec<Setting> {
        vec![
            Setting {
                key: "categories",
                value: Value::List(vec!["cookies".into()]),
                origin: Origin::Policy,
            },
            Setting {
                key: "wait",
                value: Value::Number(20),
                origin: Origin::Flag,
            },
            Setting {
                key: "log.file",
                value: Value::Text(None),
                origin: Origin::Default,
            },
        ]
    }

    #[test]
    fn a_table_in_the_persons_language() {
        let mut out = Vec::new();
        show(&settings(), &Sources::default(), false, Lang::Fr, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("Réglages en vigueur (aucun fichier"),
            "{text}"
        );
        assert!(text.contains("categories  cookies"), "{text}");
        assert!(
            text.contains("stratégie") && text.contains("(aucun)"),
            "{text}"
        );
        let mut out = Vec::new();
        show(&settings(), &Sources::default(), false, Lang::En, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("wait") && text.contains("command line"),
            "{text}"
        );
    }

    #[test]
    fn json_names_each_origin() {
        let mut out = Vec::new();
        let sources = Sources {
            file: Some("/etc/gomme/config.toml".into()),
            ..Sources::default()
        };
        show(&settings(), &sources, true, Lang::Fr, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["file"], "/etc/gomme/config.toml");
        assert_eq!(v["settings"][0]["key"], "categories");
        assert_eq!(v["settings"][0]["origin"], "policy");
        assert_eq!(v["settings"][0]["value"][0], "cookies");
        assert_eq!(v["settings"][1]["origin"], "flag");
        assert_eq!(v["settings"][2]["value"], serde_json::Value::Null);
    }
}
