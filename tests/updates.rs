//! Issue 20: keep cleaning when the browsers update. On copies of the real committed fixture,
//! each database gomme cleans row by row is changed as a browser update changes it (schema
//! version raised or lowered, a column added, a table added, the same rows): it is cleaned to
//! zero markers, with a "newer than tested" note when its version is newer. A database that
//! lost a column a statement uses is refused, untouched, and everything else is cleaned.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{gomme, gomme_json, snapshot, FixtureCopy};
use rusqlite::Connection;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use trace_scanner::manifest::Manifest;
use trace_scanner::scanner::scan;

/// Where a database records its schema version.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    UserVersion,
    Meta,
}

/// The databases whose schema version gomme notes, per browser, relative to a profile.
const VERSIONED: &[(&str, &str, Kind)] = &[
    ("firefox", "places.sqlite", Kind::UserVersion),
    ("firefox", "cookies.sqlite", Kind::UserVersion),
    ("firefox", "formhistory.sqlite", Kind::UserVersion),
    ("firefox", "permissions.sqlite", Kind::UserVersion),
    ("firefox", "content-prefs.sqlite", Kind::UserVersion),
    ("firefox", "webappsstore.sqlite", Kind::UserVersion),
    ("firefox", "storage.sqlite", Kind::UserVersion),
    (
        "firefox",
        "bounce-tracking-protection.sqlite",
        Kind::UserVersion,
    ),
    ("chromium", "History", Kind::Meta),
    ("chromium", "Cookies", Kind::Meta),
    ("chromium", "Favicons", Kind::Meta),
    ("chromium", "Login Data", Kind::Meta),
    ("chromium", "Login Data For Account", Kind::Meta),
];

/// One versioned database of the fixture copy.
#[derive(Debug, Clone)]
struct Db {
    /// The profile, relative to the home (from the manifest).
    profile: String,
    name: &'static str,
    kind: Kind,
    /// The version the fixture's browser wrote.
    version: i64,
}

impl Db {
    fn path(&self, home: &Path) -> PathBuf {
        home.join(&self.profile).join(self.name)
    }

    fn open(&self, home: &Path) -> Connection {
        Connection::open(self.path(home)).unwrap()
    }

    fn set_version(&self, home: &Path, version: i64) {
        let conn = self.open(home);
        match self.kind {
            Kind::UserVersion => conn.pragma_update(None, "user_version", version).unwrap(),
            Kind::Meta => {
                let n = conn
                    .execute(
                        "UPDATE meta SET value = ?1 WHERE key = 'version'",
                        [version.to_string()],
                    )
                    .unwrap();
                assert_eq!(n, 1, "{}: no version in meta", self.name);
            }
        }
    }

    /// A column added to every table a browser made (not SQLite's own, not virtual ones).
    fn add_column(&self, home: &Path) {
        let conn = self.open(home);
        let tables: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for table in tables {
            conn.execute_batch(&format!(
                "ALTER TABLE \"{table}\" ADD COLUMN added_by_update TEXT DEFAULT ''"
            ))
            .unwrap();
        }
    }

    /// A new table, as a browser feature adds one (empty: the same rows).
    fn add_table(&self, home: &Path) {
        self.open(home)
            .execute_batch(
                "CREATE TABLE added_by_update (id INTEGER PRIMARY KEY, what TEXT NOT NULL)",
            )
            .unwrap();
    }

    fn drop_column(&self, home: &Path, table: &str, column: &str) {
        self.open(home)
            .execute_batch(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
            .unwrap();
    }
}

/// A folder as gomme reports it: links resolved, and on Windows without the `\\?\` prefix.
fn real(path: &Path) -> PathBuf {
    dunce::canonicalize(path).unwrap()
}

fn manifest() -> Manifest {
    Manifest::load(common::manifest_path()).unwrap()
}

/// The versioned databases of a fixture copy, with the versions the fixture's browsers wrote.
fn versioned(home: &Path) -> Vec<Db> {
    let m = manifest();
    let mut out = Vec::new();
    for profile in &m.profiles {
        for (browser, name, kind) in VERSIONED {
            if profile.browser != *browser {
                continue;
            }
            let path = home.join(&profile.path).join(name);
            if !path.is_file() {
                continue;
            }
            let conn = Connection::open(&path).unwrap();
            let version: i64 = match kind {
                Kind::UserVersion => conn
                    .query_row("PRAGMA user_version", [], |r| r.get(0))
                    .unwrap(),
                Kind::Meta => conn
                    .query_row(
                        "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'version'",
                        [],
                        |r| r.get(0),
                    )
                    .unwrap(),
            };
            out.push(Db {
                profile: profile.path.clone(),
                name,
                kind: *kind,
                version,
            });
        }
    }
    // Both families, and the two databases the issue names, in at least two profiles each.
    for name in ["places.sqlite", "History"] {
        assert!(
            out.iter().filter(|d| d.name == name).count() >= 2,
            "the fixture has fewer than two {name}: {out:?}"
        );
    }
    out
}

/// The notes of a report, as (profile, database, version, tested).
fn notes(report: &serde_json::Value) -> BTreeSet<(String, String, i64, i64)> {
    let mut out = BTreeSet::new();
    for p in report["profiles"].as_array().unwrap() {
        let path = p["path"].as_str().unwrap();
        for note in p["notes"].as_array().into_iter().flatten() {
            out.insert((
                path.to_owned(),
                note["database"].as_str().unwrap().to_owned(),
                note["version"].as_i64().unwrap(),
                note["tested"].as_i64().unwrap(),
            ));
        }
    }
    out
}

/// The notes a report should hold for `dbs` moved to `version(db)` (none for one not newer).
fn expected_notes(
    home: &Path,
    dbs: &[Db],
    version: impl Fn(&Db) -> i64,
) -> BTreeSet<(String, String, i64, i64)> {
    dbs.iter()
        .filter(|d| version(d) > d.version)
        .map(|d| {
            (
                real(&home.join(&d.profile)).to_string_lossy().into_owned(),
                d.name.to_owned(),
                version(d),
                d.version,
            )
        })
        .collect()
}

/// What a browser update did to every versioned database.
#[derive(Clone, Copy)]
struct Update {
    /// Added to each version.
    by: i64,
    column: bool,
    table: bool,
}

/// Applies `update` to every versioned database of a fresh fixture copy; the dry run then
/// the clean must exit 0, note exactly the databases newer than tested, and leave no marker.
fn cleaned_after(update: Update) {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let dbs = versioned(&home);
    for db in &dbs {
        if update.column {
            db.add_column(&home);
        }
        if update.table {
            db.add_table(&home);
        }
        db.set_version(&home, db.version + update.by);
    }
    let want = expected_notes(&home, &dbs, |d| d.version + update.by);
    let home_arg = home.to_str().unwrap();

    let (dry, code) = gomme_json(&["clean", "-n", "--home", home_arg]);
    assert_eq!(code, 0, "{dry}");
    assert_eq!(notes(&dry), want, "the dry run's notes");

    let (report, code) = gomme_json(&["clean", "--home", home_arg]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(notes(&report), want, "the clean's notes");
    assert!(dry["totals"]["items"].as_u64().unwrap() > 0);
    assert_eq!(dry["totals"]["items"], report["totals"]["items"]);

    let mut after = scan(&home, &manifest().markers);
    after.set_kept_domains(&[]);
    after.assert_clean();
}

#[test]
fn a_version_one_newer_is_cleaned_with_a_note() {
    cleaned_after(Update {
        by: 1,
        column: false,
        table: false,
    });
}

#[test]
fn a_version_twelve_newer_is_cleaned_with_a_note() {
    cleaned_after(Update {
        by: 12,
        column: false,
        table: false,
    });
}

/// Older than tested: cleaned too, and without a note (gomme was not tested with it, but
/// every statement's table and column is there, and an older browser is no news).
#[test]
fn a_version_one_older_is_cleaned_without_a_note() {
    cleaned_after(Update {
        by: -1,
        column: false,
        table: false,
    });
}

#[test]
fn an_update_that_adds_a_column_is_cleaned_with_a_note() {
    cleaned_after(Update {
        by: 1,
        column: true,
        table: false,
    });
}

#[test]
fn an_update_that_adds_a_table_is_cleaned_with_a_note() {
    cleaned_after(Update {
        by: 1,
        column: false,
        table: true,
    });
}

/// The note, in the person's language, in the human report of the dry run and of the clean,
/// and in the audit log.
#[test]
fn the_note_is_in_the_human_report_in_english_and_french_and_in_the_audit_log() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let dbs = versioned(&home);
    let places = dbs.iter().find(|d| d.name == "places.sqlite").unwrap();
    places.set_version(&home, places.version + 1);
    let home_arg = home.to_str().unwrap();
    let out = gomme()
        .args(["clean", "-n", "--home", home_arg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let line = format!(
        "places.sqlite is newer than tested (schema {}, tested up to {})",
        places.version + 1,
        places.version
    );
    assert!(text.contains(&line), "{text}");
    assert!(text.contains("it will be cleaned"), "{text}");

    let log = copy.dir.path().join("audit.log");
    let out = gomme()
        .env("LANG", "fr_FR.UTF-8")
        .args(["clean", "--home", home_arg, "--log-file"])
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("places.sqlite est plus récent que les versions testées"),
        "{text}"
    );
    let lines = std::fs::read_to_string(&log).unwrap();
    let noted: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["notes"].is_array())
        .collect();
    assert_eq!(noted.len(), 1, "{lines}");
    assert_eq!(noted[0]["notes"][0]["database"], "places.sqlite");
    assert_eq!(noted[0]["notes"][0]["version"], places.version + 1);
}

/// A Chromium `History` whose `last_compatible_version` says code of the tested version can
/// no longer use it is refused, as Chromium itself would refuse it.
#[test]
fn a_history_incompatible_with_the_tested_version_is_refused() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let dbs = versioned(&home);
    let history = dbs.iter().find(|d| d.name == "History").unwrap();
    history.set_version(&home, history.version + 5);
    history
        .open(&home)
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'last_compatible_version'",
            [(history.version + 1).to_string()],
        )
        .unwrap();
    let out = gomme()
        .args(["clean", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("History") && stderr.contains("only code of its version"),
        "{stderr}"
    );
}

/// One database per family lost a column a statement uses (and is newer, as after an update):
/// the dry run and the clean refuse it with the same words, leave it untouched, clean every
/// other database and profile, and exit 4.
#[test]
fn a_database_without_a_needed_column_is_refused_and_the_rest_is_cleaned() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let dbs = versioned(&home);
    let places = dbs
        .iter()
        .find(|d| d.name == "places.sqlite")
        .unwrap()
        .clone();
    let history = dbs.iter().find(|d| d.name == "History").unwrap().clone();
    places.drop_column(&home, "moz_places", "typed");
    places.set_version(&home, places.version + 1);
    history.drop_column(&home, "urls", "typed_count");
    history.set_version(&home, history.version + 1);
    let before: Vec<_> = [&places, &history]
        .iter()
        .map(|d| snapshot(&home.join(&d.profile)))
        .collect();
    let home_arg = home.to_str().unwrap();

    let (dry, code) = gomme_json(&["clean", "-n", "--home", home_arg]);
    assert_eq!(code, 4, "{dry}");
    let (report, code) = gomme_json(&["clean", "--home", home_arg]);
    assert_eq!(code, 4, "{report}");

    let error = |r: &serde_json::Value, d: &Db| -> String {
        let dir = real(&home.join(&d.profile));
        r["profiles"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| Path::new(p["path"].as_str().unwrap()) == dir)
            .and_then(|p| p["error"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    for (db, what) in [
        (
            &places,
            "its table moz_places has no column typed, which gomme needs",
        ),
        (
            &history,
            "its table urls has no column typed_count, which gomme needs",
        ),
    ] {
        let said = error(&report, db);
        assert!(said.contains(db.name) && said.contains(what), "{said}");
        assert_eq!(error(&dry, db), said, "the dry run and the clean differ");
    }
    // The refused databases got no note: only a database that is cleaned is noted.
    assert!(
        notes(&report)
            .iter()
            .all(|(_, name, ..)| name != "places.sqlite" && name != "History"),
        "{report}"
    );
    for (db, before) in [&places, &history].iter().zip(&before) {
        let after = snapshot(&home.join(&db.profile));
        for name in [
            db.name.to_owned(),
            format!("{}-wal", db.name),
            format!("{}-journal", db.name),
        ] {
            assert_eq!(
                after.get(Path::new(&name)),
                before.get(Path::new(&name)),
                "{name} of {} was changed",
                db.profile
            );
        }
    }
    // What is left is only in the refused databases, and in the icons kept for the pages
    // they still hold.
    let mut after = scan(&home, &manifest().markers);
    after.set_kept_domains(&[]);
    let traces = after.traces(None);
    assert!(
        !traces.is_empty(),
        "the refused databases still hold history"
    );
    for marker in traces {
        for finding in after.findings_for(&marker.token) {
            let file = finding.file.to_string_lossy().into_owned();
            let allowed = [&places, &history].iter().any(|d| {
                finding.file.starts_with(&d.profile)
                    && [d.name, "favicons.sqlite", "Favicons"]
                        .iter()
                        .any(|n| file.contains(n))
            });
            assert!(
                allowed,
                "left outside the refused databases: {} {} in {file}",
                marker.category, marker.token
            );
        }
    }
}

/// The Firefox root of the fixture copy, and its profile-group store that Firefox made for
/// the `default-esr` profile (`StoreID` is written to `profiles.ini` once a group exists).
fn firefox_root(home: &Path) -> PathBuf {
    home.join(".mozilla/firefox")
}

/// The profiles `gomme profiles` finds in `home`, as (folder path, listed), and its warnings.
fn profiles_found(home: &Path) -> (Vec<(PathBuf, bool)>, Vec<serde_json::Value>) {
    let (list, code) = gomme_json(&["profiles", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{list}");
    let profiles = list["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                PathBuf::from(p["path"].as_str().unwrap()),
                p["listed"].as_bool().unwrap(),
            )
        })
        .collect();
    (profiles, list["warnings"].as_array().unwrap().clone())
}

/// A profile made with Firefox's new profile manager is recorded only in its profile-group
/// store: gomme finds it there (listed, not merely a folder on disk) and cleans its history.
/// The store and the profile are made by the installed firefox-esr itself
/// (scripts/fixtures/profile_group.py calls Firefox's own `SelectableProfileService`).
#[test]
#[cfg_attr(windows, ignore = "starts Debian's firefox-esr, a Linux program")]
fn a_profile_made_with_firefoxs_profile_manager_is_found_in_its_group_and_cleaned() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let root = firefox_root(&home);
    let token = format!("gmkgroup{:x}", std::process::id());
    let url = format!("http://127.0.0.1:{}/{token}", common::browser::serve_page());
    let existing = common::fixture_profile_folder("firefox", "default-esr");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/fixtures/profile_group.py");
    let out = std::process::Command::new("timeout")
        .arg("300")
        .arg("python3")
        .arg(script)
        .arg(&home)
        .args(["default-esr", existing.as_str(), url.as_str()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let made: serde_json::Value =
        serde_json::from_slice(out.stdout.trim_ascii()).expect("the script's JSON line");
    let stored = made["path"].as_str().unwrap();
    let profile = root.join(stored);
    assert!(profile.join("places.sqlite").is_file(), "{made}");

    // Only the store names it: not profiles.ini, not installs.ini.
    let name = profile.file_name().unwrap().to_str().unwrap().to_owned();
    for ini in ["profiles.ini", "installs.ini"] {
        let text = std::fs::read_to_string(root.join(ini)).unwrap();
        assert!(
            !text.contains(&name),
            "{ini} names the new profile:\n{text}"
        );
    }
    let store = root
        .join("Profile Groups")
        .join(made["store"].as_str().unwrap());
    let in_store: Vec<String> = Connection::open(&store)
        .unwrap()
        .prepare("SELECT path FROM Profiles")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // The store holds it relative to the root (the script reports Firefox's absolute view).
    assert!(
        in_store.iter().any(|p| root.join(p) == profile),
        "{in_store:?}"
    );
    assert!(
        trace_scanner::scanner::scan_tokens(&profile, &[token.as_str()]).found(&token),
        "Firefox recorded no visit in the new profile"
    );

    let (profiles, warnings) = profiles_found(&home);
    let found_at = real(&profile);
    assert!(
        profiles.contains(&(found_at.clone(), true)),
        "not listed from its group: {profiles:?} {warnings:?}"
    );

    let (report, code) = gomme_json(&["clean", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0, "{report}");
    let cleaned = report["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| Path::new(p["path"].as_str().unwrap()) == found_at)
        .unwrap_or_else(|| panic!("not in the clean's report: {report}"));
    assert_eq!(cleaned["status"], "cleaned", "{cleaned}");
    assert!(cleaned["categories"]["history"]["items"].as_u64().unwrap() > 0);
    let left = trace_scanner::scanner::scan_tokens(&home, &[token.as_str()]);
    assert!(!left.found(&token), "the visit is still there:\n{left}");
}

/// A store's row naming a folder outside the home by an absolute path is refused, as in
/// `profiles.ini`; one climbing out of the root is ignored; a `Profile Groups` that is a link
/// is not followed. On the store Firefox itself made for the fixture.
#[test]
fn a_profile_group_cannot_lead_outside_the_home_or_through_a_link() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let root = firefox_root(&home);
    let groups = root.join("Profile Groups");
    let stores: Vec<PathBuf> = std::fs::read_dir(&groups)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    assert!(!stores.is_empty(), "the fixture has no profile-group store");
    // A real profile folder outside the home, and one inside it that only the store names.
    let outside = copy.dir.path().join("elsewhere.profile");
    common::copy_tree(
        &home.join(common::fixture_profile("firefox", "usager")),
        &outside,
    );
    let inside = home.join("kept-apart.profile");
    common::copy_tree(
        &home.join(common::fixture_profile("firefox", "usager")),
        &inside,
    );
    let conn = Connection::open(&stores[0]).unwrap();
    for path in [
        outside.to_str().unwrap().to_owned(),
        "../../elsewhere.profile".to_owned(),
        inside.to_str().unwrap().to_owned(),
    ] {
        conn.execute(
            "INSERT INTO Profiles (path, name, avatar, themeId, themeFg, themeBg) \
             VALUES (?1, 'x', 'book', 'default-theme@mozilla.org', '', '')",
            [path],
        )
        .unwrap();
    }
    drop(conn);
    let (profiles, warnings) = profiles_found(&home);
    let paths: Vec<&PathBuf> = profiles.iter().map(|(p, _)| p).collect();
    assert!(
        profiles.contains(&(real(&inside), true)),
        "an absolute path inside the home is a profile: {profiles:?}"
    );
    assert!(
        !paths.iter().any(|p| !p.starts_with(real(&home))),
        "{paths:?}"
    );
    let said: Vec<String> = warnings.iter().map(|w| w["message"].to_string()).collect();
    assert!(
        said.iter().any(|m| m.contains("outside this home")),
        "{said:?}"
    );
    assert!(
        said.iter().any(|m| m.contains("outside its folder")),
        "{said:?}"
    );

    // The same store behind a link: not read.
    #[cfg(unix)]
    {
        let moved = copy.dir.path().join("groups-elsewhere");
        std::fs::rename(&groups, &moved).unwrap();
        std::os::unix::fs::symlink(&moved, &groups).unwrap();
        let (profiles, warnings) = profiles_found(&home);
        assert!(
            !profiles.iter().any(|(p, _)| p == &real(&inside)),
            "read through a link: {profiles:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w["path"].as_str().unwrap().ends_with("Profile Groups")),
            "{warnings:?}"
        );
    }
}

/// The CI's schema watch (scripts/schema-watch) says whether the browsers moved their schemas
/// since the fixture was made: here on databases moved as an update moves them, and on an
/// untouched copy. It exits 0 either way: a move is news, not a failure.
#[test]
#[cfg_attr(windows, ignore = "a Python script run by the Linux CI")]
fn the_schema_watch_says_which_schemas_moved() {
    let watch = |home: &Path| -> String {
        let out = std::process::Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/schema-watch"))
            .arg("--home")
            .arg(home)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let copy = FixtureCopy::new();
    let home = copy.home();
    let said = watch(&home);
    assert!(
        said.starts_with("browser schemas: as in the fixtures"),
        "{said}"
    );
    let dbs = versioned(&home);
    let places = dbs.iter().find(|d| d.name == "places.sqlite").unwrap();
    let history = dbs.iter().find(|d| d.name == "History").unwrap();
    places.set_version(&home, places.version + 1);
    history.set_version(&home, history.version + 2);
    let said = watch(&home);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.starts_with("browser schemas moved: recheck (")
            && said.contains(&format!(
                "places.sqlite {} -> {}",
                places.version,
                places.version + 1
            ))
            && said.contains(&format!(
                "History {} -> {}",
                history.version,
                history.version + 2
            )),
        "{said}"
    );
}
