//! Writes a synthetic site: `cargo run --release --example gen_site -- OUT [N] [SEED] [--pages]`.
//! N journeys, N/5 personas and N Markdown pages (default N = 1000, SEED = 1); with `--pages`,
//! only the N Markdown pages (the benchmark's plain-pages site).

#[path = "support/synth.rs"]
mod synth;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let pages_only = args.iter().any(|a| a == "--pages");
    args.retain(|a| a != "--pages");
    let Some(out) = args.first() else {
        eprintln!("usage: gen_site OUT [N] [SEED]");
        std::process::exit(2);
    };
    let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let spec = if pages_only {
        synth::Spec {
            journeys: 0,
            personas: 0,
            pages: n,
            seed,
        }
    } else {
        synth::Spec::sized(n, seed)
    };
    if let Err(e) = synth::generate(std::path::Path::new(out), &spec) {
        eprintln!("error: cannot write {out}: {e}");
        std::process::exit(2);
    }
    eprintln!(
        "wrote {} journeys, {} personas, {} pages to {out}",
        spec.journeys, spec.personas, spec.pages
    );
}
