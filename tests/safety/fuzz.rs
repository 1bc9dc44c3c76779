//! Bounded property tests of what gomme parses from other people's disks (cargo-fuzz needs a
//! nightly compiler; proptest runs on stable, a fixed number of cases, in seconds): the
//! profile lists (`profiles.ini`, `installs.ini`, `Local State`), the lock links, names shown
//! on a terminal, `user-dirs.dirs`, `Preferences` (parsed, edited, written back) and the
//! databases themselves (bytes flipped in a real one). Inputs are random bytes or mutations of
//! the real fixture files with hostile pieces spliced in. Properties: no panic; every profile
//! found lies inside the home and is reached without a link; nothing shown keeps a control
//! character; a Preferences file stays valid JSON with its other settings intact.
//!
//! The seed is fixed (reproducible in CI); `GOMME_FUZZ_SEED=<number>` explores others,
//! `GOMME_FUZZ_CASES=<n>` changes how many cases each target gets.

use crate::harness::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::collections::BTreeSet;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn runner(cases: u32, salt: u8) -> TestRunner {
    let seed: u64 = std::env::var("GOMME_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x6f6d_6d65);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = salt;
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

fn cases() -> u32 {
    std::env::var("GOMME_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(128)
}

/// Random bytes, or `base` cut, with bytes changed and hostile pieces spliced in.
fn mutated(base: Vec<u8>, snippets: Vec<&'static [u8]>) -> BoxedStrategy<Vec<u8>> {
    let mutate = (
        any::<Index>(),
        any::<bool>(),
        prop::collection::vec((any::<Index>(), any::<u8>()), 0..6),
        prop::collection::vec((any::<Index>(), prop::sample::select(snippets)), 0..5),
    )
        .prop_map(move |(cut, do_cut, flips, inserts)| {
            let mut b = base.clone();
            for (at, piece) in inserts {
                let i = at.index(b.len() + 1);
                b.splice(i..i, piece.iter().copied());
            }
            for (at, v) in flips {
                if !b.is_empty() {
                    let i = at.index(b.len());
                    b[i] = v;
                }
            }
            if do_cut {
                let i = cut.index(b.len() + 1);
                b.truncate(i);
            }
            b
        });
    prop_oneof![1 => prop::collection::vec(any::<u8>(), 0..600), 4 => mutate].boxed()
}

const INI_PIECES: &[&[u8]] = &[
    b"\n[Profile9]\nIsRelative=1\nPath=../../outside/bait\n",
    b"\n[Profile8]\nIsRelative=0\nPath=/etc\n",
    b"Path=..\n",
    b"Path=../../../../../../etc\n",
    b"Path=\x1b[2J\x1b]0;x\x07\n",
    b"IsRelative=0\n",
    b"\n[Install0123]\nDefault=../outside/bait\n",
    b"Default=/\n",
    b"\x00",
    b"\xff\xfe\xfd",
    b"\r\n",
    b"[",
    b"=",
    b"Path=\\\\server\\share\\p\n",
    b"Path=C:\\Users\\x\\AppData\\p\n",
];

const JSON_PIECES: &[&[u8]] = &[
    br#"{"profile":{"info_cache":{"../../outside/bait":{},"Profile 9":{},"/etc":{}}}}"#,
    br#""..":{},"#,
    br#""\u001b[2J":{},"#,
    b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    b"1e999999",
    b"\"\\ud800\"",
    b"\x00",
    b"\xff",
    b"null",
    br#""info_cache":[],"#,
];

/// The home the discovery target works in: two real-looking profiles of each family, and a
/// bait profile next to the home that must never be found.
struct DiscoveryHome {
    home: PathBuf,
    real_home: PathBuf,
}

fn discovery_home(dir: &Path) -> DiscoveryHome {
    let home = dir.join("home");
    for p in ["a.default", "b.other"] {
        let d = home.join(".mozilla/firefox").join(p);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("prefs.js"), b"// prefs\n").unwrap();
    }
    for p in ["Default", "Profile 1"] {
        let d = home.join(ch_data()).join(p);
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("Preferences"), b"{}").unwrap();
    }
    let bait = dir.join("outside/bait");
    fs::create_dir_all(&bait).unwrap();
    fs::write(bait.join("prefs.js"), b"// not this one\n").unwrap();
    fs::write(bait.join("Preferences"), b"{}").unwrap();
    let real_home = fs::canonicalize(&home).unwrap();
    DiscoveryHome { home, real_home }
}

fn all_browsers() -> BTreeSet<gomme::Browser> {
    gomme::Browser::ALL.into_iter().collect()
}

/// Runs a property with `cases` inputs; a panic of gomme's code is a panic, a broken property
/// a failure (with the smallest input proptest found).
fn check<S: Strategy>(
    figures: &mut Figures,
    name: &str,
    salt: u8,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), String>,
) where
    S::Value: std::fmt::Debug,
{
    let n = cases();
    let mut runner = runner(n, salt);
    let result = runner.run(&strategy, |input| {
        match catch_unwind(AssertUnwindSafe(|| test(input))) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(TestCaseError::fail(e)),
            Err(_) => Err(TestCaseError::fail("PANIC")),
        }
    });
    let mut case = Case::new(format!("fuzz {name}"));
    if let Err(e) = result {
        let text = format!("{e}");
        if text.contains("PANIC") {
            case.panic(format!("gomme panicked: {}", text.escape_debug()));
        } else {
            case.fail(text.escape_debug());
        }
    }
    // Each input is a case tried.
    figures.absorb(case);
    figures.cases += u64::from(n) - 1;
}

pub fn run(figures: &mut Figures) {
    let area = Area::new("fuzz", 512);
    // The panic hook would print every caught panic: quiet while fuzzing.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));

    // Profile lists.
    let dh = discovery_home(&area.path().join("discovery"));
    let ini =
        fs::read(crate::common::fixture_home().join(".mozilla/firefox/profiles.ini")).unwrap();
    let installs =
        fs::read(crate::common::fixture_home().join(".mozilla/firefox/installs.ini")).unwrap();
    let state = fs::read(
        crate::common::fixture_home()
            .join(ch_data())
            .join("Local State"),
    )
    .unwrap();
    let strategy = (
        mutated(ini, INI_PIECES.to_vec()),
        mutated(installs, INI_PIECES.to_vec()),
        mutated(state, JSON_PIECES.to_vec()),
    );
    check(
        figures,
        "profiles.ini, installs.ini, Local State",
        1,
        strategy,
        |(p, i, s)| {
            fs::write(dh.home.join(".mozilla/firefox/profiles.ini"), &p).unwrap();
            fs::write(dh.home.join(".mozilla/firefox/installs.ini"), &i).unwrap();
            fs::write(dh.home.join(ch_data()).join("Local State"), &s).unwrap();
            let found = gomme::discover::discover(std::slice::from_ref(&dh.home), &all_browsers());
            // Whatever the lists say, the profiles on disk are found.
            if found.profiles.len() < 4 {
                return Err(format!(
                    "only {} of the 4 profiles on disk found",
                    found.profiles.len()
                ));
            }
            for p in &found.profiles {
                if !p.path.starts_with(&dh.real_home) || p.path == dh.real_home {
                    return Err(format!("a profile outside the home: {}", p.path.display()));
                }
                if !gomme::fsops::is_plain_dir(&p.path) {
                    return Err(format!(
                        "a profile reached through a link: {}",
                        p.path.display()
                    ));
                }
            }
            for w in &found.warnings {
                for lang in [gomme::i18n::Lang::En, gomme::i18n::Lang::Fr] {
                    let message = lang.problem(&w.problem);
                    if message.chars().any(char::is_control) {
                        return Err(format!("a warning with a control character: {message:?}"));
                    }
                }
            }
            Ok(())
        },
    );

    // Lock links.
    let locks = area.path().join("locks");
    fs::create_dir_all(&locks).unwrap();
    let target = prop_oneof![
        prop::collection::vec(1u8..=255, 1..80),
        "[a-z\\x1b\\x07\\u{202e}.:+-]{0,20}-[0-9]{0,12}".prop_map(String::into_bytes),
        "[0-9.]{0,15}:\\+[0-9\\x1b]{0,12}".prop_map(String::into_bytes),
    ];
    check(figures, "lock links", 2, target, |t| {
        use std::os::unix::ffi::OsStrExt;
        let target = std::ffi::OsStr::from_bytes(&t);
        for (family, name) in [
            (gomme::Family::Chromium, "SingletonLock"),
            (gomme::Family::Firefox, "lock"),
        ] {
            let link = locks.join(name);
            let _ = fs::remove_file(&link);
            std::os::unix::fs::symlink(target, &link).unwrap();
            let state = gomme::lock::state(family, &locks);
            if let gomme::lock::LockState::OtherHost { host } = &state {
                if host
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c))
                {
                    return Err(format!("a host name shown raw: {host:?}"));
                }
            }
            fs::remove_file(&link).unwrap();
        }
        Ok(())
    });

    // Names shown on a terminal.
    let text = prop_oneof![
        any::<String>(),
        "[a-z\\x00-\\x1f\\x7f\\u{80}-\\u{9f}\\u{200e}\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}]{0,40}",
    ];
    check(figures, "names escaped for a terminal", 3, text, |s| {
        let out = gomme::sanitize::for_terminal(&s);
        if let Some(c) = out.chars().find(|c| {
            c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        }) {
            return Err(format!("{c:?} left in {out:?}"));
        }
        if gomme::sanitize::for_terminal(&out) != out {
            return Err("escaping twice changes the text".into());
        }
        Ok(())
    });

    // user-dirs.dirs.
    let home = area.path().join("dirs/home");
    fs::create_dir_all(home.join(".config")).unwrap();
    let real = fs::canonicalize(&home).unwrap();
    let dirs = b"XDG_DESKTOP_DIR=\"$HOME/Bureau\"\nXDG_DOWNLOAD_DIR=\"$HOME/T\xc3\xa9l\xc3\xa9chargements\"\n".to_vec();
    let pieces: Vec<&'static [u8]> = vec![
        b"XDG_DOWNLOAD_DIR=\"$HOME/../../etc\"\n",
        b"XDG_DOWNLOAD_DIR=\"/etc\"\n",
        b"XDG_DOWNLOAD_DIR=\"$HOME/\"\n",
        b"XDG_DOWNLOAD_DIR=\"$HOME/.\"\n",
        b"XDG_DOWNLOAD_DIR=\"$HOME/a/../../b\"\n",
        b"XDG_DOWNLOAD_DIR=$HOME\n",
        b"\"",
        b"\x00",
        b"\xff",
    ];
    check(
        figures,
        "user-dirs.dirs",
        4,
        mutated(dirs, pieces),
        |bytes| {
            fs::write(real.join(".config/user-dirs.dirs"), &bytes).unwrap();
            let d = gomme::plan::build::downloads_folder(&real);
            if !d.starts_with(&real) || d == real {
                return Err(format!(
                    "a Downloads folder out of the home: {}",
                    d.display()
                ));
            }
            Ok(())
        },
    );

    // Preferences: parsed, edited, written back.
    let prefs_home = area.path().join("prefs/home");
    let profile = prefs_home.join(ch_default());
    fs::create_dir_all(&profile).unwrap();
    let real_prefs = fs::read(
        crate::common::fixture_home()
            .join(ch_default())
            .join("Preferences"),
    )
    .unwrap();
    let key = prop::sample::select(vec![
        "profile",
        "content_settings",
        "exceptions",
        "partition",
        "per_host_zoom_levels",
        "zerosuggest",
        "cachedresults",
        "exit_type",
        "exited_cleanly",
        "x",
        "chrome-extension://a",
        "https://a.example:443,*",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-z\\x1b]{0,8}".prop_map(serde_json::Value::from),
    ];
    let value = leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..5).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    });
    let prefs = prop_oneof![
        2 => value.prop_map(|v| {
            // A setting no edit touches, which must survive.
            let mut root = serde_json::json!({"keep_me": {"a": [1, 2, 3]}});
            root["profile"] = v.clone();
            root["partition"] = v;
            serde_json::to_vec(&root).unwrap()
        }),
        1 => mutated(real_prefs, JSON_PIECES.to_vec()),
    ];
    check(figures, "Preferences", 5, prefs, |bytes| {
        let file = profile.join("Preferences");
        fs::write(&file, &bytes).unwrap();
        let keep = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("keep_me").cloned());
        let found = gomme::discover::discover(std::slice::from_ref(&prefs_home), &all_browsers());
        if found.profiles.len() != 1 {
            return Err(format!("{} profiles found, not 1", found.profiles.len()));
        }
        let opts = gomme::plan::Options::default();
        let plan = gomme::plan::build::plan(&found, &opts);
        plan.execute(&opts);
        let after = fs::read(&file).unwrap();
        if let Ok(before) = serde_json::from_slice::<serde_json::Value>(&bytes) {
            let Ok(now) = serde_json::from_slice::<serde_json::Value>(&after) else {
                return Err("a valid Preferences is no longer JSON".into());
            };
            if before.is_object() && now.get("keep_me").cloned() != keep {
                return Err("a setting no edit touches was changed".into());
            }
        } else if after != bytes {
            return Err("a damaged Preferences was changed".into());
        }
        Ok(())
    });

    // Databases: bytes changed in a real one, then a whole clean of its profile.
    let db_home = area.path().join("db/home");
    let db_profile = db_home.join(ff_usager());
    fs::create_dir_all(&db_profile).unwrap();
    fs::write(db_profile.join("prefs.js"), b"// prefs\n").unwrap();
    let src = crate::common::fixture_home().join(ff_usager());
    // The databases as Firefox would open them (WAL folded in), small enough to copy often.
    let mut originals = Vec::new();
    for name in ["cookies.sqlite", "formhistory.sqlite", "permissions.sqlite"] {
        let tmp = area.path().join("db").join(name);
        fs::copy(src.join(name), &tmp).unwrap();
        if src.join(format!("{name}-wal")).exists() {
            fs::copy(
                src.join(format!("{name}-wal")),
                area.path().join("db").join(format!("{name}-wal")),
            )
            .unwrap();
        }
        let c = rusqlite::Connection::open(&tmp).unwrap();
        c.pragma_update(None, "journal_mode", "delete").unwrap();
        drop(c);
        originals.push((name, fs::read(&tmp).unwrap()));
    }
    let flips = (
        prop::sample::select((0..originals.len()).collect::<Vec<_>>()),
        prop::collection::vec((any::<Index>(), any::<u8>()), 1..12),
    );
    check(
        figures,
        "databases with bytes changed",
        6,
        flips,
        |(which, flips)| {
            for (name, bytes) in &originals {
                fs::write(db_profile.join(name), bytes).unwrap();
            }
            let (name, bytes) = &originals[which];
            let mut b = bytes.clone();
            for (at, v) in flips {
                // Past the 100-byte header most of the time: pages, not just the header.
                let i = at.index(b.len());
                b[i] = v;
            }
            fs::write(db_profile.join(name), &b).unwrap();
            let found = gomme::discover::discover(std::slice::from_ref(&db_home), &all_browsers());
            if found.profiles.len() != 1 {
                return Err(format!("{} profiles found, not 1", found.profiles.len()));
            }
            let opts = gomme::plan::Options::default();
            let plan = gomme::plan::build::plan(&found, &opts);
            let report = plan.execute(&opts);
            if report.profiles.len() != 1 {
                return Err("the profile was not processed".into());
            }
            Ok(())
        },
    );

    std::panic::set_hook(hook);
}
