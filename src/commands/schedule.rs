//! `gomme schedule install|remove|status`: the logoff and boot runs, as systemd units,
//! Windows tasks or launchd agents, written and removed through the link-proof file layer.

use crate::exit_code::ExitCode;
use crate::i18n::{AdminFor, Done, Lang, Place};
use crate::schedule::{self, Platform};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;

pub use crate::schedule::Action;

#[derive(Debug, Clone)]
pub struct Request {
    pub action: Action,
    /// Say what would be done, do nothing.
    pub dry_run: bool,
    /// Install under this folder instead of `/` (a machine image being prepared).
    pub root: Option<PathBuf>,
    /// The gomme the runs start.
    pub exe: PathBuf,
    pub platform: Platform,
}

pub fn run(req: &Request, lang: Lang, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let platform = req.platform;
    let exe = &req.exe;
    let dry_run = req.dry_run || req.action == Action::Status;
    let install = match req.action {
        Action::Install => Some(true),
        Action::Remove => Some(false),
        Action::Status => None,
    };
    // Absolute, links left as they are: the file layer refuses any on the way.
    let root = match &req.root {
        Some(root) => std::path::absolute(root).context(lang.cannot_place(Place::Root))?,
        None => PathBuf::from("/"),
    };
    let real = req.root.is_none();
    let can_register = platform == Platform::current() && (real || platform == Platform::Linux);
    if real && !dry_run && !crate::is_admin() {
        anyhow::bail!(lang.needs_admin(AdminFor::Schedule));
    }
    let units = schedule::units(platform, exe);
    // A link on the way to a unit's folder (under --root, folders someone else may own) is
    // refused before anything is done: the system's own tools (systemctl) would follow it.
    for unit in &units {
        no_link_on_the_way(&root, &schedule::under(&root, &unit.path), lang)?;
    }
    match install {
        None => {
            for unit in &units {
                let here = schedule::under(&root, &unit.path);
                let shipped = schedule::packaged(unit).map(|p| schedule::under(&root, &p));
                let line = match shipped {
                    _ if here.is_file() => lang.done(Done::Installed(&here.to_string_lossy())),
                    Some(p) if p.is_file() => {
                        lang.done(Done::InstalledByPackage(&p.to_string_lossy()))
                    }
                    _ => lang.done(Done::NotInstalled(&here.to_string_lossy())),
                };
                writeln!(out, "{line} ({})", lang.purpose(unit.purpose))?;
            }
            if platform == Platform::Linux && can_register {
                for unit in [
                    schedule::BOOT_UNIT,
                    schedule::LOGOUT_UNIT,
                    schedule::SESSION_UNIT,
                ] {
                    let mut cmd = std::process::Command::new("systemctl");
                    cmd.arg(format!("--root={}", root.display()));
                    if unit != schedule::BOOT_UNIT {
                        cmd.arg("--global");
                    }
                    // Without a running systemd, or without systemctl, it has nothing on
                    // stdout: say so rather than print an empty state.
                    let state = match cmd.args(["is-enabled", unit]).output() {
                        Ok(o) if !String::from_utf8_lossy(&o.stdout).trim().is_empty() => {
                            lang.unit_state(String::from_utf8_lossy(&o.stdout).trim())
                        }
                        Ok(o) => {
                            let err = String::from_utf8_lossy(&o.stderr);
                            let why = err.lines().next().unwrap_or_default().trim();
                            lang.unit_state_unknown(&crate::sanitize::for_terminal(why))
                        }
                        Err(e) => lang.unit_state_unknown(&e.to_string()),
                    };
                    match lang {
                        Lang::En => writeln!(out, "{unit}: {state}")?,
                        Lang::Fr => writeln!(out, "{unit} : {state}")?,
                    }
                }
            }
            if platform == Platform::Windows && can_register {
                #[cfg(windows)]
                crate::browser_policies::run(req.action, dry_run, lang, out)?;
            }
            Ok(ExitCode::Done)
        }
        Some(true) => {
            for unit in &units {
                let here = schedule::under(&root, &unit.path);
                // The package's own copy is enabled as it is, not shadowed by one in /etc.
                if let Some(shipped) = schedule::packaged(unit).map(|p| schedule::under(&root, &p))
                {
                    if shipped.is_file() {
                        let using = lang.done(Done::Using(&shipped.to_string_lossy()));
                        writeln!(out, "{using}{}{}", lang.colon(), lang.purpose(unit.purpose))?;
                        continue;
                    }
                }
                if dry_run {
                    let would = lang.done(Done::WouldWrite(&here.to_string_lossy()));
                    writeln!(out, "{would}{}{}", lang.colon(), lang.purpose(unit.purpose))?;
                    if unit.content.starts_with(&[0xFF, 0xFE]) {
                        let utf16: Vec<u16> = unit.content[2..]
                            .chunks(2)
                            .map(|c| u16::from_le_bytes([c[0], c[1]]))
                            .collect();
                        writeln!(out, "{}", String::from_utf16_lossy(&utf16))?;
                    } else {
                        writeln!(out, "{}", String::from_utf8_lossy(&unit.content))?;
                    }
                    continue;
                }
                crate::fsops::write_file_creating_folders(&here, &unit.content, 0o644)
                    .with_context(|| lang.cannot_write(&here.to_string_lossy()))?;
                let wrote = lang.done(Done::Wrote(&here.to_string_lossy()));
                writeln!(out, "{wrote}{}{}", lang.colon(), lang.purpose(unit.purpose))?;
            }
            if can_register {
                run_all(&schedule::register(platform, &root), dry_run, lang, out)?;
            }
            if platform == Platform::Windows && can_register {
                #[cfg(windows)]
                crate::browser_policies::run(req.action, dry_run, lang, out)?;
            }
            Ok(ExitCode::Done)
        }
        Some(false) => {
            if can_register {
                run_all(&schedule::unregister(platform, &root), dry_run, lang, out)?;
            }
            if platform == Platform::Windows && can_register {
                #[cfg(windows)]
                crate::browser_policies::run(req.action, dry_run, lang, out)?;
            }
            for unit in &units {
                let here = schedule::under(&root, &unit.path);
                if !crate::fsops::exists(&here) {
                    continue;
                }
                if dry_run {
                    let would = lang.done(Done::WouldRemove(&here.to_string_lossy()));
                    writeln!(out, "{would}")?;
                } else if crate::fsops::remove_file(&here)
                    .with_context(|| lang.cannot_remove(&here.to_string_lossy()))?
                {
                    writeln!(out, "{}", lang.done(Done::Removed(&here.to_string_lossy())))?;
                }
            }
            Ok(ExitCode::Done)
        }
    }
}

/// Refuses a path below `root` that leads through a link (a folder on its way, or itself).
fn no_link_on_the_way(
    root: &std::path::Path,
    path: &std::path::Path,
    lang: Lang,
) -> anyhow::Result<()> {
    let Ok(rest) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut so_far = root.to_path_buf();
    for part in rest.components() {
        so_far.push(part);
        match std::fs::symlink_metadata(&so_far) {
            Ok(meta) if meta.file_type().is_symlink() => {
                anyhow::bail!(lang.link_refused(&so_far.to_string_lossy()))
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

fn run_all(
    commands: &[Vec<String>],
    dry_run: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    for cmd in commands {
        let line = cmd.join(" ");
        if dry_run {
            writeln!(out, "{}", lang.done(Done::WouldRun(&line)))?;
            continue;
        }
        let status = std::process::Command::new(&cmd[0])
            .args(&cmd[1..])
            .status()
            .with_context(|| lang.cannot_run(&line))?;
        anyhow::ensure!(
            status.success(),
            lang.command_failed(&line, &status.to_string())
        );
        writeln!(out, "{}", lang.done(Done::Ran(&line)))?;
    }
    Ok(())
}
