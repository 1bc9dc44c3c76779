//! Damaged and hostile input: truncated and garbage databases, a database locked by another
//! process, a WAL from another database, settings files truncated, binary, huge (sparse),
//! deeply nested, not UTF-8, a FIFO or a folder in their place; names with newlines, terminal
//! escapes and bidi overrides; immutable and read-only files. Each time: no panic, no hang, a
//! message naming the profile or file, the damaged thing left as it was, the other profiles
//! cleaned, exit 0 or 4 as documented.

use crate::harness::*;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a case expects.
#[derive(Clone)]
struct Expect {
    codes: Vec<i32>,
    /// Where traces may stay (prefixes relative to the home).
    leftovers: Vec<String>,
    /// Text stderr or the JSON errors must hold (a file name).
    mentions: Vec<String>,
    /// Databases no error may blame (`database X: …`): the intact ones beside a damaged one,
    /// which must not be said of another that reads it (favicons for a broken places).
    not_blamed: Vec<String>,
    /// Files (relative to the home) that must be left byte-identical.
    unchanged: Vec<String>,
    limit: Duration,
}

impl Expect {
    fn new(codes: &[i32]) -> Self {
        Expect {
            codes: codes.to_vec(),
            leftovers: Vec::new(),
            mentions: Vec::new(),
            not_blamed: Vec::new(),
            unchanged: Vec::new(),
            limit: Duration::from_secs(60),
        }
    }
    fn leftovers(mut self, l: &[&str]) -> Self {
        self.leftovers.extend(l.iter().map(|s| s.to_string()));
        self
    }
    fn mentions(mut self, m: &str) -> Self {
        self.mentions.push(m.to_owned());
        self
    }
    fn not_blamed(mut self, dbs: &[String]) -> Self {
        self.not_blamed.extend(dbs.iter().cloned());
        self
    }
    fn unchanged(mut self, f: &str) -> Self {
        self.unchanged.push(f.to_owned());
        self
    }
}

/// Traces a broken profile may keep: its folder, its OS cache and the downloads it records.
fn profile_of(rel: &str) -> Vec<&'static str> {
    if rel.starts_with(ff_usager()) {
        vec![ff_usager(), ff_cache_usager(), "Downloads"]
    } else {
        vec![ch_default(), ch_cache_default(), "Downloads"]
    }
}

type Setup = Box<dyn FnOnce(&Path, &mut Vec<Guard>) + Send>;

/// Undoes what would stop the folder from being removed (immutable flags, held locks).
enum Guard {
    Chattr(PathBuf, &'static str),
}

impl Drop for Guard {
    fn drop(&mut self) {
        match self {
            Guard::Chattr(p, flag) => {
                let _ = sh("chattr", &[flag, &p.to_string_lossy()]);
            }
        }
    }
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    remove_any(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

fn sparse(path: &Path, len: u64) {
    remove_any(path);
    fs::File::create(path).unwrap().set_len(len).unwrap();
}

fn fifo(path: &Path) {
    remove_any(path);
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

fn folder(path: &Path) {
    remove_any(path);
    fs::create_dir_all(path.join("inside")).unwrap();
}

fn truncate(path: &Path, keep: Option<u64>) {
    let len = fs::metadata(path).unwrap().len();
    let f = fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_len(keep.unwrap_or(len / 2)).unwrap();
}

fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn nested_json(depth: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(depth * 6 + 2);
    for _ in 0..depth {
        v.extend_from_slice(b"{\"a\":");
    }
    v.extend_from_slice(b"1");
    v.extend(std::iter::repeat_n(b'}', depth));
    v
}

fn chattr(path: &Path, flag: &'static str, guards: &mut Vec<Guard>) {
    let undo = if flag == "+i" { "-i" } else { "-a" };
    sh("chattr", &[flag, &path.to_string_lossy()]).unwrap();
    guards.push(Guard::Chattr(path.to_path_buf(), undo));
}

pub fn run(figures: &mut Figures) {
    let area = Area::new("hostile", 3072);
    let root = area.path().to_path_buf();
    let mut cases: Vec<(String, Setup, Expect)> = Vec::new();

    databases(&mut cases);
    settings(&mut cases);
    permissions(&mut cases, figures, &root);

    let mut work: Work = Vec::new();
    locked(&mut work, &root);
    kiosk_dirs(&mut work, &root);
    names(&mut work, &root, can_chattr(&root).is_ok());
    for (i, (name, setup, expect)) in cases.into_iter().enumerate() {
        let dir = root.join(format!("h{i}"));
        work.push((
            name,
            Box::new(move |case: &mut Case| {
                fs::create_dir_all(&dir).unwrap();
                let home = dir.join("home");
                fixture_at(&home);
                let mut guards = Vec::new();
                setup(&home, &mut guards);
                check_clean(case, &home, &dir.join("tmp"), &expect);
                drop(guards);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
    parallel(figures, 2, work);
}

/// Runs the clean and checks an `Expect`.
fn check_clean(case: &mut Case, home: &Path, tmp: &Path, expect: &Expect) {
    let before: Vec<(String, Option<Vec<u8>>)> = expect
        .unchanged
        .iter()
        .map(|f| (f.clone(), read_plain(&home.join(f))))
        .collect();
    let home_s = home.to_string_lossy().into_owned();
    let run = gomme(&["clean", "--home", &home_s], true, tmp, &[], expect.limit);
    if !run.sane(case) {
        return;
    }
    run.expect(case, &expect.codes);
    for m in &expect.mentions {
        let errors: String = run
            .profiles()
            .iter()
            .map(|(_, _, e)| e.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        case.check(
            run.stderr.contains(m.as_str()) || errors.contains(m.as_str()),
            || format!("no message names {m}: {}", tail(&run.stderr)),
        );
    }
    let errors: Vec<String> = run.profiles().into_iter().map(|(_, _, e)| e).collect();
    for error in errors.iter().chain(std::iter::once(&run.stderr)) {
        for db in &expect.not_blamed {
            let blamed = error.contains(&format!("database {db}:"))
                || error.contains(&format!("{}{db}:", std::path::MAIN_SEPARATOR));
            case.check(!blamed, || format!("intact {db} blamed: {error}"));
        }
    }
    if run.code == Some(4) {
        let named = run.profiles().iter().any(|(path, status, error)| {
            status == "error" && !error.is_empty() && !path.is_empty()
        });
        case.check(named, || "exit 4 without a profile in error".into());
    }
    for (f, bytes) in &before {
        case.check(read_plain(&home.join(f)) == *bytes, || {
            format!("{f} was changed; it had to be left as it was")
        });
    }
    let strays: Vec<String> = walkdir::WalkDir::new(home)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".gomme-"))
        .map(|e| e.path().display().to_string())
        .collect();
    case.check(strays.is_empty(), || {
        format!("temporary files left: {strays:?}")
    });
    let report = scan(home);
    let left = traces_outside(&report, &expect.leftovers);
    case.check(left.is_empty(), || {
        format!("traces left: {}", left.join("; "))
    });
}

/// A regular file's bytes (None for anything else: a FIFO is never opened).
fn read_plain(path: &Path) -> Option<Vec<u8>> {
    let meta = path.symlink_metadata().ok()?;
    if !meta.is_file() {
        return Some(format!("{:?}", meta.file_type()).into_bytes());
    }
    // A huge sparse file: its size and a sample, not all of it.
    if meta.len() > 64 << 20 {
        return Some(format!("sparse {}", meta.len()).into_bytes());
    }
    fs::read(path).ok()
}

fn databases(cases: &mut Vec<(String, Setup, Expect)>) {
    let dbs = [
        format!("{}/places.sqlite", ff_usager()),
        format!("{}/cookies.sqlite", ff_usager()),
        format!("{}/formhistory.sqlite", ff_usager()),
        format!("{}/favicons.sqlite", ff_usager()),
        format!("{}/History", ch_default()),
        format!("{}/Cookies", ch_default()),
        format!("{}/Web Data", ch_default()),
        format!("{}/Login Data", ch_default()),
    ];
    for (d, db) in dbs.iter().enumerate() {
        let file = db.rsplit('/').next().unwrap().to_owned();
        // The other databases of the same profile, intact in this case.
        let folder = db.rsplit_once('/').map(|(f, _)| f).unwrap_or_default();
        let intact: Vec<String> = dbs
            .iter()
            .filter(|o| *o != db && o.rsplit_once('/').map(|(f, _)| f) == Some(folder))
            .map(|o| o.rsplit('/').next().unwrap().to_owned())
            .filter(|o| *o != file)
            .collect();
        type DbDamage = (&'static str, fn(&Path, u64));
        let damage: [DbDamage; 5] = [
            ("emptied", |p, _| truncate(p, Some(0))),
            ("cut to 100 bytes", |p, _| truncate(p, Some(100))),
            ("cut in half", |p, _| truncate(p, None)),
            ("garbage", |p, seed| {
                let len = fs::metadata(p).unwrap().len() as usize;
                write(p, garbage(len, seed));
            }),
            ("header then garbage", |p, seed| {
                let len = fs::metadata(p).unwrap().len() as usize;
                let mut bytes = fs::read(p).unwrap()[..100].to_vec();
                bytes.extend(garbage(len - 100, seed));
                write(p, bytes);
            }),
        ];
        for (k, (what, f)) in damage.into_iter().enumerate() {
            let rel = db.clone();
            let seed = (d * 10 + k) as u64;
            let mut expect = Expect::new(&[0, 4]).leftovers(&profile_of(db));
            if k != 2 {
                // Unreadable as a database: left exactly as it is.
                expect = expect.unchanged(db);
            }
            cases.push((
                format!("database {db} {what}"),
                Box::new(move |home: &Path, _: &mut Vec<Guard>| {
                    let p = home.join(&rel);
                    // Its WAL or journal belongs to the old content: gone with it.
                    for side in ["-wal", "-journal", "-shm"] {
                        let _ = fs::remove_file(format!("{}{side}", p.display()));
                    }
                    f(&p, seed);
                }),
                expect.mentions(&file).not_blamed(&intact),
            ));
        }
    }
    // A WAL from another database, with the same page size.
    for (db, other) in [
        ("places.sqlite", "cookies.sqlite"),
        ("cookies.sqlite", "places.sqlite"),
        ("formhistory.sqlite", "places.sqlite"),
    ] {
        cases.push((
            format!("{db} with the WAL of {other}"),
            Box::new(move |home: &Path, _: &mut Vec<Guard>| {
                let dir = home.join(ff_usager());
                let donor = dir.join(format!("{other}-wal"));
                let wal = dir.join(format!("{db}-wal"));
                if donor.is_file() {
                    fs::copy(&donor, &wal).unwrap();
                } else {
                    // Make one: a copy of the other database with a change in its WAL.
                    let copy = dir.join("donor.sqlite");
                    fs::copy(dir.join(other), &copy).unwrap();
                    let c = rusqlite::Connection::open(&copy).unwrap();
                    c.pragma_update(None, "journal_mode", "wal").unwrap();
                    c.execute_batch("PRAGMA wal_autocheckpoint=0; CREATE TABLE donor(x); INSERT INTO donor VALUES(1);")
                        .unwrap();
                    fs::copy(dir.join("donor.sqlite-wal"), &wal).unwrap();
                    drop(c);
                    for f in ["donor.sqlite", "donor.sqlite-wal", "donor.sqlite-shm"] {
                        let _ = fs::remove_file(dir.join(f));
                    }
                }
            }),
            Expect::new(&[0, 4]).leftovers(&profile_of(ff_usager())),
        ));
    }
}

fn settings(cases: &mut Vec<(String, Setup, Expect)>) {
    type Damage = (&'static str, fn(&Path));
    let text_damage: Vec<Damage> = vec![
        ("cut in half", |p| truncate(p, None)),
        ("binary", |p| write(p, garbage(4096, 7))),
        ("huge (300 MB, sparse)", |p| sparse(p, 300 << 20)),
        ("not UTF-8", |p| {
            let mut b = fs::read(p).unwrap_or_default();
            b.extend_from_slice(b"\n\xff\xfe\xc3\x28Path=\xa0\xa1\n");
            write(p, b)
        }),
        ("a FIFO", fifo),
        ("a folder", folder),
        ("empty", |p| write(p, b"")),
    ];
    let nested: Damage = ("nested 100000 deep", |p| write(p, nested_json(100_000)));
    let targets: Vec<(String, bool, Vec<&str>, Option<&str>)> = vec![
        // (file, is JSON, traces it may leave, what must be mentioned)
        (
            format!("{}/profiles.ini", ".mozilla/firefox"),
            false,
            vec![],
            Some("profiles.ini"),
        ),
        (
            format!("{}/installs.ini", ".mozilla/firefox"),
            false,
            vec![],
            None,
        ),
        (
            format!("{}/Local State", ch_data()),
            true,
            // A damaged Local State cannot be edited: the account fields in it stay.
            vec![Box::leak(
                format!("{}/Local State", ch_data()).into_boxed_str(),
            )],
            Some("Local State"),
        ),
        (
            format!("{}/Preferences", ch_default()),
            true,
            vec![ch_default(), ch_cache_default(), "Downloads"],
            None,
        ),
        (format!("{}/Bookmarks", ch_default()), true, vec![], None),
    ];
    for (file, json, leftovers, mention) in targets {
        let mut damages = text_damage.clone();
        if json {
            damages.push(nested);
        }
        for (what, f) in damages {
            let rel = file.clone();
            let mut expect = Expect::new(&[0, 4]).leftovers(&leftovers);
            // Discovery files are not changed, whatever they hold; a damaged Preferences is
            // left as it is (the rest of the profile is cleaned).
            if !file.ends_with("Bookmarks") {
                expect = expect.unchanged(&file);
            }
            if let Some(m) = mention {
                if !matches!(what, "empty" | "cut in half") {
                    expect = expect.mentions(m);
                }
            }
            cases.push((
                format!("{file} {what}"),
                Box::new(move |home: &Path, _: &mut Vec<Guard>| f(&home.join(&rel))),
                expect,
            ));
        }
    }
    // Session files gomme only removes: damaged or huge, they go like any file.
    let session = format!("{}/sessionstore.jsonlz4", ff_usager());
    let damages: Vec<Damage> = vec![
        ("cut in half", |p| {
            if !p.exists() {
                write(p, b"mozLz40\0garbage")
            }
            truncate(p, None)
        }),
        ("binary", |p| write(p, garbage(65536, 9))),
        ("huge (300 MB, sparse)", |p| sparse(p, 300 << 20)),
        ("a FIFO", fifo),
        ("a folder", folder),
    ];
    for (what, f) in damages {
        let rel = session.clone();
        cases.push((
            format!("{session} {what}"),
            Box::new(move |home: &Path, _: &mut Vec<Guard>| f(&home.join(&rel))),
            Expect::new(&[0]),
        ));
    }
}

fn permissions(cases: &mut Vec<(String, Setup, Expect)>, figures: &mut Figures, root: &Path) {
    if let Err(why) = can_chattr(root) {
        figures.note(format!(
            "immutable and append-only files: chattr does not work here ({why})"
        ));
        return;
    }
    cases.push((
        "an immutable cache file".into(),
        Box::new(move |home: &Path, g: &mut Vec<Guard>| {
            let p = home
                .join(ff_cache_usager())
                .join("cache2/entries/0IMMUTABLE");
            write(&p, b"cached /res/ page");
            chattr(&p, "+i", g);
        }),
        Expect::new(&[4]).mentions("0IMMUTABLE"),
    ));
    cases.push((
        "an immutable folder in site data".into(),
        Box::new(move |home: &Path, g: &mut Vec<Guard>| {
            let d = home
                .join(ff_usager())
                .join("storage/default/http+++immutable.example");
            fs::create_dir_all(&d).unwrap();
            write(&d.join("data"), b"x");
            chattr(&d, "+i", g);
        }),
        Expect::new(&[4]).mentions("immutable.example"),
    ));
    cases.push((
        "an immutable places.sqlite".into(),
        Box::new(move |home: &Path, g: &mut Vec<Guard>| {
            let p = home.join(ff_usager()).join("places.sqlite");
            chattr(&p, "+i", g);
        }),
        Expect::new(&[4])
            .mentions("places.sqlite")
            .unchanged(&format!("{}/places.sqlite", ff_usager()))
            .leftovers(&[
                &format!("{}/places.sqlite", ff_usager()),
                &format!("{}/favicons.sqlite", ff_usager()),
                "Downloads",
            ]),
    ));
    cases.push((
        "an append-only cookies WAL".into(),
        Box::new(move |home: &Path, g: &mut Vec<Guard>| {
            let p = home.join(ff_usager()).join("cookies.sqlite-wal");
            if !p.exists() {
                write(&p, b"");
            }
            chattr(&p, "+a", g);
        }),
        Expect::new(&[0, 4]).leftovers(&[&format!("{}/cookies.sqlite", ff_usager())]),
    ));
    cases.push((
        "an immutable Preferences".into(),
        Box::new(move |home: &Path, g: &mut Vec<Guard>| {
            chattr(&home.join(ch_default()).join("Preferences"), "+i", g);
        }),
        Expect::new(&[4])
            .mentions("Preferences")
            .unchanged(&format!("{}/Preferences", ch_default()))
            .leftovers(&[&format!("{}/Preferences", ch_default())]),
    ));
    cases.push((
        "an immutable profile folder".into(),
        Box::new(move |home: &Path, g: &mut Vec<Guard>| {
            chattr(&home.join(ff_usager()), "+i", g);
        }),
        Expect::new(&[4]).leftovers(&profile_of(ff_usager())),
    ));
    // Read-only for the owner, in a home that is theirs: gomme works on databases with the
    // owner's rights (a browser could not write it either): reported, left as it was.
    cases.push((
        "a read-only places.sqlite in a home owned by its user".into(),
        Box::new(move |home: &Path, _: &mut Vec<Guard>| {
            chown_tree(home, 65534, 65534);
            let p = home.join(ff_usager()).join("places.sqlite");
            fs::set_permissions(&p, fs::Permissions::from_mode(0o444)).unwrap();
        }),
        Expect::new(&[4])
            .mentions("places.sqlite")
            .unchanged(&format!("{}/places.sqlite", ff_usager()))
            .leftovers(&[
                &format!("{}/places.sqlite", ff_usager()),
                &format!("{}/favicons.sqlite", ff_usager()),
                "Downloads",
            ]),
    ));
    cases.push((
        "read-only cache files and folders".into(),
        Box::new(move |home: &Path, _: &mut Vec<Guard>| {
            let d = home.join(ff_cache_usager()).join("cache2");
            for e in walkdir::WalkDir::new(&d).contents_first(true) {
                let e = e.unwrap();
                let mode = if e.file_type().is_dir() { 0o555 } else { 0o444 };
                fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
            }
        }),
        // Root removes them anyway, as the browser's owner could have.
        Expect::new(&[0]),
    ));
}

/// Control characters and bidi overrides (a newline is a line end).
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// A kiosk clean (the whole Downloads folder) with `.config/user-dirs.dirs` damaged.
fn kiosk_dirs(work: &mut Work, root: &Path) {
    type Damage = (&'static str, fn(&Path));
    let damages: [Damage; 4] = [
        ("a FIFO", fifo),
        ("huge (300 MB, sparse)", |p| sparse(p, 300 << 20)),
        ("binary", |p| write(p, garbage(4096, 3))),
        ("naming a folder out of the home", |p| {
            write(p, "XDG_DOWNLOAD_DIR=\"$HOME/../../etc\"\n")
        }),
    ];
    for (i, (what, f)) in damages.into_iter().enumerate() {
        let dir = root.join(format!("kiosk{i}"));
        work.push((
            format!("kiosk clean with user-dirs.dirs {what}"),
            Box::new(move |case: &mut Case| {
                fs::create_dir_all(&dir).unwrap();
                let home = dir.join("home");
                fixture_at(&home);
                let dirs = home.join(".config/user-dirs.dirs");
                f(&dirs);
                let config = dir.join("kiosk.toml");
                fs::write(&config, "[downloads]\nempty_folder = true\n").unwrap();
                let home_s = home.to_string_lossy().into_owned();
                let config_s = config.to_string_lossy().into_owned();
                let run = gomme(
                    &["clean", "--home", &home_s, "--config", &config_s],
                    true,
                    &dir.join("tmp"),
                    &[],
                    Duration::from_secs(10),
                );
                if run.sane(case) {
                    run.expect(case, &[0]);
                    let left = traces_outside(&scan(&home), &[]);
                    case.check(left.is_empty(), || {
                        format!("traces left: {}", left.join("; "))
                    });
                }
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
}

/// A database locked by another process (a write transaction held by this test).
fn locked(work: &mut Work, root: &Path) {
    for (db, begin) in [
        (format!("{}/cookies.sqlite", ff_usager()), "BEGIN IMMEDIATE"),
        (format!("{}/History", ch_default()), "BEGIN IMMEDIATE"),
        (format!("{}/Cookies", ch_default()), "BEGIN EXCLUSIVE"),
    ] {
        let dir = root.join(format!("lock-{}", db.replace('/', "_")));
        work.push((format!("{db} locked by another process ({begin})"), Box::new(move |case: &mut Case| {
            fs::create_dir_all(&dir).unwrap();
            let home = dir.join("home");
            fixture_at(&home);
            let path = home.join(&db);
            let dump = logical_dump(&path).unwrap();
            let holder = rusqlite::Connection::open(&path).unwrap();
            holder.execute_batch(begin).unwrap();
            // A write in progress, as a browser's.
            let first: String = holder
                .query_row(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            let _ = first;
            let expect = Expect {
                limit: Duration::from_secs(60),
                ..Expect::new(&[4])
                    .mentions(db.rsplit('/').next().unwrap())
                    .leftovers(&profile_of(&db))
            };
            let started = std::time::Instant::now();
            check_clean(case, &home, &dir.join("tmp"), &expect);
            case.check(started.elapsed() < Duration::from_secs(30), || {
                format!("a locked database held the clean {:?}", started.elapsed())
            });
            holder.execute_batch("ROLLBACK").unwrap();
            drop(holder);
            case.check(logical_dump(&path).unwrap() == dump, || {
                format!("{db} was changed while another process held it")
            });
            if let Err(e) = integrity(&path) {
                case.corruption(format!("{db}: {e}"));
            }
            let _ = fs::remove_dir_all(&dir);
        })));
    }
}

/// Names from other people's disks: not UTF-8, with newlines, terminal escapes and bidi
/// overrides. The human report and the messages print them escaped; the JSON report stays
/// valid.
fn names(work: &mut Work, root: &Path, chattr_works: bool) {
    let evil = "evil\n\x1b[2J\x1b]0;pwned\x07\u{202e}txt.exe";
    type Plant = Box<dyn Fn(&Path, &mut Vec<Guard>) + Send>;
    let cases: Vec<(&'static str, Plant)> = vec![
        (
            "a Firefox profile folder named with escapes and a newline",
            Box::new(move |home: &Path, _: &mut Vec<Guard>| {
                let d = home.join(".mozilla/firefox").join(evil);
                crate::common::copy_tree(&home.join(ff_esr()), &d);
                // A link inside: its warning names the profile's path.
                symlink("/nonexistent", d.join("cache2"));
            }),
        ),
        (
            "a Firefox profile folder named with bytes that are not UTF-8",
            Box::new(|home: &Path, _: &mut Vec<Guard>| {
                let name = std::ffi::OsStr::from_bytes(b"bad\xff\xfe\x1b[31m.default");
                let d = home.join(".mozilla/firefox").join(name);
                crate::common::copy_tree(&home.join(ff_esr()), &d);
                symlink("/nonexistent", d.join("cache2"));
            }),
        ),
        (
            "profiles.ini Path= with escapes",
            Box::new(move |home: &Path, _: &mut Vec<Guard>| {
                let ini = home.join(".mozilla/firefox/profiles.ini");
                let mut t = fs::read_to_string(&ini).unwrap();
                t.push_str("\n[Profile7]\nName=x\nIsRelative=1\nPath=../\x1b[2J\x1b]0;pwned\x07\n");
                fs::write(&ini, t).unwrap();
            }),
        ),
        (
            "a Chromium profile listed in Local State with escapes",
            Box::new(move |home: &Path, _: &mut Vec<Guard>| {
                let name = "Evil\x1b[31m\u{202e}";
                crate::common::copy_tree(
                    &home.join(ch_profile1()),
                    &home.join(ch_data()).join(name),
                );
                let file = home.join(ch_data()).join("Local State");
                let mut json: serde_json::Value =
                    serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
                json["profile"]["info_cache"][name] = serde_json::json!({"name": "\x1b[2J"});
                fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
            }),
        ),
        (
            "an immutable cache file named with escapes (its error names it)",
            Box::new(move |home: &Path, g: &mut Vec<Guard>| {
                let p = home
                    .join(ff_cache_usager())
                    .join("cache2/entries")
                    .join("x\n\x1b[2J\x1b]0;pwned\x07");
                write(&p, b"cached");
                chattr(&p, "+i", g);
            }),
        ),
        (
            "a SingletonLock naming a host with escapes",
            Box::new(|home: &Path, _: &mut Vec<Guard>| {
                let lock = home.join(ch_data()).join("SingletonLock");
                let _ = fs::remove_file(&lock);
                symlink("evil\x1b[2J\x1b]0;pwned\x07host-12345", &lock);
            }),
        ),
        (
            "a Firefox lock link with escapes",
            Box::new(|home: &Path, _: &mut Vec<Guard>| {
                let lock = home.join(ff_usager()).join("lock");
                symlink("\x1b[2J\x1b]0;pwned\x07:+1", &lock);
            }),
        ),
    ];
    for (i, (name, setup)) in cases.into_iter().enumerate() {
        if name.starts_with("an immutable") && !chattr_works {
            continue;
        }
        let dir = root.join(format!("name{i}"));
        work.push((
            format!("names: {name}"),
            Box::new(move |case: &mut Case| {
                fs::create_dir_all(&dir).unwrap();
                let home = dir.join("home");
                fixture_at(&home);
                let mut guards = Vec::new();
                setup(&home, &mut guards);
                let tmp = dir.join("tmp");
                let home_s = home.to_string_lossy().into_owned();
                let limit = Duration::from_secs(60);
                // gomme's own output (report, messages, warnings), log lines off: strictly escaped.
                let quiet = [("GOMME_LOG", "off")];
                let runs = [
                    gomme(&["profiles", "--home", &home_s], false, &tmp, &quiet, limit),
                    gomme(
                        &["clean", "-n", "--home", &home_s],
                        false,
                        &tmp,
                        &quiet,
                        limit,
                    ),
                    gomme(&["clean", "--home", &home_s], false, &tmp, &quiet, limit),
                ];
                for run in &runs {
                    if !run.sane(case) {
                        continue;
                    }
                    run.expect(case, &[0, 3, 4]);
                    for (what, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                        let bad = raw_controls(text);
                        case.check(bad.is_empty(), || {
                            format!(
                                "gomme {}: raw control characters {bad:?} on {what}: {}",
                                run.args,
                                tail(text).escape_debug()
                            )
                        });
                    }
                }
                // Log lines (the default level shows warnings).
                let logged = gomme(&["clean", "-n", "--home", &home_s], false, &tmp, &[], limit);
                if logged.sane(case) && !raw_controls(&logged.stderr).is_empty() {
                    case.fail(format!(
                        "log lines print raw control characters: {}",
                        tail(&logged.stderr).escape_debug()
                    ));
                }
                for args in [
                    vec!["profiles", "--home", &home_s],
                    vec!["clean", "-n", "--home", &home_s],
                ] {
                    let json = gomme(&args, true, &tmp, &quiet, limit);
                    if json.sane(case) && json.json.is_none() {
                        case.fail(format!("gomme {}: not valid JSON", json.args));
                    }
                }
                drop(guards);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
}
