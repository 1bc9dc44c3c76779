//! `gomme schedule`: the platform's own mechanism to run gomme without anyone at the keyboard,
//! so IT needs one command, not a tutorial. Each platform gets two runs: one when a session
//! ends, and a sweep over every account at boot as a safety net (it catches sessions that
//! ended with a crash or a power cut).

use std::path::{Path, PathBuf};

/// What to do with the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    Remove,
    Status,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Linux,
    Windows,
    Macos,
}

impl Platform {
    pub fn current() -> Platform {
        if cfg!(windows) {
            Platform::Windows
        } else if cfg!(target_os = "macos") {
            Platform::Macos
        } else {
            Platform::Linux
        }
    }
}

/// A file the schedule installs, and what it does, in plain words.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Absolute path on the target system (`/etc/systemd/system/…`).
    pub path: PathBuf,
    pub content: Vec<u8>,
    pub purpose: Purpose,
}

/// What a [`Unit`] makes gomme do, and when; said in the person's language
/// ([`crate::i18n::Lang::purpose`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// systemd: at boot, before anyone can log in, every account.
    LinuxBoot,
    /// systemd user unit: when that user's session ends.
    LinuxLogout,
    /// Task `\gomme\boot`: at start-up, as SYSTEM.
    WindowsBoot,
    /// Task `\gomme\logoff`: at each log-off (Security event 4647), as SYSTEM.
    WindowsLogoff,
    /// launchd daemon: at start-up.
    MacosBoot,
    /// launchd agent: each time the login window comes back.
    MacosLogout,
    /// systemd user unit: at each logon, `gomme session start`.
    LinuxSession,
    /// Task `\gomme\session`: at each logon, as the person.
    WindowsSession,
    /// launchd agent: at each login, in the person's session.
    MacosSession,
}

/// A command that registers or unregisters the units with the system.
pub type Command = Vec<String>;

fn args(list: &[&str]) -> Command {
    list.iter().map(|s| s.to_string()).collect()
}

pub const BOOT_UNIT: &str = "gomme-boot.service";
pub const LOGOUT_UNIT: &str = "gomme-logout.service";
pub const SESSION_UNIT: &str = "gomme-session.service";
pub const TASK_FOLDER: &str = r"\gomme\";

/// The files that make `exe` run at session end and at boot.
pub fn units(platform: Platform, exe: &Path) -> Vec<Unit> {
    let exe_text = exe.to_string_lossy();
    match platform {
        Platform::Linux => vec![
            Unit {
                path: PathBuf::from("/etc/systemd/system").join(BOOT_UNIT),
                content: systemd_boot(&exe_text).into_bytes(),
                purpose: Purpose::LinuxBoot,
            },
            Unit {
                path: PathBuf::from("/etc/systemd/user").join(LOGOUT_UNIT),
                content: systemd_logout(&exe_text).into_bytes(),
                purpose: Purpose::LinuxLogout,
            },
            Unit {
                path: PathBuf::from("/etc/systemd/user").join(SESSION_UNIT),
                content: crate::session::marker::systemd_unit(&exe_text).into_bytes(),
                purpose: Purpose::LinuxSession,
            },
        ],
        Platform::Windows => {
            let base = windows_task_dir();
            vec![
                Unit {
                    path: base.join("gomme-boot.xml"),
                    content: utf16_with_bom(&task_xml(&exe_text, Trigger::Boot)),
                    purpose: Purpose::WindowsBoot,
                },
                Unit {
                    path: base.join("gomme-logoff.xml"),
                    content: utf16_with_bom(&task_xml(&exe_text, Trigger::Logoff)),
                    purpose: Purpose::WindowsLogoff,
                },
                Unit {
                    path: base.join("gomme-session.xml"),
                    content: utf16_with_bom(&crate::session::marker::logon_task(&xml_escape(
                        &exe_text,
                    ))),
                    purpose: Purpose::WindowsSession,
                },
            ]
        }
        Platform::Macos => vec![
            Unit {
                path: PathBuf::from("/Library/LaunchDaemons/fr.gomme.boot.plist"),
                content: launchd_plist("fr.gomme.boot", &exe_text, None).into_bytes(),
                purpose: Purpose::MacosBoot,
            },
            Unit {
                path: PathBuf::from("/Library/LaunchAgents/fr.gomme.logout.plist"),
                content: launchd_plist("fr.gomme.logout", &exe_text, Some("LoginWindow"))
                    .into_bytes(),
                purpose: Purpose::MacosLogout,
            },
            Unit {
                path: PathBuf::from("/Library/LaunchAgents/fr.gomme.session.plist"),
                content: launchd_plist("fr.gomme.session", &exe_text, Some("Aqua"))
                    .replace(
                        "<string>clean</string>\n    <string>--all-users</string>",
                        "<string>session</string>\n    <string>start</string>\n    <string>--keep</string>",
                    )
                    .into_bytes(),
                purpose: Purpose::MacosSession,
            },
        ],
    }
}

/// Commands that register the installed units (run after writing them).
pub fn register(platform: Platform, root: &Path) -> Vec<Command> {
    let root = format!("--root={}", root.display());
    match platform {
        Platform::Linux => vec![
            args(&["systemctl", &root, "enable", BOOT_UNIT]),
            args(&["systemctl", &root, "--global", "enable", LOGOUT_UNIT]),
            args(&["systemctl", &root, "--global", "enable", SESSION_UNIT]),
        ],
        Platform::Windows => units(platform, Path::new("gomme.exe"))
            .iter()
            .map(|u| {
                let name = task_name(&u.path);
                args(&[
                    "schtasks",
                    "/Create",
                    "/TN",
                    &name,
                    "/XML",
                    &u.path.to_string_lossy(),
                    "/F",
                ])
            })
            .collect(),
        Platform::Macos => vec![args(&[
            "launchctl",
            "bootstrap",
            "system",
            "/Library/LaunchDaemons/fr.gomme.boot.plist",
        ])],
    }
}

/// Commands that unregister the units (run before deleting them).
pub fn unregister(platform: Platform, root: &Path) -> Vec<Command> {
    let root = format!("--root={}", root.display());
    match platform {
        Platform::Linux => vec![
            args(&["systemctl", &root, "disable", BOOT_UNIT]),
            args(&["systemctl", &root, "--global", "disable", LOGOUT_UNIT]),
            args(&["systemctl", &root, "--global", "disable", SESSION_UNIT]),
        ],
        Platform::Windows => ["boot", "logoff", "session"]
            .iter()
            .map(|t| {
                args(&[
                    "schtasks",
                    "/Delete",
                    "/TN",
                    &format!("{TASK_FOLDER}{t}"),
                    "/F",
                ])
            })
            .collect(),
        Platform::Macos => vec![args(&["launchctl", "bootout", "system/fr.gomme.boot"])],
    }
}

fn task_name(xml: &Path) -> String {
    let stem = xml.file_stem().unwrap_or_default().to_string_lossy();
    format!("{TASK_FOLDER}{}", stem.trim_start_matches("gomme-"))
}

fn windows_task_dir() -> PathBuf {
    let base = std::env::var_os("ProgramData").unwrap_or_else(|| "C:\\ProgramData".into());
    PathBuf::from(base).join("gomme").join("tasks")
}

fn systemd_boot(exe: &str) -> String {
    format!(
        "# Installed by `gomme schedule install`; removed by `gomme schedule remove`.\n\
         [Unit]\n\
         Description=gomme: wipe browser traces of every account before anyone logs in\n\
         Documentation=man:gomme(1)\n\
         After=local-fs.target\n\
         Before=systemd-user-sessions.service\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={exe} clean --all-users\n\
         TimeoutStartSec=10min\n\
         # Exit 3 (a browser open) and 4 (a profile failed) are reported, not fatal to boot.\n\
         SuccessExitStatus=3 4\n\
         \n\
         [Install]\n\
         WantedBy=multi-user.target\n"
    )
}

fn systemd_logout(exe: &str) -> String {
    format!(
        "# Installed by `gomme schedule install`; removed by `gomme schedule remove`.\n\
         # A user unit: it starts with the user's manager and its ExecStop runs when the last\n\
         # session of that user ends.\n\
         [Unit]\n\
         Description=gomme: wipe this account's browser traces when its session ends\n\
         Documentation=man:gomme(1)\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         RemainAfterExit=yes\n\
         ExecStart=/bin/true\n\
         ExecStop={exe} clean --wait 20 --timeout 100\n\
         TimeoutStopSec=2min\n\
         SuccessExitStatus=3 4\n\
         \n\
         [Install]\n\
         WantedBy=default.target\n"
    )
}

#[derive(Clone, Copy)]
enum Trigger {
    Boot,
    Logoff,
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A Task Scheduler task (schema 1.2) running as SYSTEM.
fn task_xml(exe: &str, trigger: Trigger) -> String {
    let (name, description, trigger_xml, arguments) = match trigger {
        Trigger::Boot => (
            "boot",
            "gomme: wipe the browser traces of every account at start-up, before anyone logs in.",
            "    <BootTrigger>\n      <Enabled>true</Enabled>\n    </BootTrigger>\n".to_owned(),
            "clean --all-users",
        ),
        Trigger::Logoff => (
            "logoff",
            "gomme: wipe browser traces when a user logs off (needs the audit policy \"Audit Logoff\").",
            format!(
                "    <EventTrigger>\n      <Enabled>true</Enabled>\n      <Subscription>{}</Subscription>\n    </EventTrigger>\n",
                xml_escape(
                    "<QueryList><Query Id=\"0\" Path=\"Security\"><Select Path=\"Security\">*[System[(EventID=4647)]]</Select></Query></QueryList>"
                )
            ),
            "clean --all-users --wait 30",
        ),
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n\
         <Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\n\
         \x20 <RegistrationInfo>\n\
         \x20   <Author>gomme</Author>\n\
         \x20   <Description>{description}</Description>\n\
         \x20   <URI>{TASK_FOLDER}{name}</URI>\n\
         \x20 </RegistrationInfo>\n\
         \x20 <Triggers>\n{trigger_xml}\x20 </Triggers>\n\
         \x20 <Principals>\n\
         \x20   <Principal id=\"System\">\n\
         \x20     <UserId>S-1-5-18</UserId>\n\
         \x20     <RunLevel>HighestAvailable</RunLevel>\n\
         \x20   </Principal>\n\
         \x20 </Principals>\n\
         \x20 <Settings>\n\
         \x20   <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n\
         \x20   <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n\
         \x20   <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>\n\
         \x20   <StartWhenAvailable>true</StartWhenAvailable>\n\
         \x20   <ExecutionTimeLimit>PT10M</ExecutionTimeLimit>\n\
         \x20   <Enabled>true</Enabled>\n\
         \x20 </Settings>\n\
         \x20 <Actions Context=\"System\">\n\
         \x20   <Exec>\n\
         \x20     <Command>{}</Command>\n\
         \x20     <Arguments>{arguments}</Arguments>\n\
         \x20   </Exec>\n\
         \x20 </Actions>\n\
         </Task>\n",
        xml_escape(exe)
    )
}

/// `schtasks /XML` reads UTF-16 with a byte-order mark, as the declaration says.
fn utf16_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

fn launchd_plist(label: &str, exe: &str, session: Option<&str>) -> String {
    let session = session
        .map(|s| format!("  <key>LimitLoadToSessionType</key>\n  <string>{s}</string>\n"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <plist version=\"1.0\">\n<dict>\n\
         \x20 <key>Label</key>\n  <string>{label}</string>\n\
         \x20 <key>ProgramArguments</key>\n  <array>\n    <string>{}</string>\n    <string>clean</string>\n    <string>--all-users</string>\n  </array>\n\
         \x20 <key>RunAtLoad</key>\n  <true/>\n{session}\
         </dict>\n</plist>\n",
        xml_escape(exe)
    )
}

/// Where the Debian package puts a unit it ships (installed, not enabled), if it does.
pub fn packaged(unit: &Unit) -> Option<PathBuf> {
    let name = unit.path.file_name()?;
    if unit.path.starts_with("/etc/systemd/system") {
        Some(Path::new("/lib/systemd/system").join(name))
    } else if unit.path.starts_with("/etc/systemd/user") {
        Some(Path::new("/usr/lib/systemd/user").join(name))
    } else {
        None
    }
}

/// Where a unit's file goes when installing under `root` (`/` for the real system).
pub fn under(root: &Path, path: &Path) -> PathBuf {
    use std::path::Component;
    let rel: PathBuf = path
        .components()
        .filter(|c| matches!(c, Component::Normal(_)))
        .collect();
    root.join(rel)
}
