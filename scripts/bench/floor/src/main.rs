//! The floor: the least work that leaves a home as a gomme clean leaves it. It deletes the
//! same rows (by rowid, one transaction per database), `VACUUM`s the same databases, deletes
//! the same files and folders and rewrites the same settings files, and nothing else: no
//! discovery, no schema check, no plan or dry run, no `secure_delete`, no report.
//!
//! `floor LIST`, where each line of LIST is `<op> <arg>`, run in order:
//! - `V <path>` opens a database; the `Q <sql>` lines that follow run in one transaction, then
//!   the database is vacuumed and closed (SQLite's default: the WAL is checkpointed and
//!   removed at close);
//! - `F <path>` deletes a file or link; `D <path>` removes an emptied folder;
//! - `R <path>` rewrites a file with its own bytes: temporary file, fsync, rename (what any
//!   atomic settings edit costs).

use std::fs;
use std::io::Write;
use std::path::Path;

fn main() {
    let list = std::env::args().nth(1).expect("usage: floor LIST");
    let text = fs::read_to_string(&list).expect("read list");
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some((op, arg)) = line.split_once(' ') else {
            continue;
        };
        let path = Path::new(arg);
        let done = match op {
            "V" => {
                let mut sql = Vec::new();
                while let Some(q) = lines.peek().and_then(|l| l.strip_prefix("Q ")) {
                    sql.push(q);
                    lines.next();
                }
                clean_db(path, &sql).map_err(|e| e.to_string())
            }
            "F" => fs::remove_file(path).map_err(|e| e.to_string()),
            "D" => fs::remove_dir(path).map_err(|e| e.to_string()),
            "R" => rewrite(path).map_err(|e| e.to_string()),
            _ => Err(format!("unknown op {op}")),
        };
        if let Err(e) = done {
            eprintln!("floor: {}: {e}", path.display());
        }
    }
}

fn clean_db(path: &Path, sql: &[&str]) -> rusqlite::Result<()> {
    let mut conn = rusqlite::Connection::open(path)?;
    // The rows are replayed table by table, not parent-last: the end state is gomme's,
    // consistent, so the per-row checks of the bundled build's default are skipped.
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    if !sql.is_empty() {
        let tx = conn.transaction()?;
        for q in sql {
            tx.execute_batch(q)?;
        }
        tx.commit()?;
    }
    conn.execute_batch("VACUUM")?;
    conn.close().map_err(|(_, e)| e)
}

fn rewrite(path: &Path) -> std::io::Result<()> {
    let bytes = fs::read(path)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".floor-tmp");
    let mut f = fs::File::create(&tmp)?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    fs::rename(&tmp, path)
}
