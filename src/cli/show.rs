//! `gomme config show`'s settings: the very request a clean or an audit with the same flags
//! would make, each value with where it came from.

use super::What;
use gomme::config::Config;
use gomme::i18n::Lang;
use gomme::settings::{Origin, Setting, Value};

/// The settings in force for a clean or an audit run with `what`'s flags. `lang_flag`: the
/// language was given by `--lang` or `GOMME_LANG`.
pub fn settings(
    what: &What,
    config: &Config,
    lang: Lang,
    lang_flag: bool,
) -> anyhow::Result<Vec<Setting>> {
    let req = what.request(config)?;
    let policy = &config.sources.policy;
    let text = |p: &Option<std::path::PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let set = |key, value, origin| Setting { key, value, origin };
    Ok(vec![
        set(
            "categories",
            Value::List(
                req.options
                    .categories
                    .iter()
                    .map(|c| c.id().into())
                    .collect(),
            ),
            Origin::of(
                !what.only.is_empty() || !what.skip.is_empty(),
                policy.categories.is_some(),
                config.categories.is_some(),
            ),
        ),
        set(
            "browsers",
            Value::List(
                req.selection
                    .browsers
                    .iter()
                    .map(|b| b.id().into())
                    .collect(),
            ),
            Origin::of(
                !what.select.browsers.is_empty(),
                policy.browsers.is_some(),
                config.browsers.is_some(),
            ),
        ),
        set(
            "keep_cookies",
            Value::List(req.options.keep_cookies.clone()),
            Origin::of(
                !what.keep_cookies.is_empty(),
                policy.keep_cookies.is_some(),
                config.keep_cookies.is_some(),
            ),
        ),
        set(
            "wait",
            Value::Number(req.options.wait.as_secs()),
            Origin::of(
                what.wait.is_some(),
                policy.wait.is_some(),
                config.wait.is_some(),
            ),
        ),
        set(
            "timeout",
            Value::Number(req.timeout.unwrap_or(gomme::deadline::DEFAULT.as_secs())),
            Origin::of(
                what.timeout.is_some(),
                policy.timeout.is_some(),
                config.timeout.is_some(),
            ),
        ),
        set(
            "lang",
            Value::Text(Some(
                match lang {
                    Lang::En => "en",
                    Lang::Fr => "fr",
                }
                .into(),
            )),
            Origin::of(lang_flag, policy.lang.is_some(), config.lang.is_some()),
        ),
        set(
            "downloads.empty_folder",
            Value::Switch(req.options.empty_downloads_folder),
            // A file's `false` is the default's value: shown as the default.
            Origin::of(
                false,
                policy.downloads_empty_folder.is_some(),
                config.downloads.empty_folder,
            ),
        ),
        set(
            "log.file",
            Value::Text(text(&req.log.file)),
            Origin::of(
                what.log_file.is_some(),
                policy.log_file.is_some(),
                config.log.file.is_some(),
            ),
        ),
        set(
            "log.system",
            Value::Switch(req.log.system),
            Origin::of(
                what.syslog && !config.log.system,
                policy.log_system.is_some(),
                config.log.system,
            ),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::{Cli, Command, ConfigAction};
    use super::*;
    use clap::Parser;
    use gomme::policy::{Policy, Value as Reg};
    use gomme::Category;

    fn what(args: &[&str]) -> What {
        let cli = Cli::try_parse_from(["gomme", "config", "show"].iter().chain(args)).unwrap();
        let Command::Config {
            action: ConfigAction::Show { what },
        } = cli.command
        else {
            panic!("not config show");
        };
        what
    }

    fn with_policy(values: &[(&str, Reg)]) -> Config {
        let file = Config::parse(
            "categories = [\"history\", \"cache\"]\nwait = 3\nbrowsers = [\"chrome\"]\n",
            std::path::Path::new("/etc/gomme/config.toml"),
        )
        .unwrap();
        let policy =
            Policy::from_values(values.iter().map(|(n, v)| (n.to_string(), v.clone()))).unwrap();
        file.under(policy)
    }

    fn find<'a>(settings: &'a [Setting], key: &str) -> &'a Setting {
        settings.iter().find(|s| s.key == key).unwrap()
    }

    #[test]
    fn each_setting_says_where_it_came_from() {
        let config = with_policy(&[("categories", Reg::Strings(vec!["cookies".into()]))]);
        let s = settings(&what(&["--wait", "9"]), &config, Lang::En, false).unwrap();
        assert_eq!(find(&s, "categories").origin, Origin::Policy);
        assert_eq!(
            find(&s, "categories").value,
            Value::List(vec!["cookies".into()])
        );
        assert_eq!(find(&s, "wait").origin, Origin::Flag);
        assert_eq!(find(&s, "wait").value, Value::Number(9));
        assert_eq!(find(&s, "browsers").origin, Origin::File);
        assert_eq!(find(&s, "timeout").origin, Origin::Default);
        assert_eq!(find(&s, "timeout").value, Value::Number(300));
    }

    #[test]
    fn flags_narrow_a_policy_and_never_widen_it() {
        let config = with_policy(&[
            (
                "categories",
                Reg::Strings(vec!["cookies".into(), "history".into()]),
            ),
            ("browsers", Reg::Strings(vec!["firefox-family".into()])),
        ]);
        let w = what(&["--only", "cookies,cache", "--browser", "firefox,chrome"]);
        assert_eq!(
            w.categories(&config),
            [Category::Cookies].into_iter().collect()
        );
        let browsers = w.select.browsers_with(&config).unwrap();
        assert_eq!(browsers, [gomme::Browser::Firefox].into_iter().collect());
        // Only what the policy leaves out: a usage error that says so.
        let why = what(&["--only", "cache"])
            .contradiction(&config, Lang::En)
            .unwrap();
        assert!(
            why.contains("Group Policy") && why.contains("cookies"),
            "{why}"
        );
        // A browser name gomme does not know: the error says where it was written.
        let config = with_policy(&[("browsers", Reg::Strings(vec!["netscape".into()]))]);
        let err = what(&[]).select.browsers_with(&config).unwrap_err();
        assert!(
            err.contains("netscape") && err.contains("Group Policy"),
            "{err}"
        );
        let config = with_policy(&[(
            "categories",
            Reg::Strings(vec!["cookies".into(), "history".into()]),
        )]);
        // Without --only, the policy's own list.
        assert_eq!(
            what(&[]).categories(&config),
            [Category::Cookies, Category::History].into_iter().collect()
        );
    }
}
