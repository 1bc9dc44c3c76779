//! Windows only (issue 22): `schedule install --dry-run` and `schedule status` show the
//! browsers' background policies, in English and French, and change nothing. (Setting and
//! removing them is tested below a key of the unit test's own, `src/browser_policies.rs`:
//! never the machine's own policies.)

#![allow(clippy::disallowed_methods)] // the shared test support builds homes by path
#![cfg(windows)]

mod common;

use common::gomme;

const VALUES: [&str; 3] = [
    r"HKLM\SOFTWARE\Policies\Microsoft\Edge\StartupBoostEnabled",
    r"HKLM\SOFTWARE\Policies\Microsoft\Edge\BackgroundModeEnabled",
    r"HKLM\SOFTWARE\Policies\Google\Chrome\BackgroundModeEnabled",
];

fn schedule(args: &[&str]) -> String {
    let out = gomme().arg("schedule").args(args).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn lines_about(text: &str, value: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains(value))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_dry_run_shows_each_policy_and_sets_none() {
    let before = schedule(&["status"]);
    let plan = schedule(&["install", "--dry-run"]);
    for value in VALUES {
        let line = lines_about(&plan, value);
        assert_eq!(line.len(), 1, "{plan}");
        // On a machine where it is not set (CI, Wine): gomme would set it.
        if lines_about(&before, value)[0].ends_with("not set") {
            assert!(
                line[0].starts_with(&format!("would set {value} = 0: stops ")),
                "{line:?}"
            );
        }
    }
    assert_eq!(
        schedule(&["status"]),
        before,
        "the dry run changed something"
    );
    let french = schedule(&["install", "--dry-run", "--lang", "fr"]);
    let line = lines_about(&french, VALUES[0]);
    if lines_about(&before, VALUES[0])[0].ends_with("not set") {
        assert!(
            line[0].starts_with(&format!("mettrait {} à 0 : ", VALUES[0])),
            "{line:?}"
        );
    }
}

#[test]
fn a_dry_run_of_remove_removes_nothing_gomme_did_not_set() {
    let before = schedule(&["status"]);
    let plan = schedule(&["remove", "--dry-run"]);
    for value in VALUES {
        if !lines_about(&before, value)[0].contains("(set by gomme)") {
            assert!(lines_about(&plan, value).is_empty(), "{plan}");
        }
    }
}
