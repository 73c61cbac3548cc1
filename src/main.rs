//! trailmap: customer journey maps and personas, from YAML and Markdown to a static site.
//! ARCHITECTURE.md describes how the modules fit together.

mod check;
mod cli;
mod diag;
mod diagram;
mod load;
mod markdown;
mod mermaid;
mod model;
mod output;
mod pipeline;
#[cfg(test)]
mod proptests;
mod report;
mod schema;
#[cfg(feature = "serve")]
mod serve;
mod site;
mod starter;
mod yaml;

/// Rendering allocates many short-lived strings on every core; glibc's allocator spent about a
/// quarter of a 1,000-journey build in malloc/free (perf), mimalloc far less.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
