//! Microsoft Edge's own stores (issue 22): Collections, coupons, wallet, journeys, Drop…
//! go with their categories; `Edge Profile.ico`, bookmarks and settings stay. The fixture's
//! Chromium user data, moved where Edge keeps its own (Linux or Windows layout).

#![allow(clippy::disallowed_methods)] // tests build their homes by path

mod common;

use common::{gomme_json, FixtureCopy};
use std::fs;
use std::path::PathBuf;

#[cfg(windows)]
const EDGE_ROOT: &str = "AppData/Local/Microsoft/Edge/User Data";
#[cfg(not(windows))]
const EDGE_ROOT: &str = ".config/microsoft-edge";

/// Edge's stores, in the category each belongs to.
const STORES: &[(&str, &str)] = &[
    ("Collections/collectionsSQLite", "history"),
    ("EdgeCoupons/coupons_data.db/000003.log", "history"),
    ("EdgeJourneys/journeys.db", "history"),
    ("parcel_tracking_db/LOG", "history"),
    ("EdgeWallet/wallet.db", "forms"),
    ("EdgeEDrop/EdgeEDropSQLite.db", "accounts"),
];

fn edge_home() -> (FixtureCopy, PathBuf) {
    let copy = FixtureCopy::new();
    let home = copy.home();
    let user_data = home.join(EDGE_ROOT);
    fs::create_dir_all(user_data.parent().unwrap()).unwrap();
    fs::rename(home.join(".config/chromium"), &user_data).unwrap();
    let profile = user_data.join("Default");
    for (store, _) in STORES {
        let path = profile.join(store);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, b"a trace of the person").unwrap();
    }
    fs::write(profile.join("Edge Profile.ico"), b"icon").unwrap();
    (copy, profile)
}

#[test]
fn edge_stores_go_with_their_category_and_its_profile_icon_stays() {
    let (copy, profile) = edge_home();
    let home = copy.home();
    let home = home.to_str().unwrap();
    let there = |store: &str| profile.join(store.split('/').next().unwrap()).exists();
    for category in ["history", "forms", "accounts"] {
        let (plan, code) = gomme_json(&["clean", "-n", "--only", category, "--home", home]);
        assert_eq!(code, 0, "{plan}");
        assert!(
            STORES.iter().all(|(s, c)| there(s) || *c != category),
            "a dry run removed some"
        );
        let (done, code) = gomme_json(&["clean", "--only", category, "--home", home]);
        assert_eq!(code, 0, "{done}");
        for (store, of) in STORES {
            let cleaned = ["history", "forms", "accounts"]
                .iter()
                .take_while(|c| **c != category)
                .any(|c| c == of)
                || *of == category;
            assert_eq!(there(store), !cleaned, "{store} after --only {category}");
        }
    }
    assert_eq!(fs::read(profile.join("Edge Profile.ico")).unwrap(), b"icon");
    assert!(profile.join("Bookmarks").exists());
    assert!(profile.join("Preferences").exists());
}

#[test]
fn each_edge_store_stays_when_its_category_is_not_chosen() {
    let (copy, profile) = edge_home();
    let home = copy.home();
    let (done, code) = gomme_json(&[
        "clean",
        "--only",
        "cookies",
        "--home",
        home.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{done}");
    for (store, _) in STORES {
        assert!(
            profile.join(store).exists(),
            "{store} went with the cookies"
        );
    }
}
