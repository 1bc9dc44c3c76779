//! The thin binary: parse arguments, set up logging and the configuration, hand the request
//! to the library's command, turn the outcome into an exit code.

mod cli;

use clap::error::ErrorKind;
use clap::Parser;
use cli::{Cli, Command, LangArg};
use gomme::commands;
use gomme::config::{Config, ConfigError};
use gomme::i18n::Lang;
use gomme::ExitCode;
use std::io;

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
            gomme::say!("gomme: {}", e.say(lang));
            return exit(ExitCode::Fatal);
        }
    };
    let config = match with_policy(config) {
        Ok(config) => config,
        Err(e) => {
            gomme::say!("gomme: {e:#}");
            return exit(ExitCode::Fatal);
        }
    };
    let lang = match (cli.lang, config.lang.as_deref()) {
        (None, Some(l)) => Lang::from_locale(l),
        _ => lang,
    };
    let code = match run(cli.command, &config, lang, cli.lang.is_some()) {
        Ok(code) => code,
        // The reader went away (`| head`): there is no one to tell.
        Err(e) if broken_pipe(&e) => ExitCode::Fatal,
        Err(e) => {
            gomme::say!("gomme: {e:#}");
            ExitCode::Fatal
        }
    };
    exit(code)
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn exit(code: ExitCode) -> std::process::ExitCode {
    std::process::ExitCode::from(code.code() as u8)
}

/// Help and version go to stdout as usual (exit 0, or 1 when stdout cannot take them); any
/// other parse error is clap's own rendering on stderr — the valid values, a "did you mean",
/// the usage line — and exit 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    let printed = e.print();
    if let Err(why) = &printed {
        if why.kind() != io::ErrorKind::BrokenPipe {
            gomme::say!("gomme: {why}");
        }
    }
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion if printed.is_err() => ExitCode::Fatal,
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => ExitCode::Done,
        _ => ExitCode::Usage,
    }
}

/// A usage error found after parsing: one line, as clap's are, and exit 2.
fn usage(why: &str, lang: Lang) -> ExitCode {
    let hint = match lang {
        Lang::Fr => "essayez « gomme --help »",
        Lang::En => "try 'gomme --help'",
    };
    gomme::say!("gomme: {why} ({hint})");
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
fn load_config(path: Option<&std::path::Path>) -> Result<Config, ConfigError> {
    match path {
        Some(p) if p.as_os_str() == "none" => Ok(Config::default()),
        Some(p) => Config::load(p),
        None => {
            let default = Config::default_path();
            if default.is_file() {
                Config::load(&default)
            } else {
                Ok(Config::default())
            }
        }
    }
}

/// Group Policy (Windows), laid over the file: it overrides the file's settings.
fn with_policy(config: Config) -> Result<Config, gomme::policy::PolicyError> {
    Ok(config.under(gomme::policy::Policy::read()?))
}

fn run(command: Command, config: &Config, lang: Lang, lang_flag: bool) -> anyhow::Result<ExitCode> {
    // Not locked for the whole run: the deadline's watchdog may have to report instead.
    let mut out = io::stdout();
    match command {
        Command::Profiles { select, json } => {
            commands::profiles::run(&select.selection(config)?, json, lang, &mut out)
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
            let flags = commands::clean::Flags {
                dry_run,
                yes,
                close_browsers,
                force_close,
                pause,
            };
            commands::clean::run(&what.request(config)?, flags, lang, &mut out)
        }
        Command::Audit { what } => {
            if let Some(why) = what.contradiction(config, lang) {
                return Ok(usage(&why, lang));
            }
            commands::audit::run(&what.request(config)?, lang, &mut out)
        }
        Command::Config {
            action: cli::ConfigAction::Show { what },
        } => {
            if let Some(why) = what.contradiction(config, lang) {
                return Ok(usage(&why, lang));
            }
            let settings = cli::show::settings(&what, config, lang, lang_flag)?;
            commands::config::show(&settings, &config.sources, what.json, lang, &mut out)
        }
        Command::Schedule { action } => commands::schedule::run(&action.request()?, lang, &mut out),
        Command::Session {
            action:
                cli::SessionAction::Start {
                    select,
                    keep,
                    pause,
                },
        } => commands::session::start(&select.selection(config)?, keep, pause, lang, &mut out),
        Command::Shortcut { action } => commands::shortcut::run(&action.request()?, lang, &mut out),
        Command::Generate { what } => {
            what.write(&mut out)?;
            Ok(ExitCode::Done)
        }
    }
}
