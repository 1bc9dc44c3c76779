//! A scan's run: the home walked into units of work, the units shared
//! among threads, their findings gathered into the report.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::leveldb_dir::is_leveldb_data_file;
use super::{Finding, Out, ScanReport, Scanner, State, Unit};
use crate::manifest::Marker;
use crate::matcher::Matcher;

impl<'a> Scanner<'a> {
    pub(super) fn new(home: &Path, markers: &'a [Marker]) -> Scanner<'a> {
        let tokens: Vec<&str> = markers.iter().map(|m| m.token.as_str()).collect();
        Scanner {
            home: home.to_path_buf(),
            markers,
            matcher: Matcher::new(&tokens),
            tmp: tempfile::tempdir().expect("temporary directory"),
            counter: AtomicUsize::new(0),
            key4: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn run(self) -> ScanReport {
        let mut out = Out::default();
        let units = self.collect_units(&mut out);
        let next = AtomicUsize::new(0);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 16);
        let results: Vec<Out> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut o = Out::default();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(unit) = units.get(i) else { break };
                            match unit {
                                Unit::File(p) => self.scan_file(p, &mut o),
                                Unit::LevelDb(files) => self.scan_leveldb(files, &mut o),
                            }
                        }
                        o
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("scanner thread"))
                .collect()
        });
        let mut findings = BTreeSet::new();
        for r in results {
            findings.extend(r.findings);
            out.notes.extend(r.notes);
            out.files += r.files;
            out.bytes += r.bytes;
        }
        out.notes.sort();
        out.notes.dedup();
        ScanReport {
            home: self.home.clone(),
            markers: self.markers.to_vec(),
            findings: findings.into_iter().collect(),
            notes: out.notes,
            kept_domains: None,
            files_scanned: out.files,
            bytes_scanned: out.bytes,
        }
    }

    pub(super) fn rel(&self, p: &Path) -> PathBuf {
        p.strip_prefix(&self.home).unwrap_or(p).to_path_buf()
    }

    /// Walks the home (never following links) and groups the files.
    fn collect_units(&self, out: &mut Out) -> Vec<Unit> {
        let mut files = Vec::new();
        let mut ldb: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        let mut is_ldb_dir: HashMap<PathBuf, bool> = HashMap::new();
        for e in walkdir::WalkDir::new(&self.home).follow_links(false) {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    out.notes.push(format!("walk: {err}"));
                    continue;
                }
            };
            if !e.file_type().is_file() {
                continue;
            }
            let path = e.into_path();
            let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
            let in_ldb = *is_ldb_dir
                .entry(dir.clone())
                .or_insert_with(|| dir.join("CURRENT").is_file());
            if in_ldb && is_leveldb_data_file(&path) {
                ldb.entry(dir).or_default().push(path);
            } else {
                files.push(path);
            }
        }
        let mut units: Vec<Unit> = ldb.into_values().map(Unit::LevelDb).collect();
        units.extend(files.into_iter().map(Unit::File));
        units
    }

    pub(super) fn finding(
        &self,
        o: &mut Out,
        token: usize,
        file: &Path,
        how: String,
        state: State,
    ) {
        o.findings.push(Finding {
            token: self.matcher.token(token).to_string(),
            file: self.rel(file),
            how,
            state,
        });
    }

    pub(super) fn read(&self, path: &Path, o: &mut Out) -> Option<Vec<u8>> {
        match fs::read(path) {
            Ok(d) => {
                o.files += 1;
                o.bytes += d.len() as u64;
                Some(d)
            }
            Err(e) => {
                o.notes
                    .push(format!("{}: unreadable: {e}", self.rel(path).display()));
                None
            }
        }
    }
}
