//! trailmap: customer journey maps and personas, from YAML and Markdown to a static site.
//! ARCHITECTURE.md describes how the modules fit together.
//!
//! The library exists for the `trailmap` binary (`cli::run`), the fuzz targets in `fuzz/`
//! (`fuzz`) and the build benchmark (`bench`); it is not an API for other programs, and
//! everything else stays crate-private.

#[doc(hidden)]
pub mod bench;
mod check;
pub mod cli;
mod diag;
mod diagram;
#[doc(hidden)]
pub mod fuzz;
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
