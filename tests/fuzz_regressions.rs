//! The fuzz targets' inputs on stable, in every `cargo test`: each seed under `fuzz/seeds/<target>/`
//! and each input that once crashed, hung or exhausted a target, kept under
//! `fuzz/regressions/<target>/`. They go through the entry points the targets call
//! (`trailmap::fuzz`), and each answer must pass `Outcome::verify`: no panic, the file loaded
//! or an error says why, every problem at a line and column inside its file, no script in
//! rendered HTML.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use trailmap::fuzz::{self, Outcome};

type Entry = fn(&[u8]) -> Outcome;

/// Each target and the entry points its fuzz target calls (fuzz/fuzz_targets/<target>.rs).
const TARGETS: [(&str, &[Entry]); 5] = [
    ("journey_yaml", &[fuzz::journey_yaml, fuzz::journey_md]),
    ("persona_md", &[fuzz::persona_md]),
    ("config_yaml", &[fuzz::config_yaml]),
    ("page_markdown", &[fuzz::page_markdown]),
    ("mermaid", &[fuzz::mermaid]),
];

/// Far above what any of these inputs takes; an input that once hung a target fails here
/// if the slow path comes back.
const SLOW: Duration = Duration::from_secs(10);

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(kind)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable folder entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `kind` through its target; returns how many ran, failing on any
/// input whose answer does not verify or that takes too long.
fn run_all(kind: &str) -> usize {
    let mut ran = 0;
    let mut failures = Vec::new();
    for (target, entries) in TARGETS {
        for file in inputs(kind, target) {
            let data = std::fs::read(&file).expect("readable input");
            for entry in entries {
                let start = Instant::now();
                let outcome = entry(&data);
                let took = start.elapsed();
                if let Err(e) = outcome.verify() {
                    failures.push(format!("{}: {e}", file.display()));
                }
                if took > SLOW {
                    failures.push(format!("{}: took {took:?}", file.display()));
                }
                ran += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    ran
}

#[test]
fn every_seed_gets_a_usable_answer() {
    for (target, _) in TARGETS {
        assert!(
            !inputs("seeds", target).is_empty(),
            "fuzz/seeds/{target}/ is empty"
        );
    }
    assert!(run_all("seeds") > 0);
}

#[test]
fn inputs_that_once_broke_a_target_get_a_usable_answer() {
    run_all("regressions");
}
