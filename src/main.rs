//! The `trailmap` command; everything it does lives in the library (src/lib.rs).

/// Rendering allocates many short-lived strings on every core; glibc's allocator spent about a
/// quarter of a 1,000-journey build in malloc/free (perf), mimalloc far less.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    trailmap::cli::run()
}
