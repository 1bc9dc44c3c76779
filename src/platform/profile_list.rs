//! The registry's list of user profiles (Windows), for `--all-users`.

use std::io;
use std::path::PathBuf;
use winreg::enums::HKEY_LOCAL_MACHINE;
use winreg::RegKey;

const PROFILE_LIST: &str = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList";

/// Every SID under `ProfileList` with its `ProfileImagePath`, environment references expanded.
pub fn profile_list() -> io::Result<Vec<(String, PathBuf)>> {
    let list = RegKey::predef(HKEY_LOCAL_MACHINE).open_subkey(PROFILE_LIST)?;
    let mut entries = Vec::new();
    for sid in list.enum_keys() {
        let sid = sid?;
        let Ok(key) = list.open_subkey(&sid) else {
            continue;
        };
        // REG_EXPAND_SZ comes back unexpanded.
        let Ok(path) = key.get_value::<String, _>("ProfileImagePath") else {
            continue;
        };
        let path = super::expand_env(&path, |name| std::env::var(name).ok());
        entries.push((sid, PathBuf::from(path)));
    }
    Ok(entries)
}
