//! `key4.db`: the password check and the private keys it holds.

use std::path::Path;

use super::pbe::decrypt_pbe;
use super::{Key4, NssKeys};

/// Opens a key4.db read-only and unlocks it with the empty primary
/// password. (The scanner gives it a copy: the home is not touched.)
pub fn open_key4(path: &Path) -> Key4 {
    if !path.is_file() {
        return Key4::Unreadable(format!("{} missing", path.display()));
    }
    match read_key4(path) {
        Ok(k) => k,
        Err(e) => Key4::Unreadable(format!("{}: {e}", path.display())),
    }
}

fn read_key4(path: &Path) -> rusqlite::Result<Key4> {
    use rusqlite::{Connection, OpenFlags};
    let db = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let (global_salt, check): (Vec<u8>, Vec<u8>) = db.query_row(
        "SELECT item1, item2 FROM metaData WHERE id = 'password'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let unlocked = decrypt_pbe(&check, &global_salt, b"")
        .is_some_and(|plain| plain.starts_with(b"password-check"));
    if !unlocked {
        return Ok(Key4::PrimaryPassword);
    }
    let mut keys = NssKeys::default();
    let mut stmt = db.prepare("SELECT a11, a102 FROM nssPrivate")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let a11: Option<Vec<u8>> = row.get(0)?;
        let a102: Option<Vec<u8>> = row.get(1)?;
        if let (Some(a11), Some(id)) = (a11, a102) {
            if let Some(key) = decrypt_pbe(&a11, &global_salt, b"") {
                keys.keys.push((id, key));
            }
        }
    }
    Ok(Key4::Unlocked(keys))
}
