//! The marker of a session's start: a small file in the account's own state folder, written
//! as the account through the link-proof file layer. Its content says when, for people; the
//! reference the clean judges by is the file's own change time, which nobody can set back.

use crate::error::{Error, Result};
use crate::fsops::{self, Folders};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Where the marker of the account whose home is `home` lies: its state folder
/// (`~/.local/state/gomme/session` on Linux, `%LOCALAPPDATA%\gomme\session` on Windows,
/// `~/Library/Application Support/gomme/session` on macOS). Always below the home, whoever
/// runs gomme: the logon run (as the person) and the clean (as root, or as them) agree on it.
pub fn path(home: &Path) -> PathBuf {
    if cfg!(windows) {
        home.join("AppData")
            .join("Local")
            .join("gomme")
            .join("session")
    } else if cfg!(target_os = "macos") {
        home.join("Library/Application Support/gomme/session")
    } else {
        home.join(".local/state/gomme/session")
    }
}

/// Records that a session starts now for the account of `home`; returns the reference time
/// the marker now holds.
pub fn start(home: &Path) -> Result<SystemTime> {
    let now = humantime::format_rfc3339_seconds(SystemTime::now());
    let content = format!(
        "# gomme: a session started here; `gomme clean --session` removes what was made since.\n\
         started = {now}\n"
    );
    let marker = path(home);
    fsops::write_file_creating_folders(&marker, content.as_bytes(), 0o600)?;
    read(home)?.ok_or_else(|| {
        Error::io(
            &marker,
            std::io::Error::new(std::io::ErrorKind::NotFound, "gone as soon as written"),
        )
    })
}

/// When the session of `home` started: the marker's own change time (or its birth time, if
/// later); `None` when there is no marker. A link or a folder in its place is refused.
pub fn read(home: &Path) -> Result<Option<SystemTime>> {
    let marker = path(home);
    let mut folders = Folders::within(home);
    match folders.stamp(&marker) {
        Ok(st) if st.kind == fsops::EntryKind::File => {
            Ok(Some(st.born.map_or(st.changed, |b| b.max(st.changed))))
        }
        Ok(st) if st.kind == fsops::EntryKind::Link => Err(Error::Link { path: marker }),
        Ok(_) => Err(Error::Refused {
            path: marker,
            why: "is not a plain file; not a session marker".into(),
        }),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether the account of `home`, another than the one running gomme, is logged in now:
/// Linux, its runtime folder `/run/user/UID` (under `GOMME_SYSROOT` in tests) exists, which
/// logind keeps while it has a session; Windows, its `NTUSER.DAT` is held by the registry
/// (opening it without sharing fails). Elsewhere, never.
pub fn logged_in(home: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = std::fs::symlink_metadata(home) else {
            return false;
        };
        // SAFETY: geteuid has no preconditions.
        if meta.uid() == unsafe { libc::geteuid() } {
            return false;
        }
        let root = std::env::var_os("GOMME_SYSROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/"));
        crate::fsops::is_plain_dir(&root.join("run/user").join(meta.uid().to_string()))
    }
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        // Opened to read, never written: a probe of the registry's lock on the hive.
        #[allow(clippy::disallowed_methods)]
        let probe = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(0)
            .open(home.join("NTUSER.DAT"));
        // ERROR_SHARING_VIOLATION: the hive is loaded, the account logged in.
        matches!(probe, Err(e) if e.raw_os_error() == Some(32))
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        let _ = home;
        false
    }
}

/// The systemd user unit that runs `gomme session start` at each logon (when the person's
/// user manager starts).
pub fn systemd_unit(exe: &str) -> String {
    format!(
        "# Installed by `gomme schedule install`; removed by `gomme schedule remove`.\n\
         # A user unit: at each logon it notes when the session starts, for `clean --session`.\n\
         [Unit]\n\
         Description=gomme: note when this account's session starts\n\
         Documentation=man:gomme(1)\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exe} session start --keep\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n"
    )
}

/// The Task Scheduler task (schema 1.2) that runs `gomme session start` at each logon, as
/// the person logging on (the Users group, their own token, no elevation). `exe` is already
/// XML-escaped.
pub fn logon_task(exe: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n\
         <Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n\
         \x20 <RegistrationInfo>\n\
         \x20   <Author>gomme</Author>\n\
         \x20   <Description>gomme: note when a session starts, for clean --session.</Description>\n\
         \x20   <URI>\\gomme\\session</URI>\n\
         \x20 </RegistrationInfo>\n\
         \x20 <Triggers>\n\
         \x20   <LogonTrigger>\n\
         \x20     <Enabled>true</Enabled>\n\
         \x20   </LogonTrigger>\n\
         \x20 </Triggers>\n\
         \x20 <Principals>\n\
         \x20   <Principal id=\"Users\">\n\
         \x20     <GroupId>S-1-5-32-545</GroupId>\n\
         \x20     <RunLevel>LeastPrivilege</RunLevel>\n\
         \x20   </Principal>\n\
         \x20 </Principals>\n\
         \x20 <Settings>\n\
         \x20   <MultipleInstancesPolicy>Parallel</MultipleInstancesPolicy>\n\
         \x20   <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n\
         \x20   <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n\
         \x20   <ExecutionTimeLimit>PT1M</ExecutionTimeLimit>\n\
         \x20   <Hidden>true</Hidden>\n\
         \x20   <Enabled>true</Enabled>\n\
         \x20 </Settings>\n\
         \x20 <Actions Context=\"Users\">\n\
         \x20   <Exec>\n\
         \x20     <Command>{exe}</Command>\n\
         \x20     <Arguments>session start --keep</Arguments>\n\
         \x20   </Exec>\n\
         \x20 </Actions>\n\
         </Task>\n"
    )
}
