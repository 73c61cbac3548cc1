//! Full-build benchmark: synthetic sites of N journeys (N/5 personas, N pages) and sites of
//! plain Markdown pages, built by the release binary as a user would run it.
//!
//! Run with `cargo bench --bench build` (options: `-- --sizes 100,1000,5000 --pages 1000,10000
//! --runs 3`). Prints a table and writes it to `target/bench-build.json`. Each figure is the
//! median of `--runs` runs; CPU is user + system time of the build process, memory its peak
//! resident size. What the goals compare (a cold PNG build less one without PNGs; trailmap
//! against `cp -r`; the largest site against the next) is measured in side-by-side pairs,
//! and the median over the pairs is reported. Work happens on tmpfs (/dev/shm) when there
//! is one, so disk caches and ext4 history do not decide the result. Where `hugo` is installed, the same Markdown pages are
//! built with Hugo in the same run, and `cp -r` of trailmap's output gives the floor.
//! Not a timed test: numbers are reported, never asserted.

#[path = "../examples/support/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One measured run of a command.
#[derive(Clone, Copy, Default)]
struct Run {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let list = |name: &str, default: &[usize]| -> Vec<usize> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.split(',').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or_else(|| default.to_vec())
    };
    let sizes = list("--sizes", &[100, 1000, 5000]);
    let page_sizes = list("--pages", &[1000, 10000]);
    let runs = list("--runs", &[3])[0].max(1);
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let work = tempfile::Builder::new()
        .prefix("trailmap-bench-")
        .tempdir_in(base)
        .expect("work dir");
    let mut rows: Vec<(String, Run, usize)> = Vec::new();
    let mut lines = Vec::new();
    lines.push(format!("machine: {}", machine()));

    for &n in &sizes {
        let site = work.path().join(format!("site-{n}"));
        synth::generate(&site, &synth::Spec::sized(n, 7)).expect("generate");
        let pages = n * 2 + n / 5 + 3;
        let out = |tag: &str| work.path().join(format!("out-{n}-{tag}"));
        let cache = site.join(".trailmap-cache");

        // each cold PNG build beside a build without PNGs: their difference is the PNGs' cost
        let (no_png, cold_png, [png_ms]) = paired(
            runs,
            || fresh_build(&site, &out("nopng"), &["--no-png"]),
            || {
                let _ = std::fs::remove_dir_all(&cache);
                fresh_build(&site, &out("png"), &[])
            },
            |without, with| [(with.cpu - without.cpu).max(0.0) * 1000.0 / n as f64],
        );
        rows.push((format!("{n} journeys: cold build, no PNG"), no_png, pages));
        rows.push((
            format!("{n} journeys: cold build, PNG (cold cache)"),
            cold_png,
            pages,
        ));
        let warm_png = median(runs, || fresh_build(&site, &out("png-warm"), &[]));
        rows.push((
            format!("{n} journeys: fresh output, PNG (warm cache)"),
            warm_png,
            pages,
        ));
        let rebuild = median(runs, || {
            let j = site.join("journeys/j00003.yaml");
            let text = std::fs::read_to_string(&j).expect("journey");
            std::fs::write(&j, text.replacen("feeling: ", "feeling: Very ", 1)).expect("edit");
            build(&site, &out("png-warm"), &[])
        });
        rows.push((
            format!("{n} journeys: rebuild after one journey edit"),
            rebuild,
            pages,
        ));
        lines.push(format!(
            "{n} journeys: cold PNG cost {png_ms:.1} ms per map (CPU, both cores; median of {runs} side-by-side pairs)"
        ));
        if n == sizes[0] {
            lines.push(one_map_svg(&site));
            lines.push(one_map_png(&site, 5));
        }
    }

    // how the cost grows: the two largest sites built without PNGs, one after the other
    if let [.., small, large] = sizes[..] {
        let build_n = |n: usize| {
            let at = |name: String| work.path().join(name);
            fresh_build(
                &at(format!("site-{n}")),
                &at(format!("out-{n}-nopng")),
                &["--no-png"],
            )
        };
        let (_, _, [wall, cpu]) = paired(
            runs,
            || build_n(small),
            || build_n(large),
            |s, l| [l.wall / s.wall, l.cpu / s.cpu],
        );
        lines.push(format!(
            "{large} journeys take {wall:.2}× the time of {small}, {cpu:.2}× the CPU (no PNG; median of {runs} side-by-side pairs)"
        ));
    }

    for &p in &page_sizes {
        let site = work.path().join(format!("pages-{p}"));
        synth::generate(
            &site,
            &synth::Spec {
                journeys: 0,
                personas: 0,
                pages: p,
                seed: 11,
            },
        )
        .expect("generate");
        let out = work.path().join(format!("pages-out-{p}"));
        // each build, then a copy of what it wrote
        let (ours, copy, [floor]) = paired(
            runs,
            || fresh_build(&site, &out, &["--no-png"]),
            || {
                let target = work.path().join(format!("pages-copy-{p}"));
                let _ = std::fs::remove_dir_all(&target);
                time(Command::new("cp").arg("-r").arg(&out).arg(&target))
            },
            |ours, copy| [ours.wall / copy.wall],
        );
        rows.push((format!("{p} Markdown pages: trailmap"), ours, p));
        rows.push((
            format!("{p} Markdown pages: cp -r of the output (floor)"),
            copy,
            p,
        ));
        lines.push(format!(
            "{p} pages: trailmap at {floor:.2}× the cp -r floor (median of {runs} side-by-side pairs)"
        ));
        if let Some(hugo_site) = hugo_site(&site, work.path(), p) {
            let hugo = median(runs, || {
                let _ = std::fs::remove_dir_all(hugo_site.join("public"));
                time(
                    Command::new("hugo")
                        .arg("--quiet")
                        .arg("-s")
                        .arg(&hugo_site),
                )
            });
            rows.push((format!("{p} Markdown pages: hugo"), hugo, p));
            lines.push(format!(
                "{p} pages: trailmap {:.1}× faster than Hugo (wall)",
                hugo.wall / ours.wall
            ));
        } else {
            lines.push(format!(
                "{p} pages: hugo not installed (apt-get install -y hugo) — no comparison"
            ));
        }
    }
    print_and_save(&rows, &lines);
}

/// `build` into an output folder that does not exist yet.
fn fresh_build(site: &Path, out: &Path, extra: &[&str]) -> Run {
    let _ = std::fs::remove_dir_all(out);
    build(site, out, extra)
}

fn build(site: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_trailmap"));
    cmd.arg("-q")
        .arg("build")
        .arg(site)
        .arg("-o")
        .arg(out)
        .args(extra);
    time(&mut cmd)
}

/// What drawing one map as SVG costs, measured in this process (a run of the binary is
/// mostly start-up): every map of `site`, five times over, on one thread.
fn one_map_svg(site: &Path) -> String {
    let (maps, per_map) = trailmap::bench::svg_per_map(site, 5).expect("draw the maps");
    format!(
        "one map as SVG: {:.2} ms (mean of {maps} maps × 5 rounds, one thread, in process)",
        per_map.as_secs_f64() * 1000.0
    )
}

/// What drawing and encoding one map's PNG costs on one core, measured in this process:
/// every map of `site`, cold (no cache, empty glyph caches), without writing files, in
/// `rounds` rounds. The fastest round is the figure: this machine's speed jumps by a fifth
/// or more from one run to the next, and the median beside it shows how much.
fn one_map_png(site: &Path, rounds: usize) -> String {
    let (maps, mut times) = trailmap::bench::png_per_map(site, rounds).expect("draw the PNGs");
    times.sort();
    let ms = |d: &std::time::Duration| d.as_secs_f64() * 1000.0;
    format!(
        "one map as PNG, cold: {:.1} ms (fastest of {} rounds of {maps} maps; median {:.1} ms; one thread, in process, no file written)",
        ms(&times[0]),
        times.len(),
        ms(&times[times.len() / 2])
    )
}

/// `a` then `b`, `runs` times: the median run of each, and the median over the pairs of
/// each of the figures `f(a, b)` gives. A ratio or difference of two runs made side by side
/// does not move with the machine's speed, which drifts by a fifth or more over minutes, as
/// one of two medians taken minutes apart does.
fn paired<const K: usize>(
    runs: usize,
    mut a: impl FnMut() -> Run,
    mut b: impl FnMut() -> Run,
    f: impl Fn(&Run, &Run) -> [f64; K],
) -> (Run, Run, [f64; K]) {
    let pairs: Vec<(Run, Run)> = (0..runs).map(|_| (a(), b())).collect();
    let figures: Vec<[f64; K]> = pairs.iter().map(|(x, y)| f(x, y)).collect();
    let medians = std::array::from_fn(|k| {
        let mut values: Vec<f64> = figures.iter().map(|v| v[k]).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    });
    let each = |pick: fn(&(Run, Run)) -> Run| {
        let mut all: Vec<Run> = pairs.iter().map(pick).collect();
        all.sort_by(|a, b| a.wall.total_cmp(&b.wall));
        all[all.len() / 2]
    };
    let (first, second) = (each(|p| p.0), each(|p| p.1));
    (first, second, medians)
}

fn median(runs: usize, mut f: impl FnMut() -> Run) -> Run {
    let mut all: Vec<Run> = (0..runs).map(|_| f()).collect();
    all.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    all[all.len() / 2]
}

/// Runs a command to completion and measures it with wait4: wall, CPU and peak memory of
/// that process alone.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also reports its usage
fn time(cmd: &mut Command) -> Run {
    let started = Instant::now();
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; the pid is our own child, which we
    // reap here instead of through `Child::wait`.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    assert!(
        rc == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{cmd:?} failed"
    );
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        wall,
        cpu: secs(usage.ru_utime) + secs(usage.ru_stime),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// The same pages as a Hugo site with minimal templates, if Hugo is installed.
fn hugo_site(site: &Path, work: &Path, p: usize) -> Option<PathBuf> {
    let ok = Command::new("hugo")
        .arg("version")
        .output()
        .ok()?
        .status
        .success();
    if !ok {
        return None;
    }
    let dir = work.join(format!("hugo-{p}"));
    std::fs::create_dir_all(dir.join("content/pages")).ok()?;
    std::fs::create_dir_all(dir.join("layouts/_default")).ok()?;
    std::fs::write(dir.join("hugo.toml"), "baseURL = 'https://bench.example/'\ntitle = 'Bench'\ndisableKinds = ['taxonomy', 'term', 'RSS']\n").ok()?;
    let layout = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><main>{{ .Content }}</main></body></html>\n";
    std::fs::write(dir.join("layouts/_default/single.html"), layout).ok()?;
    std::fs::write(dir.join("layouts/_default/list.html"), layout).ok()?;
    std::fs::write(dir.join("layouts/index.html"), layout).ok()?;
    for entry in std::fs::read_dir(site.join("pages")).ok()? {
        let path = entry.ok()?.path();
        std::fs::copy(&path, dir.join("content/pages").join(path.file_name()?)).ok()?;
    }
    Some(dir)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    format!("{cpu}, {cores} cores")
}

fn print_and_save(rows: &[(String, Run, usize)], lines: &[String]) {
    println!("| case | wall s | CPU s | peak MiB | ms per page |");
    println!("|---|---:|---:|---:|---:|");
    let mut json = Vec::new();
    for (name, r, pages) in rows {
        let per_page = r.wall * 1000.0 / *pages as f64;
        println!(
            "| {name} | {:.3} | {:.3} | {:.0} | {:.3} |",
            r.wall, r.cpu, r.peak_mib, per_page
        );
        json.push(serde_json::json!({ "case": name, "wall_s": r.wall, "cpu_s": r.cpu, "peak_mib": r.peak_mib, "pages": pages, "ms_per_page": per_page }));
    }
    for l in lines {
        println!("{l}");
    }
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-build.json");
    let doc = serde_json::json!({ "rows": json, "notes": lines });
    if let Err(e) = std::fs::write(
        &target,
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    ) {
        eprintln!("cannot write {}: {e}", target.display());
    } else {
        println!("written to {}", target.display());
    }
}
