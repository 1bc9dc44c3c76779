//! Fleet tooling: `gomme config show`.

// Tests write their files by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

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
