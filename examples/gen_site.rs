//! Writes a synthetic site: `cargo run --release --example gen_site -- OUT [N] [SEED]`.
//! N journeys, N/5 personas and N Markdown pages (default N = 1000, SEED = 1).

#[path = "support/synth.rs"]
mod synth;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: gen_site OUT [N] [SEED]");
        std::process::exit(2);
    };
    let n = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    if let Err(e) = synth::generate(std::path::Path::new(out), &synth::Spec::sized(n, seed)) {
        eprintln!("error: cannot write {out}: {e}");
        std::process::exit(2);
    }
    eprintln!(
        "wrote {n} journeys, {} personas, {n} pages to {out}",
        (n / 5).max(1)
    );
}
