//! The command line: argument parsing (clap) and what each command prints and returns.
//!
//! Exit codes: 0 success, 1 the site's content has problems, 2 usage or I/O errors.

use crate::diag::{Diagnostic, Severity};
use crate::pipeline::{self, BuildError, BuildOptions};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "trailmap",
    version,
    about = "Customer journey maps and personas, from YAML to a static site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into SITE/public (or -o DIR).
    Build {
        /// The site folder (holds trailmap.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Absolute URL the site is published at (overrides base_url in trailmap.yaml).
        #[arg(long)]
        base_url: Option<String>,
        /// Fail on warnings too (stale maps, …): for CI.
        #[arg(long)]
        strict: bool,
        /// Skip the PNG pictures of the maps (faster).
        #[arg(long)]
        no_png: bool,
    },
    /// Check the site's files without writing anything.
    Check {
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Create a working starter site.
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Draw one journey as SVG or PNG (chosen by the output's extension).
    Render {
        /// A journey file inside a site (the site is found by looking upwards for trailmap.yaml).
        journey: PathBuf,
        /// map.svg or map.png
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Build the site, serve it, and rebuild on every save; open pages reload themselves.
    #[cfg(feature = "serve")]
    Serve {
        /// The site folder (holds trailmap.yaml).
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port to serve on; the next free one is used when it is busy.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on (only this machine by default).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Print every request.
        #[arg(short, long)]
        verbose: bool,
    },
}

pub(crate) fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            strict,
            no_png,
        } => {
            let out = output.unwrap_or_else(|| site.join("public"));
            build(BuildOptions {
                site,
                out,
                base_url,
                strict,
                png: !no_png,
                today: pipeline::today(),
            })
        }
        Command::Check { site, strict } => check(&site, strict),
        Command::Init { dir } => init(&dir),
        Command::Render { journey, output } => render(&journey, &output),
        #[cfg(feature = "serve")]
        Command::Serve {
            site,
            port,
            bind,
            open,
            verbose,
        } => crate::serve::run(crate::serve::ServeOptions {
            site,
            port,
            bind,
            open,
            verbose,
        }),
    }
}

fn print_problems(problems: &[Diagnostic]) {
    for d in problems {
        eprintln!("{d}");
    }
    let errors = problems
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    if !problems.is_empty() {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}

fn build(opts: BuildOptions) -> ExitCode {
    let started = Instant::now();
    match pipeline::build(&opts) {
        Ok(report) => {
            print_problems(&report.warnings);
            eprintln!(
                "built {} files ({} maps) in {:.2} s → {} ({} written, {} unchanged, {} removed)",
                report.files,
                report.maps,
                started.elapsed().as_secs_f64(),
                opts.out.display(),
                report.stats.written,
                report.stats.unchanged,
                report.stats.removed
            );
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(problems)) => {
            print_problems(&problems);
            eprintln!("build failed: nothing was written; the previous output is untouched");
            ExitCode::from(1)
        }
        Err(BuildError::Output(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn check(site: &Path, strict: bool) -> ExitCode {
    let (_, problems) = pipeline::load_checked(site, pipeline::today());
    print_problems(&problems);
    if pipeline::fails(&problems, strict) {
        ExitCode::from(1)
    } else {
        if problems.is_empty() {
            eprintln!("no problems found");
        }
        ExitCode::SUCCESS
    }
}

fn init(dir: &Path) -> ExitCode {
    match crate::starter::write(dir, pipeline::today()) {
        Ok(()) => {
            eprintln!(
                "created a starter site in {}; build it with `trailmap build {}`",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn render(journey: &Path, output: &Path) -> ExitCode {
    let Some(root) = journey
        .ancestors()
        .skip(1)
        .find(|d| d.join(crate::load::CONFIG_FILE).is_file())
    else {
        eprintln!(
            "error: no trailmap.yaml above {}\n  hint: the journey must be inside a site folder",
            journey.display()
        );
        return ExitCode::from(2);
    };
    let (site, problems) = pipeline::load_checked(root, pipeline::today());
    let site = match site {
        Some(s) if !pipeline::fails(&problems, false) => s,
        _ => {
            print_problems(&problems);
            return ExitCode::from(1);
        }
    };
    let rel = journey.strip_prefix(root).unwrap_or(journey);
    let Some(j) = site.journeys.iter().find(|j| j.src.path == rel) else {
        eprintln!(
            "error: {} is not a journey of the site in {}",
            journey.display(),
            root.display()
        );
        return ExitCode::from(2);
    };
    let today = pipeline::today();
    let svg = crate::site::journey_svg(&site, &j.item, today);
    let bytes = if output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"))
    {
        match crate::diagram::render_png(&svg, 1.0) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot draw the PNG: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        svg.into_bytes()
    };
    match std::fs::write(output, bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", output.display());
            ExitCode::from(2)
        }
    }
}
