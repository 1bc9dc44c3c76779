//! Where each category lives, as data. Each family has one `const` table of rules (like
//! ripgrep's default file types): a place in the profile, what to do there, and the categories
//! it serves. Plain removals and row deletes are data; the few steps a table cannot say (the
//! history databases, cookies with a keep list, settings files, downloaded files) are code,
//! named here with a sentence for the README. `README.md`'s "What each category removes" table
//! is made from these tables, and a test fails when the two drift apart.

use super::steps::{database_if_present, remove_database_file, remove_entries};
use crate::category::Category;
use crate::plan::planner::Planner;
use crate::sqlite::{Sql, Step, Uses, Version};
use std::path::PathBuf;

/// One rule of a family's table.
#[derive(Clone, Copy)]
pub struct Rule {
    /// The categories it serves: it applies when any of them is chosen. Only special steps
    /// serve more than one (one transaction for two categories).
    pub categories: &'static [Category],
    pub place: Place,
    pub act: Act,
}

/// Where a rule acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The profile's folder.
    Profile,
    /// A folder below it (`Network`, `storage`).
    Below(&'static str),
    /// The profile's OS cache folder, when it has one.
    OsCache,
}

/// What a rule does.
#[derive(Clone, Copy)]
pub enum Act {
    /// Removes these files or folders, whole.
    Remove(&'static [&'static str]),
    /// Removes these databases, with their `-wal`, `-shm` and `-journal`.
    RemoveDatabases(&'static [&'static str]),
    /// Empties every table but `meta` of these databases (they hold nothing but what a person
    /// left), in one transaction each.
    EmptyDatabases(&'static [&'static str]),
    /// Runs these statements on the database `db` (which must hold `tables`), in one
    /// transaction. `version`: where it records its schema version, and the versions gomme
    /// was tested with (a newer one is noted, not refused).
    Rows {
        db: &'static str,
        tables: &'static [&'static str],
        version: Option<Version>,
        steps: &'static [Statement],
    },
    /// Removes the entries of the folder `folder` (`""`: the place itself) but those whose
    /// name starts with `keep` (extensions' own storage).
    Entries {
        folder: &'static str,
        keep: Option<&'static str>,
    },
    /// Code, for what a table cannot say; `what` says it for the README, `databases` names
    /// the databases it cleans (relative to the place; tests check them).
    Special {
        what: &'static str,
        plan: fn(&mut Planner),
        databases: &'static [&'static str],
    },
}

/// A statement of [`Act::Rows`].
#[derive(Debug, Clone, Copy)]
pub struct Statement {
    pub sql: &'static str,
    /// The tables and columns it uses: what the database is probed for (see
    /// [`crate::sqlite::Step::uses`]).
    pub uses: &'static [Uses],
    /// Run only if the database has this table (browsers add and drop tables across versions).
    pub table: Option<&'static str>,
    /// Whether the rows it changes are removed items (a tidying step's are not).
    pub counted: bool,
}

/// What the special step that removes downloaded files says, in both families.
pub const DOWNLOADED_FILES: &str =
    "the files the download records name, if still regular files inside the home";

/// A rule.
pub const fn rule(categories: &'static [Category], place: Place, act: Act) -> Rule {
    Rule {
        categories,
        place,
        act,
    }
}

/// A statement whose changed rows are removed items; `uses`: the tables and columns it uses.
pub const fn delete(sql: &'static str, uses: &'static [Uses]) -> Statement {
    Statement {
        sql,
        uses,
        table: None,
        counted: true,
    }
}

/// [`delete`], run only if the database has `table`.
pub const fn delete_if(table: &'static str, sql: &'static str, uses: &'static [Uses]) -> Statement {
    Statement {
        sql,
        uses,
        table: Some(table),
        counted: true,
    }
}

/// A statement that tidies kept rows (counters, caches), not counted as removed items.
pub const fn tidy(sql: &'static str, uses: &'static [Uses]) -> Statement {
    Statement {
        sql,
        uses,
        table: None,
        counted: false,
    }
}

/// Plans every rule of `rules` whose categories are chosen, in order.
pub fn apply_all(p: &mut Planner, rules: &[Rule]) {
    for rule in rules {
        // Every chosen category is asked about, so that each is reported (even when nothing
        // is found).
        let mut chosen = false;
        for category in rule.categories {
            chosen |= p.wants(*category);
        }
        if chosen {
            apply(p, rule);
        }
    }
}

fn apply(p: &mut Planner, rule: &Rule) {
    let category = rule.categories[0];
    let base: PathBuf = match rule.place {
        Place::Profile => p.profile.path.clone(),
        Place::Below(folder) => p.profile.path.join(folder),
        Place::OsCache => match &p.profile.cache_dir {
            Some(cache) => cache.clone(),
            None => return,
        },
    };
    match rule.act {
        Act::Remove(names) => {
            for name in names {
                p.remove(category, &base, name);
                p.remove_interrupted_writes(category, &base, name);
            }
        }
        Act::RemoveDatabases(names) => {
            for name in names {
                remove_database_file(p, category, &base, name);
            }
        }
        Act::EmptyDatabases(names) => {
            for name in names {
                let step = Step {
                    category,
                    sql: Sql::EmptyAllBut(&[]),
                    counted: true,
                    needs_table: None,
                    uses: Vec::new(),
                };
                database_if_present(p, base.join(name), &[], None, vec![step]);
            }
        }
        Act::Rows {
            db,
            tables,
            version,
            steps,
        } => {
            let steps = steps
                .iter()
                .map(|s| Step {
                    category,
                    sql: Sql::One(s.sql.to_owned()),
                    counted: s.counted,
                    needs_table: s.table,
                    uses: s.uses.to_vec(),
                })
                .collect();
            database_if_present(p, base.join(db), tables, version, steps);
        }
        Act::Entries { folder, keep } => {
            let dir = if folder.is_empty() {
                base
            } else {
                base.join(folder)
            };
            remove_entries(p, category, &dir, |name| {
                keep.is_none_or(|prefix| !name.starts_with(prefix))
            });
        }
        Act::Special { plan, .. } => plan(p),
    }
}

/// The databases `rules` clean in place (not those removed whole), relative to the profile:
/// what must be left with nothing pending in a WAL or journal after a clean.
pub fn cleaned_databases(rules: &[Rule]) -> Vec<String> {
    let mut out = Vec::new();
    for rule in rules {
        let prefix = prefix(rule.place);
        let names: &[&str] = match &rule.act {
            Act::Rows { db, .. } => std::slice::from_ref(db),
            Act::EmptyDatabases(list) => list,
            Act::Special { databases, .. } => databases,
            Act::Remove(_) | Act::RemoveDatabases(_) | Act::Entries { .. } => &[],
        };
        out.extend(names.iter().map(|n| format!("{prefix}{n}")));
    }
    out
}

/// What a place's names are relative to the profile with: `Network/` for a folder below it.
fn prefix(place: Place) -> String {
    match place {
        Place::Below(folder) => format!("{folder}/"),
        Place::Profile | Place::OsCache => String::new(),
    }
}

/// The files and folders `rules` remove by name, relative to the profile (the OS cache
/// folder's are left out): what an interrupted write could have left a copy of beside them.
pub fn removed_names(rules: &[Rule]) -> Vec<String> {
    let mut out = Vec::new();
    for rule in rules {
        if matches!(rule.place, Place::OsCache) {
            continue;
        }
        let prefix = prefix(rule.place);
        if let Act::Remove(list) = rule.act {
            out.extend(list.iter().map(|n| format!("{prefix}{n}")));
        }
    }
    out
}

/// What a rule covers, in the README's words: the names it acts on, or its sentence.
pub fn describe(rule: &Rule) -> String {
    let prefix = prefix(rule.place);
    let names = |list: &[&str]| -> String {
        let quoted: Vec<String> = list.iter().map(|n| format!("`{prefix}{n}`")).collect();
        quoted.join(", ")
    };
    let body = match rule.act {
        Act::Remove(list) => names(list),
        Act::RemoveDatabases(list) => format!("{} (with WAL and journal)", names(list)),
        Act::EmptyDatabases(list) => format!("{} (every table)", names(list)),
        Act::Rows { db, .. } => format!("{} rows", names(&[db])),
        Act::Entries { folder, keep } => {
            let what = if folder.is_empty() {
                "everything".to_owned()
            } else {
                format!("the entries of {}", names(&[folder]))
            };
            match keep {
                Some(kept) => format!("{what} but `{kept}…`"),
                None => what,
            }
        }
        Act::Special { what, .. } => what.to_owned(),
    };
    match rule.place {
        Place::OsCache => format!("{body} in the OS cache folder"),
        _ => body,
    }
}

/// The README's "What each category removes" table, made from the families' rules.
pub fn category_table() -> String {
    use super::Family;
    let mut out = String::from("| Category | Firefox family | Chromium family |\n|---|---|---|\n");
    for category in Category::ALL {
        let cell = |family: Family| -> String {
            let parts: Vec<String> = super::engine(family)
                .rules()
                .iter()
                .filter(|r| r.categories.contains(&category))
                .map(describe)
                .collect();
            if parts.is_empty() {
                uncovered(family, category)
                    .map(|why| format!("nothing: {why}"))
                    .unwrap_or_default()
            } else {
                parts.join("; ")
            }
        };
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            category.id(),
            cell(Family::Firefox),
            cell(Family::Chromium)
        ));
    }
    out
}

/// The (family, category) pairs no rule covers, and why.
pub const UNCOVERED: &[(super::Family, Category, &str)] = &[];

/// Why no rule of `family` covers `category`, if that is on purpose.
pub fn uncovered(family: super::Family, category: Category) -> Option<&'static str> {
    UNCOVERED
        .iter()
        .find(|(f, c, _)| *f == family && *c == category)
        .map(|(_, _, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::browser::{engine, Family};

    /// Every (family, category) pair has at least one rule, or says in [`UNCOVERED`] why not.
    #[test]
    fn every_family_covers_every_category_or_says_why() {
        let mut missing = Vec::new();
        for family in [Family::Firefox, Family::Chromium] {
            for category in Category::ALL {
                let covered = engine(family)
                    .rules()
                    .iter()
                    .any(|r| r.categories.contains(&category));
                if !covered && uncovered(family, category).is_none() {
                    missing.push(format!("{family:?} {category}"));
                }
            }
        }
        assert!(missing.is_empty(), "no rule and no reason for: {missing:?}");
    }

    /// `README.md`'s "What each category removes" table is the one the rules make.
    /// `GOMME_BLESS=1 cargo test --lib readme` writes it there.
    #[test]
    fn readme_category_table_is_made_from_the_rules() {
        const BEGIN: &str = "<!-- category table: made from src/browser/*/rules.rs -->\n";
        const END: &str = "<!-- end of category table -->";
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let start = readme
            .find(BEGIN)
            .expect("README has the category table's markers")
            + BEGIN.len();
        let end = readme[start..]
            .find(END)
            .expect("README has its end marker")
            + start;
        let want = category_table();
        if readme[start..end] != want && std::env::var_os("GOMME_BLESS").is_some() {
            let updated = format!("{}{want}{}", &readme[..start], &readme[end..]);
            #[allow(clippy::disallowed_methods)] // the repository's own README
            std::fs::write(&path, updated).unwrap();
            return;
        }
        assert!(
            readme[start..end] == want,
            "README.md's category table drifted from the rules; GOMME_BLESS=1 cargo test --lib \
             readme rewrites it. It should be:\n{want}"
        );
    }

    /// Every special step says what it does, for the README.
    #[test]
    fn special_steps_are_described() {
        for family in [Family::Firefox, Family::Chromium] {
            for rule in engine(family).rules() {
                if let Act::Special { what, .. } = rule.act {
                    assert!(
                        what.len() > 10,
                        "{family:?}: a special step without a sentence"
                    );
                }
                assert!(!rule.categories.is_empty());
            }
        }
    }
}
