//! Completions and the man page are generated from the clap definition, for packagers.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::gomme;

#[test]
fn completions_for_every_shell_name_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = gomme()
            .args(["generate", "completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        for sub in ["profiles", "clean", "audit"] {
            assert!(text.contains(sub), "{shell} completions lack {sub}");
        }
    }
}

#[test]
fn man_page_lists_every_subcommand_and_exit_code() {
    let out = gomme().args(["generate", "man"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.starts_with(".ie") || man.starts_with(".TH"), "not roff");
    for sub in [
        "gomme\\-profiles",
        "gomme\\-clean",
        "gomme\\-audit",
        "gomme\\-generate",
    ] {
        assert!(man.contains(sub), "man page lacks {sub}");
    }
    for code in [
        "0  done",
        "1  fatal",
        "2  usage",
        "3  at least one profile skipped",
        "4  at least one profile or home",
        "6  stopped at its deadline",
        "5  audit only",
    ] {
        assert!(man.contains(code), "man page lacks exit code line {code:?}");
    }
}
