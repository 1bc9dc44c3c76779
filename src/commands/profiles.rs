//! `gomme profiles`: every profile found, with the state of its lock.

use super::{find, Selection};
use crate::exit_code::ExitCode;
use crate::i18n::Lang;
use crate::report::{ProfileList, SCHEMA};
use anyhow::Context as _;
use std::io::Write;

pub fn run(
    select: &Selection,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let found = find(select, lang)?;
    let list = ProfileList {
        schema: SCHEMA,
        profiles: &found.profiles,
        warnings: &found.warnings,
    };
    if json {
        list.write_json(out)
    } else {
        list.write_human(out, lang)
    }
    .context("cannot write the list")?;
    Ok(match found.unread_homes.len() {
        0 => ExitCode::Done,
        _ if found.profiles.is_empty() => ExitCode::Fatal,
        _ => ExitCode::ProfileFailed,
    })
}
