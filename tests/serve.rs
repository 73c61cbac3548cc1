//! `trailmap serve` from the outside: a real server on a free port, a temp copy of the
//! example site, a subscriber on the events stream, and edits made the way editors make
//! them. Requests are written by hand on a raw socket, so traversal paths reach the server
//! exactly as an attacker would send them, not normalised by an HTTP client.
#![cfg(feature = "serve")]

mod common;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Generous: a debug build on a loaded 2-core machine is slow, but every wait is bounded.
const WAIT: Duration = Duration::from_secs(90);

/// A running `trailmap serve`, killed when dropped; its stderr is collected.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(site: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trailmap"))
            .args([
                "serve".as_ref(),
                site.as_os_str(),
                "--port".as_ref(),
                "0".as_ref(),
                "--verbose".as_ref(),
            ])
            .env("SOURCE_DATE_EPOCH", "1795000000")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start trailmap serve");
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut server = Server {
            child,
            port: 0,
            log,
        };
        let port = poll(WAIT, || {
            let log = server.log();
            let at = log.find("serving http://127.0.0.1:")? + "serving http://127.0.0.1:".len();
            log[at..].split('/').next()?.parse::<u16>().ok()
        });
        server.port = port.unwrap_or_else(|| panic!("the server did not start:\n{}", server.log()));
        server
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> (u16, String) {
        raw_get(self.port, path)
    }

    fn page(&self, path: &str) -> String {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// Polls `path` until its body satisfies `ok`; fails with the last body.
    fn wait_for_page(&self, path: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        let found = poll(WAIT, || {
            last = self.get(path).1;
            ok(&last).then(|| last.clone())
        });
        found.unwrap_or_else(|| panic!("{path} never showed {what}; server log:\n{}", self.log()))
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }

    fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.0 GET on a raw socket (so no chunking, and the path goes out untouched).
fn raw_get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read response");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, body.to_string())
}

/// The live-reload stream, as the page's script sees it: one JSON value per event.
struct Events {
    rx: Receiver<Value>,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(s, "GET /__trailmap/events HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(s).lines().map_while(Result::ok) {
                if let Some(data) = line.trim_end().strip_prefix("data: ") {
                    if tx
                        .send(serde_json::from_str(data).expect("event is JSON"))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        });
        let events = Events { rx };
        events.next("hello");
        events
    }

    /// Forgets events that are already in (e.g. a second rebuild of the previous edit).
    fn drain(&self) {
        while self.rx.try_recv().is_ok() {}
    }

    /// The next event of `kind`, skipping others.
    fn next(&self, kind: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(v) if v["kind"] == kind => return v,
                Ok(_) => {}
                Err(e) => panic!("no `{kind}` event: {e}"),
            }
        }
        panic!("no `{kind}` event in {WAIT:?}")
    }
}

/// Calls `f` until it gives a value or `timeout` passes.
fn poll<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A temp copy of the example site without any built output.
fn example_copy() -> (tempfile::TempDir, PathBuf) {
    let (dir, site) = site_copy("example-site");
    let _ = std::fs::remove_dir_all(site.join("public"));
    (dir, site)
}

fn set_title(text: &str, title: &str) -> String {
    let start = text.find("\ntitle:").expect("a title line") + 1;
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    format!("{}title: {title}{}", &text[..start], &text[end..])
}

/// Writes `text` the way editors with "atomic save" do: a temp file renamed over the target.
fn write_atomic(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// `journeys/returns.yaml:12:3`-like text in `html`.
fn has_place(html: &str, file: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    html.match_indices(&format!("{file}:")).any(|(i, m)| {
        let rest = &html[i + m.len()..];
        let line = digits(rest);
        line > 0 && rest[line..].starts_with(':') && digits(&rest[line + 1..]) > 0
    })
}

#[test]
fn the_browser_follows_edits_errors_and_new_files() {
    let (_dir, site) = example_copy();
    let server = Server::start(&site);
    let events = server.events();
    let journey = site.join("journeys/first-purchase.yaml");
    let original = std::fs::read_to_string(&journey).unwrap();

    // Written in place.
    events.drain();
    std::fs::write(&journey, set_title(&original, "Marker one in place")).unwrap();
    events.next("reload");
    server.wait_for_page("/journeys/first-purchase.html", "the in-place edit", |b| {
        b.contains("Marker one in place")
    });

    // Written by atomic rename.
    events.drain();
    write_atomic(&journey, &set_title(&original, "Marker two renamed"));
    events.next("reload");
    server.wait_for_page("/journeys/first-purchase.html", "the renamed edit", |b| {
        b.contains("Marker two renamed")
    });

    // Broken YAML: the overlay names the place, the old content stays.
    let returns = site.join("journeys/returns.yaml");
    let good = std::fs::read_to_string(&returns).unwrap();
    events.drain();
    std::fs::write(&returns, set_title(&good, "[unclosed")).unwrap();
    let errors = events.next("errors");
    assert!(
        has_place(errors["overlay"].as_str().unwrap(), "journeys/returns.yaml"),
        "{errors}"
    );
    let home = server.wait_for_page("/", "the overlay", |b| {
        b.contains("id=\"trailmap-overlay\"")
    });
    assert!(
        has_place(&home, "journeys/returns.yaml"),
        "no file:line:col in the overlay:\n{home}"
    );
    assert!(
        server
            .page("/journeys/first-purchase.html")
            .contains("Marker two renamed"),
        "the last good site is gone"
    );
    assert!(server
        .page("/journeys/returns.html")
        .contains("id=\"trailmap-overlay\""));
    assert!(
        has_place(&server.log(), "journeys/returns.yaml"),
        "the terminal does not show the error"
    );

    // Fixed: the overlay goes.
    events.drain();
    std::fs::write(&returns, &good).unwrap();
    events.next("reload");
    server.wait_for_page("/", "no overlay", |b| {
        !b.contains("id=\"trailmap-overlay\"")
    });

    // A new journey appears on the home page, and goes when deleted.
    let added = site.join("journeys/added-journey.yaml");
    let text = set_title(
        &good.replacen("id: returns", "id: added-journey", 1),
        "Added journey marker",
    );
    std::fs::write(&added, text).unwrap();
    server.wait_for_page("/", "the added journey", |b| {
        b.contains("Added journey marker")
    });
    assert_eq!(server.get("/journeys/added-journey.html").0, 200);
    std::fs::remove_file(&added).unwrap();
    server.wait_for_page("/", "the journey gone", |b| {
        !b.contains("Added journey marker")
    });
    let (status, body) = server.get("/journeys/added-journey.html");
    assert_eq!(status, 404);
    assert!(body.contains("<html"), "not the site's 404 page: {body}");
}

#[test]
fn traversal_never_leaves_the_site() {
    let (dir, site) = example_copy();
    let secret = "TOP-SECRET-d41d8cd98f00b204";
    std::fs::write(dir.path().join("secret.txt"), secret).unwrap();
    let out = site.join("public");
    std::fs::create_dir_all(&out).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("leak.txt")).unwrap();
    let server = Server::start(&site);
    assert_eq!(
        server.get("/static/style.css").0,
        200,
        "the theme's stylesheet is served"
    );
    let paths = [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/journeys/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/..%2F..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/..%5C..%5Cetc%5Cpasswd",
        "/..\\secret.txt",
        "/static/..%252f..%252fsecret.txt",
        "/index.html%00/../../secret.txt",
        "/leak.txt",
        "/public/leak.txt",
        "/trailmap.yaml",
        "/journeys/returns.yaml",
    ];
    for p in paths {
        let (status, body) = server.get(p);
        assert_ne!(status, 200, "{p} was served: {body:.200}");
        assert!(
            !body.contains(secret) && !body.contains("root:x:0:0"),
            "{p} leaked a file"
        );
    }
}

#[test]
fn a_stylesheet_change_swaps_css_without_a_reload() {
    let (_dir, site) = example_copy();
    let css = site.join("assets/custom.css");
    std::fs::write(&css, "body { color: black; }\n").unwrap();
    let server = Server::start(&site);
    let events = server.events();
    std::fs::write(&css, "body { color: rebeccapurple; }\n").unwrap();
    events.next("css");
    server.wait_for_page("/assets/custom.css", "the new stylesheet", |b| {
        b.contains("rebeccapurple")
    });
}

#[test]
fn soak_500_saves_in_10_seconds() {
    let (_dir, site) = example_copy();
    let server = Server::start(&site);
    let files = [
        "first-purchase",
        "first-purchase-future",
        "influencer-campaign",
        "returns",
    ];
    let originals: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(site.join(format!("journeys/{f}.yaml"))).unwrap())
        .collect();
    let started = Instant::now();
    let mut last = vec![String::new(); files.len()];
    for i in 0..500 {
        let k = i % files.len();
        let title = format!("Soak save {i}");
        let path = site.join(format!("journeys/{}.yaml", files[k]));
        let text = set_title(&originals[k], &title);
        if i % 2 == 0 {
            std::fs::write(&path, text).unwrap();
        } else {
            write_atomic(&path, &text);
        }
        last[k] = title;
        // 500 saves spread over 10 seconds.
        let due = Duration::from_millis(20 * (i as u64 + 1));
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
    }
    for (f, title) in files.iter().zip(&last) {
        server.wait_for_page(&format!("/journeys/{f}.html"), title, |b| {
            b.contains(&format!("{title}<"))
        });
    }
    // The site-wide pages follow once the background render catches up.
    let home = server.wait_for_page("/", "every final title", |b| {
        last.iter().all(|t| b.contains(t.as_str()))
    });
    assert!(
        !home.contains("id=\"trailmap-overlay\""),
        "the final build failed:\n{}",
        server.log()
    );
    let mut server = server;
    assert!(server.is_running(), "the server died:\n{}", server.log());
}

/// A page opened in headless Chromium reloads by itself after a save. Needs `chromium`
/// (Debian package), so it runs in `.ci/run` with `--include-ignored`, not in plain
/// `cargo test`.
#[test]
#[ignore = "needs chromium; run by .ci/run"]
fn chromium_reloads_the_page_after_a_save() {
    let (_dir, site) = example_copy();
    let server = Server::start(&site);
    let profile = tempfile::tempdir().unwrap();
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok()
        })
        .expect("chromium is not installed: apt-get install -y chromium");
    let mut chromium = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!(
            "http://127.0.0.1:{}/journeys/returns.html",
            server.port
        ))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let page_loads = |log: &str| log.matches("GET /journeys/returns.html 200").count();
    // The script ran when the events stream opens.
    let connected = poll(WAIT, || {
        server.log().contains("events stream opened").then_some(())
    });
    let loads_before = page_loads(&server.log());
    let journey = site.join("journeys/returns.yaml");
    let text = std::fs::read_to_string(&journey).unwrap();
    std::fs::write(&journey, set_title(&text, "Reloaded by itself")).unwrap();
    let reloaded = poll(WAIT, || {
        (page_loads(&server.log()) > loads_before).then_some(())
    });
    let _ = chromium.kill();
    let _ = chromium.wait();
    assert!(
        connected.is_some(),
        "the page never opened the events stream:\n{}",
        server.log()
    );
    assert!(
        reloaded.is_some(),
        "the page did not reload after the save:\n{}",
        server.log()
    );
}
