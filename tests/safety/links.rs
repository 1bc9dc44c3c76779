//! Links planted where gomme deletes or walks, and paths in the browsers' own files that point
//! out of the home. Another person's home (a full copy of the real-browser fixture, the most
//! tempting target: same names) and a stand-in for `/etc` lie next to the home; after the clean
//! they must be byte-identical, with the same owners and times, and on a `strictatime` tmpfs
//! not even read. The home itself must be clean but for what the link made unreachable.

use crate::harness::*;
use std::fs;
use std::path::{Path, PathBuf};

/// Where a link is planted.
struct Loc {
    name: &'static str,
    /// Relative to the home.
    rel: String,
    dir: bool,
    /// What the link leads to in the other person's home (relative to it).
    victim: String,
    /// Where traces may stay in the home because the link hid them (prefixes).
    leftovers: Vec<String>,
}

fn loc(name: &'static str, rel: &str, dir: bool, victim: &str, leftovers: &[&str]) -> Loc {
    Loc {
        name,
        rel: rel.to_owned(),
        dir,
        victim: victim.to_owned(),
        leftovers: leftovers.iter().map(|s| s.to_string()).collect(),
    }
}

fn locations() -> Vec<Loc> {
    let ff = ff_usager();
    let ffc = ff_cache_usager();
    let ch = ch_default();
    let chc = ch_cache_default();
    let j = |a: &str, b: &str| format!("{a}/{b}");
    vec![
        loc("firefox profile folder", ff, true, ff, &[ffc, "Downloads"]),
        loc("firefox OS cache folder", ffc, true, ffc, &[]),
        loc(
            "firefox cache2",
            &j(ffc, "cache2"),
            true,
            &j(ffc, "cache2"),
            &[],
        ),
        loc(
            "firefox cache2/entries (inner)",
            &j(ffc, "cache2/entries"),
            true,
            &j(ffc, "cache2/entries"),
            &[],
        ),
        loc(
            "firefox storage/default",
            &j(ff, "storage/default"),
            true,
            &j(ff, "storage/default"),
            &[],
        ),
        loc(
            "firefox storage",
            &j(ff, "storage"),
            true,
            &j(ff, "storage"),
            &[],
        ),
        loc(
            "firefox storage/default/<origin> (inner)",
            &j(ff, "storage/default/http+++127.0.0.1+8000"),
            true,
            &j(ff, "storage/default"),
            &[],
        ),
        loc(
            "firefox sessionstore-backups",
            &j(ff, "sessionstore-backups"),
            true,
            &j(ff, "sessionstore-backups"),
            &[],
        ),
        loc(
            "firefox places.sqlite",
            &j(ff, "places.sqlite"),
            false,
            &j(ff, "places.sqlite"),
            &[
                &j(ff, "places.sqlite"),
                &j(ff, "favicons.sqlite"),
                "Downloads",
            ],
        ),
        loc(
            "firefox places.sqlite-wal",
            &j(ff, "places.sqlite-wal"),
            false,
            &j(ff, "places.sqlite-wal"),
            &[
                &j(ff, "places.sqlite"),
                &j(ff, "favicons.sqlite"),
                "Downloads",
            ],
        ),
        loc(
            "firefox Profiles folder",
            ".mozilla/firefox/Profiles",
            true,
            ".mozilla/firefox",
            &[],
        ),
        loc(
            ".mozilla",
            ".mozilla",
            true,
            ".mozilla",
            &[".cache/mozilla", "Downloads"],
        ),
        loc("chromium profile folder", ch, true, ch, &[chc, "Downloads"]),
        loc(
            "chromium Profile 9 (new)",
            &format!("{}/Profile 9", ch_data()),
            true,
            ch,
            &[],
        ),
        loc("chromium OS cache folder", chc, true, chc, &[]),
        loc(
            "chromium Cache",
            &j(chc, "Cache"),
            true,
            &j(chc, "Cache"),
            &[],
        ),
        loc(
            ".cache/chromium",
            ".cache/chromium",
            true,
            ".cache/chromium",
            &[],
        ),
        loc(
            "chromium IndexedDB",
            &j(ch, "IndexedDB"),
            true,
            &j(ch, "IndexedDB"),
            &[],
        ),
        loc("chromium Network (new)", &j(ch, "Network"), true, ch, &[]),
        loc(
            "chromium Sessions",
            &j(ch, "Sessions"),
            true,
            &j(ch, "Sessions"),
            &[],
        ),
        loc(
            "chromium Local Storage",
            &j(ch, "Local Storage"),
            true,
            &j(ch, "Local Storage"),
            &[],
        ),
        loc(
            "chromium History",
            &j(ch, "History"),
            false,
            &j(ch, "History"),
            &[&j(ch, "History"), &j(ch, "Favicons"), "Downloads"],
        ),
        loc(
            "chromium Bookmarks",
            &j(ch, "Bookmarks"),
            false,
            &j(ch, "Bookmarks"),
            &[],
        ),
        loc(
            "chromium Preferences",
            &j(ch, "Preferences"),
            false,
            &j(ch, "Preferences"),
            &[ch, chc, "Downloads"],
        ),
        loc(
            ".config/chromium",
            ch_data(),
            true,
            ch_data(),
            &[".cache/chromium", "Downloads"],
        ),
        loc("Downloads", "Downloads", true, "Downloads", &[]),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Victim,
    VictimRelative,
    Etc,
    EtcRelative,
    Dangling,
    Loop,
}

const TARGETS: [Target; 6] = [
    Target::Victim,
    Target::VictimRelative,
    Target::Etc,
    Target::EtcRelative,
    Target::Dangling,
    Target::Loop,
];

/// A case's folders: the home, another person's home, the `/etc` stand-in.
struct World {
    home: PathBuf,
    outside: PathBuf,
    victim: PathBuf,
    etc: PathBuf,
    tmp: PathBuf,
}

/// A case's folders; the other person's home holds only what links may lead to (`parts`).
fn world(dir: &Path, parts: &[&str]) -> World {
    let w = World {
        home: dir.join("home"),
        outside: dir.join("outside"),
        victim: dir.join("outside/victim"),
        etc: dir.join("outside/etc"),
        tmp: dir.join("tmp"),
    };
    fixture_at(&w.home);
    for part in parts {
        let (from, to) = (
            crate::common::fixture_home().join(part),
            w.victim.join(part),
        );
        if from.is_dir() {
            crate::common::copy_tree(&from, &to);
        } else {
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(&from, &to).unwrap();
        }
    }
    make_etc(&w.etc);
    w
}

/// Runs the clean and checks the promises every link case shares.
fn clean_and_check(
    case: &mut Case,
    w: &World,
    strict_atime: bool,
    leftovers: &[String],
    extra: &[&str],
    scan_home: bool,
) {
    let before = Snap::take(&w.outside);
    let run = clean(&w.home, &w.tmp, extra);
    check_outside(case, &before, strict_atime);
    if !run.sane(case) {
        return;
    }
    run.expect(case, &[0, 4]);
    if run.code == Some(4) {
        let named = run
            .profiles()
            .iter()
            .any(|(_, status, error)| status == "error" && !error.is_empty());
        case.check(named, || {
            format!("exit 4 without a profile in error: {}", run.stdout)
        });
    }
    if !scan_home {
        return;
    }
    let report = scan(&w.home);
    let left = traces_outside(&report, leftovers);
    case.check(left.is_empty(), || {
        format!("traces left in the home: {}", left.join("; "))
    });
}

pub fn run(figures: &mut Figures) {
    let area = Area::new("links", 3072);
    if !area.strict_atime {
        figures.note("reads outside the home not checked: no strictatime tmpfs (needs root)");
    }
    let strict = area.strict_atime;
    let root = area.path().to_path_buf();
    let mut cases: Work = Vec::new();
    let mut n = 0;
    for l in locations() {
        for t in TARGETS {
            n += 1;
            let dir = root.join(format!("l{n}"));
            let name = format!("link at {} -> {t:?}", l.name);
            let l = Loc { ..clone_loc(&l) };
            cases.push((
                name,
                Box::new(move |case: &mut Case| {
                    fs::create_dir_all(&dir).unwrap();
                    let w = world(&dir, &[l.victim.as_str()]);
                    let link = w.home.join(&l.rel);
                    let abs_victim = w.victim.join(&l.victim);
                    let abs_etc = if l.dir {
                        w.etc.clone()
                    } else {
                        w.etc.join("passwd")
                    };
                    let parent = link.parent().unwrap().to_path_buf();
                    let target: PathBuf = match t {
                        Target::Victim => abs_victim,
                        Target::VictimRelative => relative(&parent, &abs_victim),
                        Target::Etc => abs_etc,
                        Target::EtcRelative => relative(&parent, &abs_etc),
                        Target::Dangling => dir.join("nowhere/at/all"),
                        Target::Loop => PathBuf::from(link.file_name().unwrap()),
                    };
                    remove_any(&link);
                    symlink(&target, &link);
                    // The relative and looping variants reach the home through the same code
                    // as the absolute and dangling ones: the home is scanned for those.
                    let scan_home = matches!(t, Target::Victim | Target::Etc | Target::Dangling);
                    clean_and_check(case, &w, strict, &l.leftovers, &[], scan_home);
                    let _ = fs::remove_dir_all(&dir);
                }),
            ));
        }
    }
    for (i, p) in pointers().into_iter().enumerate() {
        let dir = root.join(format!("p{i}"));
        cases.push((
            p.0,
            Box::new(move |case: &mut Case| {
                fs::create_dir_all(&dir).unwrap();
                let w = world(&dir, &[ff_usager(), ch_default(), "Downloads"]);
                let extra = (p.1)(&w);
                let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
                clean_and_check(case, &w, strict, &[], &extra, true);
                let _ = fs::remove_dir_all(&dir);
            }),
        ));
    }
    parallel(figures, 2, cases);
}

fn clone_loc(l: &Loc) -> Loc {
    Loc {
        name: l.name,
        rel: l.rel.clone(),
        dir: l.dir,
        victim: l.victim.clone(),
        leftovers: l.leftovers.clone(),
    }
}

type Plant = Box<dyn FnOnce(&World) -> Vec<String> + Send>;

/// Paths written in the browsers' own files that lead out of the home. Each returns extra
/// arguments for the clean.
fn pointers() -> Vec<(String, Plant)> {
    let mut out: Vec<(String, Plant)> = Vec::new();
    // profiles.ini: an absolute Path= to the other person's profile, to /etc, and a relative
    // one climbing out.
    for (what, kind) in [("victim", 0), ("etc", 1), ("relative ../", 2)] {
        out.push((
            format!("profiles.ini Path= {what}"),
            Box::new(move |w: &World| {
                let ini = w.home.join(".mozilla/firefox/profiles.ini");
                let victim = w.victim.join(ff_usager());
                let (relative_flag, path) = match kind {
                    0 => (0, victim.to_string_lossy().into_owned()),
                    1 => (0, w.etc.to_string_lossy().into_owned()),
                    _ => (
                        1,
                        relative(&w.home.join(".mozilla/firefox"), &victim)
                            .to_string_lossy()
                            .into_owned(),
                    ),
                };
                let mut text = fs::read_to_string(&ini).unwrap();
                text.push_str(&format!(
                    "\n[Profile9]\nName=evil\nIsRelative={relative_flag}\nPath={path}\n"
                ));
                fs::write(&ini, text).unwrap();
                Vec::new()
            }),
        ));
        out.push((
            format!("installs.ini Default= {what}"),
            Box::new(move |w: &World| {
                let ini = w.home.join(".mozilla/firefox/installs.ini");
                let victim = w.victim.join(ff_usager());
                let path = match kind {
                    0 => victim.to_string_lossy().into_owned(),
                    1 => w.etc.to_string_lossy().into_owned(),
                    _ => relative(&w.home.join(".mozilla/firefox"), &victim)
                        .to_string_lossy()
                        .into_owned(),
                };
                fs::write(
                    &ini,
                    format!("[0123456789ABCDEF]\nDefault={path}\nLocked=1\n"),
                )
                .unwrap();
                Vec::new()
            }),
        ));
        out.push((
            format!("Local State profile entry {what}"),
            Box::new(move |w: &World| {
                let file = w.home.join(ch_data()).join("Local State");
                let victim = w.victim.join(ch_default());
                let key = match kind {
                    0 => victim.to_string_lossy().into_owned(),
                    1 => w.etc.to_string_lossy().into_owned(),
                    _ => relative(&w.home.join(ch_data()), &victim)
                        .to_string_lossy()
                        .into_owned(),
                };
                let mut json: serde_json::Value =
                    serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
                json["profile"]["info_cache"][key] = serde_json::json!({"name": "evil"});
                fs::write(&file, serde_json::to_vec(&json).unwrap()).unwrap();
                Vec::new()
            }),
        ));
        out.push((
            format!("download records naming {what}"),
            Box::new(move |w: &World| {
                let target = match kind {
                    0 => {
                        // The other person's downloaded files, same names as the home's.
                        let name = first_download(&w.victim);
                        w.victim.join("Downloads").join(name)
                    }
                    1 => w.etc.join("passwd"),
                    _ => w.home.join("Downloads/../../outside/etc/passwd"),
                };
                let t = target.to_string_lossy().into_owned();
                let uri = format!("file://{t}");
                for ff in [ff_usager(), ff_esr()] {
                    let conn = rusqlite::Connection::open(w.home.join(ff).join("places.sqlite")).unwrap();
                    conn.execute("UPDATE moz_annos SET content = ?1 WHERE anno_attribute_id IN (SELECT id FROM moz_anno_attributes WHERE name = 'downloads/destinationFileURI')", [&uri]).unwrap();
                }
                for ch in [ch_default(), ch_profile1()] {
                    let conn = rusqlite::Connection::open(w.home.join(ch).join("History")).unwrap();
                    conn.execute("UPDATE downloads SET target_path = ?1, current_path = ?1", [&t]).unwrap();
                }
                // The home's own downloaded files are no longer recorded: not a trace to
                // find, they are what a person keeps.
                let _ = fs::remove_dir_all(w.home.join("Downloads"));
                fs::create_dir_all(w.home.join("Downloads")).unwrap();
                Vec::new()
            }),
        ));
        out.push((
            format!("kiosk Downloads folder leading to {what}"),
            Box::new(move |w: &World| {
                let config = w.tmp.join("..").join("kiosk.toml");
                fs::create_dir_all(&w.tmp).unwrap();
                fs::write(&config, "[downloads]\nempty_folder = true\n").unwrap();
                let dirs = w.home.join(".config/user-dirs.dirs");
                let value = match kind {
                    0 => "$HOME/../outside/victim/Downloads".to_owned(),
                    1 => w.etc.to_string_lossy().into_owned(),
                    _ => "$HOME/Downloads/../../outside/etc".to_owned(),
                };
                fs::write(&dirs, format!("XDG_DOWNLOAD_DIR=\"{value}\"\n")).unwrap();
                // And the folder itself a link out, in case the setting is ignored.
                let _ = fs::remove_dir_all(w.home.join("Downloads"));
                symlink(w.victim.join("Downloads"), w.home.join("Downloads"));
                vec!["--config".into(), config.to_string_lossy().into_owned()]
            }),
        ));
    }
    out
}

fn first_download(home: &Path) -> String {
    let mut names: Vec<String> = fs::read_dir(home.join("Downloads"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.remove(0)
}
