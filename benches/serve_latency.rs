//! Save → reload-event latency of `trailmap serve`, on the example site and on a generated
//! site of 1000 journeys: the time from writing a journey file to the live-reload event
//! arriving on the events stream, as an open page would receive it.
//!
//! Two numbers per site: until the edited map's own page is served and its reload event
//! sent, and until the site-wide pages (home, lists, cross-journey views), which the
//! server finishes in the background, follow.
//!
//! Run with `cargo bench --bench serve_latency` (a release build); options:
//! `-- --saves 50 --journeys 1000`. Prints the median and 95th percentile per site.
//! Not a timed test: the numbers depend on the machine, so they are reported, not asserted.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let saves = opt("--saves", 50);
    let journeys = opt("--journeys", 1000);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");

    let example = dir.path().join("example");
    copy_site(&repo.join("example-site"), &example);
    let first = "journeys/first-purchase.yaml";
    report(
        "example site (5 journeys)",
        &measure(&example, first, saves, Pace::Settled),
    );

    let generated = dir.path().join("generated");
    generate_site(&repo.join("example-site"), &generated, journeys);
    let file = format!("journeys/gen-{:04}.yaml", journeys / 2);
    let name = format!("generated site ({} journeys)", journeys + 5);
    report(&name, &measure(&generated, &file, saves, Pace::Settled));
    let rapid = format!("{name}, a save every 300 ms");
    report(&rapid, &measure(&generated, &file, saves, Pace::Rapid));
}

/// How saves follow each other.
#[derive(Clone, Copy, PartialEq)]
enum Pace {
    /// Each save waits until the previous one's site-wide pages are served.
    Settled,
    /// A save every 300 ms, while the site-wide pages of the last one may still render.
    Rapid,
}

/// Latencies of one save: until the map's page is served, and until the site-wide pages are.
struct Latency {
    page: Duration,
    site: Option<Duration>,
}

/// Writes `saves` edits of `file` (alternating in place and by atomic rename) and measures
/// each, from the write to the reload events.
fn measure(site: &Path, file: &str, saves: usize, pace: Pace) -> Vec<Latency> {
    let server = Server::start(site);
    let events = Events::connect(server.port);
    let path = site.join(file);
    let id = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a journey file");
    let page = format!("journeys/{id}.html");
    let original = std::fs::read_to_string(&path).expect("read the journey");
    let mut latencies = Vec::with_capacity(saves);
    for i in 0..saves {
        // Let the previous rebuild settle (or not), and forget its stragglers.
        let pause = if pace == Pace::Settled { 150 } else { 300 };
        std::thread::sleep(Duration::from_millis(pause));
        events.drain();
        let text = original.replacen("\ntitle: ", &format!("\ntitle: Bench save {i} "), 1);
        let started = Instant::now();
        if i % 2 == 0 {
            std::fs::write(&path, text).expect("write");
        } else {
            let tmp = path.with_extension("yaml.tmp");
            std::fs::write(&tmp, text).expect("write");
            std::fs::rename(&tmp, &path).expect("rename");
        }
        let fail = |what: &str| -> ! {
            panic!(
                "no reload of {what} after save {i}; server log:\n{}",
                server.log()
            )
        };
        let at_page = events.reload_of(&page).unwrap_or_else(|| fail(&page));
        let at_site = (pace == Pace::Settled).then(|| {
            events
                .reload_of("index.html")
                .unwrap_or_else(|| fail("index.html"))
        });
        latencies.push(Latency {
            page: at_page - started,
            site: at_site.map(|at| at - started),
        });
    }
    eprintln!(
        "{}",
        server
            .log()
            .lines()
            .rev()
            .take(3)
            .collect::<Vec<_>>()
            .join("\n")
    );
    latencies
}

fn report(name: &str, latencies: &[Latency]) {
    let page: Vec<Duration> = latencies.iter().map(|l| l.page).collect();
    let site: Vec<Duration> = latencies.iter().filter_map(|l| l.site).collect();
    println!("{name}, {} saves:", latencies.len());
    println!("  save → reload event for the map's page: {}", stats(&page));
    if !site.is_empty() {
        println!(
            "  save → reload event for the site-wide pages: {}",
            stats(&site)
        );
    }
}

fn stats(latencies: &[Duration]) -> String {
    let mut ms: Vec<f64> = latencies.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "median {:.0} ms, p95 {:.0} ms (min {:.0}, max {:.0})",
        at(0.5),
        at(0.95),
        ms[0],
        ms[ms.len() - 1]
    )
}

/// The example site with `n` more journeys, each a copy of `first-purchase.yaml` under a
/// new id and title: a deterministic stand-in for a large docs repo.
fn generate_site(example: &Path, to: &Path, n: usize) {
    copy_site(example, to);
    let template =
        std::fs::read_to_string(example.join("journeys/first-purchase.yaml")).expect("read");
    for i in 0..n {
        let id = format!("gen-{i:04}");
        let text = template
            .replacen("id: first-purchase\n", &format!("id: {id}\n"), 1)
            .replacen("compares_with: first-purchase-future\n", "", 1)
            .replacen("\ntitle: ", &format!("\ntitle: Generated {i} - "), 1);
        std::fs::write(to.join(format!("journeys/{id}.yaml")), text).expect("write");
    }
}

fn copy_site(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("inside");
        if rel.starts_with("public") {
            continue;
        }
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

struct Server {
    child: Child,
    port: u16,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    fn start(site: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trailmap"))
            .args([
                "serve".as_ref(),
                site.as_os_str(),
                "--port".as_ref(),
                "0".as_ref(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start trailmap serve");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .strip_prefix("serving http://127.0.0.1:")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(|p| p.parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                }
                let mut log = sink.lock().unwrap_or_else(|e| e.into_inner());
                log.push_str(&line);
                log.push('\n');
            }
        });
        let port = rx.recv_timeout(TIMEOUT).expect("the server did not start");
        Server { child, port, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The events stream: each reload event's pages, with the moment it arrived.
struct Events {
    rx: Receiver<(serde_json::Value, Instant)>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            s,
            "GET /__trailmap/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .expect("request");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(data) = line.trim_end().strip_prefix("data: ") {
                    let event = serde_json::from_str(data).unwrap_or_default();
                    if tx.send((event, Instant::now())).is_err() {
                        break;
                    }
                }
            }
        });
        let events = Events { rx };
        while let Ok((event, _)) = events.rx.recv_timeout(TIMEOUT) {
            if event["kind"] == "hello" {
                break;
            }
        }
        events
    }

    fn drain(&self) {
        while self.rx.try_recv().is_ok() {}
    }

    /// When the next reload event naming `page` arrived.
    fn reload_of(&self, page: &str) -> Option<Instant> {
        let deadline = Instant::now() + TIMEOUT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let (event, at) = self.rx.recv_timeout(left).ok()?;
            let names =
                |p: &serde_json::Value| p.as_array().is_some_and(|a| a.iter().any(|x| x == page));
            if event["kind"] == "reload" && names(&event["pages"]) {
                return Some(at);
            }
        }
        None
    }
}
