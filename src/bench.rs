//! What `benches/build.rs` measures inside one process, where a run of the binary would be
//! lost in its own start-up. Not an API: the bench is its only caller.

use std::path::Path;
use std::time::{Duration, Instant};

/// The date the maps are drawn as of (a map's review age shows in it).
const TODAY: jiff::civil::Date = jiff::civil::date(2026, 1, 1);

fn load(root: &Path) -> Result<crate::load::Site, String> {
    let (site, problems) = crate::pipeline::load_checked(root, TODAY);
    site.ok_or_else(|| format!("{} problems loading {}", problems.len(), root.display()))
}

/// Draws every journey map of the site at `root` as SVG text (what `trailmap render`
/// writes, no PNG), `rounds` times over after one round to warm up; returns how many maps
/// a round draws and the mean wall time of one map, on one thread.
pub fn svg_per_map(root: &Path, rounds: usize) -> Result<(usize, Duration), String> {
    let site = load(root)?;
    let round = || {
        site.journeys
            .iter()
            .map(|j| crate::site::journey_svg(&site, &j.item, TODAY).len())
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

/// Draws and encodes the PNG of every journey map of the site at `root`, on one thread, as
/// a cold build does (no cache; the glyph and icon masks a process builds as it goes are
/// built here too), `rounds` times: each round on a new thread with the shared caches
/// emptied, so each starts with no glyph, icon or shaping cache (only the fonts, loaded
/// once a process, stay). Returns how many maps a round draws and
/// each round's mean wall time of one map. A build's cold PNG cost, measured as the
/// difference of two builds, also takes in writing the files and the other threads' work
/// beside it; this is the drawing alone, on one core.
pub fn png_per_map(root: &Path, rounds: usize) -> Result<(usize, Vec<Duration>), String> {
    let site = load(root)?;
    let svgs: Vec<String> = site
        .journeys
        .iter()
        .map(|j| crate::site::journey_svg(&site, &j.item, TODAY))
        .collect();
    let maps = svgs.len().max(1) as u32;
    let mut times = Vec::new();
    for _ in 0..rounds.max(1) {
        crate::diagram::clear_shared_caches();
        let round = std::thread::scope(|s| {
            s.spawn(|| {
                let start = Instant::now();
                for svg in &svgs {
                    std::hint::black_box(crate::site::png_cache::png(svg, None)?);
                }
                Ok::<_, String>(start.elapsed() / maps)
            })
            .join()
            .map_err(|_| "a drawing thread panicked".to_string())?
        })?;
        times.push(round);
    }
    Ok((svgs.len(), times))
}
