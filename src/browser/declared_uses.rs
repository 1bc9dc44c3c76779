//! Each database statement uses only the tables and columns it declares: run on a database
//! made of exactly those, it must prepare. The probes that decide whether a database a browser
//! update changed can still be cleaned check what is declared, so an undeclared column would
//! be one the probe does not look for.

use super::rules::{Act, Rule};
use super::{chromium, engine, firefox, Family};
use crate::sqlite::{DbClean, Sql, Uses};
use rusqlite::Connection;

/// A database with exactly the tables and columns `uses` names (a table with none named gets
/// one no statement names), the attached ones under their names.
fn made_of(uses: &[Uses]) -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    for (table, columns) in uses {
        let (schema, name) = table.split_once('.').unwrap_or(("main", table));
        if schema != "main" {
            let attached: bool = conn
                .query_row(
                    "SELECT count(*) FROM pragma_database_list WHERE name = ?1",
                    [schema],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
                > 0;
            if !attached {
                conn.execute("ATTACH DATABASE ':memory:' AS ?1", [schema])
                    .unwrap();
            }
        }
        let exists: bool = conn
            .query_row(
                &format!("SELECT count(*) FROM \"{schema}\".sqlite_master WHERE name = ?1"),
                [name],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            > 0;
        assert!(!exists, "{table} is declared twice");
        let columns = if columns.is_empty() {
            "gomme_declared_nothing".to_owned()
        } else {
            columns.join(", ")
        };
        conn.execute_batch(&format!("CREATE TABLE \"{schema}\".\"{name}\" ({columns})"))
            .unwrap();
    }
    conn
}

/// What is wrong with a statement against what it declares, if anything.
fn undeclared(sql: &str, uses: &[Uses], needs_table: Option<&str>) -> Option<String> {
    if let Some(table) = needs_table {
        if !uses.iter().any(|(t, _)| *t == table) {
            return Some(format!(
                "runs only if {table} exists, but does not declare it"
            ));
        }
    }
    let conn = made_of(uses);
    conn.prepare(sql)
        .err()
        .map(|e| format!("uses what it does not declare: {e}"))
}

fn check_clean(clean: &DbClean, problems: &mut Vec<String>) {
    for step in &clean.steps {
        let Sql::One(sql) = &step.sql else { continue };
        if let Some(why) = undeclared(sql, &step.uses, step.needs_table) {
            problems.push(format!("{}: {sql}: {why}", clean.path.display()));
        }
    }
}

fn check_rules(rules: &[Rule], problems: &mut Vec<String>) {
    for rule in rules {
        if let Act::Rows { db, steps, .. } = rule.act {
            for s in steps {
                if let Some(why) = undeclared(s.sql, s.uses, s.table) {
                    problems.push(format!("{db}: {}: {why}", s.sql));
                }
            }
        }
    }
}

#[test]
fn every_statement_uses_only_what_it_declares() {
    let mut problems = Vec::new();
    check_rules(engine(Family::Firefox).rules(), &mut problems);
    check_rules(engine(Family::Chromium).rules(), &mut problems);
    let cleans: Vec<DbClean> = firefox::special::every_clean()
        .into_iter()
        .chain(chromium::special::every_clean())
        .collect();
    assert!(
        cleans.len() > 10,
        "the special steps' cleans were not all listed"
    );
    for clean in &cleans {
        check_clean(clean, &mut problems);
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The check above can fail: a statement naming a column, or a table, it does not declare.
#[test]
fn an_undeclared_column_or_table_is_caught() {
    let uses: &[Uses] = &[("moz_places", &["id"])];
    assert!(undeclared("DELETE FROM moz_places WHERE id = 1", uses, None).is_none());
    assert!(undeclared("DELETE FROM moz_places WHERE foreign_count = 0", uses, None).is_some());
    assert!(undeclared(
        "DELETE FROM moz_places WHERE id IN (SELECT place_id FROM moz_historyvisits)",
        uses,
        None
    )
    .is_some());
    assert!(undeclared("DELETE FROM moz_places", uses, Some("moz_origins")).is_some());
    let attached: &[Uses] = &[("icons", &["url"]), ("places.moz_places", &["url"])];
    assert!(undeclared(
        "DELETE FROM icons WHERE url NOT IN (SELECT url FROM places.moz_places)",
        attached,
        None
    )
    .is_none());
}
