//! From the command line's words to the library's requests: which browsers, homes and
//! categories, and what each installer subcommand asks for.

use super::*;
use gomme::config::Config;

impl Select {
    pub fn browsers(&self) -> BTreeSet<Browser> {
        if self.browsers.is_empty() {
            return Browser::ALL.into_iter().collect();
        }
        self.browsers
            .iter()
            .flat_map(|arg| arg.browsers())
            .collect()
    }
}

impl What {
    /// A selection that contradicts itself: a category both asked for and skipped, or nothing
    /// left to clean. The message names the flags.
    pub fn contradiction(&self, config: &Config, lang: Lang) -> Option<String> {
        if let Some(both) = self.only.iter().find(|c| self.skip.contains(c)) {
            return Some(match lang {
                Lang::En => format!("--only and --skip both name '{both}': keep it in one of them"),
                Lang::Fr => format!(
                    "--only et --skip nomment tous deux « {both} » : gardez-le dans un seul"
                ),
            });
        }
        let policy = &config.sources.policy;
        if !self.only.is_empty() && policy.narrow_categories(&self.only).is_empty() {
            let allowed: Vec<&str> = policy.categories.iter().flatten().map(|c| c.id()).collect();
            return Some(lang.only_outside_policy(&allowed.join(", ")));
        }
        if self.categories(config).is_empty() {
            let from = if self.only.is_empty() {
                "the configuration's categories"
            } else {
                "--only"
            };
            return Some(match lang {
                Lang::En => format!("--skip leaves nothing of {from} to clean"),
                Lang::Fr => format!("--skip ne laisse rien à nettoyer de {from}"),
            });
        }
        None
    }

    /// `--only` (within Group Policy's list, if it sets one), else the policy's or the config
    /// file's list, else all; less `--skip`.
    pub fn categories(&self, config: &Config) -> BTreeSet<Category> {
        let base: BTreeSet<Category> = if !self.only.is_empty() {
            let only = config.sources.policy.narrow_categories(&self.only);
            only.into_iter().collect()
        } else if let Some(list) = &config.categories {
            list.iter().copied().collect()
        } else {
            Category::ALL.into_iter().collect()
        };
        base.into_iter()
            .filter(|c| !self.skip.contains(c))
            .collect()
    }
}

impl Select {
    /// `--browser` (within Group Policy's list, if it sets one), else the policy's or the
    /// config file's list (same names), else all.
    pub fn browsers_with(&self, config: &Config) -> Result<BTreeSet<Browser>, String> {
        if !self.browsers.is_empty() {
            if config.sources.policy.browsers.is_some() {
                let allowed = self.without_flags().browsers_with(config)?;
                return Ok(self.browsers().intersection(&allowed).copied().collect());
            }
            return Ok(self.browsers());
        }
        let Some(names) = &config.browsers else {
            return Ok(self.browsers());
        };
        let mut args = Vec::new();
        for name in names {
            args.push(BrowserArg::from_str(name, true).map_err(|_| {
                match config.sources.policy.browsers {
                    Some(_) => format!(
                        "unknown browser {name:?} in Group Policy's browsers (HKLM\\{})",
                        gomme::policy::KEY
                    ),
                    None => format!("unknown browser {name:?} in the configuration file"),
                }
            })?);
        }
        Ok(Select {
            browsers: args,
            ..self.without_flags()
        }
        .browsers())
    }

    /// No home, account or browser named.
    fn without_flags(&self) -> Select {
        Select {
            homes: Vec::new(),
            all_users: false,
            users: Vec::new(),
            include_root: false,
            browsers: Vec::new(),
        }
    }
}

impl Select {
    /// The library's selection: these homes and accounts, and the browsers `--browser` or the
    /// configuration names.
    pub fn selection(&self, config: &Config) -> anyhow::Result<Selection> {
        Ok(Selection {
            homes: self.homes.clone(),
            all_users: self.all_users,
            include_root: self.include_root,
            users: self.users.clone(),
            browsers: self.browsers_with(config).map_err(anyhow::Error::msg)?,
        })
    }
}

impl What {
    /// The library's request for a clean or an audit: flags first, then the configuration,
    /// then the defaults.
    pub fn request(&self, config: &Config) -> anyhow::Result<Request> {
        let keep_cookies = if self.keep_cookies.is_empty() {
            config.keep_cookies.clone().unwrap_or_default()
        } else {
            self.keep_cookies.clone()
        };
        let request = Request {
            selection: self.select.selection(config)?,
            options: Options {
                categories: self.categories(config),
                keep_cookies,
                ignore_locks: self.ignore_locks,
                wait: std::time::Duration::from_secs(self.wait.or(config.wait).unwrap_or(0)),
                empty_downloads_folder: config.downloads.empty_folder,
                count: true,
                jobs: gomme::plan::default_jobs(),
                deadline: None,
                finished: None,
            },
            timeout: self.timeout.or(config.timeout),
            log: LogTo {
                file: self.log_file.clone().or(config.log.file.clone()),
                system: self.syslog || config.log.system,
            },
            json: self.json,
            session: gomme::session::Options::chosen(self.session, &config.session),
        };
        request.check()?;
        Ok(request)
    }
}

/// The gomme an installer points to: `--exe`, else this one.
fn exe_or_this(exe: &Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match exe {
        Some(exe) => Ok(exe.clone()),
        None => std::env::current_exe()
            .map_err(|e| anyhow::anyhow!("cannot tell where gomme is installed: {e}")),
    }
}

impl PlatformArg {
    pub fn or_this(arg: Option<PlatformArg>) -> gomme::schedule::Platform {
        use gomme::schedule::Platform;
        match arg {
            Some(PlatformArg::Linux) => Platform::Linux,
            Some(PlatformArg::Windows) => Platform::Windows,
            Some(PlatformArg::Macos) => Platform::Macos,
            None => Platform::current(),
        }
    }
}

impl ShortcutAction {
    pub fn request(&self) -> anyhow::Result<commands::shortcut::Request> {
        let (target, install, session) = match self {
            ShortcutAction::Install { target, session } => (target, true, *session),
            ShortcutAction::Remove { target } => (target, false, false),
        };
        Ok(commands::shortcut::Request {
            install,
            session,
            all_users: target.all_users,
            desktop: target.desktop.clone(),
            exe: exe_or_this(&target.exe)?,
            platform: PlatformArg::or_this(target.platform),
        })
    }
}

impl ScheduleAction {
    pub fn request(&self) -> anyhow::Result<commands::schedule::Request> {
        use commands::schedule::Action;
        let (target, dry_run, action) = match self {
            ScheduleAction::Install { target, dry_run } => (target, *dry_run, Action::Install),
            ScheduleAction::Remove { target, dry_run } => (target, *dry_run, Action::Remove),
            ScheduleAction::Status { target } => (target, true, Action::Status),
        };
        Ok(commands::schedule::Request {
            action,
            dry_run,
            root: target.root.clone(),
            exe: exe_or_this(&target.exe)?,
            platform: PlatformArg::or_this(target.platform),
        })
    }
}
