//! The build, as a recipe: load, check, render, write. Each step is its own module; this
//! one only sequences them and decides when a problem stops the build.

use crate::check;
use crate::diag::{Diagnostic, Severity};
use crate::load::{self, Site};
use crate::output::{self, OutputError, WriteStats};
use crate::site::{self, RenderOptions};
use jiff::civil::Date;
use std::path::PathBuf;

pub(crate) struct BuildOptions {
    pub site: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
    /// Warnings fail the build too (for CI).
    pub strict: bool,
    /// Write into an output folder that holds files trailmap did not write.
    pub force: bool,
    pub png: bool,
    /// Where map PNGs are cached between builds.
    pub cache_dir: PathBuf,
    pub today: Date,
}

pub(crate) struct BuildReport {
    pub warnings: Vec<Diagnostic>,
    /// HTML pages written.
    pub pages: usize,
    pub maps: usize,
    pub stats: WriteStats,
}

pub(crate) enum BuildError {
    /// The site's content has problems (all of them, sorted by file and line).
    Content(Vec<Diagnostic>),
    /// The output folder cannot be used or written.
    Output(OutputError),
}

/// Loads and checks a site; returns it with all problems found, sorted.
pub(crate) fn load_checked(root: &std::path::Path, today: Date) -> (Option<Site>, Vec<Diagnostic>) {
    load_checked_steps(root, today, &|_| {})
}

/// `load_checked`, telling `on_step` when reading ends and checking begins.
fn load_checked_steps(
    root: &std::path::Path,
    today: Date,
    on_step: &dyn Fn(&str),
) -> (Option<Site>, Vec<Diagnostic>) {
    on_step("reading files");
    let (site, mut problems) = load::load(root);
    on_step("checking");
    if let Some(site) = &site {
        problems.extend(check::check(site, today));
    }
    problems.sort();
    problems.dedup();
    (site, problems)
}

/// True when these problems must stop a build.
pub(crate) fn fails(problems: &[Diagnostic], strict: bool) -> bool {
    problems
        .iter()
        .any(|d| d.severity == Severity::Error || strict)
}

/// Builds the site; `on_step` hears which step is running ("checking", "rendering", …).
pub(crate) fn build(
    opts: &BuildOptions,
    on_step: &dyn Fn(&str),
) -> Result<BuildReport, BuildError> {
    let (site, problems) = load_checked_steps(&opts.site, opts.today, on_step);
    let site = match site {
        Some(site) if !fails(&problems, opts.strict) => site,
        _ => return Err(BuildError::Content(problems)),
    };
    output::check_target(&opts.out, &opts.site, opts.force).map_err(BuildError::Output)?;
    on_step("drawing maps and rendering pages");
    let render_opts = RenderOptions {
        base_url: opts.base_url.clone(),
        today: opts.today,
        png: opts.png,
        png_cache: opts.png.then(|| opts.cache_dir.clone()),
    };
    let stage = output::Stage::new(&opts.out).map_err(BuildError::Output)?;
    let rendered = match site::render(&site, &render_opts, &stage) {
        Ok(r) => r,
        Err(problems) => {
            stage.abort();
            return Err(BuildError::Content(problems));
        }
    };
    if opts.png {
        site::png_cache::prune(&opts.cache_dir, &rendered.png_entries);
    }
    on_step("writing files");
    let stats = stage.commit().map_err(BuildError::Output)?;
    Ok(BuildReport {
        warnings: problems,
        pages: rendered.pages,
        maps: site.journeys.len(),
        stats,
    })
}

/// Today's date for staleness: `SOURCE_DATE_EPOCH` when set (reproducible builds), else the
/// UTC date now.
pub(crate) fn today() -> Date {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now);
    now.to_zoned(jiff::tz::TimeZone::UTC).date()
}
