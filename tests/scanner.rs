//! Tests of the trace scanner (crates/trace-scanner): each decoder on small
//! inputs built with the real formats, the fixture (every planted marker
//! must be found), and the manifest/fixture agreement check.

// Tests build their homes by path; the disallowed-methods rule is for gomme itself.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use trace_scanner::manifest::{Manifest, Marker};
use trace_scanner::matcher::{Encoding, Matcher};
use trace_scanner::scanner::{scan, scan_manifest, scan_tokens, ScanReport, State};
use trace_scanner::{chromium_crypt, decode, der, leveldb, nss};

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(path: &Path, data: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// The single state a token was found in, or None; panics on a mix.
fn states(r: &ScanReport, token: &str) -> Vec<State> {
    let mut s: Vec<State> = r.findings_for(token).iter().map(|f| f.state).collect();
    s.sort();
    s.dedup();
    s
}

fn hows(r: &ScanReport, token: &str) -> Vec<String> {
    r.findings_for(token)
        .iter()
        .map(|f| f.how.clone())
        .collect()
}

// ------------------------------------------------------------ matcher

#[test]
fn matcher_finds_utf8_and_utf16_and_adjacent_tokens() {
    let m = Matcher::new(&["gmkabc1", "gmkabc12", "gmkzz9"]);
    let mut data = b"xxgmkabc12yy gmkzz9127 gmkab gmk".to_vec();
    data.extend(utf16le("--gmkzz9--"));
    data.extend(b"gmkabc1"); // at the very end
    let hits = m.find_set(&data);
    let named: Vec<(&str, Encoding)> = hits.iter().map(|&(i, e)| (m.token(i), e)).collect();
    assert!(named.contains(&("gmkabc1", Encoding::Utf8)), "{named:?}");
    assert!(named.contains(&("gmkabc12", Encoding::Utf8)), "{named:?}");
    assert!(named.contains(&("gmkzz9", Encoding::Utf8)), "{named:?}");
    assert!(named.contains(&("gmkzz9", Encoding::Utf16Le)), "{named:?}");
    assert_eq!(named.len(), 4, "{named:?}");
    // truncated token at the end of a buffer is not a hit
    assert!(m.find_set(b"..gmkabc").is_empty());
    assert!(m.find_set(&utf16le("gmkzz")).is_empty());
}

// ---------------------------------------------------- raw file search

#[test]
fn raw_utf8_utf16_and_backup_files() {
    let h = home();
    write(&h.path().join("a/plain.txt"), b"visited gmkraw0001 today");
    write(&h.path().join("a/wide.bin"), &utf16le("title gmkraw0002"));
    write(
        &h.path().join("a/Bookmarks.bak"),
        b"{\"url\":\"gmkraw0003\"}",
    );
    write(
        &h.path().join("a/logins-backup.json"),
        b"{\"hostname\":\"gmkraw0004\"}",
    );
    let r = scan_tokens(
        h.path(),
        &[
            "gmkraw0001",
            "gmkraw0002",
            "gmkraw0003",
            "gmkraw0004",
            "gmkraw0005",
        ],
    );
    assert_eq!(hows(&r, "gmkraw0001"), ["raw/utf8"]);
    assert_eq!(hows(&r, "gmkraw0002"), ["raw/utf16le"]);
    assert_eq!(states(&r, "gmkraw0001"), [State::Live]);
    assert_eq!(
        states(&r, "gmkraw0003"),
        [State::Leftover],
        "a .bak file is a leftover"
    );
    assert_eq!(states(&r, "gmkraw0004"), [State::Leftover]);
    assert!(!r.found("gmkraw0005"));
    assert_eq!(
        r.findings_for("gmkraw0001")[0].file,
        PathBuf::from("a/plain.txt")
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let outside = home();
    write(&outside.path().join("secret.txt"), b"gmklink0001");
    let h = home();
    std::os::unix::fs::symlink(outside.path(), h.path().join("dirlink")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), h.path().join("filelink"))
        .unwrap();
    let r = scan_tokens(h.path(), &["gmklink0001"]);
    assert!(!r.found("gmklink0001"), "{}", r.details());
}

// ------------------------------------------------------------- mozlz4

#[test]
fn mozlz4_round_trip_and_magic_detection() {
    let json = br#"{"windows":[{"tabs":[{"entries":[{"url":"http://x/?q=gmklz0001"}]}]}]}"#;
    let enc = decode::mozlz4_encode(json);
    assert!(enc.starts_with(b"mozLz40\0"));
    assert_eq!(decode::mozlz4(&enc).unwrap(), json);
    // the token is not visible in the compressed bytes of a repetitive input
    let big: Vec<u8> = [
        b"gmklz0002 ".as_slice(),
        &b"abcdefgh".repeat(1000),
        b" gmklz0002",
    ]
    .concat();
    let enc_big = decode::mozlz4_encode(&big);
    assert_eq!(decode::mozlz4(&enc_big).unwrap(), big);

    let h = home();
    let p = h.path().join("prof");
    write(&p.join("sessionstore.jsonlz4"), &enc);
    write(
        &p.join("sessionstore-backups/recovery.baklz4"),
        &decode::mozlz4_encode(b"gmklz0003"),
    );
    // any name: detected by the magic
    write(
        &p.join("weird-name.dat"),
        &decode::mozlz4_encode(b"{\"a\":\"gmklz0004\"}"),
    );
    let r = scan_tokens(h.path(), &["gmklz0001", "gmklz0003", "gmklz0004"]);
    assert!(hows(&r, "gmklz0001").contains(&"raw/mozlz4/utf8".to_string()));
    assert_eq!(states(&r, "gmklz0001"), [State::Live]);
    assert_eq!(
        states(&r, "gmklz0003"),
        [State::Leftover],
        "recovery.baklz4 is a backup"
    );
    assert!(hows(&r, "gmklz0004").contains(&"raw/mozlz4/utf8".to_string()));
}

// --------------------------------------------------------------- gzip

#[test]
fn gzip_stream_inside_a_cache_entry() {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(
        &[
            b"<html>".as_slice(),
            &b"padding ".repeat(500),
            b"gmkgz0001</html>",
        ]
        .concat(),
    )
    .unwrap();
    let body = gz.finish().unwrap();
    assert!(!body.windows(9).any(|w| w == b"gmkgz0001"));
    assert_eq!(decode::gzip_streams(&body, 4).len(), 1);

    // a Chromium simple-cache-like entry: header and key before the body
    let mut entry = b"\x30\x5c\x72\xa7\x1b\x6d\xfb\xfc\x05\0\0\0".to_vec();
    entry.extend(b"1/0/_dk_http://127.0.0.1 http://127.0.0.1/page");
    entry.extend(&body);
    entry.extend(b"HTTP/1.1 200 OK\0Content-Encoding: gzip\0");
    let h = home();
    write(
        &h.path()
            .join(".cache/chromium/Default/Cache/Cache_Data/0123_0"),
        &entry,
    );
    // a truncated stream still gives its beginning
    let mut gz2 = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    gz2.write_all(&[b"gmkgz0002".as_slice(), &[b'z'; 70_000]].concat())
        .unwrap();
    let cut = gz2.finish().unwrap()[..1000].to_vec();
    write(&h.path().join("cut.gz"), &cut);
    let r = scan_tokens(h.path(), &["gmkgz0001", "gmkgz0002"]);
    assert_eq!(hows(&r, "gmkgz0001"), ["raw/gzip/utf8"]);
    assert!(r.found("gmkgz0002"), "{}", r.details());
}

// ------------------------------------------------------------- snappy

#[test]
fn snappy_raw_and_framed() {
    let plain = [
        b"gmksn0001 ".as_slice(),
        &b"0123456789".repeat(300),
        b"gmksn0002",
    ]
    .concat();
    let raw = snap::raw::Encoder::new().compress_vec(&plain).unwrap();
    assert_eq!(decode::snappy_raw(&raw).unwrap(), plain);
    // random bytes are rejected
    assert!(decode::snappy_raw(b"\xff\xff\xff\xff\xff\xff\x7f garbage").is_none());
    // with a small header in front (IndexedDB value wrappers)
    let mut wrapped = b"\x03\xff\x11\x02".to_vec();
    wrapped.extend(&raw);
    let (skip, out) = decode::snappy_raw_search(&wrapped, 8).unwrap();
    assert_eq!((skip, out), (4, plain.clone()));

    let mut framed = Vec::new();
    {
        let mut w = snap::write::FrameEncoder::new(&mut framed);
        w.write_all(&[b"gmksn0003 ".as_slice(), &b"abc".repeat(5000)].concat())
            .unwrap();
    }
    assert!(framed.starts_with(decode::SNAPPY_FRAMED_MAGIC));

    let h = home();
    // Firefox IndexedDB: snappy blobs in SQLite, external files framed
    let idb = h.path().join("prof/storage/default/http+++x/idb");
    fs::create_dir_all(&idb).unwrap();
    let conn = Connection::open(idb.join("123abc.sqlite")).unwrap();
    conn.execute_batch("CREATE TABLE object_data (key BLOB, data BLOB NOT NULL)")
        .unwrap();
    conn.execute("INSERT INTO object_data VALUES (x'30', ?1)", [&raw])
        .unwrap();
    drop(conn);
    write(&idb.join("123abc.files/1"), &framed);
    let r = scan_tokens(h.path(), &["gmksn0001", "gmksn0002", "gmksn0003"]);
    for t in ["gmksn0001", "gmksn0002"] {
        assert!(
            hows(&r, t).contains(&"sqlite-live:object_data.data/snappy/utf8".to_string()),
            "{t}: {}",
            r.details()
        );
        assert_eq!(states(&r, t), [State::Live]);
    }
    assert!(hows(&r, "gmksn0003").contains(&"raw/snappy-framed/utf8".to_string()));
}

// ------------------------------------------------------------ LevelDB

fn leveldb_dir(h: &Path) -> PathBuf {
    let dir = h.join(".config/chromium/Default/Local Storage/leveldb");
    write(&dir.join("CURRENT"), b"MANIFEST-000001\n");
    write(&dir.join("LOCK"), b"");
    dir
}

#[test]
fn leveldb_table_snappy_blocks_and_prefix_compressed_keys() {
    let v1 = [b"\x01gmkldb0001 ".as_slice(), &b"v".repeat(3000)].concat();
    let v3 = utf16le("\0gmkldb0003");
    // keys share a prefix so the second one is stored as a suffix only
    let entries: Vec<(&[u8], u64, &[u8])> = vec![
        (b"_http://a.test\0\x01gmkldb0002-key", 5, &v1),
        (b"_http://a.test\0\x01gmkldb0002-key2", 6, b"\x01x"),
        (b"_http://b.test\0\x01k", 7, &v3),
    ];
    let table = leveldb::build_table(&entries, 2, true);
    assert!(leveldb::is_table(&table));
    // compressed: the long value is not visible raw
    let (read, blocks) = leveldb::read_table(&table).unwrap();
    assert_eq!(blocks.len(), 2);
    assert_eq!(read.len(), 3);
    assert_eq!(read[1].key, b"_http://a.test\0\x01gmkldb0002-key2");
    assert_eq!((read[1].seq, read[1].put), (6, true));
    assert_eq!(read[2].value, v3);

    let h = home();
    let dir = leveldb_dir(h.path());
    write(&dir.join("000005.ldb"), &table);
    let r = scan_tokens(h.path(), &["gmkldb0001", "gmkldb0002", "gmkldb0003"]);
    assert!(
        hows(&r, "gmkldb0001").contains(&"leveldb-table/utf8".to_string()),
        "{}",
        r.details()
    );
    assert!(
        hows(&r, "gmkldb0002").contains(&"leveldb-table:key/utf8".to_string()),
        "{}",
        r.details()
    );
    assert!(
        hows(&r, "gmkldb0003").contains(&"leveldb-table/utf16le".to_string()),
        "{}",
        r.details()
    );
    for t in ["gmkldb0001", "gmkldb0002", "gmkldb0003"] {
        assert_eq!(states(&r, t), [State::Live], "{t}");
    }
}

#[test]
fn leveldb_log_fragments_superseded_and_deleted() {
    // A value longer than a 32 KiB block, with the marker straddling the
    // block boundary, so it is never contiguous in the file.
    // record bytes in the first block: 32768 - 7 (header); the batch
    // header, tag and key take 22 bytes before the value
    let mut big = vec![b'p'; leveldb::BLOCK_SIZE - 7 - 22 - 5];
    big.extend(b"gmklog0001");
    big.extend(vec![b'q'; 100]);
    let b1 = leveldb::build_batch(
        1,
        &[(b"k-big", Some(&big)), (b"k-old", Some(b"gmklog0002"))],
    );
    let b2 = leveldb::build_batch(
        3,
        &[
            (b"k-old", Some(b"new value")),
            (b"k-del", Some(b"gmklog0003")),
        ],
    );
    let b3 = leveldb::build_batch(5, &[(b"k-del", None)]);
    let b4 = leveldb::build_batch(
        6,
        &[(
            b"k-live",
            Some(
                &snap::raw::Encoder::new()
                    .compress_vec(&[b"gmklog0004".as_slice(), &[b'r'; 500]].concat())
                    .unwrap(),
            ),
        )],
    );
    let log = leveldb::build_log(&[b1.clone(), b2, b3, b4]);
    assert!(
        !log.windows(10).any(|w| w == b"gmklog0001"),
        "marker must straddle a block boundary"
    );
    let records = leveldb::log_records(&log);
    assert_eq!(records.len(), 4);
    assert_eq!(records[0], b1);
    let batch = leveldb::write_batch(&records[0]).unwrap();
    assert_eq!(batch[1].seq, 2);

    let h = home();
    let dir = leveldb_dir(h.path());
    write(&dir.join("000003.log"), &log);
    let r = scan_tokens(
        h.path(),
        &["gmklog0001", "gmklog0002", "gmklog0003", "gmklog0004"],
    );
    assert_eq!(states(&r, "gmklog0001"), [State::Live], "{}", r.details());
    assert_eq!(hows(&r, "gmklog0002"), ["leveldb-log-superseded/utf8"]);
    assert_eq!(states(&r, "gmklog0002"), [State::Leftover]);
    assert_eq!(states(&r, "gmklog0003"), [State::Leftover], "deleted key");
    assert!(hows(&r, "gmklog0004").contains(&"leveldb-log/snappy/utf8".to_string()));
    assert_eq!(states(&r, "gmklog0004"), [State::Live]);
}

// ------------------------------------------------------------ Chromium v10

#[test]
fn v10_round_trip_and_known_key() {
    // The documented key: PBKDF2-HMAC-SHA1("peanuts", "saltysalt", 1, 16).
    assert_eq!(
        chromium_crypt::v10_key(),
        &[
            0xfd, 0x62, 0x1f, 0xe5, 0xa2, 0xb4, 0x02, 0x53, 0x9d, 0xfa, 0x14, 0x7c, 0xa9, 0x27,
            0x27, 0x78
        ]
    );
    let plain = b"gmkv10x0001 cookie value";
    let ct = chromium_crypt::encrypt_v10(plain);
    assert!(ct.starts_with(b"v10"));
    assert_eq!(ct.len(), 3 + 32);
    assert_eq!(chromium_crypt::decrypt_v10(&ct).unwrap(), plain);
    assert!(chromium_crypt::decrypt_v10(b"v10short").is_none());
    // a prefix decrypts without knowing where the value ends
    let mut tail = ct[3..].to_vec();
    tail.extend([0xaa; 40]);
    assert!(chromium_crypt::decrypt_v10_prefix(&tail, 4096).starts_with(plain));
}

fn sha256(b: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(b).to_vec()
}

#[test]
fn chromium_cookies_live_and_deleted_in_free_pages() {
    let h = home();
    let db = h.path().join(".config/chromium/Default/Cookies");
    fs::create_dir_all(db.parent().unwrap()).unwrap();
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=DELETE; PRAGMA secure_delete=OFF;
         CREATE TABLE cookies (host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB);",
    )
    .unwrap();
    for (host, tok) in [("a.test", "gmkck0001"), ("b.test", "gmkck0002")] {
        let mut plain = sha256(host.as_bytes());
        plain.extend(tok.as_bytes());
        conn.execute(
            "INSERT INTO cookies VALUES (?1, 'c', '', ?2)",
            rusqlite::params![host, chromium_crypt::encrypt_v10(&plain)],
        )
        .unwrap();
    }
    // a v11 (keyring) value is reported as undecryptable
    conn.execute(
        "INSERT INTO cookies VALUES ('c.test', 'c', '', x'7631310102030405060708090a0b0c0d0e0f10')",
        [],
    )
    .unwrap();
    conn.execute("DELETE FROM cookies WHERE host_key = 'b.test'", [])
        .unwrap();
    drop(conn);
    let r = scan_tokens(h.path(), &["gmkck0001", "gmkck0002"]);
    assert_eq!(
        hows(&r, "gmkck0001"),
        ["sqlite-live:cookies.encrypted_value/v10/utf8"]
    );
    assert_eq!(
        states(&r, "gmkck0002"),
        [State::Leftover],
        "{}",
        r.details()
    );
    assert_eq!(hows(&r, "gmkck0002"), ["sqlite-leftover/v10/utf8"]);
    assert!(r.notes.iter().any(|n| n.contains("v11")), "{:?}", r.notes);
}

#[test]
fn chromium_encrypted_session_file() {
    let mut snss = b"SNSS\x05\0\0\0".to_vec();
    for rec in [
        b"\x01abc".as_slice(),
        &[b"\x06".as_slice(), &utf16le("gmksnss0001")].concat(),
    ] {
        let ct = chromium_crypt::encrypt_v10(rec);
        snss.extend((ct.len() as u32).to_le_bytes());
        snss.extend(ct);
    }
    let h = home();
    write(
        &h.path()
            .join(".config/chromium/Default/Sessions_Encrypted/Tabs_1"),
        &snss,
    );
    let r = scan_tokens(h.path(), &["gmksnss0001"]);
    assert_eq!(hows(&r, "gmksnss0001"), ["snss/v10/utf16le"]);
}

// ------------------------------------------------------------- SQLite

fn sqlite_with_marker(path: &Path, secure_delete: bool) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode=DELETE; PRAGMA secure_delete={};
         CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT);
         INSERT INTO moz_places (url, title) VALUES ('http://keep.test/', 'gmksql0001');
         INSERT INTO moz_places (url, title) VALUES ('http://x.test/?q=gmksql0002', 'gone');",
        if secure_delete { "ON" } else { "OFF" }
    ))
    .unwrap();
    conn.execute("DELETE FROM moz_places WHERE url LIKE '%x.test%'", [])
        .unwrap();
    if secure_delete {
        conn.execute_batch("VACUUM").unwrap();
    }
}

#[test]
fn sqlite_deleted_row_is_leftover_not_live() {
    let h = home();
    sqlite_with_marker(&h.path().join("places.sqlite"), false);
    let r = scan_tokens(h.path(), &["gmksql0001", "gmksql0002"]);
    assert_eq!(
        hows(&r, "gmksql0001"),
        ["sqlite-live:moz_places.title/utf8"]
    );
    assert_eq!(
        states(&r, "gmksql0002"),
        [State::Leftover],
        "{}",
        r.details()
    );
    assert_eq!(hows(&r, "gmksql0002"), ["sqlite-leftover/utf8"]);
}

#[test]
fn sqlite_secure_delete_and_vacuum_leaves_nothing() {
    let h = home();
    sqlite_with_marker(&h.path().join("places.sqlite"), true);
    let r = scan_tokens(h.path(), &["gmksql0001", "gmksql0002"]);
    assert!(r.live("gmksql0001"));
    assert!(!r.found("gmksql0002"), "{}", r.details());
}

#[test]
fn sqlite_wal_replayed_and_wal_leftovers() {
    let work = home();
    let db = work.path().join("cookies.sqlite");
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;
         CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, value TEXT);
         INSERT INTO moz_cookies (value) VALUES ('gmkwal0001');
         INSERT INTO moz_cookies (value) VALUES ('gmkwal0002');",
    )
    .unwrap();
    conn.execute("DELETE FROM moz_cookies WHERE value = 'gmkwal0002'", [])
        .unwrap();
    // copy while the connection is open: the WAL is not checkpointed
    let h = home();
    let prof = h.path().join("prof");
    fs::create_dir_all(&prof).unwrap();
    fs::copy(&db, prof.join("cookies.sqlite")).unwrap();
    fs::copy(
        work.path().join("cookies.sqlite-wal"),
        prof.join("cookies.sqlite-wal"),
    )
    .unwrap();
    drop(conn);
    let main_bytes = fs::read(prof.join("cookies.sqlite")).unwrap();
    assert!(
        !main_bytes.windows(10).any(|w| w == b"gmkwal0001"),
        "only in the WAL"
    );
    let before = fs::read(prof.join("cookies.sqlite-wal")).unwrap();

    let r = scan_tokens(h.path(), &["gmkwal0001", "gmkwal0002"]);
    assert_eq!(
        hows(&r, "gmkwal0001"),
        ["sqlite-live:moz_cookies.value/utf8"],
        "WAL replayed"
    );
    assert_eq!(hows(&r, "gmkwal0002"), ["wal/utf8"]);
    assert_eq!(states(&r, "gmkwal0002"), [State::Leftover]);
    assert_eq!(
        r.findings_for("gmkwal0002")[0].file,
        PathBuf::from("prof/cookies.sqlite-wal")
    );
    // the scan worked on a copy: the home is untouched
    assert_eq!(fs::read(prof.join("cookies.sqlite-wal")).unwrap(), before);
    assert_eq!(fs::read(prof.join("cookies.sqlite")).unwrap(), main_bytes);
    assert!(!prof.join("cookies.sqlite-shm").exists());
}

#[test]
fn sqlite_hot_journal_is_rolled_back_and_cold_journal_is_leftover() {
    let work = home();
    let db = work.path().join("History");
    let conn = Connection::open(&db).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode=PERSIST; PRAGMA cache_size=1;
         CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT, pad BLOB);
         INSERT INTO urls (url, pad) VALUES ('http://x/gmkjr0001', zeroblob(3000));
         INSERT INTO urls (url, pad) VALUES ('http://x/gmkjr0002', zeroblob(3000));",
    )
    .unwrap();
    // Mid-transaction copy: the journal holds the original pages (hot).
    conn.execute_batch("BEGIN; DELETE FROM urls WHERE url LIKE '%gmkjr0001'; UPDATE urls SET pad = zeroblob(9000);")
        .unwrap();
    let h = home();
    let prof = h.path().join(".config/chromium/Default");
    fs::create_dir_all(&prof).unwrap();
    fs::copy(&db, prof.join("History")).unwrap();
    fs::copy(
        work.path().join("History-journal"),
        prof.join("History-journal"),
    )
    .unwrap();
    conn.execute_batch("COMMIT").unwrap();
    // After the commit, a persisted (cold) journal still holds old pages.
    let h2 = home();
    let prof2 = h2.path().join("p");
    fs::create_dir_all(&prof2).unwrap();
    fs::copy(&db, prof2.join("History")).unwrap();
    fs::copy(
        work.path().join("History-journal"),
        prof2.join("History-journal"),
    )
    .unwrap();
    drop(conn);

    let r = scan_tokens(h.path(), &["gmkjr0001", "gmkjr0002"]);
    assert!(
        r.live("gmkjr0001"),
        "a hot journal is rolled back like the browser would: {}",
        r.details()
    );
    assert!(r.live("gmkjr0002"));
    let r2 = scan_tokens(h2.path(), &["gmkjr0001", "gmkjr0002"]);
    assert!(r2.live("gmkjr0002"));
    assert_eq!(
        states(&r2, "gmkjr0001"),
        [State::Leftover],
        "{}",
        r2.details()
    );
    assert!(
        hows(&r2, "gmkjr0001")
            .iter()
            .any(|h| h.starts_with("journal/")),
        "{}",
        r2.details()
    );
}

#[test]
fn sqlite_orphan_sidecars_are_leftover() {
    let h = home();
    // the database was deleted but its journal stayed behind
    write(
        &h.path().join("p/Cookies-journal"),
        b"\0\0 old page gmkorph0001",
    );
    let r = scan_tokens(h.path(), &["gmkorph0001"]);
    assert_eq!(states(&r, "gmkorph0001"), [State::Leftover]);
    assert_eq!(hows(&r, "gmkorph0001"), ["orphan-journal/utf8"]);
}

#[test]
fn sqlite_unreadable_database_falls_back_to_raw_bytes() {
    let h = home();
    let mut bogus = b"SQLite format 3\0".to_vec();
    bogus.extend(vec![0xee; 100]);
    bogus.extend(b"gmkbad0001");
    write(&h.path().join("broken.sqlite"), &bogus);
    let r = scan_tokens(h.path(), &["gmkbad0001"]);
    assert_eq!(states(&r, "gmkbad0001"), [State::Live]);
    assert!(
        r.notes.iter().any(|n| n.contains("broken.sqlite")),
        "{:?}",
        r.notes
    );
}

// ---------------------------------------------------------- Firefox NSS

#[test]
fn der_reader_and_writer_agree() {
    let d = der::sequence(&[
        der::oid(nss::OID_AES256_CBC),
        der::octets(&[1; 200]),
        der::integer(10000),
    ]);
    let (t, rest) = der::read(&d).unwrap();
    assert!(rest.is_empty());
    let items = der::seq(&t).unwrap();
    assert_eq!(der::oid_string(items[0].value), nss::OID_AES256_CBC);
    assert_eq!(items[1].value, &[1; 200]);
    assert_eq!(der::uint(items[2].value), Some(10000));
    assert_eq!(
        der::oid_string(&der::oid("1.2.840.113549.1.12.5.1.3")[2..]),
        nss::OID_PBE_SHA1_3DES
    );
}

fn firefox_logins(dir: &Path, password: &[u8]) {
    let key = [0x42u8; 32];
    nss::write_key4(&dir.join("key4.db"), password, &key).unwrap();
    let logins = serde_json::json!({
        "nextId": 2,
        "logins": [{
            "id": 1,
            "hostname": "https://gmknsshost1.test",
            "encryptedUsername": nss::encrypt_login_field(&key, &[9; 16], b"gmknssuser1"),
            "encryptedPassword": nss::encrypt_login_field(&key, &[8; 16], b"gmknsspass1"),
            "encType": 1
        }],
        "version": 3
    });
    write(&dir.join("logins.json"), logins.to_string().as_bytes());
}

#[test]
fn firefox_logins_decrypted_with_key4() {
    let h = home();
    let dir = h.path().join(".mozilla/firefox/abc.default-esr");
    fs::create_dir_all(&dir).unwrap();
    firefox_logins(&dir, b"");
    match nss::open_key4(&dir.join("key4.db")) {
        nss::Key4::Unlocked(k) => assert_eq!(k.keys.len(), 1),
        other => panic!("{other:?}"),
    }
    let r = scan_tokens(h.path(), &["gmknsshost1", "gmknssuser1", "gmknsspass1"]);
    assert_eq!(hows(&r, "gmknsshost1"), ["raw/utf8"]);
    assert_eq!(hows(&r, "gmknssuser1"), ["json/nss/utf8"]);
    assert_eq!(hows(&r, "gmknsspass1"), ["json/nss/utf8"]);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn firefox_logins_behind_a_primary_password_are_not_guessed() {
    let h = home();
    let dir = h.path().join(".mozilla/firefox/abc.default-esr");
    fs::create_dir_all(&dir).unwrap();
    firefox_logins(&dir, b"hunter2");
    assert!(matches!(
        nss::open_key4(&dir.join("key4.db")),
        nss::Key4::PrimaryPassword
    ));
    let r = scan_tokens(h.path(), &["gmknsshost1", "gmknssuser1"]);
    assert!(r.found("gmknsshost1"));
    assert!(!r.found("gmknssuser1"));
    assert!(
        r.notes.iter().any(|n| n.contains("encrypted, not checked")),
        "{:?}",
        r.notes
    );
}

#[test]
fn base64_and_v10_values_in_chromium_json() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let prefs = serde_json::json!({
        "profile": {"blob": b64.encode(b"some gmkb64x0001 data")},
        "enc": b64.encode(chromium_crypt::encrypt_v10(b"secret gmkb64x0002")),
        "plain": "abcdefghijklmnopqrstuvwxyz gmkb64x0003"
    });
    let h = home();
    write(
        &h.path().join(".config/chromium/Default/Preferences"),
        prefs.to_string().as_bytes(),
    );
    let r = scan_tokens(h.path(), &["gmkb64x0001", "gmkb64x0002", "gmkb64x0003"]);
    assert_eq!(hows(&r, "gmkb64x0001"), ["json/base64/utf8"]);
    assert_eq!(hows(&r, "gmkb64x0002"), ["json/base64/v10/utf8"]);
    assert_eq!(hows(&r, "gmkb64x0003"), ["raw/utf8"]);
}

// ------------------------------------------------------------ reporting

#[test]
fn summary_counts_live_leftover_and_missing_keepers() {
    let h = home();
    write(&h.path().join("p/a.txt"), b"gmkrep0001 gmkrep0003");
    write(&h.path().join("p/a.bak"), b"gmkrep0002");
    let mut markers = vec![
        Marker::bare("gmkrep0001", "history"),
        Marker::bare("gmkrep0002", "history"),
        Marker::bare("gmkrep0003", "bookmarks"),
        Marker::bare("gmkrep0004", "bookmarks"),
        Marker::bare("gmkrep0005", "cookies"),
        Marker::bare("gmkrep0006", "cookies"),
    ];
    markers[2].keep = true;
    markers[3].keep = true;
    markers[5].keep_if_kept_domain = Some("kept.test".into());
    let mut r = scan(h.path(), &markers);
    let s = r.summary();
    let hist = s.iter().find(|c| c.category == "history").unwrap();
    assert_eq!(
        (hist.planted, hist.live, hist.leftover_only, hist.not_found),
        (2, 1, 1, 0)
    );
    let bm = s.iter().find(|c| c.category == "bookmarks").unwrap();
    assert_eq!((bm.keepers, bm.keepers_missing), (2, 1));
    let missing: Vec<&str> = r
        .missing_keepers()
        .iter()
        .map(|m| m.token.as_str())
        .collect();
    assert_eq!(missing, ["gmkrep0004", "gmkrep0006"]);
    assert_eq!(r.traces(None).len(), 2);
    assert_eq!(r.live_traces(None).len(), 1);
    assert_eq!(r.markers_of("history").len(), 2);
    // a cookie of a domain that was not kept is a trace, not a keeper
    r.set_kept_domains(&["other.test"]);
    assert_eq!(r.missing_keepers().len(), 1);
    let table = r.to_string();
    assert!(
        table.contains("leftover-only") && table.contains("history"),
        "{table}"
    );
}

// ------------------------------------------------------------- manifest

fn fake_firefox_profile(dir: &Path, version: &str) {
    write(&dir.join("prefs.js"), b"// prefs");
    write(&dir.join("places.sqlite"), b"");
    write(
        &dir.join("compatibility.ini"),
        format!("[Compatibility]\nLastVersion={version}_20261103151912/20261103151912\n")
            .as_bytes(),
    );
}

fn fake_chromium_profile(dir: &Path, version: &str) {
    write(&dir.join("Preferences"), b"{}");
    write(&dir.join("History"), b"");
    write(
        &dir.parent().unwrap().join("Last Version"),
        version.as_bytes(),
    );
}

fn synthetic_manifest(base: &Path) -> Manifest {
    let json = serde_json::json!({
        "schema": 1, "generated": "test",
        "browsers": {"firefox-esr": "153.7.0esr", "chromium": "156.0.8078.79"},
        "home": "home",
        "profiles": [
            {"browser": "firefox", "path": ".mozilla/firefox/ab12.default-esr"},
            {"browser": "chromium", "path": ".config/chromium/Default"}
        ],
        "markers": [
            {"token": "gmkm0001", "browser": "firefox", "profile": ".mozilla/firefox/ab12.default-esr", "category": "history", "keep": false, "where": "x"},
            {"token": "gmkm0002", "browser": "chromium", "profile": ".config/chromium/Default", "category": "bookmarks", "keep": true}
        ],
        "not_planted": [{"browser": "chromium", "category": "logins", "why": "test"}]
    });
    write(&base.join("manifest.json"), json.to_string().as_bytes());
    Manifest::load(base.join("manifest.json")).unwrap()
}

#[test]
fn manifest_check_reports_disagreements() {
    let base = home();
    let m = synthetic_manifest(base.path());
    let h = m.home_dir();
    fake_firefox_profile(&h.join(".mozilla/firefox/ab12.default-esr"), "153.7.0");
    fake_chromium_profile(&h.join(".config/chromium/Default"), "156.0.8078.79");
    assert_eq!(m.check_against(&h), Vec::<String>::new());

    // a removed profile
    fs::remove_dir_all(h.join(".config/chromium/Default")).unwrap();
    let p = m.check_against(&h);
    assert!(
        p.iter()
            .any(|x| x.contains(".config/chromium/Default") && x.contains("does not exist")),
        "{p:?}"
    );
    fake_chromium_profile(&h.join(".config/chromium/Default"), "156.0.8078.79");

    // a profile last run by another version
    fake_firefox_profile(&h.join(".mozilla/firefox/ab12.default-esr"), "140.1.0");
    let p = m.check_against(&h);
    assert!(p.iter().any(|x| x.contains("140.1.0")), "{p:?}");
    fake_firefox_profile(&h.join(".mozilla/firefox/ab12.default-esr"), "153.7.0");

    // a profile in the home that the manifest does not list
    fake_firefox_profile(&h.join(".mozilla/firefox/zz99.other"), "153.7.0");
    let p = m.check_against(&h);
    assert!(
        p.iter()
            .any(|x| x.contains("zz99.other") && x.contains("not listed")),
        "{p:?}"
    );
    fs::remove_dir_all(h.join(".mozilla/firefox/zz99.other")).unwrap();

    // a marker naming a profile that is not listed, a bad token, no version
    let mut m2 = m.clone();
    m2.markers[0].profile = "nowhere".into();
    m2.markers[1].token = "GMK-bad".into();
    m2.browsers.remove("chromium");
    let p = m2.check_against(&h);
    assert!(p.iter().any(|x| x.contains("nowhere")), "{p:?}");
    assert!(p.iter().any(|x| x.contains("GMK-bad")), "{p:?}");
    assert!(p.iter().any(|x| x.contains("no version")), "{p:?}");
}

// -------------------------------------------------------------- fixture

fn fixture_manifest() -> Manifest {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/manifest.json");
    Manifest::load(&path).unwrap_or_else(|e| panic!("the fixture is missing or unreadable: {e:#}"))
}

/// The scanner must find every planted marker, traces and keepers, in
/// the untouched fixture: a scanner that finds nothing proves nothing.
#[test]
fn fixture_every_planted_marker_is_found() {
    let m = fixture_manifest();
    assert!(!m.markers.is_empty(), "the manifest plants no marker");
    let start = std::time::Instant::now();
    let r = scan_manifest(&m);
    eprintln!("{r}scan took {:.3} s", start.elapsed().as_secs_f64());
    let missing: Vec<String> = r
        .not_found()
        .iter()
        .map(|mk| {
            format!(
                "{} [{} {}] profile {} where {}",
                mk.token,
                mk.browser,
                mk.category,
                mk.profile,
                mk.where_.as_deref().unwrap_or("?")
            )
        })
        .collect();
    assert!(
        missing.is_empty(),
        "markers not found in the untouched fixture:\n{}",
        missing.join("\n")
    );
    // every keeper is live in the untouched fixture
    let keepers: Vec<&str> = r
        .missing_keepers()
        .iter()
        .map(|m| m.token.as_str())
        .collect();
    assert!(
        keepers.is_empty(),
        "keepers not live in the untouched fixture: {keepers:?}\n{}",
        r.details()
    );
    // every category planted is live somewhere, not only leftover
    for s in r.summary() {
        assert_eq!(s.not_found, 0, "{s:?}");
    }
}

#[test]
fn fixture_manifest_agrees_with_home() {
    let m = fixture_manifest();
    let problems = m.check_against(&m.home_dir());
    assert!(
        problems.is_empty(),
        "manifest and fixture disagree:\n{}",
        problems.join("\n")
    );
}

/// The random part of the fixture's Firefox profile folders (`<8 random characters>.<name>`):
/// regenerating the fixture changes them, so tests look profiles up in the manifest instead.
fn random_profile_names(m: &Manifest) -> Vec<String> {
    m.profiles
        .iter()
        .filter(|p| p.browser == "firefox")
        .map(|p| {
            let folder = Path::new(&p.path).file_name().unwrap().to_str().unwrap();
            let (salt, _) = folder.split_once('.').unwrap();
            assert!(
                salt.len() == 8 && salt.bytes().all(|b| b.is_ascii_alphanumeric()),
                "{folder}: not a Firefox <salt>.<name> folder"
            );
            salt.to_owned()
        })
        .collect()
}

/// The Rust sources under `roots` that contain one of `names`, with the name.
fn sources_naming(roots: &[PathBuf], names: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for root in roots {
        for e in walkdir::WalkDir::new(root).follow_links(false) {
            let e = e.unwrap();
            if !e.file_type().is_file() || e.path().extension() != Some("rs".as_ref()) {
                continue;
            }
            let text = fs::read_to_string(e.path()).unwrap();
            for name in names.iter().filter(|n| text.contains(n.as_str())) {
                found.push(format!("{}: {name}", e.path().display()));
            }
        }
    }
    found
}

#[test]
fn no_test_source_names_a_random_fixture_profile_folder() {
    let m = fixture_manifest();
    let names = random_profile_names(&m);
    assert_eq!(names.len(), 3, "the fixture's three Firefox profiles");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let roots: Vec<PathBuf> = ["tests", "examples", "crates/trace-scanner"]
        .iter()
        .map(|d| root.join(d))
        .collect();
    let found = sources_naming(&roots, &names);
    assert!(
        found.is_empty(),
        "look the profile up in the manifest (common::fixture_profile) instead:\n{}",
        found.join("\n")
    );
    // The search finds a name where there is one.
    let h = home();
    write(
        &h.path().join("a/b.rs"),
        format!("const P: &str = \".mozilla/firefox/{}.usager\";", names[0]).as_bytes(),
    );
    write(&h.path().join("a/c.txt"), names[1].as_bytes());
    let found = sources_naming(&[h.path().to_path_buf()], &names);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].ends_with(&format!("b.rs: {}", names[0])));
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).follow_links(false) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        let ft = e.file_type();
        if ft.is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else if ft.is_file() {
            fs::copy(e.path(), &dest).unwrap();
        } else if ft.is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(e.path()).unwrap(), &dest).unwrap();
        }
    }
}

#[test]
fn fixture_check_fails_when_a_profile_is_removed() {
    let m = fixture_manifest();
    let tmp = home();
    let h = tmp.path().join("home");
    copy_tree(&m.home_dir(), &h);
    assert!(
        m.check_against(&h).is_empty(),
        "the copy should agree before the removal"
    );
    let victim = &m
        .profiles
        .first()
        .expect("the manifest lists no profile")
        .path;
    fs::remove_dir_all(h.join(victim)).unwrap();
    let problems = m.check_against(&h);
    assert!(
        problems.iter().any(|p| p.contains(victim.as_str())),
        "removing {victim} was not reported: {problems:?}"
    );
}
