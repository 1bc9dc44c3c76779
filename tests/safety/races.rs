//! Time of check to time of use: a folder swapped for a link after gomme looked at it.
//!
//! Deterministic, through the debug-only hook `gomme::fsops::test_points` (a callback run
//! right before each unlink, rmdir, folder open, settings rewrite and database step): the
//! whole pipeline (discover, plan, execute) runs in this process on a copy of the fixture home
//! owned by `nobody`, and at one chosen point the "owner" moves the folder gomme is about to
//! act in away and puts in its place a link to another person's copy of it (owned by another
//! uid, mode 0700). That copy must come out byte-identical and unread. Points are sampled
//! from every kind, spread over the run; a few hand-made cases swap a folder component
//! between the walk and the unlink, which the previous `fsops::remove` (walkdir, then unlink
//! by path) followed.

use crate::harness::Figures;

pub fn run(figures: &mut Figures) {
    #[cfg(debug_assertions)]
    imp::run(figures);
    #[cfg(not(debug_assertions))]
    figures.note("races: the test hook exists in debug builds only (cargo test without --release)");
}

#[cfg(debug_assertions)]
mod imp {
    use crate::harness::*;
    use gomme::fsops::test_points;
    use std::cell::RefCell;
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};
    use std::rc::Rc;

    /// The person whose home is cleaned (and who swaps folders).
    const OWNER: u32 = 65534;
    /// Another person.
    const OTHER: u32 = 65533;

    /// Discover, plan and execute, as `gomme clean --home HOME` does, with `hook` set for the
    /// execution only.
    fn pipeline(home: &Path, hook: Option<test_points::Hook>) -> gomme::report::Report {
        let browsers: BTreeSet<gomme::Browser> = gomme::Browser::ALL.into_iter().collect();
        let discovery = gomme::discover::discover(&[home.to_path_buf()], &browsers);
        let opts = gomme::plan::Options::default();
        let plan = gomme::plan::build::plan(&discovery, &opts);
        test_points::set_hook(hook);
        let report = plan.execute(&opts);
        test_points::set_hook(None);
        report
    }

    /// Runs `f` with this thread's filesystem ids back to root (a hook may run while gomme acts
    /// as the profile's owner).
    fn as_root<T>(f: impl FnOnce() -> T) -> T {
        // SAFETY: setfsuid/setfsgid change this thread's filesystem ids only; restored below.
        let (uid, gid) = unsafe { (libc::setfsuid(0), libc::setfsgid(0)) };
        let out = f();
        // SAFETY: as above.
        unsafe {
            libc::setfsgid(gid as u32);
            libc::setfsuid(uid as u32);
        }
        out
    }

    /// Makes a tree another person's: owner `OTHER`, folders 0700, files 0600.
    fn make_private(root: &Path) {
        chown_tree(root, OTHER, OTHER);
        for e in walkdir::WalkDir::new(root).follow_links(false) {
            let e = e.unwrap();
            if e.file_type().is_symlink() {
                continue;
            }
            let mode = if e.file_type().is_dir() { 0o700 } else { 0o600 };
            fs::set_permissions(e.path(), fs::Permissions::from_mode(mode)).unwrap();
        }
    }

    /// A home owned by `OWNER`, in a world-searchable folder (as /home).
    fn owned_home(dir: &Path) -> PathBuf {
        let home = dir.join("home");
        fixture_at(&home);
        chown_tree(&home, OWNER, OWNER);
        home
    }

    /// What the attacker did at the chosen point: the other person's folder, as it was.
    #[derive(Default)]
    struct Swap {
        done: bool,
        point: String,
        snap: Option<Snap>,
    }

    /// Moves `dir` away and puts in its place a link to a private copy of it, owned by `OTHER`,
    /// at `mirror`; returns the copy's snapshot.
    fn swap_for_link(dir: &Path, mirror: &Path) -> Snap {
        let moved = dir.with_file_name(format!(
            "{}.moved-away",
            dir.file_name().unwrap().to_string_lossy()
        ));
        fs::rename(dir, &moved).unwrap();
        crate::common::copy_tree(&moved, mirror);
        make_private(mirror);
        let snap = Snap::take(mirror.parent().unwrap());
        symlink(mirror, dir);
        snap
    }

    pub(super) fn run(figures: &mut Figures) {
        if !is_root() {
            figures.note("races need root (another owner for the home, setfsuid)");
            return;
        }
        let area = Area::new("races", 3072);
        let strict = area.strict_atime;
        let root = area.path().to_path_buf();

        hand_made(figures, &root, strict);

        // The points of a whole clean, in order, from a reference run.
        let reference = root.join("reference");
        fs::create_dir_all(&reference).unwrap();
        let home = owned_home(&reference);
        let seen: Rc<RefCell<Vec<(String, PathBuf)>>> = Rc::default();
        let record = seen.clone();
        pipeline(
            &home,
            Some(Box::new(move |point: &str, path: &Path| {
                record
                    .borrow_mut()
                    .push((point.to_owned(), path.to_path_buf()));
            })),
        );
        let seen = seen.borrow().clone();
        let _ = fs::remove_dir_all(&reference);
        let mut by_kind: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, (point, _)) in seen.iter().enumerate() {
            by_kind.entry(point.clone()).or_default().push(i + 1);
        }
        // Up to 6 points of each kind, spread over the run.
        let mut chosen = Vec::new();
        for indices in by_kind.values() {
            let n = indices.len().min(6);
            for k in 0..n {
                chosen.push(indices[k * indices.len() / n]);
            }
        }
        chosen.sort();
        let mut cases: Work = Vec::new();
        for at in chosen {
            let (point, path) = seen[at - 1].clone();
            let dir = root.join(format!("r{at}"));
            let rel = path
                .strip_prefix(&home)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            cases.push((
                format!("swap at point {at}/{} ({point} {rel})", seen.len()),
                Box::new(move |case: &mut Case| {
                    pipeline_case(case, &dir, at, strict);
                    let _ = fs::remove_dir_all(&dir);
                }),
            ));
        }
        parallel(figures, 2, cases);
    }

    /// The whole pipeline; at point `at`, the folder holding what gomme is about to act on is
    /// swapped for a link to another person's copy.
    fn pipeline_case(case: &mut Case, dir: &Path, at: usize, strict: bool) {
        fs::create_dir_all(dir).unwrap();
        let home = owned_home(dir);
        let outside = dir.join("outside");
        fs::create_dir_all(&outside).unwrap();
        make_etc(&outside.join("etc"));
        let etc_before = Snap::take(&outside.join("etc"));
        let mirror = outside.join("other/mirror");
        let swap: Rc<RefCell<Swap>> = Rc::default();
        let state = swap.clone();
        let mut n = 0;
        let hook = move |point: &str, path: &Path| {
            n += 1;
            if n != at || state.borrow().done {
                return;
            }
            let Some(parent) = path.parent() else { return };
            let snap = as_root(|| {
                fs::create_dir_all(mirror.parent().unwrap()).unwrap();
                swap_for_link(parent, &mirror)
            });
            let mut s = state.borrow_mut();
            s.done = true;
            s.point = format!("{point} {}", path.display());
            s.snap = Some(snap);
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pipeline(&home, Some(Box::new(hook)))
        }));
        if result.is_err() {
            case.panic("gomme's pipeline panicked");
        }
        let swap = swap.borrow();
        if !swap.done {
            case.fail(format!("point {at} was not reached (the run changed?)"));
            return;
        }
        if let Some(snap) = &swap.snap {
            check_outside(case, snap, strict);
        }
        check_outside(case, &etc_before, strict);
    }

    /// Hand-made swaps on `fsops::remove` and `fsops::replace_file`, as root over a root-owned
    /// tree (no owner to act as: only the descriptor-relative walk protects).
    fn hand_made(figures: &mut Figures, root: &Path, strict: bool) {
        // (name, point to swap at, which folder to swap, relative to the profile)
        let cases: &[(&str, &str, &str)] = &[
            (
                "inner folder swapped between walk and unlink",
                "unlink",
                "cache2/entries",
            ),
            (
                "inner folder swapped just before it is opened",
                "open-dir",
                "cache2/entries",
            ),
            (
                "inner folder swapped before its rmdir",
                "rmdir",
                "cache2/entries",
            ),
            (
                "top folder swapped just before it is opened",
                "open-dir",
                "cache2",
            ),
            ("profile folder swapped during a removal", "unlink", ""),
            (
                "profile folder swapped before a settings rewrite",
                "replace-write",
                "",
            ),
            (
                "profile folder swapped before the rename over the settings",
                "replace-rename",
                "",
            ),
        ];
        for (i, (name, point, swap_rel)) in cases.iter().enumerate() {
            let dir = root.join(format!("h{i}"));
            figures.case(format!("hand-made: {name}"), |case| {
                fs::create_dir_all(&dir).unwrap();
                let profile = dir.join("home/profile");
                let etc = dir.join("etc");
                make_etc(&etc);
                // What the link will lead to: a folder of the /etc stand-in holding the same names.
                fs::create_dir_all(profile.join("cache2/entries")).unwrap();
                for f in ["A1", "B2", "C3"] {
                    fs::write(profile.join("cache2/entries").join(f), b"cache").unwrap();
                    fs::write(etc.join(f), b"precious").unwrap();
                }
                fs::write(profile.join("cache2/index"), b"idx").unwrap();
                fs::write(etc.join("index"), b"precious").unwrap();
                fs::write(profile.join("Preferences"), br#"{"a":1}"#).unwrap();
                fs::write(etc.join("Preferences"), br#"{"system":true}"#).unwrap();
                fs::create_dir_all(etc.join("entries")).unwrap();
                fs::create_dir_all(etc.join("cache2/entries")).unwrap();
                let before = Snap::take(&etc);
                let swapped = Rc::new(RefCell::new(false));
                let flag = swapped.clone();
                let target = if swap_rel.is_empty() {
                    profile.clone()
                } else {
                    profile.join(swap_rel)
                };
                let etc2 = etc.clone();
                let point = point.to_string();
                let wanted = point.clone();
                test_points::set_hook(Some(Box::new(move |p: &str, at: &Path| {
                    if *flag.borrow() || p != wanted || !at.starts_with(&target) {
                        return;
                    }
                    if p == "open-dir" && at != target {
                        return;
                    }
                    *flag.borrow_mut() = true;
                    let moved = target.with_file_name("moved-away");
                    fs::rename(&target, &moved).unwrap();
                    std::os::unix::fs::symlink(&etc2, &target).unwrap();
                })));
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    if point.starts_with("replace") {
                        let _ = gomme::fsops::replace_file(&profile.join("Preferences"), b"{}");
                    } else {
                        let _ = gomme::fsops::remove(&profile.join("cache2"), &profile);
                        // Anything else in the profile, after the swap: refused too.
                        let _ = gomme::fsops::remove(&profile.join("Preferences"), &profile);
                    }
                }));
                test_points::set_hook(None);
                if result.is_err() {
                    case.panic("fsops panicked");
                }
                case.check(*swapped.borrow(), || {
                    format!("the swap at {point} never happened")
                });
                check_outside(case, &before, strict);
                let _ = fs::remove_dir_all(&dir);
            });
        }
    }
}
