//! Issues 5 and 6: on the real-browser fixture, a clean leaves no marker of any category, live
//! or leftover, in any profile; keepers stay; the dry run counts what the clean removes; a
//! second clean finds nothing.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods)]

mod common;

use common::{counters, gomme, gomme_json, snapshot, FixtureCopy};
use trace_scanner::manifest::Manifest;
use trace_scanner::scanner::{scan, ScanReport};

fn manifest() -> Manifest {
    Manifest::load(common::manifest_path()).unwrap()
}

fn scan_copy(copy: &FixtureCopy, kept_domains: &[&str]) -> ScanReport {
    let mut report = scan(&copy.home(), &manifest().markers);
    report.set_kept_domains(kept_domains);
    report
}

fn clean(copy: &FixtureCopy, extra: &[&str]) -> serde_json::Value {
    let home = copy.home();
    let mut args = vec!["clean", "--home", home.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (report, code) = gomme_json(&args);
    assert_eq!(code, 0, "{report}");
    report
}

#[test]
fn a_clean_leaves_no_marker_live_or_leftover_and_keeps_bookmarks_and_settings() {
    let copy = FixtureCopy::new();
    let before = scan_copy(&copy, &[]);
    assert!(
        !before.traces(None).is_empty(),
        "the scanner found nothing before the clean"
    );

    clean(&copy, &[]);
    scan_copy(&copy, &[]).assert_clean();
}

#[test]
fn every_database_passes_integrity_check_after_a_clean() {
    let copy = FixtureCopy::new();
    clean(&copy, &[]);
    let databases: Vec<std::path::PathBuf> = walkdir::WalkDir::new(copy.home())
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            let mut head = [0u8; 16];
            std::fs::File::open(p)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                .is_ok()
                && &head == b"SQLite format 3\0"
        })
        .collect();
    assert!(
        databases.len() > 20,
        "only {} databases found",
        databases.len()
    );
    // What gomme changed has nothing pending in a WAL or journal: every database the rules
    // clean in place that the fixture holds.
    let cleaned: Vec<&std::path::PathBuf> =
        databases.iter().filter(|db| is_cleaned_db(db)).collect();
    for name in [
        "places.sqlite",
        "storage.sqlite",
        "History",
        "DIPS",
        "Top Sites",
        "Web Data",
    ] {
        assert!(
            cleaned.iter().any(|db| db.ends_with(name)),
            "the rules do not name {name} among the databases they clean"
        );
    }
    for db in &cleaned {
        let name = db.to_string_lossy().into_owned();
        for suffix in ["-wal", "-journal"] {
            let side = format!("{name}{suffix}");
            if let Ok(meta) = std::fs::metadata(&side) {
                assert_eq!(
                    meta.len(),
                    0,
                    "{side} holds {} bytes after the clean",
                    meta.len()
                );
            }
        }
    }
    for db in &databases {
        // Opened as the browser would, WAL and journal included, on this throwaway copy.
        let conn = rusqlite::Connection::open(db).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok", "{}", db.display());
    }
}

/// Whether `path` is a database gomme cleans in place, by the families' own rules (their WAL
/// or journal must be empty or gone afterwards).
fn is_cleaned_db(path: &std::path::Path) -> bool {
    use gomme::browser::{engine, rules::cleaned_databases, Family};
    [Family::Firefox, Family::Chromium]
        .into_iter()
        .flat_map(|f| cleaned_databases(engine(f).rules()))
        .any(|name| path.ends_with(&name))
}

#[test]
fn keep_cookies_keeps_exactly_that_domain() {
    let copy = FixtureCopy::new();
    clean(
        &copy,
        &[
            "--only",
            "cookies",
            "--keep-cookies",
            "bibliotheque.localhost",
        ],
    );
    let after = scan_copy(&copy, &["bibliotheque.localhost"]);
    let m = manifest();
    let mut kept = 0;
    for marker in m.markers.iter().filter(|m| m.category == "cookies") {
        if marker.keep_if_kept_domain.is_some() {
            assert!(
                after.live(&marker.token),
                "kept-domain cookie lost: {}",
                marker.token
            );
            kept += 1;
        } else {
            assert!(
                !after.found(&marker.token),
                "cookie left: {}\n{}",
                marker.token,
                after.details()
            );
        }
    }
    assert_eq!(kept, 4, "the fixture has a kept-domain cookie per profile");
    // --only cookies: the other categories are untouched.
    let history = m.markers.iter().find(|m| m.category == "history").unwrap();
    assert!(after.live(&history.token));
}

#[test]
fn dry_run_counts_exactly_what_the_clean_removes_per_category() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let before = snapshot(&home);
    let (plan, code) = gomme_json(&["clean", "-n", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        snapshot(&home),
        before,
        "the dry run changed the fixture home"
    );
    let done = clean(&copy, &[]);
    assert_eq!(counters(&done), counters(&plan));
    let planned = counters(&plan);
    let raw: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::manifest_path()).unwrap()).unwrap();
    let unused: Vec<&str> = raw["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["planted"] == false)
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    for (profile, cats) in &planned {
        if unused
            .iter()
            .any(|u| std::path::Path::new(profile).ends_with(u))
        {
            continue; // created by Firefox's first start, never used
        }
        for cat in [
            "history",
            "cookies",
            "logins",
            "downloads",
            "forms",
            "sessions",
            "cache",
            "site-data",
        ] {
            assert!(cats[cat].0 > 0, "{profile}: nothing planned for {cat}");
        }
    }
}

#[test]
fn a_second_clean_finds_nothing_and_audit_exits_0() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    clean(&copy, &[]);
    let (again, code) = gomme_json(&["clean", "-n", "--home", home.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(again["totals"]["items"], 0, "{again}");
    let out = gomme()
        .args(["audit", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
/// A newer schema version alone is cleaned (tests/updates.rs); a database without a column a
/// statement uses is refused, untouched, and the rest is cleaned.
fn a_database_missing_a_column_gomme_uses_is_skipped_with_exit_4_and_the_rest_is_cleaned() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let m = manifest();
    let target = m
        .markers
        .iter()
        .find(|m| m.browser == "firefox" && m.category == "history")
        .unwrap()
        .profile
        .clone();
    let places = home.join(&target).join("places.sqlite");
    // What a browser update that dropped a column would leave.
    rusqlite::Connection::open(&places)
        .unwrap()
        .execute_batch("ALTER TABLE moz_places DROP COLUMN typed")
        .unwrap();
    let before = snapshot(&home.join(&target));

    let out = gomme()
        .args(["clean", "--home", home.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("places.sqlite") && stderr.contains("table moz_places has no column typed"),
        "{stderr}"
    );
    let after = snapshot(&home.join(&target));
    for name in ["places.sqlite", "places.sqlite-wal"] {
        assert_eq!(
            after.get(std::path::Path::new(name)),
            before.get(std::path::Path::new(name)),
            "{name} was changed"
        );
    }
    // That profile's other categories, and every other profile, are clean: what is left is
    // only in the database that was refused (and the favicons cleaned against it).
    let report = scan_copy(&copy, &[]);
    let traces = report.traces(None);
    assert!(
        !traces.is_empty(),
        "the refused database still holds history"
    );
    for marker in traces {
        for finding in report.findings_for(&marker.token) {
            let file = finding.file.to_string_lossy();
            assert!(
                finding.file.starts_with(&target)
                    && (file.contains("places.sqlite") || file.contains("favicons.sqlite")),
                "left outside the refused database: {} {} in {file}",
                marker.category,
                marker.token
            );
        }
    }
}

/// Issue 19: a site's *name* is personal data (a benefits, health or job site). The real
/// browsers wrote host-name markers into each per-site store, in every planted profile (a site
/// zoomed in, a site allowed to notify, an HTTPS site that set HSTS and an alternative service,
/// sent a compression dictionary and stored data, a site whose certificate was accepted with
/// "Accept the risk", a site that showed a notification; `site_host` in the manifest); after a clean none is left anywhere under the
/// home, live or in leftover bytes, nor the hash Chromium's TransportSecurity keeps of it, and
/// the stores still open.
#[test]
fn no_host_name_is_left_in_any_per_site_store() {
    let raw: serde_json::Value =
        serde_json::from_slice(&std::fs::read(common::manifest_path()).unwrap()).unwrap();
    let markers = raw["markers"].as_array().unwrap();
    let site: Vec<&serde_json::Value> = markers.iter().filter(|m| m["site_host"] == true).collect();
    let planted: std::collections::BTreeSet<(&str, &str)> = markers
        .iter()
        .map(|m| {
            (
                m["browser"].as_str().unwrap(),
                m["profile"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(planted.len(), 4, "{planted:?}");
    let holds = |m: &&serde_json::Value, key: &str, file: &str| {
        m[key]
            .as_array()
            .is_some_and(|files| files.iter().any(|f| f == file))
    };
    // Where a host name must be in every planted profile, and where in at least one of a
    // browser's profiles (a store the browser writes only at some exits: Firefox writes
    // SiteSecurityServiceState.bin on SIGTERM but not on Marionette's quit, and refreshes
    // storage.sqlite and bounce-tracking-protection.sqlite only at a clean quit; Chromium's
    // DIPS may still be in its -wal, and its Network Persistent State may not be written yet).
    let every: &[(&str, &[&str])] = &[
        (
            "firefox",
            &[
                "permissions.sqlite",
                "content-prefs.sqlite",
                "AlternateServices.bin",
                "cert_override.txt",
            ],
        ),
        (
            "chromium",
            &[
                "Preferences",
                "DIPS|DIPS-wal",
                "Shared Dictionary/db",
                "Platform Notifications/*",
            ],
        ),
    ];
    let some: &[(&str, &[&str])] = &[
        (
            "firefox",
            &[
                "SiteSecurityServiceState.bin",
                "storage.sqlite",
                "bounce-tracking-protection.sqlite",
            ],
        ),
        (
            "chromium",
            // Written at a clean exit and now and then: a killed browser may have written it,
            // or only begun to (its new copy beside the file), or not.
            &["Network Persistent State|.org.chromium.Chromium.Network Persistent State.*"],
        ),
    ];
    let in_profile = |profile: &str, store: &str| {
        let here: Vec<&&serde_json::Value> =
            site.iter().filter(|m| m["profile"] == profile).collect();
        store.split('|').any(|name| {
            let file = format!("{profile}/{name}");
            match file.strip_suffix('*') {
                Some(prefix) => here.iter().any(|m| {
                    m["grep_plain"].as_array().is_some_and(|files| {
                        files
                            .iter()
                            .any(|f| f.as_str().is_some_and(|f| f.starts_with(prefix)))
                    })
                }),
                None => here.iter().any(|m| holds(m, "grep_plain", &file)),
            }
        })
    };
    for (browser, profile) in &planted {
        let here = site.iter().filter(|m| m["profile"] == *profile).count();
        assert!(here >= 3, "{profile}: {here} host-name markers");
        for (_, stores) in every.iter().filter(|(b, _)| b == browser) {
            for store in *stores {
                assert!(
                    in_profile(profile, store),
                    "no host-name marker in {profile}/{store}"
                );
            }
        }
    }
    // TransportSecurity names a host by its hash only; like Network Persistent State, a killed
    // browser may not have written it yet.
    assert!(
        planted.iter().any(|(b, profile)| *b == "chromium"
            && site.iter().any(|m| m["profile"] == *profile
                && holds(m, "grep_hsts_key", &format!("{profile}/TransportSecurity")))),
        "no Chromium profile holds a hashed host name in TransportSecurity"
    );
    for (browser, stores) in some {
        for store in *stores {
            assert!(
                planted
                    .iter()
                    .any(|(b, p)| b == browser && in_profile(p, store)),
                "no {browser} profile holds a host-name marker in {store}"
            );
        }
    }
    let hashed: Vec<&str> = site.iter().filter_map(|m| m["hsts_key"].as_str()).collect();
    assert_eq!(hashed.len(), 2, "one HSTS host per Chromium profile");
    let written: Vec<&str> = site
        .iter()
        .filter(|m| m["grep_hsts_key"].as_array().is_some_and(|f| !f.is_empty()))
        .filter_map(|m| m["hsts_key"].as_str())
        .collect();

    let copy = FixtureCopy::new();
    let before = scan_copy(&copy, &[]);
    for m in &site {
        assert!(before.live(m["token"].as_str().unwrap()), "{m}");
    }
    for key in &written {
        assert!(
            !files_holding(&copy.home(), key.as_bytes()).is_empty(),
            "{key} not in the copy"
        );
    }
    clean(&copy, &[]);
    let after = scan_copy(&copy, &[]);
    for m in &site {
        let token = m["token"].as_str().unwrap();
        assert!(!after.found(token), "{token} left\n{}", after.details());
    }
    for key in &hashed {
        let left = files_holding(&copy.home(), key.as_bytes());
        assert!(left.is_empty(), "hashed HSTS host {key} left in {left:?}");
    }
    for (browser, profile) in planted.iter().filter(|(b, _)| *b == "firefox") {
        for store in ["permissions.sqlite", "content-prefs.sqlite"] {
            let conn = rusqlite::Connection::open(copy.home().join(profile).join(store)).unwrap();
            let ok: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(ok, "ok", "{browser} {profile}/{store}");
        }
    }
}

/// The files under `root` whose bytes hold `needle`.
fn files_holding(root: &std::path::Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            std::fs::read(e.path())
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        })
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Issue 19, Microsoft Edge: its Local State keeps the Microsoft or work account a profile was
/// signed into in fields of its own (names, object, tenant and consumer ids, the account's
/// kind), and Preferences names it in `account_info` and `sync.edge_account_type`. A clean
/// gives the entry back the values a fresh Edge profile has ("" and 0) and removes the rest;
/// the profile's bookmarks stay.
#[test]
fn edge_account_fields_go_back_to_a_fresh_profiles() {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let chromium = home.join(".config/chromium");
    let edge = home.join("Library/Application Support/Microsoft Edge");
    common::copy_tree(&chromium.join("Default"), &edge.join("Default"));
    let tok = |k: &str| format!("gmkedge{k}51d0");
    let text_fields = [
        "edge_account_cid",
        "edge_account_first_name",
        "edge_account_last_name",
        "edge_account_location",
        "edge_account_oid",
        "edge_account_puid",
        "edge_account_tenant_id",
    ];
    let mut state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(chromium.join("Local State")).unwrap()).unwrap();
    let entry = state["profile"]["info_cache"]["Default"]
        .as_object_mut()
        .unwrap();
    for field in text_fields {
        entry.insert(field.into(), tok(field).into());
    }
    entry.insert("edge_account_type".into(), 1.into());
    entry.insert("edge_wam_aad_for_app_account_type".into(), 2.into());
    entry.insert("edge_kids_mode".into(), false.into());
    std::fs::write(edge.join("Local State"), state.to_string()).unwrap();
    let prefs_path = edge.join("Default/Preferences");
    let mut prefs: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&prefs_path).unwrap()).unwrap();
    prefs["account_info"] = serde_json::json!([{
        "account_id": tok("acct"),
        "edge_account_cid": tok("edge_account_cid"),
        "edge_account_oid": tok("edge_account_oid"),
        "edge_account_tenant_id": tok("edge_account_tenant_id"),
        "edge_account_type": 2,
        "email": format!("{}@exemple.org", tok("mail")),
        "full_name": tok("name"),
    }]);
    prefs["sync"] = serde_json::json!({"edge_account_type": 2});
    std::fs::write(&prefs_path, prefs.to_string()).unwrap();
    let bookmarks = std::fs::read(edge.join("Default/Bookmarks")).unwrap();

    clean(&copy, &[]);

    let state_text = std::fs::read_to_string(edge.join("Local State")).unwrap();
    let prefs_text = std::fs::read_to_string(&prefs_path).unwrap();
    assert!(
        !state_text.contains("gmkedge") && !prefs_text.contains("gmkedge"),
        "an Edge account field is left:\n{state_text}\n{prefs_text}"
    );
    let state: serde_json::Value = serde_json::from_str(&state_text).unwrap();
    let entry = &state["profile"]["info_cache"]["Default"];
    for field in text_fields {
        assert_eq!(entry[field], "", "{field}");
    }
    assert_eq!(entry["edge_account_type"], 0);
    assert_eq!(entry["edge_wam_aad_for_app_account_type"], 0);
    assert_eq!(entry["edge_kids_mode"], false, "not an account field");
    let prefs: serde_json::Value = serde_json::from_str(&prefs_text).unwrap();
    assert!(prefs.get("account_info").is_none());
    assert!(prefs["sync"].get("edge_account_type").is_none());
    assert_eq!(
        std::fs::read(edge.join("Default/Bookmarks")).unwrap(),
        bookmarks
    );
}
