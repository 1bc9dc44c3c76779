//! The file layer's own tests.
// Tests build their folders by path.
#![allow(clippy::disallowed_methods)]

use super::*;

#[test]
fn measure_and_remove_agree_and_links_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("profile");
    let outside = tmp.path().join("outside");
    fs::create_dir_all(base.join("cache2/entries")).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("precious"), b"keep me").unwrap();
    fs::write(base.join("cache2/entries/a"), b"12345").unwrap();
    fs::write(base.join("cache2/index"), b"123").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, base.join("cache2/escape")).unwrap();

    let planned = measure(&base.join("cache2")).unwrap();
    let removed = remove(&base.join("cache2"), &base).unwrap();
    assert_eq!(planned, removed);
    assert_eq!(removed.bytes, 8);
    assert!(!base.join("cache2").exists());
    assert_eq!(fs::read(outside.join("precious")).unwrap(), b"keep me");
}

#[cfg(unix)]
#[test]
fn a_link_at_the_top_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("profile");
    fs::create_dir_all(&base).unwrap();
    fs::create_dir_all(tmp.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), base.join("cache2")).unwrap();
    assert!(matches!(
        measure(&base.join("cache2")),
        Err(Error::Link { .. })
    ));
    assert!(matches!(
        remove(&base.join("cache2"), &base),
        Err(Error::Link { .. })
    ));
    assert!(tmp.path().join("elsewhere").is_dir());
}

#[cfg(unix)]
#[test]
fn a_link_in_a_folder_on_the_way_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    let base = root.join("profile");
    let elsewhere = root.join("elsewhere");
    fs::create_dir_all(elsewhere.join("default/site")).unwrap();
    fs::write(elsewhere.join("default/site/data"), b"keep").unwrap();
    fs::create_dir_all(&base).unwrap();
    std::os::unix::fs::symlink(&elsewhere, base.join("storage")).unwrap();
    let path = base.join("storage/default/site");
    assert!(matches!(measure(&path), Err(Error::Link { .. })));
    assert!(matches!(remove(&path, &base), Err(Error::Link { .. })));
    assert!(matches!(
        read_regular(&base.join("storage/default/site/data"), 10),
        Err(Error::Link { .. })
    ));
    assert!(elsewhere.join("default/site/data").exists());
    // `..` never climbs out of the base, whatever the prefix says.
    assert!(matches!(
        remove(&base.join("../elsewhere/default"), &base),
        Err(Error::Outside { .. })
    ));
}

/// The swap the previous walk-then-unlink-by-path removal followed: a folder replaced by a
/// link between the listing and the unlink.
#[cfg(all(unix, debug_assertions))]
#[test]
fn a_folder_swapped_for_a_link_mid_removal_is_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    let base = root.join("profile");
    let etc = root.join("etc");
    fs::create_dir_all(base.join("cache2/entries")).unwrap();
    fs::create_dir_all(&etc).unwrap();
    for n in ["a", "b", "c"] {
        fs::write(base.join("cache2/entries").join(n), b"cache").unwrap();
        fs::write(etc.join(n), b"precious").unwrap();
    }
    let (entries, moved, etc2) = (
        base.join("cache2/entries"),
        base.join("cache2/moved"),
        etc.clone(),
    );
    let mut done = false;
    test_points::set_hook(Some(Box::new(move |point, _path| {
        if point == "unlink" && !done {
            done = true;
            fs::rename(&entries, &moved).unwrap();
            std::os::unix::fs::symlink(&etc2, &entries).unwrap();
        }
    })));
    let _ = remove(&base.join("cache2"), &base);
    test_points::set_hook(None);
    for n in ["a", "b", "c"] {
        assert_eq!(fs::read(etc.join(n)).unwrap(), b"precious");
    }
}

#[test]
fn removing_what_is_already_gone_is_done() {
    let tmp = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(tmp.path()).unwrap();
    let base = root.join("home");
    fs::create_dir_all(&base).unwrap();
    assert_eq!(
        remove(&base.join("Downloads/gone.pdf"), &base).unwrap(),
        Counts::default()
    );
}

#[test]
fn nothing_outside_the_base() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("profile");
    fs::create_dir_all(&base).unwrap();
    fs::write(tmp.path().join("other"), b"x").unwrap();
    assert!(matches!(
        remove(&tmp.path().join("other"), &base),
        Err(Error::Outside { .. })
    ));
    assert!(tmp.path().join("other").exists());
}
