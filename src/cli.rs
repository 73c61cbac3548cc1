//! The command line: argument parsing (clap) and what each command prints and returns.
//!
//! Exit codes: 0 success, 1 the site's content has problems, 2 usage or I/O errors.

use crate::diag::Diagnostic;
use crate::pipeline::{self, BuildError, BuildOptions};
use crate::report::{self, Format};
use crate::schema;
use clap::{CommandFactory, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The version, with the git commit when built from a checkout (see build.rs).
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("TRAILMAP_GIT_SUFFIX"));

#[derive(Parser)]
#[command(name = "trailmap", version = VERSION, about = "Customer journey maps and personas, from YAML to a static site")]
#[command(
    after_help = "Exit codes: 0 success, 1 the site's content has problems, 2 usage or I/O errors."
)]
pub(crate) struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: timings, every request while serving.
    #[arg(short, long, global = true)]
    verbose: bool,
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
        /// Write into an output folder that holds files trailmap did not write (they are
        /// left alone; trailmap only ever removes files it wrote).
        #[arg(long)]
        force: bool,
        /// Where to keep map PNGs between builds [default: SITE/.trailmap-cache].
        #[arg(long, value_name = "DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Check the site's files without writing anything.
    Check {
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// How to print problems.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Create a working starter site.
    Init {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Add a journey or persona file with every section present and explained.
    New {
        #[arg(value_enum)]
        kind: NewKind,
        /// Its name: "First purchase", "Maya Chen".
        name: String,
        /// The persona who walks a new journey (a persona id).
        #[arg(long)]
        persona: Option<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Draw one journey as SVG or PNG (chosen by the output's extension).
    Render {
        /// A journey file inside a site (the site is found by looking upwards for trailmap.yaml).
        journey: PathBuf,
        /// map.svg or map.png
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the JSON Schema of a kind of file, for editor validation and autocompletion.
    Schema {
        #[arg(value_enum, default_value_t = schema::Kind::Journey)]
        kind: schema::Kind,
        /// Write every schema into DIR/schemas/ instead (as `init` does).
        #[arg(long, value_name = "DIR")]
        write: Option<PathBuf>,
        /// Print the authoring reference (Markdown tables of every field) instead.
        #[arg(long)]
        reference: bool,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
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
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum NewKind {
    Journey,
    Persona,
}

/// How much to print.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Runs the `trailmap` command on the process arguments and returns its exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            strict,
            no_png,
            force,
            cache_dir,
        } => {
            let out = output.unwrap_or_else(|| site.join("public"));
            let cache_dir = cache_dir.unwrap_or_else(|| site.join(".trailmap-cache"));
            build(
                BuildOptions {
                    site,
                    out,
                    base_url,
                    strict,
                    force,
                    cache_dir,
                    png: !no_png,
                    today: pipeline::today(),
                },
                verbosity,
            )
        }
        Command::Check {
            site,
            strict,
            format,
        } => check(&site, strict, format, verbosity),
        Command::Init { dir } => init(&dir),
        Command::New {
            kind,
            name,
            persona,
            site,
        } => new(kind, &name, persona.as_deref(), &site),
        Command::Render { journey, output } => render(&journey, &output),
        Command::Schema {
            kind,
            write,
            reference,
        } => schema_command(kind, write.as_deref(), reference),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "trailmap",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man => {
            match clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("cannot write the man page: {e}")),
            }
        }
        #[cfg(feature = "serve")]
        Command::Serve {
            site,
            port,
            bind,
            open,
        } => crate::serve::run(crate::serve::ServeOptions {
            site,
            port,
            bind,
            open,
            verbose: verbosity == Verbosity::Verbose,
        }),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// Problems for people, on stderr: coloured when stderr is a terminal (and NO_COLOR unset).
fn print_problems(problems: &[Diagnostic], site: &Path, verbosity: Verbosity) {
    let shown: Vec<Diagnostic> = problems
        .iter()
        .filter(|d| verbosity > Verbosity::Quiet || d.severity == crate::diag::Severity::Error)
        .cloned()
        .collect();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", report::render(&shown, Format::Human, site, color));
}

fn build(opts: BuildOptions, verbosity: Verbosity) -> ExitCode {
    let started = Instant::now();
    let progress = Progress::start(verbosity);
    let result = pipeline::build(&opts, &|step| progress.step(step));
    progress.finish();
    match result {
        Ok(report) => {
            print_problems(&report.warnings, &opts.site, verbosity);
            if verbosity > Verbosity::Quiet {
                let warnings = report.warnings.len();
                eprintln!(
                    "built {} pages and {} maps with {warnings} warning{} in {:.2} s → {} ({} files written, {} unchanged, {} removed)",
                    report.pages,
                    report.maps,
                    if warnings == 1 { "" } else { "s" },
                    started.elapsed().as_secs_f64(),
                    opts.out.display(),
                    report.stats.written,
                    report.stats.unchanged,
                    report.stats.removed
                );
            }
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(problems)) => {
            print_problems(&problems, &opts.site, verbosity);
            eprintln!("build failed: nothing was written; the previous output is untouched");
            ExitCode::from(1)
        }
        Err(BuildError::Output(e)) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

/// A spinner on a terminal for builds that take more than a second; with `-v`, the time
/// each step took.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    verbose: bool,
    /// The step running now and when it started.
    current: std::cell::RefCell<Option<(String, Instant)>>,
}

impl Progress {
    fn start(verbosity: Verbosity) -> Self {
        let bar = (verbosity > Verbosity::Quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::hidden(),
            )
            .with_style(indicatif::ProgressStyle::default_spinner());
            bar.enable_steady_tick(Duration::from_millis(100));
            // Quick builds never show it: it appears only once a second has passed.
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(1));
                if !shown.is_finished() {
                    shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                }
            });
            bar
        });
        let verbose = verbosity == Verbosity::Verbose;
        Progress {
            bar,
            verbose,
            current: std::cell::RefCell::new(None),
        }
    }

    fn step(&self, what: &str) {
        self.end_step();
        *self.current.borrow_mut() = Some((what.to_string(), Instant::now()));
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_string());
        }
    }

    fn end_step(&self) {
        if let Some((what, since)) = self.current.borrow_mut().take() {
            if self.verbose {
                eprintln!("  {what}: {:.0} ms", since.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }

    fn finish(&self) {
        self.end_step();
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn check(site: &Path, strict: bool, format: Format, verbosity: Verbosity) -> ExitCode {
    let (_, problems) = pipeline::load_checked(site, pipeline::today());
    match format {
        Format::Human => {
            print_problems(&problems, site, verbosity);
            if problems.is_empty() && verbosity > Verbosity::Quiet {
                eprintln!("no problems found");
            }
        }
        // Machine formats go to stdout, complete, whatever the verbosity.
        other => print!("{}", report::render(&problems, other, site, false)),
    }
    if pipeline::fails(&problems, strict) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn init(dir: &Path) -> ExitCode {
    match crate::starter::init(dir, pipeline::today()) {
        Ok(()) => {
            eprintln!(
                "created a starter site in {}; build it with `trailmap build {}`",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn new(kind: NewKind, name: &str, persona: Option<&str>, site: &Path) -> ExitCode {
    let (loaded, problems) = pipeline::load_checked(site, pipeline::today());
    let Some(loaded) = loaded else {
        print_problems(&problems, site, Verbosity::Normal);
        return ExitCode::from(1);
    };
    let written = match kind {
        NewKind::Journey => crate::starter::new_journey(&loaded, name, persona, pipeline::today()),
        NewKind::Persona => crate::starter::new_persona(&loaded, name, pipeline::today()),
    };
    match written {
        Ok(path) => {
            eprintln!("created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn schema_command(kind: schema::Kind, write: Option<&Path>, reference: bool) -> ExitCode {
    if reference {
        print!("{}", schema::reference_markdown());
        return ExitCode::SUCCESS;
    }
    if let Some(dir) = write {
        return match crate::starter::write_schemas(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e),
        };
    }
    match serde_json::to_string_pretty(&schema::schema(kind)) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e.to_string()),
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
            print_problems(&problems, root, Verbosity::Normal);
            return ExitCode::from(1);
        }
    };
    let rel = journey.strip_prefix(root).unwrap_or(journey);
    let Some(j) = site.journeys.iter().find(|j| j.src.path == rel) else {
        return fail(&format!(
            "{} is not a journey of the site in {}",
            journey.display(),
            root.display()
        ));
    };
    let svg = crate::site::journey_svg(&site, &j.item, pipeline::today());
    let bytes = if output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"))
    {
        match crate::diagram::render_png(&svg, 1.0) {
            Ok(b) => b,
            Err(e) => return fail(&format!("cannot draw the PNG: {e}")),
        }
    } else {
        svg.into_bytes()
    };
    match std::fs::write(output, bytes) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write {}: {e}", output.display())),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
