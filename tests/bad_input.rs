//! Bad input, kept as files: each folder under tests/bad-input/ patches the base fixture site
//! (tests/fixtures/base-site/) and says in `expected` what trailmap must print.
//!
//! For every case: a good build first, then the broken one, which must exit non-zero without
//! panicking, print each expected line (file:line:col, message, hint), and leave the previous
//! output exactly as it was.
//!
//! Optional files in a case: `delete` (paths to remove from the site, one per line) and `args`
//! (the command line, with `{site}` for the site folder; default `build {site} --no-png`).

mod common;
use common::*;
use std::path::Path;

const CASE_FILES: [&str; 3] = ["expected", "args", "delete"];

fn run_case(case: &Path) -> Result<(), String> {
    let (_guard, site) = site_copy("tests/fixtures/base-site");
    let first = trailmap(["build".as_ref(), site.as_os_str(), "--no-png".as_ref()]);
    assert!(
        first.status.success(),
        "base site must build:\n{}",
        stderr(&first)
    );
    let before = snapshot(&site.join("public"));
    assert!(!before.is_empty());

    for entry in walkdir::WalkDir::new(case).min_depth(1) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(case).unwrap();
        if entry.file_type().is_file() && !CASE_FILES.contains(&rel.to_str().unwrap_or("")) {
            std::fs::create_dir_all(site.join(rel).parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), site.join(rel)).unwrap();
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(site.join(rel)).unwrap();
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join("delete")) {
        for rel in list.lines().filter(|l| !l.is_empty()) {
            std::fs::remove_file(site.join(rel)).unwrap();
        }
    }
    let site_str = site.to_str().unwrap();
    let args: Vec<String> = std::fs::read_to_string(case.join("args"))
        .unwrap_or_else(|_| "build {site} --no-png".into())
        .split_whitespace()
        .map(|a| a.replace("{site}", site_str))
        .collect();
    let out = trailmap(&args);
    let err = stderr(&out).replace(site_str, "{site}");
    let expected = std::fs::read_to_string(case.join("expected"))
        .map_err(|e| format!("no expected file: {e}"))?;

    let mut problems = Vec::new();
    if out.status.success() {
        problems.push("exited 0".to_string());
    }
    if err.contains("panicked") {
        problems.push("panicked".to_string());
    }
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        if !err.contains(line) {
            problems.push(format!("missing line: {line}"));
        }
    }
    if snapshot(&site.join("public")) != before {
        problems.push("the previous output changed".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n  stderr was:\n{err}", problems.join("\n  ")))
    }
}

#[test]
fn every_bad_input_case_fails_cleanly() {
    let root = repo().join("tests/bad-input");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            run_case(c)
                .err()
                .map(|e| format!("{}: {e}", c.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
