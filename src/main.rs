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

fn main() -> std::process::ExitCode {
    cli::run()
}
