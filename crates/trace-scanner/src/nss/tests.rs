use std::path::Path;

use super::*;
use crate::der;
use crate::manifest::Manifest;

fn fixture_manifest() -> Manifest {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/manifest.json");
    Manifest::load(path).unwrap()
}

fn unlocked(path: &Path) -> NssKeys {
    match open_key4(path) {
        Key4::Unlocked(keys) => keys,
        other => panic!("{}: {other:?}", path.display()),
    }
}

/// The fixture's Firefox logins (found through the manifest, never by
/// folder name) decrypt to the planted tokens: username `<token>`,
/// password `pw<token>`.
#[test]
fn fixture_logins_decrypt_to_the_planted_tokens() {
    let m = fixture_manifest();
    let home = m.home_dir();
    let mut checked = 0;
    for marker in m
        .markers
        .iter()
        .filter(|k| k.browser == "firefox" && k.category == "logins")
    {
        let profile = home.join(&marker.profile);
        let keys = unlocked(&profile.join("key4.db"));
        assert_eq!(keys.keys.len(), 1, "{}", marker.profile);
        assert_eq!(keys.keys[0].0, LOGINS_KEY_ID);
        assert_eq!(keys.keys[0].1.len(), 32, "an AES-256 key");
        let text = std::fs::read_to_string(profile.join("logins.json")).unwrap();
        let logins: serde_json::Value = serde_json::from_str(&text).unwrap();
        let logins = logins["logins"].as_array().unwrap();
        assert_eq!(logins.len(), 1, "{}", marker.profile);
        let field = |name: &str| {
            let b64 = logins[0][name].as_str().unwrap();
            let c = parse_login_cipher(&nss_b64(b64).unwrap())
                .unwrap()
                .algorithm;
            assert_eq!(c, OID_AES256_CBC, "Firefox 153 writes AES");
            String::from_utf8(keys.decrypt_b64(b64).unwrap()).unwrap()
        };
        assert_eq!(field("encryptedUsername"), marker.token);
        assert_eq!(field("encryptedPassword"), format!("pw{}", marker.token));
        checked += 1;
    }
    assert_eq!(
        checked, 2,
        "the fixture's two Firefox profiles with a login"
    );
}

/// The fixture's key4.db is PBES2; the wrong password and a changed
/// byte of ciphertext both fail to decrypt.
#[test]
fn fixture_password_check_is_pbes2_and_only_opens_with_the_empty_password() {
    let m = fixture_manifest();
    let home = m.home_dir();
    let profiles: Vec<_> = m
        .profiles
        .iter()
        .filter(|p| p.browser == "firefox" && home.join(&p.path).join("key4.db").is_file())
        .collect();
    assert!(!profiles.is_empty());
    for p in profiles {
        let db = rusqlite::Connection::open_with_flags(
            home.join(&p.path).join("key4.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        let (salt, check): (Vec<u8>, Vec<u8>) = db
            .query_row(
                "SELECT item1, item2 FROM metaData WHERE id = 'password'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let top = der::seq(&der::read_all(&check).unwrap()).unwrap();
        let alg = der::seq(&top[0]).unwrap();
        assert_eq!(der::oid_string(alg[0].value), OID_PBES2, "{}", p.path);
        assert_eq!(
            decrypt_pbe(&check, &salt, b"").as_deref(),
            Some(&b"password-check"[..])
        );
        assert_eq!(decrypt_pbe(&check, &salt, b"hunter2"), None);
        assert_eq!(decrypt_pbe(&check, b"another salt", b""), None);
        let mut damaged = check.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0x01;
        assert_ne!(
            decrypt_pbe(&damaged, &salt, b"").as_deref(),
            Some(&b"password-check"[..])
        );
    }
}

#[test]
fn pbe_schemes_round_trip_and_know_their_password() {
    for scheme in [Pbe::Pbes2, Pbe::Sha1TripleDes] {
        let item = encrypt_pbe(b"a secret of 26 bytes here!", b"salt", b"pw", scheme, 9);
        assert_eq!(
            decrypt_pbe(&item, b"salt", b"pw").as_deref(),
            Some(&b"a secret of 26 bytes here!"[..]),
            "{scheme:?}"
        );
        assert_ne!(
            decrypt_pbe(&item, b"salt", b"").as_deref(),
            Some(&b"a secret of 26 bytes here!"[..]),
            "{scheme:?}"
        );
    }
}

/// An old (3DES) key4.db and a 3DES login field, built from the format,
/// open as a new one does.
#[test]
fn triple_des_key4_and_login_field() {
    let dir = tempfile::tempdir().unwrap();
    let key = [0x5au8; 32];
    for (name, password) in [("open.db", &b""[..]), ("locked.db", b"hunter2")] {
        write_key4_with(&dir.path().join(name), password, &key, Pbe::Sha1TripleDes).unwrap();
    }
    let keys = unlocked(&dir.path().join("open.db"));
    assert_eq!(keys.keys, vec![(LOGINS_KEY_ID.to_vec(), key.to_vec())]);
    assert!(matches!(
        open_key4(&dir.path().join("locked.db")),
        Key4::PrimaryPassword
    ));
    let field = encrypt_login_field_3des(&key, &[1; 8], b"gmk3desuser");
    assert_eq!(keys.decrypt_b64(&field).unwrap(), b"gmk3desuser");
    let field = encrypt_login_field(&key, &[2; 16], b"gmkaesuser");
    assert_eq!(keys.decrypt_b64(&field).unwrap(), b"gmkaesuser");
    // Another key does not decrypt it (the padding check fails, or the
    // bytes are not the plaintext).
    let other = NssKeys {
        keys: vec![(LOGINS_KEY_ID.to_vec(), vec![0x11; 32])],
    };
    assert_ne!(
        other.decrypt_b64(&field).as_deref(),
        Some(&b"gmkaesuser"[..])
    );
}

#[test]
fn login_field_parsing_refuses_what_is_not_one() {
    let iv = der::sequence(&[der::oid(OID_AES256_CBC), der::octets(&[0; 16])]);
    let good = der::sequence(&[
        der::octets(&LOGINS_KEY_ID),
        iv.clone(),
        der::octets(&[0; 16]),
    ]);
    assert!(parse_login_cipher(&good).is_some());
    for bad in [
        der::sequence(&[der::octets(&LOGINS_KEY_ID), iv.clone()]),
        der::sequence(&[der::integer(1), iv.clone(), der::octets(&[0; 16])]),
        der::sequence(&[
            der::octets(&LOGINS_KEY_ID),
            der::octets(&[0; 16]),
            der::octets(&[0; 16]),
        ]),
        [good.clone(), vec![0]].concat(),
        good[..good.len() - 1].to_vec(),
    ] {
        assert_eq!(parse_login_cipher(&bad), None, "{bad:02x?}");
    }
    assert_eq!(
        nss_b64("not base64 at all, but forty characters long"),
        None
    );
    // Every truncation and every one-byte change of a real field: no panic.
    let field = nss_b64(&encrypt_login_field(&[3; 32], &[4; 16], b"gmkx")).unwrap();
    let keys = NssKeys {
        keys: vec![(LOGINS_KEY_ID.to_vec(), vec![3; 32])],
    };
    for n in 0..field.len() {
        assert_eq!(keys.decrypt(&field[..n]), None);
        let mut changed = field.clone();
        changed[n] ^= 0xff;
        let _ = keys.decrypt(&changed);
    }
}
