//! The thin binary: parse arguments, set up logging and the configuration, hand the request
//! to the library's command, turn the outcome into an exit code.

mod cli;

use anyhow::Context;
use clap::error::ErrorKind;
use clap::Parser;
use cli::{Cli, Command, LangArg};
use gomme::commands;
use gomme::config::Config;
use gomme::i18n::Lang;
use gomme::ExitCode;
use std::io::{self, Write};

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
    let config = match load_config(cli.config.as_deref()).and_then(with_policy) {
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
    let code = match run(cli.command, &config, lang, cli.lang.is_some()) {
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

/// Group Policy (Windows), laid over the file: it overrides the file's settings.
fn with_policy(config: Config) -> anyhow::Result<Config> {
    Ok(gomme::policy::Policy::read()?.over(config))
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
        Command::Schedule { action } => commands::schedule::run(&action.request()?, &mut out),
        Command::Shortcut { action } => commands::shortcut::run(&action.request()?, lang, &mut out),
        Command::Generate { what } => {
            generate(what, &mut out)?;
            Ok(ExitCode::Done)
        }
    }
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
