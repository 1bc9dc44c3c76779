//! Fleet tooling: `gomme config show`, and the Group Policy templates' agreement with the
//! values gomme reads (`src/policy.rs`).

// Tests write their files by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

fn gomme() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("gomme").unwrap();
    cmd.env("LANG", "C.UTF-8");
    for var in [
        "LC_ALL",
        "LC_MESSAGES",
        "GOMME_LANG",
        "GOMME_LOG",
        "GOMME_CONFIG",
        "GOMME_KEEP_COOKIES",
        "GOMME_WAIT",
        "GOMME_TIMEOUT",
        "GOMME_LOG_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn setting<'a>(shown: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    shown["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {shown}"))
}

#[test]
fn config_show_says_where_each_setting_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "categories = [\"history\", \"cookies\"]\nwait = 7\nlang = \"fr\"\n[log]\nsystem = true\n",
    )
    .unwrap();
    let out = gomme()
        .args([
            "--config",
            file.to_str().unwrap(),
            "config",
            "show",
            "--json",
        ])
        .args(["--skip", "history", "--timeout", "60"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["file"], file.to_str().unwrap());
    let categories = setting(&shown, "categories");
    assert_eq!(categories["value"], serde_json::json!(["cookies"]));
    assert_eq!(categories["origin"], "flag");
    assert_eq!(setting(&shown, "wait")["value"], 7);
    assert_eq!(setting(&shown, "wait")["origin"], "file");
    assert_eq!(setting(&shown, "timeout")["value"], 60);
    assert_eq!(setting(&shown, "timeout")["origin"], "flag");
    assert_eq!(setting(&shown, "lang")["origin"], "file");
    assert_eq!(setting(&shown, "log.system")["value"], true);
    assert_eq!(setting(&shown, "log.system")["origin"], "file");
    assert_eq!(setting(&shown, "keep_cookies")["origin"], "default");
    assert_eq!(
        setting(&shown, "log.file")["value"],
        serde_json::Value::Null
    );

    // The same in words, in French (the file's `lang`).
    let out = gomme()
        .args(["--config", file.to_str().unwrap(), "config", "show"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Réglages en vigueur (fichier de configuration "),
        "{text}"
    );
    assert!(
        text.contains("fichier") && text.contains("par défaut"),
        "{text}"
    );
}

#[test]
fn config_show_refuses_what_a_clean_would_refuse() {
    let out = gomme()
        .args([
            "--config", "none", "config", "show", "--only", "cookies", "--skip", "cookies",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

// --- Group Policy templates ----------------------------------------------------------------

const ADMX: &str = "packaging/windows/policy/gomme.admx";
const ADML: [&str; 2] = [
    "packaging/windows/policy/en-US/gomme.adml",
    "packaging/windows/policy/fr-FR/gomme.adml",
];

/// The `$(kind.id)` references in an attribute.
fn reference<'a>(value: &'a str, kind: &str) -> Option<&'a str> {
    value
        .strip_prefix("$(")?
        .strip_suffix(')')?
        .strip_prefix(kind)?
        .strip_prefix('.')
}

/// A policy value: its name, its type as gomme reads it, a sample of it as the registry would
/// hold it.
fn admx_values(doc: &roxmltree::Document) -> Vec<(String, Kind, Value)> {
    let mut values = Vec::new();
    for policy in doc.descendants().filter(|n| n.has_tag_name("policy")) {
        let name = policy.attribute("name").unwrap();
        assert_eq!(
            policy.attribute("key"),
            Some(r"SOFTWARE\Policies\gomme"),
            "policy {name}: its key"
        );
        assert_eq!(policy.attribute("class"), Some("Machine"), "policy {name}");
        if let Some(value_name) = policy.attribute("valueName") {
            // An on/off policy: 1 when enabled, 0 when disabled.
            let decimal = |tag: &str| {
                let node = policy.children().find(|n| n.has_tag_name(tag));
                node.and_then(|n| n.children().find(|c| c.has_tag_name("decimal")))
                    .and_then(|d| d.attribute("value"))
            };
            assert_eq!(decimal("enabledValue"), Some("1"), "policy {name}");
            assert_eq!(decimal("disabledValue"), Some("0"), "policy {name}");
            values.push((value_name.to_owned(), Kind::Switch, Value::Number(1)));
        }
        let elements = policy.children().find(|n| n.has_tag_name("elements"));
        for e in elements
            .iter()
            .flat_map(|e| e.children().filter(|c| c.is_element()))
        {
            let value_name = e.attribute("valueName").unwrap().to_owned();
            assert_eq!(e.attribute("key"), None, "{value_name}: no other key");
            let (kind, sample) = match e.tag_name().name() {
                "multiText" => (Kind::List, Value::Strings(vec![sample_item(&value_name)])),
                "decimal" => (Kind::Number, Value::Number(5)),
                "text" => (Kind::Text, Value::Text("C:\\x.jsonl".into())),
                "enum" => {
                    let strings: Vec<&str> = e
                        .descendants()
                        .filter(|n| n.has_tag_name("string"))
                        .filter_map(|n| n.text())
                        .collect();
                    assert!(!strings.is_empty(), "{value_name}: string items");
                    // Every choice must be accepted: checked below with the first.
                    (Kind::Text, Value::Text(strings[0].into()))
                }
                other => panic!("{value_name}: element {other} is not read by gomme"),
            };
            values.push((value_name, kind, sample));
        }
    }
    values
}

fn sample_item(value_name: &str) -> String {
    match value_name {
        "categories" => "cookies",
        "browsers" => "firefox-family",
        _ => "bibliotheque.example.fr",
    }
    .to_owned()
}

use gomme::policy::{Kind, Policy, Value, VALUES};

#[test]
fn every_policy_writes_a_value_gomme_reads_with_its_type() {
    let text = std::fs::read_to_string(repo(ADMX)).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("gomme.admx is well-formed XML");
    let values = admx_values(&doc);
    let mut names: Vec<&str> = values.iter().map(|(n, _, _)| n.as_str()).collect();
    names.sort();
    let mut read: Vec<&str> = VALUES.iter().map(|(n, _, _)| *n).collect();
    read.sort();
    assert_eq!(names, read, "the ADMX's values and src/policy.rs's VALUES");
    for (name, kind, sample) in &values {
        let (_, _, want) = VALUES.iter().find(|(n, _, _)| n == name).unwrap();
        assert_eq!(
            kind, want,
            "{name}: the ADMX writes another type than gomme reads"
        );
        let policy = Policy::from_values([(name.clone(), sample.clone())])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!policy.is_empty(), "{name} had no effect");
    }
    // Every language choice is a language gomme has.
    for s in doc.descendants().filter(|n| n.has_tag_name("string")) {
        assert!(matches!(s.text(), Some("fr" | "en")), "{:?}", s.text());
    }
}

#[test]
fn both_languages_have_every_string_and_presentation() {
    let admx_text = std::fs::read_to_string(repo(ADMX)).unwrap();
    let admx = roxmltree::Document::parse(&admx_text).unwrap();
    let refs = |kind: &str| -> std::collections::BTreeSet<String> {
        admx.descendants()
            .flat_map(|n| n.attributes())
            .filter_map(|a| reference(a.value(), kind))
            .map(str::to_owned)
            .collect()
    };
    let (strings, presentations) = (refs("string"), refs("presentation"));
    assert!(strings.len() > 20 && presentations.len() >= 7);
    let mut tables = Vec::new();
    for adml in ADML {
        let text = std::fs::read_to_string(repo(adml)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{adml}: {e}"));
        let ids = |tag: &str| -> std::collections::BTreeSet<String> {
            doc.descendants()
                .filter(|n| n.has_tag_name(tag))
                .map(|n| n.attribute("id").unwrap().to_owned())
                .collect()
        };
        assert_eq!(ids("string"), strings, "{adml}: string ids");
        assert_eq!(
            ids("presentation"),
            presentations,
            "{adml}: presentation ids"
        );
        // Each presentation's boxes name the elements of its policy.
        for p in doc.descendants().filter(|n| n.has_tag_name("presentation")) {
            let id = p.attribute("id").unwrap();
            for r in p.children().filter_map(|c| c.attribute("refId")) {
                let element = admx
                    .descendants()
                    .find(|n| n.attribute("id") == Some(r))
                    .unwrap_or_else(|| panic!("{adml}: {id} shows {r}, no such element"));
                let policy = element
                    .ancestors()
                    .find(|n| n.has_tag_name("policy"))
                    .unwrap();
                assert_eq!(
                    policy.attribute("presentation"),
                    Some(format!("$(presentation.{id})").as_str())
                );
            }
        }
        let explain = |id: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name("string") && n.attribute("id") == Some(id))
                .and_then(|n| n.text())
                .unwrap()
                .to_owned()
        };
        // The help lists every category and browser gomme knows, by the names it reads.
        let categories = explain("categories_Explain");
        for c in gomme::Category::ALL {
            assert!(categories.contains(c.id()), "{adml}: categories lacks {c}");
        }
        let browsers = explain("browsers_Explain");
        for b in gomme::Browser::ALL {
            assert!(
                browsers.contains(b.id()),
                "{adml}: browsers lacks {}",
                b.id()
            );
        }
        tables.push(text);
    }
    assert_ne!(tables[0], tables[1], "two languages");
}

// --- Logs: the ids, the README's table, the WEF subscription ---------------------------------

#[test]
fn the_readme_lists_every_kind_of_record_with_its_ids() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| Record | Event id | Level | journald `MESSAGE_ID` |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), gomme::audit_log::KINDS.len(), "{rows:?}");
    for (row, kind) in rows.iter().zip(gomme::audit_log::KINDS) {
        let level = if kind.warning {
            "Warning"
        } else {
            "Information"
        };
        let want = format!(
            "| `{}`: {} | {} | {level} | `{}` |",
            kind.name, kind.meaning, kind.event_id, kind.message_id
        );
        assert_eq!(*row, want);
    }
}

#[test]
fn the_readme_lists_every_policy_value() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let table: String = readme
        .lines()
        .skip_while(|l| !l.starts_with("| Value | Type | Configuration key |"))
        .take_while(|l| l.starts_with('|'))
        .collect();
    for (name, _, _) in VALUES {
        assert!(table.contains(&format!("`{name}`")), "README lacks {name}");
    }
}

#[test]
fn the_wef_subscription_selects_every_kind_of_record() {
    let text = std::fs::read_to_string(repo("packaging/windows/wef-subscription.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed");
    let query = doc
        .descendants()
        .find(|n| n.has_tag_name("Query"))
        .and_then(|n| n.text())
        .unwrap();
    let list = roxmltree::Document::parse(query.trim()).expect("the query is XML too");
    let select = list
        .descendants()
        .find(|n| n.has_tag_name("Select"))
        .unwrap();
    assert_eq!(select.attribute("Path"), Some("Application"));
    let xpath = select.text().unwrap();
    assert!(xpath.contains("Provider[@Name='gomme']"), "{xpath}");
    let ids: Vec<u32> = xpath
        .split("EventID=")
        .skip(1)
        .map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().unwrap()
        })
        .collect();
    let want: Vec<u32> = gomme::audit_log::KINDS.iter().map(|k| k.event_id).collect();
    assert_eq!(ids, want);
    let subscription = doc.root_element();
    assert_eq!(
        subscription
            .children()
            .find(|n| n.has_tag_name("SubscriptionType"))
            .and_then(|n| n.text()),
        Some("SourceInitiated")
    );
}
