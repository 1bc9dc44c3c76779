//! Finding profiles: every known layout under each home, read the way the browser reads it
//! (`profiles.ini`, `Local State`) plus whatever profile folders are on disk but unlisted.

pub mod context;
pub mod layout;

use crate::browser::kind::Browser;
use crate::profile::Problem;
pub use crate::profile::{Discovery, Profile, Warning};
use context::{contained_dir, Context};
use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Looks in each home for every profile of the chosen browsers.
pub fn discover(homes: &[PathBuf], browsers: &BTreeSet<Browser>) -> Discovery {
    let mut found = Discovery::default();
    let mut seen = HashSet::new();
    for home in homes {
        let home = match readable_home(home) {
            Ok(home) => home,
            Err(problem) => {
                found.warnings.push(Warning {
                    path: home.clone(),
                    problem,
                });
                found.unread_homes.push(home.clone());
                continue;
            }
        };
        for root in layout::ROOTS
            .iter()
            .filter(|r| browsers.contains(&r.browser))
        {
            for config in expand(&home, root.config) {
                let Some(config) = contained_dir(&home, &config, &mut found.warnings) else {
                    continue;
                };
                let ctx = Context {
                    home: &home,
                    root,
                    config: &config,
                };
                let engine = crate::browser::engine(root.browser.family());
                let profiles = engine.discover(&ctx, &mut found.warnings);
                for p in profiles {
                    if seen.insert(p.path.clone()) {
                        found.profiles.push(p);
                    }
                }
            }
        }
    }
    found
}

/// The home `home` resolved, if it is a folder that can be listed; else why not.
fn readable_home(home: &Path) -> Result<PathBuf, Problem> {
    let real = match dunce::canonicalize(home) {
        Ok(real) => real,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Problem::HomeMissing),
        Err(e) => return Err(Problem::HomeUnreadable(e.to_string())),
    };
    if !real.is_dir() {
        return Err(Problem::HomeNotFolder);
    }
    if let Err(e) = fs::read_dir(&real) {
        return Err(Problem::HomeUnreadable(e.to_string()));
    }
    Ok(real)
}

/// Expands a layout path with `*` components into the real directories it names.
fn expand(home: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut current = vec![home.to_path_buf()];
    for comp in pattern.split('/') {
        let mut next = Vec::new();
        for dir in current {
            if comp == "*" {
                // Never list a folder that a link leads to out of the home.
                if !dunce::canonicalize(&dir).is_ok_and(|real| real.starts_with(home)) {
                    continue;
                }
                let Ok(entries) = fs::read_dir(&dir) else {
                    continue;
                };
                let mut subdirs: Vec<PathBuf> = entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path())
                    .collect();
                subdirs.sort();
                next.extend(subdirs);
            } else {
                next.push(dir.join(comp));
            }
        }
        current = next;
    }
    current
}
