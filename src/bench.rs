//! What `benches/build.rs` measures inside one process, where a run of the binary would be
//! lost in its own start-up. Not an API: the bench is its only caller.

use std::path::Path;
use std::time::{Duration, Instant};

/// Draws every journey map of the site at `root` as SVG text (what `trailmap render`
/// writes, no PNG), `rounds` times over after one round to warm up; returns how many maps
/// a round draws and the mean wall time of one map, on one thread.
pub fn svg_per_map(root: &Path, rounds: usize) -> Result<(usize, Duration), String> {
    let today = jiff::civil::date(2026, 1, 1);
    let (site, problems) = crate::pipeline::load_checked(root, today);
    let site =
        site.ok_or_else(|| format!("{} problems loading {}", problems.len(), root.display()))?;
    let round = || {
        site.journeys
            .iter()
            .map(|j| crate::site::journey_svg(&site, &j.item, today).len())
            .sum::<usize>()
    };
    std::hint::black_box(round());
    let start = Instant::now();
    for _ in 0..rounds.max(1) {
        std::hint::black_box(round());
    }
    let maps = site.journeys.len();
    Ok((maps, start.elapsed() / (maps.max(1) * rounds.max(1)) as u32))
}
