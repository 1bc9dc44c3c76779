//! What the desktop recorded of the files a session clean removes: the recent-files lists
//! (GTK's `recently-used.xbel`, KDE's `RecentDocuments`, LibreOffice's picklist), the
//! freedesktop thumbnail cache, and on a Windows home the Recent Items shortcuts, the Jump
//! Lists and Explorer's thumbnail cache. Lists are edited (only the entries naming a removed
//! file go, the file stays valid); a trace file of its own is removed whole.

use super::{Removal, Removed};
use crate::error::{Error, Result};
use crate::fsops::{Counts, EntryKind, Folders};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The largest list file read (a recent-files list, a LibreOffice settings file).
const MAX_LIST: u64 = 32 * 1024 * 1024;
/// The largest thumbnail read for its `Thumb::URI`.
const MAX_THUMBNAIL: u64 = 8 * 1024 * 1024;

/// A list file the clean edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// GTK's `recently-used.xbel`.
    Xbel,
    /// LibreOffice's `registrymodifications.xcu`, its `PickList`.
    LibreOffice,
}

/// One step of the traces' plan.
#[derive(Debug, Clone)]
pub enum Step {
    /// Entries of a list naming removed files: `entries` of them.
    Edit {
        path: PathBuf,
        kind: ListKind,
        entries: u64,
    },
    /// A trace file of its own (a KDE recent document, a thumbnail, a Windows shortcut).
    Remove(Removal),
}

impl Step {
    pub fn counts(&self) -> Counts {
        match self {
            Step::Edit { entries, .. } => Counts {
                items: *entries,
                bytes: 0,
            },
            Step::Remove(r) => r.counts,
        }
    }
}

/// Plans the traces of `removed` in `home`; `since` is the session's start (Windows trace
/// files changed after it go).
pub fn plan(
    folders: &mut Folders,
    home: &Path,
    removed: &Removed,
    since: SystemTime,
    errors: &mut Vec<String>,
) -> Vec<Step> {
    let mut steps = Vec::new();
    if removed.is_empty() {
        return steps;
    }
    let lists = [
        (home.join(".local/share/recently-used.xbel"), ListKind::Xbel),
        (
            home.join(".config/libreoffice/4/user/registrymodifications.xcu"),
            ListKind::LibreOffice,
        ),
        (
            home.join("AppData/Roaming/LibreOffice/4/user/registrymodifications.xcu"),
            ListKind::LibreOffice,
        ),
    ];
    for (path, kind) in lists {
        match read_list(folders, &path) {
            Ok(None) => {}
            Ok(Some(text)) => match edit(kind, &text, removed) {
                Ok((_, 0)) => {}
                Ok((_, entries)) => steps.push(Step::Edit {
                    path,
                    kind,
                    entries,
                }),
                Err(why) => errors.push(format!("{}: {why}; not changed", list_name(kind))),
            },
            Err(e) => errors.push(format!("{}: {}", list_name(kind), super::unnamed(&e))),
        }
    }
    let mut remove =
        |folders: &mut Folders, path: PathBuf, base: &Path| match folders.measure(&path) {
            Ok(counts) => steps.push(Step::Remove(Removal {
                path,
                base: base.to_path_buf(),
                counts,
                folder: false,
                link: false,
            })),
            Err(e) => errors.push(format!("desktop traces: {}", super::unnamed(&e))),
        };
    // KDE's recent documents: one `.desktop` file per document.
    let kde = home.join(".local/share/RecentDocuments");
    for path in files_in(folders, &kde) {
        let names = folders
            .read_regular(&path, 1024 * 1024)
            .ok()
            .and_then(|b| kde_target(&String::from_utf8_lossy(&b), home))
            .is_some_and(|target| removed.names(&target));
        if names {
            remove(folders, path, &kde);
        }
    }
    // Freedesktop thumbnails, by the `Thumb::URI` each one carries, or else by their name:
    // the MD5 of the file's URI (a thumbnailer that wrote no `Thumb::URI`).
    let dirs = thumbnail_dirs(folders, home);
    let by_name = if dirs.is_empty() {
        BTreeSet::new()
    } else {
        thumbnail_names(folders, removed)
    };
    for (dir, base) in dirs {
        for path in files_in(folders, &dir) {
            if path.extension().is_none_or(|e| e != "png") {
                continue;
            }
            let named = path
                .file_stem()
                .is_some_and(|stem| by_name.contains(&*stem.to_string_lossy()));
            let names = named
                || folders
                    .read_regular(&path, MAX_THUMBNAIL)
                    .ok()
                    .and_then(|png| png_text(&png, "Thumb::URI"))
                    .and_then(|uri| file_path(&uri))
                    .is_some_and(|target| removed.names(&target));
            if names {
                remove(folders, path, &base);
            }
        }
    }
    // A Windows home: Recent Items shortcuts and Jump Lists made or changed since the
    // session started, and Explorer's thumbnail cache (one database for every file: it
    // cannot be edited per file, it goes whole and Explorer makes it again).
    let recent = home.join("AppData/Roaming/Microsoft/Windows/Recent");
    let explorer = home.join("AppData/Local/Microsoft/Windows/Explorer");
    let windows = [
        (recent.clone(), "lnk"),
        (recent.join("AutomaticDestinations"), ""),
        (recent.join("CustomDestinations"), ""),
        (explorer.clone(), "db"),
    ];
    for (dir, ext) in windows {
        for path in files_in(folders, &dir) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let fits = match ext {
                "lnk" => name.to_lowercase().ends_with(".lnk"),
                "db" => name.to_lowercase().starts_with("thumbcache_"),
                _ => true,
            };
            let new = folders
                .stamp(&path)
                .is_ok_and(|st| super::files::is_new(&st, since));
            if fits && new {
                remove(folders, path, &dir);
            }
        }
    }
    steps
}

fn list_name(kind: ListKind) -> &'static str {
    match kind {
        ListKind::Xbel => "recently-used.xbel",
        ListKind::LibreOffice => "LibreOffice's recent documents",
    }
}

/// Carries out an edit step again from the file as it is now; returns the entries removed.
pub fn execute_edit(
    folders: &mut Folders,
    path: &Path,
    kind: ListKind,
    removed: &Removed,
) -> Result<u64> {
    let Some(text) = read_list(folders, path)? else {
        return Ok(0);
    };
    let (new, entries) = edit(kind, &text, removed).map_err(|what| Error::Damaged {
        path: path.into(),
        what,
    })?;
    if entries > 0 {
        folders.check_in_place(path)?;
        folders.replace_file(path, new.as_bytes())?;
    }
    Ok(entries)
}

fn read_list(folders: &mut Folders, path: &Path) -> Result<Option<String>> {
    match folders.read_regular(path, MAX_LIST) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The regular files directly in `dir` (none if it is absent, a link or not a folder).
fn files_in(folders: &mut Folders, dir: &Path) -> Vec<PathBuf> {
    let Ok(mut names) = folders.list(dir) else {
        return Vec::new();
    };
    names.sort();
    names
        .into_iter()
        .map(|n| dir.join(n))
        .filter(|p| {
            folders
                .stamp(p)
                .is_ok_and(|st| st.kind == EntryKind::File && !st.other_filesystem)
        })
        .collect()
}

/// The names freedesktop thumbnails of the removed files would have: the MD5 of each one's
/// URI (the files in removed folders included, up to a bound).
fn thumbnail_names(folders: &mut Folders, removed: &Removed) -> BTreeSet<String> {
    const MAX_FILES: usize = 20_000;
    let mut files: Vec<PathBuf> = removed.files().cloned().collect();
    let mut pending: Vec<(PathBuf, usize)> = removed.folders().map(|f| (f.clone(), 0)).collect();
    while let Some((dir, depth)) = pending.pop() {
        if files.len() >= MAX_FILES || depth > 32 {
            break;
        }
        let Ok(names) = folders.list(&dir) else {
            continue;
        };
        for name in names {
            let path = dir.join(name);
            match folders.stamp(&path) {
                Ok(st) if st.kind == EntryKind::Folder && !st.other_filesystem => {
                    pending.push((path, depth + 1))
                }
                Ok(st) if st.kind == EntryKind::File => files.push(path),
                _ => {}
            }
        }
    }
    files
        .iter()
        .filter_map(|f| url::Url::from_file_path(f).ok())
        .map(|uri| super::md5::hex(uri.as_str().as_bytes()))
        .collect()
}

/// The thumbnail folders of `home`, each with the folder its removals stay inside.
fn thumbnail_dirs(folders: &mut Folders, home: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut dirs = Vec::new();
    for root in [home.join(".cache/thumbnails"), home.join(".thumbnails")] {
        for size in ["normal", "large", "x-large", "xx-large"] {
            dirs.push((root.join(size), root.clone()));
        }
        let fail = root.join("fail");
        if let Ok(mut apps) = folders.list(&fail) {
            apps.sort();
            for app in apps {
                dirs.push((fail.join(app), root.clone()));
            }
        }
    }
    dirs
}

/// The edited list and how many entries went.
fn edit(
    kind: ListKind,
    text: &str,
    removed: &Removed,
) -> std::result::Result<(String, u64), String> {
    match kind {
        ListKind::Xbel => edit_xbel(text, removed),
        ListKind::LibreOffice => Ok(edit_xcu(text, removed)),
    }
}

/// GTK's list without the `<bookmark>` elements whose `href` names a removed file (each with
/// the blank line space before it). The result is parsed again: a list that would not be
/// valid XML is not written.
fn edit_xbel(text: &str, removed: &Removed) -> std::result::Result<(String, u64), String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| format!("not valid XML ({e})"))?;
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    for node in doc.root_element().children() {
        if !node.is_element() || node.tag_name().name() != "bookmark" {
            continue;
        }
        let names = node
            .attribute("href")
            .and_then(file_path)
            .is_some_and(|p| removed.names(&p));
        if names {
            let range = node.range();
            let start = text[..range.start]
                .rfind(|c: char| !c.is_whitespace())
                .map_or(range.start, |i| i + 1);
            cut.push(start..range.end);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for r in &cut {
        out.push_str(&text[at..r.start]);
        at = r.end;
    }
    out.push_str(&text[at..]);
    roxmltree::Document::parse(&out).map_err(|e| format!("would not stay valid XML ({e})"))?;
    Ok((out, cut.len() as u64))
}

/// LibreOffice's settings without the picklist items naming a removed file (the item's
/// lines under `ItemList`, its thumbnail included, and its line under `OrderList`); the
/// order list is numbered again from 0, as LibreOffice numbers it.
fn edit_xcu(text: &str, removed: &Removed) -> (String, u64) {
    const PICKLIST: &str = "HistoryInfo['PickList']/";
    const ITEM: &str = "HistoryItem['";
    const ORDER: &str = "/OrderList/org.openoffice.Office.Histories:OrderList['";
    let names =
        |escaped: &str| file_path(&xml_unescape(escaped)).is_some_and(|p| removed.names(&p));
    let mut items = std::collections::BTreeSet::new();
    let mut out = String::with_capacity(text.len());
    let mut order = 0u64;
    for line in text.split_inclusive('\n') {
        if !line.contains(PICKLIST) {
            out.push_str(line);
            continue;
        }
        if let Some(rest) = line.split_once(ITEM).map(|(_, r)| r) {
            let url = rest.split("']").next().unwrap_or_default();
            if names(url) {
                items.insert(url.to_owned());
                continue;
            }
        } else if let Some((head, rest)) = line.split_once(ORDER) {
            let value = line
                .split_once("<value>")
                .and_then(|(_, v)| v.split_once("</value>"))
                .map(|(v, _)| v)
                .unwrap_or_default();
            if names(value) {
                items.insert(value.to_owned());
                continue;
            }
            if let Some((_, tail)) = rest.split_once("']") {
                out.push_str(&format!("{head}{ORDER}{order}']{tail}"));
                order += 1;
                continue;
            }
        }
        out.push_str(line);
    }
    (out, items.len() as u64)
}

fn xml_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The local file a `file://` URI (or a plain absolute path) names.
fn file_path(uri: &str) -> Option<PathBuf> {
    if uri.starts_with('/') {
        return Some(PathBuf::from(uri));
    }
    let url = url::Url::parse(uri).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

/// The document a KDE `RecentDocuments` entry names (`URL=`, or `URL[$e]=` with `$HOME`).
fn kde_target(text: &str, home: &Path) -> Option<PathBuf> {
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("URL[$e]=") {
            let home = home.to_string_lossy();
            let v = v.replace("$HOME", &home);
            return file_path(&v);
        }
        if let Some(v) = line.strip_prefix("URL=") {
            return file_path(v);
        }
    }
    None
}

/// The value of the PNG text chunk `key` (`tEXt`, or an uncompressed `iTXt`), looked for
/// before the image data.
pub fn png_text(png: &[u8], key: &str) -> Option<String> {
    let mut at = 8;
    if png.get(..8)? != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().ok()?) as usize;
        let kind = &png[at + 4..at + 8];
        let data = png.get(at + 8..(at + 8).checked_add(len)?)?;
        match kind {
            b"IDAT" | b"IEND" => return None,
            b"tEXt" => {
                let (k, v) = split_nul(data)?;
                if k == key.as_bytes() {
                    return Some(String::from_utf8_lossy(v).into_owned());
                }
            }
            b"iTXt" => {
                let (k, rest) = split_nul(data)?;
                if k == key.as_bytes() && rest.first() == Some(&0) {
                    let (_, rest) = split_nul(rest.get(2..)?)?;
                    let (_, text) = split_nul(rest)?;
                    return Some(String::from_utf8_lossy(text).into_owned());
                }
            }
            _ => {}
        }
        at += 12 + len;
    }
    None
}

fn split_nul(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = data.iter().position(|b| *b == 0)?;
    Some((&data[..i], &data[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(windows)]
    #[test]
    fn libreoffice_on_windows_names_files_by_drive_letter() {
        let p = "/org.openoffice.Office.Histories/Histories/org.openoffice.Office.Histories:HistoryInfo['PickList']";
        let text = format!(
            "<item oor:path=\"{p}/ItemList/org.openoffice.Office.Histories:HistoryItem['file:///C:/Users/u/Documents/a%20b.odt']\"><prop oor:name=\"Filter\"><value>writer8</value></prop></item>\n\
             <item oor:path=\"{p}/ItemList/org.openoffice.Office.Histories:HistoryItem['file:///C:/Users/u/Documents/keep.odt']\"><prop oor:name=\"Filter\"><value>writer8</value></prop></item>\n"
        );
        let (out, n) = edit_xcu(&text, &removed(&[(r"C:\Users\u\Documents\a b.odt", false)]));
        assert_eq!(n, 1, "{out}");
        assert!(out.contains("keep.odt") && !out.contains("a%20b"));
    }

    fn removed(paths: &[(&str, bool)]) -> Removed {
        Removed::new(paths.iter().map(|(p, f)| (PathBuf::from(p), *f)).collect())
    }

    // Unix paths and file URIs.
    #[cfg(unix)]
    #[test]
    fn xbel_loses_only_the_entries_of_removed_files_and_stays_xml() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xbel version=\"1.0\">\n  \
            <bookmark href=\"file:///home/u/Documents/carte%20id.pdf\" added=\"x\"><info/></bookmark>\n  \
            <bookmark href=\"file:///home/u/Documents/charte.pdf\"/>\n  \
            <bookmark href=\"file:///home/u/Documents/CAF/a.pdf\"></bookmark>\n</xbel>\n";
        let gone = removed(&[
            ("/home/u/Documents/carte id.pdf", false),
            ("/home/u/Documents/CAF", true),
        ]);
        let (out, n) = edit_xbel(text, &gone).unwrap();
        assert_eq!(n, 2);
        assert!(out.contains("charte.pdf") && !out.contains("carte") && !out.contains("CAF"));
        roxmltree::Document::parse(&out).unwrap();
    }

    // Unix paths and file URIs.
    #[cfg(unix)]
    #[test]
    fn libreoffice_picklist_loses_removed_files_and_is_numbered_again() {
        let p = "/org.openoffice.Office.Histories/Histories/org.openoffice.Office.Histories:HistoryInfo['PickList']";
        let text = format!(
            "<oor:items>\n\
             <item oor:path=\"{p}/ItemList/org.openoffice.Office.Histories:HistoryItem['file:///home/u/Documents/a%20b.odt']\"><prop oor:name=\"Thumbnail\" oor:op=\"fuse\"><value>AAAA</value></prop></item>\n\
             <item oor:path=\"{p}/ItemList/org.openoffice.Office.Histories:HistoryItem['file:///home/u/Documents/keep.odt']\"><prop oor:name=\"Filter\" oor:op=\"fuse\"><value>writer8</value></prop></item>\n\
             <item oor:path=\"{p}/OrderList/org.openoffice.Office.Histories:OrderList['0']\"><prop oor:name=\"HistoryItemRef\" oor:op=\"fuse\"><value>file:///home/u/Documents/a%20b.odt</value></prop></item>\n\
             <item oor:path=\"{p}/OrderList/org.openoffice.Office.Histories:OrderList['1']\"><prop oor:name=\"HistoryItemRef\" oor:op=\"fuse\"><value>file:///home/u/Documents/keep.odt</value></prop></item>\n\
             <item oor:path=\"/org.openoffice.Office.Common/Misc\"><prop oor:name=\"X\"><value>1</value></prop></item>\n\
             </oor:items>\n"
        );
        let (out, n) = edit_xcu(&text, &removed(&[("/home/u/Documents/a b.odt", false)]));
        assert_eq!(n, 1);
        assert!(!out.contains("a%20b") && !out.contains("AAAA"));
        assert!(out.contains("OrderList['0']\"><prop oor:name=\"HistoryItemRef\" oor:op=\"fuse\"><value>file:///home/u/Documents/keep.odt"));
        assert!(!out.contains("OrderList['1']"));
        assert!(out.contains("Common/Misc"));
    }

    // Unix paths and file URIs.
    #[cfg(unix)]
    #[test]
    fn kde_entries_name_their_document() {
        let home = Path::new("/home/u");
        let a = "[Desktop Entry]\nType=Link\nURL[$e]=file:$HOME/Documents/x.pdf\n";
        let b = "[Desktop Entry]\nURL=file:///home/u/Images/y%20z.jpg\n";
        assert_eq!(
            kde_target(a, home),
            Some(PathBuf::from("/home/u/Documents/x.pdf"))
        );
        assert_eq!(
            kde_target(b, home),
            Some(PathBuf::from("/home/u/Images/y z.jpg"))
        );
    }
}
