//! The thin binary: parse arguments, set up logging, run the library's pipeline, turn the
//! outcome into an exit code.

mod cli;

use anyhow::Context;
use clap::error::ErrorKind;
use clap::Parser;
use cli::{Cli, Command, LangArg, What};
use gomme::config::Config;
use gomme::discover::{self, Discovery};
use gomme::i18n::Lang;
use gomme::plan::{self, Options};
use gomme::report::{Mode, ProfileList, Report, Status};
use gomme::sanitize::for_terminal;
use gomme::ExitCode;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return exit(usage_error(&e)),
    };
    let lang = match cli.lang {
        Some(LangArg::Fr) => Lang::Fr,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_env(),
    };
    init_logging(cli.verbose);
    let config = match load_config(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("gomme: {e:#}");
            return exit(ExitCode::Fatal);
        }
    };
    let lang = match (cli.lang, config.lang.as_deref()) {
        (None, Some(l)) => Lang::from_locale(l),
        _ => lang,
    };
    let code = match run(cli.command, &config, lang) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gomme: {e:#}");
            ExitCode::Fatal
        }
    };
    exit(code)
}

fn exit(code: ExitCode) -> std::process::ExitCode {
    std::process::ExitCode::from(code.code() as u8)
}

/// Help and version go to stdout as usual; any other parse error is one line and exit 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::Done
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::Usage
        }
        _ => {
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let hint = match Lang::from_env() {
                Lang::Fr => "essayez « gomme --help »",
                Lang::En => "try 'gomme --help'",
            };
            eprintln!("gomme: {first} ({hint})");
            ExitCode::Usage
        }
    }
}

/// A usage error found after parsing: one line, as clap's are, and exit 2.
fn usage(why: &str, lang: Lang) -> ExitCode {
    let hint = match lang {
        Lang::Fr => "essayez « gomme --help »",
        Lang::En => "try 'gomme --help'",
    };
    eprintln!("gomme: {why} ({hint})");
    ExitCode::Usage
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("GOMME_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .with_target(false)
        .init();
}

/// `--config FILE`, else the system-wide file if it exists; `none` reads no file.
fn load_config(path: Option<&std::path::Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) if p.as_os_str() == "none" => Ok(Config::default()),
        Some(p) => Ok(Config::load(p)?),
        None => {
            let default = Config::default_path();
            if default.is_file() {
                Ok(Config::load(&default)?)
            } else {
                Ok(Config::default())
            }
        }
    }
}

fn run(command: Command, config: &Config, lang: Lang) -> anyhow::Result<ExitCode> {
    // Not locked for the whole run: the deadline's watchdog may have to report instead.
    let mut out = io::stdout();
    match command {
        Command::Profiles { select, json } => {
            let found = find(&select, config, lang)?;
            let list = ProfileList {
                schema: gomme::report::SCHEMA,
                profiles: &found.profiles,
                warnings: &found.warnings,
            };
            if json {
                list.write_json(&mut out)
            } else {
                list.write_human(&mut out, lang)
            }
            .context("cannot write the list")?;
            Ok(match found.unread_homes.len() {
                0 => ExitCode::Done,
                _ if found.profiles.is_empty() => ExitCode::Fatal,
                _ => ExitCode::ProfileFailed,
            })
        }
        Command::Clean {
            dry_run,
            what,
            yes,
            close_browsers,
            force_close,
            pause,
        } => {
            if let Some(why) = what.contradiction(config, lang) {
                return Ok(usage(&why, lang));
            }
            let interactive = !dry_run
                && !yes
                && !what.json
                && io::stdin().is_terminal()
                && io::stderr().is_terminal();
            let mut opts = options(&what, config)?;
            // Only a plan that is shown needs its rows counted beforehand; the clean reports
            // what it removed.
            opts.count = dry_run || interactive;
            // A person answering the question is not timed: the clock starts after it.
            let mode = if dry_run { Mode::DryRun } else { Mode::Clean };
            if !interactive {
                watch(&mut opts, &what, config, None, mode, lang);
            }
            let mut found = find(&what.select, config, lang)?;
            let close = close_browsers || force_close;
            if !dry_run
                && (close || interactive)
                && close_open_browsers(&found, close, force_close, lang)
            {
                found = find(&what.select, config, lang)?;
            }
            let progress = Progress::new(found.profiles.len(), what.json);
            let plan = plan::plan_with_progress(&found, &opts, &mut |p| progress.step(p));
            progress.finish();
            if interactive {
                plan.report()
                    .write_human_titled(&mut out, lang, lang.title_confirm())
                    .context("cannot write the report")?;
                if !ask(lang.confirm(), lang) {
                    writeln!(out, "{}", lang.cancelled())?;
                    pause_if(pause, lang);
                    return Ok(ExitCode::Done);
                }
                watch(
                    &mut opts,
                    &what,
                    config,
                    Some(DEFAULT_INTERACTIVE),
                    mode,
                    lang,
                );
            }
            let report = if dry_run {
                plan.report()
            } else {
                plan.execute(&opts)
            }
            .noticed(&found);
            log_run(&what, config, &report)?;
            if interactive {
                // The table was shown before the question; messages and the verdict follow.
                print_report(&report, false, lang, &mut io::sink())?;
            } else if dry_run && !what.json {
                print_report(&report, false, lang, &mut out)?;
                writeln!(
                    out,
                    "{}",
                    lang.dry_run_verdict(report.totals.items, report.totals.unchecked())
                )?;
            } else {
                print_report(&report, what.json, lang, &mut out)?;
            }
            if !dry_run && !what.json {
                // The verdict is backed by the same check as `audit`, run now.
                let audit = Options {
                    count: true,
                    ..opts.clone()
                };
                // A clean that changed nothing, found nothing and met no error was itself a
                // whole audit of the home as it is: no need to look again.
                let unchanged = report.totals.items == 0
                    && report.totals.unchecked() == 0
                    && !report.profiles.iter().any(|p| p.wrote);
                let after = if unchanged {
                    report.clone()
                } else {
                    let again = find_quiet(&what.select, config)?;
                    plan::plan(&again, &audit).report().noticed(&again)
                };
                writeln!(out, "{}", verdict(&report, &after, lang))?;
            }
            pause_if(pause, lang);
            Ok(outcome(&report, false))
        }
        Command::Schedule { action } => schedule(action, &mut out),
        Command::Shortcut { action } => shortcut(action, lang, &mut out),
        Command::Generate { what } => {
            generate(what, &mut out)?;
            Ok(ExitCode::Done)
        }
        Command::Audit { what } => {
            if let Some(why) = what.contradiction(config, lang) {
                return Ok(usage(&why, lang));
            }
            let mut opts = options(&what, config)?;
            watch(&mut opts, &what, config, None, Mode::DryRun, lang);
            let found = find(&what.select, config, lang)?;
            let plan = plan::plan(&found, &opts);
            let report = plan.report().noticed(&found);
            log_run(&what, config, &report)?;
            print_report(&report, what.json, lang, &mut out)?;
            let code = outcome(&report, true);
            if !what.json {
                let t = &report.totals;
                writeln!(out, "{}", lang.audit_verdict(t.items, t.unchecked()))?;
            }
            Ok(code)
        }
    }
}

fn platform_of(arg: Option<cli::PlatformArg>) -> gomme::schedule::Platform {
    use gomme::schedule::Platform;
    match arg {
        Some(cli::PlatformArg::Linux) => Platform::Linux,
        Some(cli::PlatformArg::Windows) => Platform::Windows,
        Some(cli::PlatformArg::Macos) => Platform::Macos,
        None => Platform::current(),
    }
}

/// `gomme shortcut install|remove`. Every desktop is tried; one that is refused (a link on
/// the way) is said and the others still done.
fn shortcut(
    action: cli::ShortcutAction,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    use gomme::schedule::Platform;
    let (target, install) = match &action {
        cli::ShortcutAction::Install { target } => (target, true),
        cli::ShortcutAction::Remove { target } => (target, false),
    };
    let platform = platform_of(target.platform);
    let exe = match &target.exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().context("cannot tell where gomme is installed")?,
    };
    let mut desktops: Vec<PathBuf> = Vec::new();
    if let Some(dir) = &target.desktop {
        desktops.push(std::path::absolute(dir).context("cannot tell where the desktop is")?);
    } else if target.all_users {
        let sysroot = std::env::var_os("GOMME_SYSROOT").map(PathBuf::from);
        if sysroot.is_none() && !gomme::is_admin() {
            anyhow::bail!("an icon for every account needs administrator rights: run gomme again as root (sudo) or as administrator");
        }
        if platform == Platform::Windows {
            let public = gomme::shortcut::public_desktop()
                .context("cannot find the public desktop; name it with --desktop DIR")?;
            desktops.push(public);
        } else {
            // The same accounts as `clean --all-users`: people, not service accounts.
            let root = sysroot.unwrap_or_else(|| PathBuf::from("/"));
            for account in gomme::users::all(&root, false)? {
                // The home as the password database names it (links there are the
                // administrator's); nothing below it is followed.
                let Ok(home) = dunce::canonicalize(&account.home) else {
                    continue;
                };
                desktops.push(gomme::shortcut::desktop_of(&home));
            }
        }
    } else {
        let desktop = if platform == Platform::Windows {
            dirs::desktop_dir()
        } else {
            dirs::home_dir().map(|h| gomme::shortcut::desktop_of(&h))
        };
        desktops
            .push(desktop.context("cannot find your desktop folder; name it with --desktop DIR")?);
    }
    let mut failed = 0;
    for desktop in &desktops {
        let done = if install {
            gomme::shortcut::install(desktop, platform, &exe, lang).map(Some)
        } else {
            gomme::shortcut::remove(desktop, platform, &exe, lang)
        };
        match done {
            Ok(Some(path)) if install => writeln!(out, "{}", path.display())?,
            Ok(Some(path)) => writeln!(out, "removed {}", path.display())?,
            Ok(None) => {}
            Err(e) => {
                failed += 1;
                eprintln!("gomme: {}", for_terminal(&e.to_string()));
            }
        }
    }
    Ok(match failed {
        0 => ExitCode::Done,
        n if n == desktops.len() => ExitCode::Fatal,
        _ => ExitCode::ProfileFailed,
    })
}

/// `gomme schedule install|remove|status`.
fn schedule(action: cli::ScheduleAction, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    use cli::ScheduleAction;
    use gomme::schedule::{self, Platform};
    let (target, dry_run, install) = match &action {
        ScheduleAction::Install { target, dry_run } => (target, *dry_run, Some(true)),
        ScheduleAction::Remove { target, dry_run } => (target, *dry_run, Some(false)),
        ScheduleAction::Status { target } => (target, true, None),
    };
    let platform = platform_of(target.platform);
    let exe = match &target.exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().context("cannot tell where gomme is installed")?,
    };
    // Absolute, links left as they are: the file layer refuses any on the way.
    let root = match &target.root {
        Some(root) => std::path::absolute(root).context("cannot tell where --root is")?,
        None => PathBuf::from("/"),
    };
    let real = target.root.is_none();
    // Registering only makes sense on the system the files are for; under --root, systemd
    // can still enable units offline.
    let can_register = platform == Platform::current() && (real || platform == Platform::Linux);
    if real && !dry_run && !gomme::is_admin() {
        anyhow::bail!("installing a schedule needs administrator rights: run gomme again as root (sudo) or as administrator");
    }
    let units = schedule::units(platform, &exe);
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
                gomme::fsops::write_file_creating_folders(&here, &unit.content, 0o644)
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
                if !gomme::fsops::exists(&here) {
                    continue;
                }
                if dry_run {
                    writeln!(out, "would remove {}", here.display())?;
                } else if gomme::fsops::remove_file(&here)
                    .with_context(|| format!("cannot remove {}", here.display()))?
                {
                    writeln!(out, "removed {}", here.display())?;
                }
            }
            Ok(ExitCode::Done)
        }
    }
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

/// Completions and the man page come from the same clap definition as the parser.
fn generate(what: cli::Generate, out: &mut impl Write) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    match what {
        cli::Generate::Completions { shell } => {
            clap_complete::generate(shell, &mut cmd, "gomme", out);
        }
        cli::Generate::Man => {
            clap_mangen::Man::new(cmd)
                .render(out)
                .context("cannot write the man page")?;
        }
    }
    Ok(())
}

/// The deadline of an interactive clean, counted from the person's answer, when neither
/// `--timeout` nor the configuration sets one.
const DEFAULT_INTERACTIVE: std::time::Duration = std::time::Duration::from_secs(600);

/// Whether the final report is being written: by the run, or by the deadline's watchdog (one
/// of the two only).
static REPORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Claims standard output for the final report. When the watchdog has it already, this thread
/// waits for the process to end rather than write over it.
fn claim_output() {
    if REPORTING.swap(true, std::sync::atomic::Ordering::SeqCst) {
        loop {
            std::thread::park();
        }
    }
}

/// Sets the run's deadline (`--timeout`, the configuration's `timeout`, else `default` or
/// [`gomme::deadline::DEFAULT`]; 0 for none) and starts its watchdog: at the deadline, the
/// profiles done so far are reported (audit log, JSON), a message says the run was stopped,
/// and the process exits with [`ExitCode::TimedOut`], whatever it was waiting on.
fn watch(
    opts: &mut Options,
    what: &What,
    config: &Config,
    default: Option<std::time::Duration>,
    mode: Mode,
    lang: Lang,
) {
    let limit = match what.timeout.or(config.timeout) {
        Some(0) => return,
        Some(secs) => std::time::Duration::from_secs(secs),
        None => default.unwrap_or(gomme::deadline::DEFAULT),
    };
    let deadline = gomme::deadline::Deadline::after(limit);
    let finished = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    opts.deadline = Some(deadline);
    opts.finished = Some(finished.clone());
    let log = LogTo::of(what, config);
    let json = what.json;
    std::thread::spawn(move || {
        let left = deadline
            .end()
            .saturating_duration_since(std::time::Instant::now());
        std::thread::sleep(left);
        let done = std::mem::take(&mut *finished.lock().unwrap_or_else(|e| e.into_inner()));
        let report = Report::new(mode, done);
        eprintln!(
            "gomme: {}",
            lang.timed_out(limit.as_secs(), report.profiles.len(), mode == Mode::Clean)
        );
        if mode == Mode::Clean {
            if let Err(e) = log.write(&report) {
                eprintln!("gomme: {e:#}");
            }
        }
        if !REPORTING.swap(true, std::sync::atomic::Ordering::SeqCst) && json {
            let _ = report.write_json(&mut io::stdout());
        }
        std::process::exit(ExitCode::TimedOut.code());
    });
}

/// Where a run is logged: the audit log file and the system log.
struct LogTo {
    file: Option<PathBuf>,
    system: bool,
}

impl LogTo {
    fn of(what: &What, config: &Config) -> LogTo {
        LogTo {
            file: what.log_file.clone().or(config.log.file.clone()),
            system: what.syslog || config.log.system,
        }
    }

    fn write(&self, report: &Report) -> anyhow::Result<()> {
        if let Some(path) = &self.file {
            let path = &std::path::absolute(path).with_context(|| {
                format!("cannot tell where the audit log {} is", path.display())
            })?;
            gomme::audit_log::append(path, report)
                .with_context(|| format!("cannot write the audit log {}", path.display()))?;
        }
        if self.system {
            gomme::audit_log::system(report).context("cannot write to the system log")?;
        }
        Ok(())
    }
}

/// Appends the run to the audit log, if one is configured.
fn log_run(what: &What, config: &Config, report: &Report) -> anyhow::Result<()> {
    LogTo::of(what, config).write(report)
}

/// The homes to look in: `--home` folders, the accounts of `--all-users` and `--user`, or
/// else your own home.
fn homes(select: &cli::Select, lang: Lang) -> anyhow::Result<Vec<PathBuf>> {
    let mut homes = select.homes.clone();
    if select.all_users || !select.users.is_empty() {
        // Tests point this at a fake root holding etc/passwd and the homes.
        let sysroot = std::env::var_os("GOMME_SYSROOT").map(PathBuf::from);
        let own = dirs::home_dir();
        let accounts = match &sysroot {
            Some(root) if select.all_users => gomme::users::all(root, select.include_root)?,
            Some(root) => gomme::users::named(root, &select.users)?,
            None if select.all_users => {
                gomme::users::all(std::path::Path::new("/"), select.include_root)?
            }
            None => gomme::users::named(std::path::Path::new("/"), &select.users)?,
        };
        let others = accounts.iter().any(|a| Some(&a.home) != own.as_ref());
        if others && sysroot.is_none() && !gomme::is_admin() {
            anyhow::bail!(match lang {
                Lang::Fr => "nettoyer les autres comptes demande les droits d'administration : relancez gomme en tant que root (sudo) ou administrateur",
                Lang::En => "cleaning other accounts needs administrator rights: run gomme again as root (sudo) or as administrator",
            });
        }
        homes.extend(accounts.into_iter().map(|a| a.home));
    }
    if homes.is_empty() {
        homes.push(
            dirs::home_dir().context("cannot find your home folder; name it with --home DIR")?,
        );
    }
    Ok(homes)
}

fn find(select: &cli::Select, config: &Config, lang: Lang) -> anyhow::Result<Discovery> {
    let homes = homes(select, lang)?;
    let browsers = select.browsers_with(config).map_err(anyhow::Error::msg)?;
    let found = discover::discover(&homes, &browsers);
    for w in &found.warnings {
        let lossy = w.path.to_string_lossy();
        let path = for_terminal(&lossy);
        if found.unread_homes.contains(&w.path) {
            eprintln!("gomme: {}", lang.home_unread(&path, &w.message));
            continue;
        }
        eprintln!(
            "gomme: {}: {} {}",
            lang.warning(),
            for_terminal(&w.path.to_string_lossy()),
            w.message
        );
    }
    Ok(found)
}

/// A progress bar on stderr for runs long enough to need one: only on a terminal, shown once a
/// run has taken a second, gone when done.
struct Progress(Option<(indicatif::ProgressBar, std::time::Instant)>);

impl Progress {
    fn new(len: usize, json: bool) -> Self {
        if json || !io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(len as u64),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress(Some((bar, std::time::Instant::now())))
    }

    fn step(&self, profile: &gomme::discover::Profile) {
        if let Some((bar, start)) = &self.0 {
            if bar.is_hidden() && start.elapsed() > std::time::Duration::from_secs(1) {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_message(format!(
                "{} {}",
                profile.browser,
                for_terminal(&profile.profile)
            ));
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some((bar, _)) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// Asks a yes/no question on the terminal.
fn ask(question: &str, lang: Lang) -> bool {
    eprint!("{question}");
    let _ = io::stderr().flush();
    let mut answer = String::new();
    io::stdin().read_line(&mut answer).is_ok() && lang.confirmed(&answer)
}

fn pause_if(pause: bool, lang: Lang) {
    if pause {
        eprintln!("{}", lang.press_enter());
        let _ = io::stdin().read_line(&mut String::new());
    }
}

/// Offers to close (or, with `close`, closes) the browsers still open on a profile. Returns
/// whether any was asked to close.
fn close_open_browsers(found: &Discovery, close: bool, force: bool, lang: Lang) -> bool {
    let mut seen = Vec::new();
    let mut open = Vec::new();
    for p in &found.profiles {
        if p.lock.blocks_cleaning() && !seen.contains(&p.lock_dir) {
            seen.push(p.lock_dir.clone());
            open.push(p);
        }
    }
    if open.is_empty() {
        return false;
    }
    if !close {
        let mut names: Vec<String> = open.iter().map(|p| p.browser.to_string()).collect();
        names.dedup();
        if !ask(&lang.ask_close(&names.join(", ")), lang) {
            return false;
        }
    }
    for p in open {
        let name = p.browser.to_string();
        match gomme::close::close(p, std::time::Duration::from_secs(20), force) {
            gomme::close::Closed::Closed { pid } => {
                eprintln!("gomme: {}", lang.closed(&name, pid, false))
            }
            gomme::close::Closed::Forced { pid } => {
                eprintln!("gomme: {}", lang.closed(&name, pid, true))
            }
            gomme::close::Closed::StillRunning { .. } | gomme::close::Closed::CannotAsk => {
                eprintln!("gomme: {}", lang.not_closed(&name))
            }
        }
    }
    true
}

/// What was removed, and what the audit right after still finds.
fn verdict(report: &Report, after: &Report, lang: Lang) -> String {
    let mut removed = Vec::new();
    for p in &report.profiles {
        for (cat, counts) in &p.categories {
            if counts.items > 0 && !removed.contains(cat) {
                removed.push(*cat);
            }
        }
    }
    removed.sort();
    let cleaned = report
        .profiles
        .iter()
        .filter(|p| p.counts().items > 0)
        .count();
    // What the clean could not do, and what the check after it could not read, both count.
    lang.verdict(
        &removed,
        cleaned,
        after.totals.items,
        after.totals.skipped + after.totals.unfinished,
        report.totals.errors.max(after.totals.errors),
        after.totals.unread_homes,
    )
}

/// Discovery without repeating its warnings (they were printed once already).
fn find_quiet(select: &cli::Select, config: &Config) -> anyhow::Result<Discovery> {
    let homes = homes(select, Lang::En)?;
    let browsers = select.browsers_with(config).map_err(anyhow::Error::msg)?;
    Ok(discover::discover(&homes, &browsers))
}

fn options(what: &What, config: &Config) -> anyhow::Result<Options> {
    let keep_cookies = if what.keep_cookies.is_empty() {
        config.keep_cookies.clone().unwrap_or_default()
    } else {
        what.keep_cookies.clone()
    };
    if let Some(bad) = keep_cookies.iter().find(|d| !cli::valid_domain(d)) {
        anyhow::bail!("{bad:?} is not a domain name to keep cookies for (lowercase host names only, e.g. bibliotheque.example.fr)");
    }
    Ok(Options {
        categories: what.categories(config),
        keep_cookies,
        ignore_locks: what.ignore_locks,
        wait: std::time::Duration::from_secs(what.wait.or(config.wait).unwrap_or(0)),
        empty_downloads_folder: config.downloads.empty_folder,
        count: true,
        jobs: plan::default_jobs(),
        deadline: None,
        finished: None,
    })
}

fn print_report(
    report: &Report,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    claim_output();
    if json {
        report.write_json(out)
    } else {
        report.write_human(out, lang)
    }
    .context("cannot write the report")?;
    for p in &report.profiles {
        let name = for_terminal(&p.profile);
        match p.status {
            Status::SkippedRunning => eprintln!("gomme: {}", lang.close_browser(p.browser, &name)),
            Status::Error => {
                if let Some(error) = &p.error {
                    eprintln!("gomme: {}", for_terminal(error));
                }
                eprintln!(
                    "gomme: {}",
                    lang.profile_failed(&name, report.mode == Mode::Clean)
                );
            }
            Status::Unfinished => eprintln!("gomme: {}", lang.profile_unfinished(&name)),
            Status::Planned | Status::Cleaned => {}
        }
    }
    Ok(())
}

/// The exit code, by the precedence documented in `exit_code.rs`.
fn outcome(report: &Report, audit: bool) -> ExitCode {
    let t = &report.totals;
    if t.unread_homes > 0 && report.profiles.is_empty() {
        // Not one home could be looked in: nothing was done or checked.
        ExitCode::Fatal
    } else if t.unfinished > 0 {
        ExitCode::TimedOut
    } else if t.errors > 0 || t.unread_homes > 0 {
        ExitCode::ProfileFailed
    } else if audit && t.items > 0 {
        ExitCode::TracesRemain
    } else if t.skipped > 0 {
        ExitCode::BrowserRunning
    } else {
        ExitCode::Done
    }
}
