//! Scans a home for the markers of a manifest and prints the table.
//!
//! `cargo run --release --example scan -- <home> <manifest> [--details]`
//! (`<home>` may be `-` for the manifest's own home).

// A command-line tool: its output is println!/eprintln! by design.
#![allow(clippy::disallowed_macros)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let details = args.iter().any(|a| a == "--details");
    let pos: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [home, manifest] = pos.as_slice() else {
        eprintln!("usage: scan <home|-> <manifest.json> [--details]");
        return ExitCode::from(2);
    };
    let manifest = match trace_scanner::manifest::Manifest::load(manifest) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e:#}");
            return ExitCode::from(2);
        }
    };
    let home = if home.as_str() == "-" {
        manifest.home_dir()
    } else {
        PathBuf::from(home)
    };
    let start = Instant::now();
    let report = trace_scanner::scanner::scan(&home, &manifest.markers);
    let took = start.elapsed();
    print!("{report}");
    if details {
        print!("{}", report.details());
    }
    println!("scan took {:.3} s", took.as_secs_f64());
    ExitCode::SUCCESS
}
