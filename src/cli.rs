//! The command line. Parsed once into the library's `Options`; the library never sees clap.

use clap::{Args, Parser, Subcommand, ValueEnum};
use gomme::commands::{self, LogTo, Request, Selection};
use gomme::exit_code;
use gomme::i18n::Lang;
use gomme::plan::Options;
use gomme::{Browser, Category, Family};
use std::collections::BTreeSet;
use std::path::PathBuf;

mod generate;
mod requests;
pub mod show;

#[derive(Debug, Parser)]
#[command(
    name = "gomme",
    version = env!("GOMME_VERSION"),
    about = "Wipe what one person left in the web browsers of a shared computer",
    long_about = "Wipe what one person left in the web browsers of a shared computer: history, \
                  cookies, saved logins, downloads, form data, open sessions, cache and site \
                  data. Bookmarks, settings and extensions are kept.",
    after_help = exit_code::HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Language of messages (default: from the locale; the JSON keys stay English)
    #[arg(long, global = true, value_enum, env = "GOMME_LANG")]
    pub lang: Option<LangArg>,

    /// More log on stderr (-v info, -vv debug, -vvv trace); GOMME_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Configuration file (default: the system-wide one, if present; `none` for none)
    #[arg(long, global = true, value_name = "FILE", env = "GOMME_CONFIG")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the browser profiles found, and whether their browser is open
    #[command(after_help = exit_code::HELP)]
    Profiles {
        #[command(flatten)]
        select: Select,
        /// Print JSON instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Remove the traces (with --dry-run: only say what would be removed)
    #[command(after_help = exit_code::HELP)]
    Clean {
        /// Remove nothing; print what a clean would remove
        #[arg(short = 'n', long)]
        dry_run: bool,
        #[command(flatten)]
        what: What,
        /// Do not ask for confirmation (runs that are not in a terminal never ask)
        #[arg(short = 'y', long)]
        yes: bool,
        /// Close browsers still open on a profile (as their window close would), then clean
        #[arg(long)]
        close_browsers: bool,
        /// Like --close-browsers, and stop a browser that does not close in time
        #[arg(long)]
        force_close: bool,
        /// Wait for Enter before exiting (for a desktop shortcut's terminal window)
        #[arg(long)]
        pause: bool,
    },
    /// Check that nothing is left to remove: the dry-run report, exit 5 if traces remain
    #[command(after_help = exit_code::HELP)]
    Audit {
        #[command(flatten)]
        what: What,
    },
    /// Run gomme at each logoff and at boot, with the system's own scheduler
    Schedule {
        #[command(subcommand)]
        action: ScheduleAction,
    },
    /// Note that a person's session starts now (`clean --session` removes what they make)
    Session {
        #[command(subcommand)]
        action: SessionAction,
    },
    /// Put (or remove) a desktop icon that runs the interactive clean
    Shortcut {
        #[command(subcommand)]
        action: ShortcutAction,
    },
    /// Show the settings in force and where each comes from (default, file, policy, flag)
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print shell completions or the man page (for packagers)
    Generate {
        #[command(subcommand)]
        what: Generate,
    },
}

#[derive(Debug, Subcommand)]
pub enum ScheduleAction {
    /// Install and register the logoff and boot runs (needs root or administrator)
    Install {
        #[command(flatten)]
        target: ScheduleTarget,
        /// Print what would be installed, install nothing
        #[arg(short = 'n', long)]
        dry_run: bool,
    },
    /// Unregister and remove them
    Remove {
        #[command(flatten)]
        target: ScheduleTarget,
        /// Print what would be removed, remove nothing
        #[arg(short = 'n', long)]
        dry_run: bool,
    },
    /// Say what is installed and enabled
    Status {
        #[command(flatten)]
        target: ScheduleTarget,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// The settings a clean or an audit with these flags would use, and where each comes from
    Show {
        #[command(flatten)]
        what: What,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionAction {
    /// Note the start of a session for these accounts (default: your own)
    Start {
        #[command(flatten)]
        select: Select,
        /// Keep a start noted already, not yet cleaned (the logon runs)
        #[arg(long)]
        keep: bool,
        /// Wait for Enter before closing (for the desktop icon)
        #[arg(long)]
        pause: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ShortcutAction {
    /// Put the icon on the desktop
    Install {
        #[command(flatten)]
        target: ShortcutTarget,
        /// Also a "Début d'accompagnement" icon that notes the start of a help session; the
        /// clean icon then removes the person's files made since (clean --session)
        #[arg(long)]
        session: bool,
    },
    /// Take it away
    Remove {
        #[command(flatten)]
        target: ShortcutTarget,
    },
}

#[derive(Debug, Args)]
pub struct ShortcutTarget {
    /// Every account's desktop (Windows: the public desktop); needs administrator rights
    #[arg(long)]
    pub all_users: bool,
    /// This desktop folder instead
    #[arg(long, value_name = "DIR", conflicts_with = "all_users")]
    pub desktop: Option<PathBuf>,
    /// The gomme program the icon starts (default: this one)
    #[arg(long, value_name = "PATH")]
    pub exe: Option<PathBuf>,
    /// Which system's launcher to write (default: this one)
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
}

#[derive(Debug, Args)]
pub struct ScheduleTarget {
    /// Act on the system files under this folder instead of / (a machine image being
    /// prepared, tests)
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The gomme program the runs start (default: this one)
    #[arg(long, value_name = "PATH")]
    pub exe: Option<PathBuf>,
    /// Which system's files (default: this one's)
    #[arg(long, value_enum)]
    pub platform: Option<PlatformArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlatformArg {
    Linux,
    Windows,
    Macos,
}

#[derive(Debug, Subcommand)]
pub enum Generate {
    /// Completions for a shell, on stdout
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The man page (roff), on stdout
    Man,
}

/// Which homes and browsers to look at.
#[derive(Debug, Args)]
pub struct Select {
    /// Treat DIR as a user's home and look there for every known layout (repeatable;
    /// default: your own home)
    #[arg(long = "home", value_name = "DIR")]
    pub homes: Vec<PathBuf>,

    /// Every account on this computer (needs root or administrator)
    #[arg(long)]
    pub all_users: bool,

    /// This account (repeatable)
    #[arg(long = "user", value_name = "NAME")]
    pub users: Vec<String>,

    /// With --all-users, root's own home too
    #[arg(long, requires = "all_users")]
    pub include_root: bool,

    /// Only these browsers (repeatable, or comma-separated)
    #[arg(
        long = "browser",
        value_name = "NAME",
        value_enum,
        value_delimiter = ','
    )]
    pub browsers: Vec<BrowserArg>,
}

/// What to clean, shared by `clean` and `audit`.
#[derive(Debug, Args)]
pub struct What {
    #[command(flatten)]
    pub select: Select,

    /// Only these categories
    #[arg(long, value_name = "CAT", value_parser = category_parser(), value_delimiter = ',')]
    pub only: Vec<Category>,

    /// All categories but these
    #[arg(long, value_name = "CAT", value_parser = category_parser(), value_delimiter = ',')]
    pub skip: Vec<Category>,

    /// Keep the cookies of these domains and their subdomains
    #[arg(
        long,
        value_name = "DOMAIN",
        value_delimiter = ',',
        env = "GOMME_KEEP_COOKIES"
    )]
    pub keep_cookies: Vec<String>,

    /// Clean profiles even when their browser seems open (dangerous: only for a lock that
    /// is known to be stuck)
    #[arg(long)]
    pub ignore_locks: bool,

    /// Wait up to this many seconds for a closing browser to let go of its profile
    #[arg(long, value_name = "SECONDS", env = "GOMME_WAIT")]
    pub wait: Option<u64>,

    /// Stop the run after this many seconds in all, whatever it is waiting on (exit code 6;
    /// 0: no limit) [default: 300]
    #[arg(long, value_name = "SECONDS", env = "GOMME_TIMEOUT")]
    pub timeout: Option<u64>,

    /// Append one JSON line per profile to this audit log
    #[arg(long, value_name = "FILE", env = "GOMME_LOG_FILE")]
    pub log_file: Option<PathBuf>,

    /// Also send those lines to the system log (syslog, journald; the Windows Event Log)
    #[arg(long)]
    pub syslog: bool,

    /// Print the report as JSON (keys in English; schema in the README) instead of a table.
    /// A clean in a terminal still asks first, on stderr, unless --yes
    #[arg(long)]
    pub json: bool,

    /// Also what was made or changed in the personal folders since `gomme session start`,
    /// with the desktop's traces of it (refused without a start)
    #[arg(long)]
    pub session: bool,
}

fn category_parser() -> impl clap::builder::TypedValueParser<Value = Category> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Category::ALL.map(Category::id))
        .map(|id| Category::from_id(&id).expect("offered values are category ids"))
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Fr,
}

/// A `--browser` value: a browser the library knows, or a whole family. Made from
/// `Browser::ALL`, so a browser added there can be chosen here without a second list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserArg {
    One(Browser),
    Family(Family),
}

const FAMILIES: [Family; 2] = [Family::Firefox, Family::Chromium];

impl BrowserArg {
    /// The browsers it names.
    pub fn browsers(self) -> impl Iterator<Item = Browser> {
        Browser::ALL.into_iter().filter(move |b| match self {
            BrowserArg::One(one) => *b == one,
            BrowserArg::Family(family) => b.family() == family,
        })
    }
}

impl ValueEnum for BrowserArg {
    fn value_variants<'a>() -> &'a [Self] {
        static ALL: std::sync::OnceLock<Vec<BrowserArg>> = std::sync::OnceLock::new();
        ALL.get_or_init(|| {
            let browsers = Browser::ALL.into_iter().map(BrowserArg::One);
            browsers.chain(FAMILIES.map(BrowserArg::Family)).collect()
        })
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            BrowserArg::One(b) => PossibleValue::new(b.id()),
            BrowserArg::Family(f) => {
                let name = match f {
                    Family::Firefox => "firefox-family",
                    Family::Chromium => "chromium-family",
                };
                let members: Vec<String> = BrowserArg::Family(*f)
                    .browsers()
                    .map(|b| b.to_string())
                    .collect();
                PossibleValue::new(name).help(members.join(", "))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use gomme::config::Config;

    /// A browser the library knows can be chosen with `--browser`, by its own id: there is no
    /// second list to forget.
    #[test]
    fn every_browser_can_be_chosen() {
        for browser in Browser::ALL {
            let cli = Cli::try_parse_from(["gomme", "profiles", "--browser", browser.id()])
                .unwrap_or_else(|e| panic!("--browser {}: {e}", browser.id()));
            let Command::Profiles { select, .. } = cli.command else {
                panic!("not profiles");
            };
            assert_eq!(select.browsers(), [browser].into_iter().collect());
        }
        let cli =
            Cli::try_parse_from(["gomme", "profiles", "--browser", "chromium-family"]).unwrap();
        let Command::Profiles { select, .. } = cli.command else {
            panic!("not profiles");
        };
        assert!(select
            .browsers()
            .iter()
            .all(|b| b.family() == Family::Chromium));
        assert_eq!(select.browsers().len(), 6);
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn selection_flags() {
        let cli = Cli::try_parse_from([
            "gomme",
            "clean",
            "-n",
            "--home",
            "/a",
            "--home",
            "/b",
            "--browser",
            "firefox-family,chrome",
            "--only",
            "cookies,cache",
            "--skip",
            "cache",
        ])
        .unwrap();
        let Command::Clean { dry_run, what, .. } = cli.command else {
            panic!("not clean");
        };
        assert!(dry_run);
        assert_eq!(what.select.homes.len(), 2);
        let browsers = what.select.browsers();
        assert!(browsers.contains(&Browser::Librewolf) && browsers.contains(&Browser::Chrome));
        assert!(!browsers.contains(&Browser::Chromium));
        assert_eq!(
            what.categories(&Config::default()),
            [Category::Cookies].into_iter().collect()
        );
    }

    #[test]
    fn unknown_category_is_refused() {
        assert!(Cli::try_parse_from(["gomme", "clean", "--only", "bookmarks"]).is_err());
    }
}
