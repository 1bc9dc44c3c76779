//! `gomme schedule install|remove|status`: the logoff and boot runs, as systemd units,
//! Windows tasks or launchd agents, written and removed through the link-proof file layer.

use crate::exit_code::ExitCode;
use crate::schedule::{self, Platform};
use anyhow::Context as _;
use std::io::Write;
use std::path::PathBuf;

/// What to do with the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    Remove,
    Status,
}

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

pub fn run(req: &Request, out: &mut impl Write) -> anyhow::Result<ExitCode> {
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
        Some(root) => std::path::absolute(root).context("cannot tell where --root is")?,
        None => PathBuf::from("/"),
    };
    let real = req.root.is_none();
    let can_register = platform == Platform::current() && (real || platform == Platform::Linux);
    if real && !dry_run && !crate::is_admin() {
        anyhow::bail!("installing a schedule needs administrator rights: run gomme again as root (sudo) or as administrator");
    }
    let units = schedule::units(platform, exe);
    // A link on the way to a unit's folder (under --root, folders someone else may own) is
    // refused before anything is done: the system's own tools (systemctl) would follow it.
    for unit in &units {
        no_link_on_the_way(&root, &schedule::under(&root, &unit.path))?;
    }
    match install {
        None => {
            for unit in &units {
                let here = schedule::under(&root, &unit.path);
                let shipped = schedule::packaged(unit).map(|p| schedule::under(&root, &p));
                let line = match shipped {
                    _ if here.is_file() => format!("installed: {}", here.display()),
                    Some(p) if p.is_file() => format!("installed by the package: {}", p.display()),
                    _ => format!("not installed: {}", here.display()),
                };
                writeln!(out, "{line} ({})", unit.purpose)?;
            }
            if platform == Platform::Linux && can_register {
                for unit in [schedule::BOOT_UNIT, schedule::LOGOUT_UNIT] {
                    let mut cmd = std::process::Command::new("systemctl");
                    cmd.arg(format!("--root={}", root.display()));
                    if unit == schedule::LOGOUT_UNIT {
                        cmd.arg("--global");
                    }
                    if let Ok(o) = cmd.args(["is-enabled", unit]).output() {
                        writeln!(out, "{unit}: {}", String::from_utf8_lossy(&o.stdout).trim())?;
                    }
                }
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
                        writeln!(out, "using {}: {}", shipped.display(), unit.purpose)?;
                        continue;
                    }
                }
                if dry_run {
                    writeln!(out, "would write {}: {}", here.display(), unit.purpose)?;
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
                    .with_context(|| format!("cannot write {}", here.display()))?;
                writeln!(out, "wrote {}: {}", here.display(), unit.purpose)?;
            }
            if can_register {
                run_all(&schedule::register(platform, &root), dry_run, out)?;
            }
            Ok(ExitCode::Done)
        }
        Some(false) => {
            if can_register {
                run_all(&schedule::unregister(platform, &root), dry_run, out)?;
            }
            for unit in &units {
                let here = schedule::under(&root, &unit.path);
                if !crate::fsops::exists(&here) {
                    continue;
                }
                if dry_run {
                    writeln!(out, "would remove {}", here.display())?;
                } else if crate::fsops::remove_file(&here)
                    .with_context(|| format!("cannot remove {}", here.display()))?
                {
                    writeln!(out, "removed {}", here.display())?;
                }
            }
            Ok(ExitCode::Done)
        }
    }
}

/// Refuses a path below `root` that leads through a link (a folder on its way, or itself).
fn no_link_on_the_way(root: &std::path::Path, path: &std::path::Path) -> anyhow::Result<()> {
    let Ok(rest) = path.strip_prefix(root) else {
        return Ok(());
    };
    let mut so_far = root.to_path_buf();
    for part in rest.components() {
        so_far.push(part);
        match std::fs::symlink_metadata(&so_far) {
            Ok(meta) if meta.file_type().is_symlink() => anyhow::bail!(
                "{} is a link; gomme never follows links, so nothing was done",
                so_far.display()
            ),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(())
}

fn run_all(commands: &[Vec<String>], dry_run: bool, out: &mut impl Write) -> anyhow::Result<()> {
    for cmd in commands {
        let line = cmd.join(" ");
        if dry_run {
            writeln!(out, "would run: {line}")?;
            continue;
        }
        let status = std::process::Command::new(&cmd[0])
            .args(&cmd[1..])
            .status()
            .with_context(|| format!("cannot run {line}"))?;
        anyhow::ensure!(status.success(), "{line} failed ({status})");
        writeln!(out, "ran: {line}")?;
    }
    Ok(())
}
