//! Browser-specific knowledge, one module per family behind one trait: turn a profile and a
//! category into planned actions.

mod chromium;
mod firefox;

use crate::browser::Family;
use crate::category::Category;
use crate::discover::Profile;
use crate::error::{Error, Result};
use crate::fsops;
use crate::plan::{Action, CategoryPlan, Options};
use std::path::Path;

pub trait Engine {
    /// Plans one category for one profile, reading only. `None` when this engine does not
    /// handle the category yet.
    fn plan(
        &self,
        profile: &Profile,
        category: Category,
        opts: &Options,
    ) -> Result<Option<CategoryPlan>>;
}

pub fn for_family(family: Family) -> &'static dyn Engine {
    match family {
        Family::Firefox => &firefox::Firefox,
        Family::Chromium => &chromium::Chromium,
    }
}

/// Plans the removal of each named entry of `base` that exists, counted now.
fn remove_entries(plan: &mut CategoryPlan, base: &Path, names: &[&str]) -> Result<()> {
    for name in names {
        let path = base.join(name);
        if !fsops::exists(&path) {
            continue;
        }
        let counts = match fsops::measure(&path) {
            Ok(c) => c,
            Err(Error::Link { path }) => {
                tracing::warn!(path = %path.display(), "is a link; not followed");
                continue;
            }
            Err(e) => return Err(e),
        };
        plan.actions.push(Action::Remove {
            path,
            base: base.to_path_buf(),
            counts,
        });
    }
    Ok(())
}

/// Plans the removal of everything inside `base` except the named entries.
fn remove_all_but(plan: &mut CategoryPlan, base: &Path, keep: &[&str]) -> Result<()> {
    let entries = std::fs::read_dir(base).map_err(|e| Error::io(base, e))?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect();
    names.sort();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    remove_entries(plan, base, &names)
}
