//! The `trailmap` command; everything it does lives in the library (src/lib.rs).

fn main() -> std::process::ExitCode {
    trailmap::cli::run()
}
