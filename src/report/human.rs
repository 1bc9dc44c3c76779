//! The human report: a table of profiles by category, items and sizes, in the person's
//! language. The model it prints is in `report/mod.rs`; the words come from `i18n`.

use super::{Mode, ProfileList, Report, Status};
use crate::i18n::{Lang, Title};
use crate::sanitize::for_terminal;
use std::io::{self, Write};

impl Report {
    /// The human table: profile by category, items and sizes, then a totals line.
    pub fn write_human(&self, out: &mut impl Write, lang: Lang) -> io::Result<()> {
        self.write_human_titled(out, lang, self.title())
    }

    /// The title of this report's own mode.
    pub fn title(&self) -> Title {
        match self.mode {
            Mode::DryRun => Title::DryRun,
            Mode::Clean => Title::Clean,
        }
    }

    /// The same table under another title. Profiles with nothing to remove and nothing wrong
    /// are summed up in one line.
    pub fn write_human_titled(
        &self,
        out: &mut impl Write,
        lang: Lang,
        title: Title,
    ) -> io::Result<()> {
        let shown = |p: &&super::ProfileReport| {
            p.counts().items > 0 || !matches!(p.status, Status::Planned | Status::Cleaned)
        };
        let any_row = self.profiles.iter().any(|p| shown(&p))
            || self.session.iter().any(|s| s.counts().items > 0);
        writeln!(out, "{}", lang.title(title, any_row))?;
        if self.profiles.is_empty() {
            writeln!(out, "{}", lang.nothing_found())?;
            return write_session(&self.session, out, lang);
        }
        let h = lang.headings();
        let mut rows: Vec<[String; 6]> = vec![h.map(str::to_owned)];
        for p in &self.profiles {
            let mut lead = [
                p.browser.to_string(),
                p.variant.to_string(),
                for_terminal(&p.profile).into_owned(),
            ];
            let mut push = |lead: &mut [String; 3], cat: String, items: String, size: String| {
                let [a, b, c] = std::mem::take(lead);
                rows.push([a, b, c, cat, items, size]);
            };
            let empty =
                p.counts().items == 0 && matches!(p.status, Status::Planned | Status::Cleaned);
            if empty {
                continue;
            }
            if p.status == Status::SkippedRunning || p.categories.is_empty() {
                let note = format!("({})", lang.status(p.status));
                push(&mut lead, note, String::new(), String::new());
                continue;
            }
            for (cat, counts) in &p.categories {
                push(
                    &mut lead,
                    lang.category(*cat).to_owned(),
                    counts.items.to_string(),
                    lang.size(counts.bytes),
                );
            }
            if matches!(p.status, Status::Error | Status::Unfinished) {
                push(
                    &mut lead,
                    format!("({})", lang.status(p.status)),
                    String::new(),
                    String::new(),
                );
            }
        }
        let others = rows.len() > 1;
        if others {
            write_table(out, &rows, &[false, false, false, false, true, true])?;
        }
        let empty = self.profiles.iter().filter(|p| !shown(p)).count();
        if empty > 0 {
            writeln!(out, "{}", lang.nothing_in(empty, others))?;
        }
        for p in &self.profiles {
            for note in &p.notes {
                let profile = format!("{} {}", p.browser, for_terminal(&p.profile));
                writeln!(
                    out,
                    "{}",
                    lang.newer_than_tested(&profile, note, self.mode == Mode::Clean)
                )?;
            }
        }
        write_session(&self.session, out, lang)?;
        let t = &self.totals;
        writeln!(
            out,
            "{}",
            lang.totals(
                t.profiles,
                t.items,
                &lang.size(t.bytes),
                t.skipped,
                t.errors
            )
        )
    }
}

impl ProfileList<'_> {
    pub fn write_human(&self, out: &mut impl Write, lang: Lang) -> io::Result<()> {
        if self.profiles.is_empty() {
            return writeln!(out, "{}", lang.nothing_found());
        }
        let h = lang.headings();
        let mut rows = vec![[
            h[0].to_owned(),
            h[1].to_owned(),
            h[2].to_owned(),
            lang.state_heading().to_owned(),
            lang.path_heading().to_owned(),
        ]];
        for p in self.profiles {
            rows.push([
                p.browser.to_string(),
                p.variant.to_string(),
                for_terminal(&p.profile).into_owned(),
                lang.lock(&p.lock),
                for_terminal(&p.path.to_string_lossy()).into_owned(),
            ]);
        }
        write_table(out, &rows, &[false; 5])
    }
}

/// Writes rows as aligned columns; the first row is the heading.
fn write_table<const N: usize>(
    out: &mut impl Write,
    rows: &[[String; N]],
    right: &[bool; N],
) -> io::Result<()> {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i > 0 {
                line.push_str("  ");
            }
            if right[i] {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                if i + 1 < N {
                    line.extend(std::iter::repeat_n(' ', pad));
                }
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The session part of the human report: per home, per personal folder, then the traces.
fn write_session(
    session: &[super::session::SessionReport],
    out: &mut impl Write,
    lang: Lang,
) -> io::Result<()> {
    for s in session {
        let home = crate::sanitize::for_terminal(&s.home.to_string_lossy()).into_owned();
        writeln!(out, "{}", lang.session_heading(&home))?;
        for (id, c) in &s.folders {
            if c.items > 0 {
                writeln!(
                    out,
                    "  {}",
                    lang.session_line(&lang.folder_name(id), c.items, &lang.size(c.bytes))
                )?;
            }
        }
        let t = s
            .categories
            .get(super::session::TRACES)
            .copied()
            .unwrap_or_default();
        let f = s
            .categories
            .get(super::session::FILES)
            .copied()
            .unwrap_or_default();
        if f.items == 0 {
            writeln!(out, "  {}", lang.session_nothing())?;
        }
        if t.items > 0 {
            writeln!(
                out,
                "  {}",
                lang.session_line(lang.traces_name(), t.items, &lang.size(t.bytes))
            )?;
        }
        for e in &s.errors {
            writeln!(out, "  {}", crate::sanitize::for_terminal(e))?;
        }
    }
    Ok(())
}
