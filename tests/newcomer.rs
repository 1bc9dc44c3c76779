//! What a newcomer met on a first try (issue 24): output that cannot be written, usage errors,
//! messages half in English, config errors, a JSON clean that did not ask. One test per item.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]
// Most items need a Unix terminal or /dev/full; the Windows build compiles what is left.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

mod common;

use common::gomme;
#[cfg(unix)]
fn full() -> std::process::Stdio {
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    std::process::Stdio::from(full)
}

/// Every command whose stdout is full says so and exits 1; none panics (exit 101).
#[cfg(unix)]
#[test]
fn a_full_stdout_is_an_error_not_a_panic() {
    let home = common::fixture_home();
    let home = home.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["generate", "completions", "bash"],
        &["generate", "completions", "zsh"],
        &["generate", "completions", "fish"],
        &["generate", "completions", "powershell"],
        &["generate", "completions", "elvish"],
        &["generate", "man"],
        &["--help"],
        &["--version"],
        &["clean", "--help"],
        &["profiles", "--home", home],
        &["profiles", "--json", "--home", home],
        &["clean", "--dry-run", "--home", home],
        &["clean", "--dry-run", "--json", "--home", home],
        &["audit", "--home", home],
    ];
    for args in commands {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gomme"))
            .args(*args)
            .stdout(full())
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(stderr.contains("No space left"), "{args:?}: {stderr}");
    }
}

/// gomme's own lines on a full or closed stderr are lost, not a panic: an unattended run whose
/// stderr goes nowhere still cleans and still exits with its code.
#[cfg(unix)]
#[test]
fn a_full_stderr_loses_the_lines_not_the_run() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gomme"))
        .args(["audit", "--home", "/nonexistent/gomme-test"])
        .stdout(std::process::Stdio::null())
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gomme"))
        .args(["clean", "--only", "cokies"])
        .stderr(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// A usage error keeps clap's own rendering: the valid values and a "did you mean".
#[test]
fn usage_errors_show_the_valid_values_and_a_suggestion() {
    let out = gomme()
        .args(["clean", "--only", "cokies"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("possible values: history, cookies"),
        "{stderr}"
    );
    assert!(stderr.contains("'cookies'"), "{stderr}");
    let out = gomme().arg("clen").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("similar subcommand exists: 'clean'"),
        "{stderr}"
    );
}

/// Words of gomme's English messages that no French sentence of gomme uses.
const ENGLISH: &[&str] = &[
    "would",
    "wrote",
    "using",
    "removed",
    "installed",
    "cannot",
    "must",
    "the",
    "not",
    "line",
    "file",
    "every",
    "when",
    "each",
    "error",
    "warning",
    "nothing",
    "done",
    "ran",
    "run",
    "found",
    "unknown",
    "expected",
    "invalid",
    "value",
    "key",
    "setting",
    "needs",
    "rights",
    "again",
    "link",
    "follows",
    "folder",
    "home",
    "profile",
    "is",
    "of",
    "to",
    "and",
    "for",
    "with",
    "by",
    "at",
    "boot",
    "ends",
    "disabled",
    "enabled",
    "state",
    "type",
    "string",
];

/// The English words of `text`, leaving out what is not a sentence of gomme's: paths, command
/// lines gomme quotes (`systemctl …`), configuration keys and values, systemd's own state word
/// given in parentheses after the French one.
fn english_words(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = match line.find("systemctl") {
            Some(i) => &line[..i],
            None => line,
        };
        for token in line.split_whitespace() {
            if token.contains(['/', '\\', '=', '"', '(', ')', '_', '.']) || token.starts_with("--")
            {
                continue;
            }
            let word: String = token
                .chars()
                .filter(|c| c.is_alphabetic() || *c == '\'')
                .collect::<String>()
                .to_lowercase();
            if ENGLISH.contains(&word.as_str()) {
                found.push(format!("{word:?} in {line:?}"));
            }
        }
    }
    found
}

#[cfg(unix)]
fn french(args: &[&str]) -> (Option<i32>, String) {
    let out = gomme()
        .env("LANG", "fr_FR.UTF-8")
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // systemctl's own lines ("Created symlink …") are its, not gomme's.
    let ours: Vec<&str> = stderr.lines().filter(|l| l.starts_with("gomme")).collect();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        ours.join("\n")
    );
    (out.status.code(), text)
}

/// Under a French locale, schedule, shortcut and configuration errors say nothing in English.
#[cfg(unix)]
#[test]
fn french_output_has_no_english_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("image");
    let desktop = dir.path().join("Bureau");
    std::fs::create_dir_all(&desktop).unwrap();
    let root_s = root.to_str().unwrap();
    let desktop_s = desktop.to_str().unwrap();
    let link_root = dir.path().join("piège");
    std::fs::create_dir_all(&link_root).unwrap();
    std::os::unix::fs::symlink("/tmp", link_root.join("etc")).unwrap();
    let mut runs: Vec<Vec<String>> = [
        &["schedule", "install", "--dry-run", "--root", root_s][..],
        &["schedule", "install", "--root", root_s],
        &["schedule", "status", "--root", root_s],
        &["schedule", "remove", "--dry-run", "--root", root_s],
        &["schedule", "remove", "--root", root_s],
        &["schedule", "install", "--root", link_root.to_str().unwrap()],
        &["shortcut", "install", "--desktop", desktop_s],
        &["shortcut", "remove", "--desktop", desktop_s],
        &["--config", "/nonexistent/gomme.toml", "audit"],
        &["audit", "--home", "/nonexistent/gomme-home"],
    ]
    .iter()
    .map(|a| a.iter().map(|s| s.to_string()).collect())
    .collect();
    for bad in [
        "lang = \"de\"",
        "wait = \"x\"",
        "browsers = [\"firefax\"]",
        "categories = [\"bookmarks\"]",
        "keep_cookie = [\"x\"]",
        "[log]\nsystem = \"yes\"",
        "[x",
    ] {
        let file = dir.path().join(format!("c{}.toml", runs.len()));
        std::fs::write(&file, format!("# gomme\n{bad}\n")).unwrap();
        runs.push(vec![
            "--config".into(),
            file.to_string_lossy().into(),
            "audit".into(),
        ]);
    }
    let mut said = 0;
    for args in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, text) = french(&args);
        assert!(code.is_some() && code != Some(101), "{args:?}: {text}");
        assert!(!text.trim().is_empty(), "{args:?} said nothing");
        // The unit files printed by a dry run are files, not messages.
        let text: String = text
            .lines()
            .filter(|l| !l.starts_with(['[', '#']) && !l.contains('=') && !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let english = english_words(&text);
        assert!(
            english.is_empty(),
            "{args:?}:\n{text}\nEnglish: {english:#?}"
        );
        said += text.lines().count();
    }
    assert!(said > 20, "only {said} lines were checked");
}

/// The detector above finds English: without it, the French test could not fail.
#[test]
fn the_english_detector_finds_the_english_messages() {
    for line in [
        "would run: systemctl --root=/x enable gomme-boot.service",
        "gomme: configuration file /x, line 2: wait must be a whole number",
        "gomme: warning: /x this home folder does not exist",
        "removed /home/u/Desktop/gomme.desktop",
    ] {
        assert!(!english_words(line).is_empty(), "{line}");
    }
}

/// A report with nothing to show has no table, no "A clean would remove:" over nothing and no
/// "other" profiles; the audit has its own title.
#[test]
fn an_empty_report_has_no_empty_table_and_no_other_profiles() {
    let copy = common::FixtureCopy::new();
    let home = copy.home();
    let home = home.to_str().unwrap();
    let out = gomme()
        .args(["clean", "--yes", "--home", home])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for (args, title) in [
        (
            &["audit", "--home", home][..],
            "Audit: nothing was removed.\n",
        ),
        (
            &["clean", "--dry-run", "--home", home],
            "Dry run: nothing was removed.\n",
        ),
        (
            &["audit", "--home", "/nonexistent/gomme"],
            "Audit: nothing was removed.\n",
        ),
    ] {
        let out = gomme().args(args).env("LANG", "C").output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with(title), "{args:?}:\n{stdout}");
        assert!(!stdout.contains("would remove"), "{args:?}:\n{stdout}");
        assert!(!stdout.contains("other profile"), "{args:?}:\n{stdout}");
        assert!(
            !stdout.contains("Category"),
            "an empty table: {args:?}:\n{stdout}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::manifest_path()).unwrap()).unwrap();
    let profiles = manifest["profiles"].as_array().unwrap().len();
    let out = gomme().args(["audit", "--home", home]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("\n{profiles} profile(s): nothing to remove.")),
        "{stdout}"
    );
    // With something to remove, the audit's title says so and the table follows.
    let out = gomme()
        .args(["audit", "--home", common::fixture_home().to_str().unwrap()])
        .env("LANG", "C")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("Audit: nothing was removed. A clean would remove:\nBrowser"),
        "{stdout}"
    );
}

/// Each subcommand's help says what its own options do (status installs nothing).
#[test]
fn schedule_help_fits_each_subcommand() {
    for sub in ["status", "remove"] {
        let out = gomme().args(["schedule", sub, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("--root"), "{help}");
        assert!(!help.contains("Install under"), "{sub}: {help}");
    }
}

/// The README's first command shows the downloaded files with their sizes, and its `--clean`
/// leaves no trace — the files included — on the copy it makes of the bundled home.
#[cfg(unix)]
#[test]
fn the_readme_demo_counts_and_removes_the_downloaded_files() {
    let demo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/demo");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(&demo)
            .args(args)
            .env("GOMME", env!("CARGO_BIN_EXE_gomme"))
            .env("LANG", "C")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
    };
    let report: serde_json::Value = serde_json::from_str(&run(&["--json"]).0).unwrap();
    let profiles = report["profiles"].as_array().unwrap();
    let downloads: Vec<u64> = profiles
        .iter()
        .filter(|p| p["categories"]["downloads"]["items"].as_u64().unwrap_or(0) > 0)
        .map(|p| p["categories"]["downloads"]["bytes"].as_u64().unwrap())
        .collect();
    assert!(downloads.len() >= 4, "{report:#}");
    // Each profile's downloaded files are there to be removed: their bytes count.
    assert!(downloads.iter().all(|b| *b > 0), "{downloads:?}");
    let (screen, said) = run(&["--clean", "--keep"]);
    assert!(
        screen.trim_end().ends_with("No trace left to remove."),
        "{screen}"
    );
    let copy = said
        .lines()
        .find_map(|l| l.strip_prefix("the copy: "))
        .map(std::path::PathBuf::from)
        .expect("--keep says where the copy is");
    let left: Vec<String> = std::fs::read_dir(copy.join("Downloads"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("recu-"))
        .collect();
    std::fs::remove_dir_all(copy.parent().unwrap()).unwrap();
    assert!(left.is_empty(), "downloaded files left: {left:?}");
}

/// Without systemctl (or a running systemd) `schedule status` says the state is unknown and
/// why, instead of an empty state.
#[cfg(target_os = "linux")]
#[test]
fn schedule_status_without_systemctl_says_it_cannot_tell() {
    let empty = tempfile::tempdir().unwrap();
    let out = gomme()
        .args(["schedule", "status"])
        .env("PATH", empty.path())
        .env("LANG", "C")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    for unit in ["gomme-boot.service", "gomme-logout.service"] {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(unit))
            .unwrap_or_else(|| panic!("no line for {unit}: {stdout}"));
        assert!(
            line.contains(": state unknown: systemctl could not say ("),
            "{line}"
        );
    }
}

/// An absolute `Path=/etc` in profiles.ini is outside the home, not "through a link".
#[cfg(unix)]
#[test]
fn an_absolute_profile_path_elsewhere_is_outside_not_a_link() {
    let home = tempfile::tempdir().unwrap();
    let ff = home.path().join(".mozilla/firefox");
    std::fs::create_dir_all(&ff).unwrap();
    std::fs::write(
        ff.join("profiles.ini"),
        "[Profile0]\nName=x\nIsRelative=0\nPath=/etc\n",
    )
    .unwrap();
    let out = gomme()
        .args(["profiles", "--home", home.path().to_str().unwrap()])
        .env("LANG", "C")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("/etc is outside this home; not looked at"),
        "{stderr}"
    );
    assert!(!stderr.contains("link"), "{stderr}");
}

/// Issue 18: the house stays one a newcomer can find their way in. `main.rs` only parses,
/// dispatches and maps the exit code (200 lines at most), and no source file of gomme or of
/// the trace scanner grows past 600 lines (split it into rooms instead).
#[test]
fn main_stays_thin_and_no_source_file_passes_600_lines() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lines = |p: &std::path::Path| std::fs::read_to_string(p).unwrap().lines().count();
    let main = lines(&root.join("src/main.rs"));
    assert!(main <= 200, "src/main.rs has {main} lines");
    let mut files = Vec::new();
    for dir in [root.join("src"), root.join("crates")] {
        let mut todo = vec![dir];
        while let Some(d) = todo.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() && !path.ends_with("target") {
                    todo.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
    }
    assert!(files.len() > 50, "only {} source files found", files.len());
    let long: Vec<String> = files
        .iter()
        .map(|p| (p, lines(p)))
        .filter(|(_, n)| *n > 600)
        .map(|(p, n)| format!("{} ({n})", p.strip_prefix(root).unwrap().display()))
        .collect();
    assert_eq!(long, Vec::<String>::new(), "source files over 600 lines");
}

/// Issue 18: no import circle between gomme's source files (the merges of parallel work
/// brought four back once). A file takes from another when it names it through `crate::` or
/// `super::` (a `use`, a path in code, a re-export); a module's declaration is no arrow.
#[test]
fn no_import_circle_between_source_files() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Module path of each file of the library (the binary's main.rs and cli/ are apart).
    let mut modules: std::collections::BTreeMap<Vec<String>, String> = Default::default();
    let mut todo = vec![src.clone()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel == "main.rs" || rel == "cli.rs" || rel.starts_with("cli") {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else if let Some(stem) = rel.strip_suffix(".rs") {
                let mut segs: Vec<String> = stem.split('/').map(str::to_owned).collect();
                if segs.last().is_some_and(|s| s == "mod" || s == "lib") {
                    segs.pop();
                }
                modules.insert(segs, rel);
            }
        }
    }
    let mut arrows: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        // The parent of `super::`: a mod.rs file's module is its folder's.
        let parent: Vec<String> = module[..module.len().saturating_sub(1)].to_vec();
        for line in text.lines() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for (start, base) in [("crate::", Vec::new()), ("super::", parent.clone())] {
                for (at, _) in code.match_indices(start) {
                    if at > 0 && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    for path in paths(&code[at + start.len()..]) {
                        let mut full = base.clone();
                        full.extend(path);
                        // The longest prefix that is a file's module.
                        let target = (0..=full.len())
                            .rev()
                            .find_map(|n| modules.get(&full[..n]))
                            .unwrap();
                        if target != file {
                            arrows.entry(file).or_default().insert(target);
                        }
                    }
                }
            }
        }
    }
    assert!(
        arrows.len() > 40,
        "only {} files take from others",
        arrows.len()
    );
    // Every file from which a path of arrows leads back to it.
    let reach = |from: &str| {
        let mut seen = std::collections::BTreeSet::new();
        let mut todo: Vec<&str> = arrows.get(from).into_iter().flatten().copied().collect();
        while let Some(f) = todo.pop() {
            if seen.insert(f) {
                todo.extend(arrows.get(f).into_iter().flatten().copied());
            }
        }
        seen
    };
    let in_circles: Vec<&str> = modules
        .values()
        .map(String::as_str)
        .filter(|f| reach(f).contains(f))
        .collect();
    assert_eq!(in_circles, Vec::<&str>::new(), "files in an import circle");
}

/// The module paths a `crate::`/`super::` path starting `rest` names: `a::b::C`, or each
/// member of a `{…}` group (nested groups flattened).
fn paths(rest: &str) -> Vec<Vec<String>> {
    let ident = |s: &str| -> usize {
        s.find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let mut prefix = Vec::new();
    let mut s = rest;
    loop {
        if let Some(group) = s.strip_prefix('{') {
            let mut depth = 1;
            let mut end = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            let inner = &group[..end];
            let mut out = Vec::new();
            let (mut depth, mut from) = (0, 0);
            for (i, c) in inner.char_indices().chain([(inner.len(), ',')]) {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        for mut p in paths(inner[from..i].trim()) {
                            let mut full = prefix.clone();
                            full.append(&mut p);
                            out.push(full);
                        }
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            return out;
        }
        let n = ident(s);
        if n == 0 {
            return vec![prefix];
        }
        if &s[..n] == "super" {
            prefix.pop();
        } else if &s[..n] != "self" {
            prefix.push(s[..n].to_owned());
        }
        match s[n..].strip_prefix("::") {
            Some(next) => s = next,
            None => return vec![prefix],
        }
    }
}
