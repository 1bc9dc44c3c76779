//! What a scan found, asked about and printed.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use super::{CategorySummary, Finding, ScanReport, State};
use crate::manifest::{Marker, KEEP_CATEGORIES, TRACE_CATEGORIES};

impl ScanReport {
    /// Fails the test, saying what and where, if any trace is left or any keeper is lost.
    pub fn assert_clean(&self) {
        let traces: Vec<String> = self
            .traces(None)
            .iter()
            .map(|m| format!("{} {} {} {}", m.browser, m.category, m.token, m.profile))
            .collect();
        assert!(
            traces.is_empty(),
            "traces left:\n{}\n{}",
            traces.join("\n"),
            self.details()
        );
        let missing: Vec<&str> = self
            .missing_keepers()
            .iter()
            .map(|m| m.token.as_str())
            .collect();
        assert!(missing.is_empty(), "keepers lost: {missing:?}\n{self}");
    }

    pub fn marker(&self, token: &str) -> Option<&Marker> {
        self.markers.iter().find(|m| m.token == token)
    }

    /// Sets the domains the clean kept (for `keep_if_kept_domain`).
    pub fn set_kept_domains(&mut self, domains: &[&str]) {
        self.kept_domains = Some(domains.iter().map(|d| d.to_string()).collect());
    }

    pub fn is_keeper(&self, m: &Marker) -> bool {
        m.is_keeper(self.kept_domains.as_deref())
    }

    /// All findings of a token.
    pub fn findings_for(&self, token: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.token == token).collect()
    }

    /// Whether the token was found anywhere (live or leftover).
    pub fn found(&self, token: &str) -> bool {
        self.findings.iter().any(|f| f.token == token)
    }

    /// Whether the token was found live.
    pub fn live(&self, token: &str) -> bool {
        self.findings
            .iter()
            .any(|f| f.token == token && f.state == State::Live)
    }

    /// Findings of the markers of a category.
    pub fn markers_of(&self, category: &str) -> Vec<&Finding> {
        let tokens: HashSet<&str> = self
            .markers
            .iter()
            .filter(|m| m.category == category)
            .map(|m| m.token.as_str())
            .collect();
        self.findings
            .iter()
            .filter(|f| tokens.contains(f.token.as_str()))
            .collect()
    }

    /// Keepers that are not found live.
    pub fn missing_keepers(&self) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| self.is_keeper(m) && !self.live(&m.token))
            .collect()
    }

    /// Non-keeper markers found anywhere (live or leftover), optionally
    /// of one browser.
    pub fn traces(&self, browser: Option<&str>) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| {
                !self.is_keeper(m) && browser.is_none_or(|b| m.browser == b) && self.found(&m.token)
            })
            .collect()
    }

    /// Non-keeper markers found live.
    pub fn live_traces(&self, browser: Option<&str>) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| {
                !self.is_keeper(m) && browser.is_none_or(|b| m.browser == b) && self.live(&m.token)
            })
            .collect()
    }

    /// Markers (traces and keepers) found nowhere.
    pub fn not_found(&self) -> Vec<&Marker> {
        self.markers
            .iter()
            .filter(|m| !self.found(&m.token))
            .collect()
    }

    /// Per-category counts: known categories first, then any other.
    pub fn summary(&self) -> Vec<CategorySummary> {
        let mut order: Vec<String> = TRACE_CATEGORIES
            .iter()
            .chain(KEEP_CATEGORIES)
            .map(|s| s.to_string())
            .collect();
        for m in &self.markers {
            if !order.contains(&m.category) {
                order.push(m.category.clone());
            }
        }
        let mut live: HashSet<&str> = HashSet::new();
        let mut any: HashSet<&str> = HashSet::new();
        for f in &self.findings {
            any.insert(&f.token);
            if f.state == State::Live {
                live.insert(&f.token);
            }
        }
        order
            .into_iter()
            .map(|category| {
                let mut s = CategorySummary {
                    category,
                    ..Default::default()
                };
                for m in self.markers.iter().filter(|m| m.category == s.category) {
                    s.planted += 1;
                    let (l, a) = (
                        live.contains(m.token.as_str()),
                        any.contains(m.token.as_str()),
                    );
                    if !a {
                        s.not_found += 1;
                    }
                    if self.is_keeper(m) {
                        s.keepers += 1;
                        if !l {
                            s.keepers_missing += 1;
                        }
                    } else if l {
                        s.live += 1;
                    } else if a {
                        s.leftover_only += 1;
                    }
                }
                s
            })
            .filter(|s| s.planted > 0 || TRACE_CATEGORIES.contains(&s.category.as_str()))
            .collect()
    }

    /// A multi-line description of where each token was found.
    pub fn details(&self) -> String {
        let mut by_token: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &self.findings {
            by_token.entry(&f.token).or_default().push(f);
        }
        let mut out = String::new();
        for (token, fs) in by_token {
            let cat = self
                .marker(token)
                .map(|m| m.category.as_str())
                .unwrap_or("?");
            out.push_str(&format!("{token} [{cat}]\n"));
            for f in fs {
                out.push_str(&format!(
                    "    {:?} {} ({})\n",
                    f.state,
                    f.file.display(),
                    f.how
                ));
            }
        }
        out
    }
}

impl fmt::Display for ScanReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "scanned {} files, {} bytes under {}",
            self.files_scanned,
            self.bytes_scanned,
            self.home.display()
        )?;
        writeln!(
            f,
            "{:<11} {:>7} {:>5} {:>13} {:>9} {:>7} {:>15}",
            "category",
            "planted",
            "live",
            "leftover-only",
            "not-found",
            "keepers",
            "keepers-missing"
        )?;
        let mut total = CategorySummary {
            category: "total".into(),
            ..Default::default()
        };
        for s in self.summary() {
            total.planted += s.planted;
            total.live += s.live;
            total.leftover_only += s.leftover_only;
            total.not_found += s.not_found;
            total.keepers += s.keepers;
            total.keepers_missing += s.keepers_missing;
            write_row(f, &s)?;
        }
        write_row(f, &total)?;
        for n in &self.notes {
            writeln!(f, "note: {n}")?;
        }
        Ok(())
    }
}

fn write_row(f: &mut fmt::Formatter<'_>, s: &CategorySummary) -> fmt::Result {
    writeln!(
        f,
        "{:<11} {:>7} {:>5} {:>13} {:>9} {:>7} {:>15}",
        s.category, s.planted, s.live, s.leftover_only, s.not_found, s.keepers, s.keepers_missing
    )
}
