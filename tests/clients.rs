//! Proof in real clients. The example site is built for a sub-path (`--base-url
//! http://127.0.0.1:PORT/team/journeys/`) and served there by a small static server written
//! here (404 anywhere else), then:
//! - every internal `href`, `src`, `srcset` and `action` of every page is fetched over HTTP
//!   (200 required) and every `#fragment` must name an element of its page;
//! - every page loads in headless Chromium with no console error and no failed request, and
//!   axe-core finds no serious or critical violation (at 1280 px; home and a map at 390 px);
//! - Tab reaches every link of every journey page, with a visible focus indicator;
//! - a full-page screenshot of each page type is kept in `target/screenshots/`.
//!
//! Ignored in a plain `cargo test`: it needs `chromium` and axe-core (`AXE_JS`, the path of
//! `axe.min.js`); `.ci/run` installs both.

mod common;
use common::cdp::{Browser, Tab};
use common::*;
use scraper::Html;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Where the site is published on the test server.
const PREFIX: &str = "/team/journeys/";

/// The example site, built for `http://127.0.0.1:PORT/team/journeys/` and served there.
struct Served {
    _dir: tempfile::TempDir,
    out: PathBuf,
    port: u16,
}

impl Served {
    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn url(&self, rel: &str) -> String {
        format!("{}{PREFIX}{rel}", self.origin())
    }

    /// Every HTML page of the output, relative to the site root, sorted.
    fn pages(&self) -> Vec<String> {
        let mut pages: Vec<String> = snapshot(&self.out)
            .into_keys()
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        pages.sort();
        pages
    }
}

fn served() -> &'static Served {
    static SERVED: OnceLock<Served> = OnceLock::new();
    SERVED.get_or_init(|| {
        // Bind first: the port is part of the base URL the site is built with.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let base = format!("http://127.0.0.1:{port}{PREFIX}");
        let o = trailmap([
            "build".as_ref(),
            repo().join("example-site").as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
            "--base-url".as_ref(),
            base.as_ref(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let root = out.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                std::thread::spawn(move || respond(&root, stream));
            }
        });
        Served {
            _dir: dir,
            out,
            port,
        }
    })
}

/// One request, one response, then the connection closes. Files only under `PREFIX`
/// (`…/` means `…/index.html`); a missing file there gets the site's 404 page with status
/// 404, as static hosts do; anything else a bare 404.
fn respond(root: &Path, mut stream: TcpStream) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path);
    let file = path
        .strip_prefix(PREFIX)
        .filter(|rel| !rel.split('/').any(|s| s == ".." || s == "."))
        .map(|rel| {
            let rel = if rel.is_empty() || rel.ends_with('/') {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            };
            root.join(rel)
        });
    let (status, kind, body) = match &file {
        Some(f) if f.is_file() => ("200 OK", content_type(f), std::fs::read(f).unwrap()),
        Some(_) => (
            "404 Not Found",
            "text/html; charset=utf-8",
            std::fs::read(root.join("404.html")).unwrap(),
        ),
        None => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            b"not found".to_vec(),
        ),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "otf" => "font/otf",
        "ttf" => "font/ttf",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// GET over a fresh connection: (status, content type, body).
fn get(port: u16, path: &str) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let kind = head
        .lines()
        .find_map(|l| {
            l.split_once(':')
                .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        })
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    (status, kind, raw[split + 4..].to_vec())
}

/// What a URL found in a page points at.
#[derive(Debug, PartialEq)]
enum Target {
    /// On our server: the path (no query, no fragment) and the fragment, if any.
    Internal(String, Option<String>),
    /// Another host.
    External,
    /// mailto:, tel:, data: and the like.
    Other,
}

/// Resolves `url` as found on the page served at `page` (a path) on `origin`.
fn resolve(origin: &str, page: &str, url: &str) -> Target {
    let url = url.trim();
    let scheme_end = url.find(':').filter(|&i| {
        url[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && url[..i].starts_with(|c: char| c.is_ascii_alphabetic())
    });
    // An absolute URL is ours when it has our scheme, host and port.
    let same_origin = |absolute: &str| match absolute.strip_prefix(origin) {
        Some(r) if r.is_empty() || r.starts_with(['/', '?', '#']) => Some(r.to_string()),
        _ => None,
    };
    let rest = match scheme_end {
        Some(i) if matches!(&url[..i], "http" | "https") => match same_origin(url) {
            Some(r) => r,
            None => return Target::External,
        },
        Some(_) => return Target::Other,
        None if url.starts_with("//") => match same_origin(&format!("http:{url}")) {
            Some(r) => r,
            None => return Target::External,
        },
        None => url.to_string(),
    };
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (
            r.to_string(),
            Some(percent_decode(f)).filter(|f| !f.is_empty()),
        ),
        None => (rest, None),
    };
    let path = rest.split('?').next().unwrap_or("");
    let joined = if path.is_empty() {
        page.to_string()
    } else if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{}{path}", &page[..=page.rfind('/').unwrap()])
    };
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = joined.split('/').skip(1).collect();
    for (i, s) in parts.iter().enumerate() {
        match *s {
            ".." => {
                segments.pop();
            }
            "." => {}
            s => segments.push(s),
        }
        if matches!(*s, "." | "..") && i == parts.len() - 1 {
            segments.push("");
        }
    }
    Target::Internal(format!("/{}", segments.join("/")), fragment)
}

/// Every URL a page refers to: `href`, `src`, each `srcset` candidate, form `action`,
/// `poster`, and the social-card image and URL metadata.
fn urls_in(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for node in doc.root_element().descendants() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        for (name, value) in e.attrs() {
            match name {
                "href" | "src" | "action" | "poster" => out.push(value.to_string()),
                "srcset" => out.extend(
                    value
                        .split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                ),
                "content"
                    if e.name() == "meta"
                        && matches!(
                            e.attr("property").or(e.attr("name")),
                            Some("og:image" | "og:url" | "twitter:image")
                        ) =>
                {
                    out.push(value.to_string())
                }
                _ => {}
            }
        }
    }
    out
}

fn ids_in(body: &[u8]) -> BTreeSet<String> {
    let doc = Html::parse_document(&String::from_utf8_lossy(body));
    doc.root_element()
        .descendants()
        .filter_map(|n| n.value().as_element()?.attr("id").map(str::to_string))
        .collect()
}

#[test]
fn resolving_urls() {
    let o = "http://127.0.0.1:8";
    let r = |p: &str, u: &str| resolve(o, p, u);
    let int = |p: &str, f: Option<&str>| Target::Internal(p.into(), f.map(Into::into));
    assert_eq!(r("/a/b/c.html", "../d.html#x"), int("/a/d.html", Some("x")));
    assert_eq!(r("/a/b/c.html", "#x"), int("/a/b/c.html", Some("x")));
    assert_eq!(r("/a/b/c.html", "e/f.svg?v=1"), int("/a/b/e/f.svg", None));
    assert_eq!(r("/a/b/c.html", "/z.html"), int("/z.html", None));
    assert_eq!(r("/a/b/c.html", "./"), int("/a/b/", None));
    assert_eq!(r("/a/b/c.html", ".."), int("/a/", None));
    assert_eq!(
        r("/a/b/c.html", "http://127.0.0.1:8/a/x.png"),
        int("/a/x.png", None)
    );
    assert_eq!(r("/a/b/c.html", "//127.0.0.1:8/y#z"), int("/y", Some("z")));
    assert_eq!(r("/a/b/c.html", "http://127.0.0.1:80/x"), Target::External);
    assert_eq!(r("/a/b/c.html", "https://127.0.0.1:8/x"), Target::External);
    assert_eq!(r("/a/b/c.html", "https://example.org/x"), Target::External);
    assert_eq!(r("/a/b/c.html", "//example.org/x"), Target::External);
    assert_eq!(r("/a/b/c.html", "mailto:a@b.c"), Target::Other);
    assert_eq!(
        r("/a/b/c.html", "#caf%C3%A9"),
        int("/a/b/c.html", Some("café"))
    );
}

#[test]
#[ignore = "serves the site over HTTP; run by .ci/run"]
fn every_internal_link_resolves_under_a_sub_path() {
    let s = served();
    let origin = s.origin();
    // The pages as served, plus the 404 page as a host serves it at a missing deep URL.
    let mut pages: Vec<String> = s.pages().iter().map(|p| format!("{PREFIX}{p}")).collect();
    pages.push(format!("{PREFIX}journeys/no-such/map.html"));
    let mut fetched: BTreeMap<String, (u16, BTreeSet<String>)> = BTreeMap::new();
    let mut fetch = |path: &str| -> (u16, BTreeSet<String>) {
        fetched
            .entry(path.to_string())
            .or_insert_with(|| {
                let (status, kind, body) = get(s.port, path);
                let ids = if kind.starts_with("text/html") || kind.starts_with("image/svg") {
                    ids_in(&body)
                } else {
                    BTreeSet::new()
                };
                (status, ids)
            })
            .clone()
    };
    let (mut links, mut fragments, mut external, mut other) = (0, 0, 0, 0);
    let mut broken = Vec::new();
    for page in &pages {
        let (status, kind, body) = get(s.port, page);
        let missing = page.contains("/no-such/");
        assert_eq!(status, if missing { 404 } else { 200 }, "{page}");
        assert!(kind.starts_with("text/html"), "{page}: {kind}");
        let doc = Html::parse_document(&String::from_utf8_lossy(&body));
        let own_ids = ids_in(&body);
        for url in urls_in(&doc) {
            match resolve(&origin, page, &url) {
                Target::External => external += 1,
                Target::Other => other += 1,
                Target::Internal(path, fragment) => {
                    links += 1;
                    // A link into the page itself needs no request (the 404 page answers 404).
                    let (status, ids) = if path == *page {
                        (200, own_ids.clone())
                    } else {
                        fetch(&path)
                    };
                    if status != 200 {
                        broken.push(format!("{page}: {url} → {path}: HTTP {status}"));
                    } else if let Some(f) = fragment {
                        fragments += 1;
                        if !ids.contains(&f) {
                            broken.push(format!("{page}: {url}: no element with id `{f}`"));
                        }
                    }
                }
            }
        }
    }
    // The sitemap lists absolute URLs of pages that exist.
    let (status, _, sitemap) = get(s.port, &format!("{PREFIX}sitemap.xml"));
    assert_eq!(status, 200);
    let sitemap = String::from_utf8(sitemap).unwrap();
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|l| l.split_once("</loc>").map(|(u, _)| u))
        .collect();
    for loc in &locs {
        match resolve(&origin, PREFIX, loc) {
            Target::Internal(path, None) if fetch(&path).0 == 200 => links += 1,
            _ => broken.push(format!("sitemap.xml: {loc}")),
        }
    }
    eprintln!(
        "{} pages (served under {PREFIX}, with the 404 page at a missing URL), {links} internal \
         links checked ({} distinct URLs, {} sitemap entries), {fragments} fragments checked; \
         {external} external links and {other} mailto/data links not fetched",
        pages.len(),
        fetched.len(),
        locs.len()
    );
    assert!(pages.len() >= 20, "only {} pages", pages.len());
    assert!(links > 100, "only {links} links checked");
    assert!(fragments > 10, "only {fragments} fragments checked");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// The screenshot folder: `$CARGO_TARGET_DIR/screenshots`, or the repo's `target/screenshots`.
fn screenshots() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"))
        .join("screenshots")
}

/// The screenshot kept for a page, one per kind of page.
fn screenshot_name(rel: &str) -> Option<&'static str> {
    Some(match rel {
        "index.html" => "home",
        "journeys.html" => "journeys-list",
        "personas.html" => "personas-list",
        "journeys/first-purchase.html" => "journey",
        "personas/maya.html" => "persona",
        "method.html" => "page",
        "backlog.html" => "backlog",
        "pain-points.html" => "pain-points",
        "channels.html" => "channels",
        "funnel.html" => "funnel",
        "compare.html" => "compare",
        "compare/first-purchase.html" => "compare-pair",
        "health.html" => "health",
        "search.html" => "search",
        _ => return None,
    })
}

/// What went wrong while a page loaded, from the events of the Runtime, Log and Network
/// domains. `expected_404` is the one URL allowed to answer 404 (the page itself, when
/// visiting a missing URL).
fn problems(events: &[Value], expected_404: Option<&str>) -> Vec<String> {
    let mut urls = BTreeMap::new();
    let mut out = Vec::new();
    for e in events {
        let p = &e["params"];
        match e["method"].as_str().unwrap_or("") {
            "Network.requestWillBeSent" => {
                urls.insert(
                    p["requestId"].to_string(),
                    p["request"]["url"].as_str().unwrap_or("").to_string(),
                );
            }
            "Runtime.exceptionThrown" => out.push(format!(
                "exception: {}",
                p["exceptionDetails"]["exception"]["description"]
                    .as_str()
                    .or(p["exceptionDetails"]["text"].as_str())
                    .unwrap_or("?")
            )),
            "Runtime.consoleAPICalled"
                if matches!(p["type"].as_str(), Some("error" | "assert")) =>
            {
                let args: Vec<String> = p["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| {
                        a["value"]
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| a["description"].to_string())
                    })
                    .collect();
                out.push(format!("console.{}: {}", p["type"], args.join(" ")));
            }
            "Log.entryAdded" if p["entry"]["level"] == "error" => {
                let url = p["entry"]["url"].as_str().unwrap_or("");
                if expected_404.is_some_and(|u| u == url) {
                    continue; // "Failed to load resource: 404" for the page itself
                }
                out.push(format!("log: {} {url}", p["entry"]["text"]));
            }
            "Network.loadingFailed" => out.push(format!(
                "request failed: {} {}{}",
                urls.get(&p["requestId"].to_string())
                    .map_or("?", String::as_str),
                p["errorText"],
                if p["canceled"] == true {
                    " (canceled)"
                } else {
                    ""
                }
            )),
            "Network.responseReceived" => {
                let status = p["response"]["status"].as_i64().unwrap_or(0);
                let url = p["response"]["url"].as_str().unwrap_or("");
                if status >= 400 && !(status == 404 && expected_404 == Some(url)) {
                    out.push(format!("HTTP {status}: {url}"));
                }
            }
            _ => {}
        }
    }
    out
}

/// Runs axe-core on the open page: its violations as (rule, impact, help, first nodes).
fn axe(tab: &mut Tab, source: &str) -> Vec<(String, String, String, String)> {
    if tab.eval("typeof axe === 'undefined'") == json!(true) {
        tab.eval(&format!("{source}\n;0"));
    }
    let v = tab.eval(
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ \
           id: v.id, impact: v.impact, help: v.help, \
           nodes: v.nodes.length + ' node(s), e.g. ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') \
             + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | ') })))",
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap_or("").to_string();
            (s("id"), s("impact"), s("help"), s("nodes"))
        })
        .collect()
}

#[test]
#[ignore = "needs chromium and axe-core (AXE_JS); run by .ci/run"]
fn every_page_loads_clean_and_passes_axe_in_chromium() {
    let axe_js = std::env::var("AXE_JS")
        .expect("set AXE_JS to the path of axe.min.js (npm install axe-core; .ci/run does it)");
    let axe_source =
        std::fs::read_to_string(&axe_js).unwrap_or_else(|e| panic!("AXE_JS={axe_js}: {e}"));
    let s = served();
    let shots = screenshots();
    let started = Instant::now();
    let mut browser = Browser::launch();
    let mut tab = Tab::open(&mut browser);
    for domain in ["Page", "Runtime", "Log", "Network"] {
        tab.call(&format!("{domain}.enable"), json!({}));
    }
    // Every page where it is published; the 404 page where a host shows it, at a missing URL.
    let mut visits: Vec<(String, String, Option<&str>)> = s
        .pages()
        .into_iter()
        .map(|p| (p.clone(), s.url(&p), screenshot_name(&p)))
        .collect();
    visits.push((
        "(missing URL)".into(),
        s.url("journeys/no-such/map.html"),
        Some("404"),
    ));
    let mut failures = Vec::new();
    // (rule, impact) → pages, and the first report of each.
    let mut tally: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut detail: BTreeMap<String, String> = BTreeMap::new();
    let mut visit = |tab: &mut Tab, label: &str, url: &str, shot: Option<&str>| {
        let missing = url.contains("/no-such/");
        tab.load(url, Duration::from_millis(250));
        if label == "search.html" {
            // Show the results too: the search page's own input, as a reader uses it.
            tab.eval("document.getElementById('search-page-q').focus()");
            tab.call("Input.insertText", json!({ "text": "checkout" }));
            tab.wait_for(
                "document.querySelectorAll('#search-page-results [role=option]').length > 0",
            );
        }
        for p in problems(&tab.events(), missing.then_some(url)) {
            failures.push(format!("{label}: {p}"));
        }
        for (id, impact, help, nodes) in axe(tab, &axe_source) {
            detail
                .entry(format!("{id} ({impact})"))
                .or_insert_with(|| format!("{help}; on {label}: {nodes}"));
            tally
                .entry((id, impact))
                .or_default()
                .insert(label.to_string());
        }
        if let Some(name) = shot {
            tab.screenshot(&shots.join(format!("{name}.png")));
        }
        // Nothing the checks did may have logged an error either.
        for p in problems(&tab.events(), None) {
            failures.push(format!("{label} (after axe): {p}"));
        }
    };
    for (label, url, shot) in &visits {
        visit(&mut tab, label, url, *shot);
    }
    // A phone: the home page and a map, 390 CSS pixels wide.
    tab.viewport(Some((390, true)));
    for (rel, shot) in [
        ("index.html", "home-mobile"),
        ("journeys/first-purchase.html", "journey-mobile"),
    ] {
        visit(&mut tab, &format!("{rel} @390px"), &s.url(rel), Some(shot));
        let width = tab.eval("document.documentElement.scrollWidth");
        assert!(
            width.as_f64().unwrap() <= 390.0,
            "{rel} is {width} px wide on a 390 px phone: it scrolls sideways"
        );
    }
    tab.viewport(None);
    let pages = visits.len();
    eprintln!(
        "{pages} pages loaded in Chromium (+2 at 390 px) in {:.1} s; screenshots in {}",
        started.elapsed().as_secs_f64(),
        shots.display()
    );
    let mut by_impact: BTreeMap<&str, usize> = BTreeMap::new();
    eprintln!("axe-core violations (rule, impact, pages):");
    for ((id, impact), on) in &tally {
        *by_impact.entry(impact).or_default() += on.len();
        let on_list: Vec<&str> = on.iter().map(String::as_str).take(6).collect();
        eprintln!(
            "  {id:<24} {impact:<9} {:>3}  [{}] {}",
            on.len(),
            on_list.join(", "),
            detail[&format!("{id} ({impact})")]
        );
    }
    eprintln!("  by impact (page count): {by_impact:?}");
    assert!(
        failures.is_empty(),
        "console errors or failed requests:\n{}",
        failures.join("\n")
    );
    let serious: Vec<String> = tally
        .iter()
        .filter(|((_, impact), _)| matches!(impact.as_str(), "serious" | "critical"))
        .map(|((id, impact), on)| {
            let d = &detail[&format!("{id} ({impact})")];
            format!("{id} ({impact}) on {} page(s): {d}", on.len())
        })
        .collect();
    assert!(
        serious.is_empty(),
        "serious or critical axe-core violations:\n{}",
        serious.join("\n")
    );
}

#[test]
#[ignore = "needs chromium; run by .ci/run"]
fn tab_reaches_every_link_of_every_map_page() {
    let s = served();
    let mut browser = Browser::launch();
    let mut tab = Tab::open(&mut browser);
    tab.call("Page.enable", json!({}));
    tab.call("Page.bringToFront", json!({}));
    tab.call(
        "Emulation.setFocusEmulationEnabled",
        json!({ "enabled": true }),
    );
    let journeys: Vec<String> = s
        .pages()
        .into_iter()
        .filter(|p| p.starts_with("journeys/"))
        .collect();
    assert!(journeys.len() >= 4, "{journeys:?}");
    let mut missed = Vec::new();
    for rel in &journeys {
        tab.load(&s.url(rel), Duration::from_millis(100));
        // The links a reader can see; the map's scroll box (so the keys can scroll it) and
        // whatever is focusable inside the map's SVG.
        let counts = tab.eval(
            "(() => { \
               const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'; \
               window.__links = [...document.querySelectorAll('a[href]')].filter(shown); \
               window.__svg = [...document.querySelectorAll('.map-scroll, .map svg a[href], .map svg [tabindex]:not([tabindex=\"-1\"])')].filter(shown); \
               return [window.__links.length, window.__svg.length]; })()",
        );
        let (links, in_svg) = (counts[0].as_u64().unwrap(), counts[1].as_u64().unwrap());
        assert!(in_svg >= 1, "{rel}: no scroll box around the map");
        let mut reached_links = BTreeSet::new();
        let mut reached_svg = BTreeSet::new();
        let mut rings_checked = 0;
        let mut presses = 0;
        while presses < links + in_svg + 50 {
            presses += 1;
            tab.key("Tab", 9);
            let f = tab.eval(
                "(() => { const e = document.activeElement; \
                   if (!e || e === document.body) return null; \
                   const again = e.__seen === true; e.__seen = true; \
                   const cs = getComputedStyle(e); \
                   return { again, tag: e.tagName.toLowerCase(), href: e.getAttribute('href'), id: e.id, \
                     link: window.__links.indexOf(e), svg: window.__svg.indexOf(e), \
                     outline: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0, \
                     shadow: cs.boxShadow !== 'none', \
                     desc: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.getAttribute('href') || '') }; })()",
            );
            if f.is_null() {
                continue;
            }
            if f["again"] == true {
                break;
            }
            if let Some(i) = f["link"].as_i64().filter(|&i| i >= 0) {
                reached_links.insert(i);
                if rings_checked < 8 {
                    rings_checked += 1;
                    assert!(
                        f["outline"] == true || f["shadow"] == true,
                        "{rel}: no visible focus indicator on {}",
                        f["desc"]
                    );
                }
            }
            if let Some(i) = f["svg"].as_i64().filter(|&i| i >= 0) {
                reached_svg.insert(i);
                assert!(
                    f["outline"] == true || f["shadow"] == true,
                    "{rel}: no visible focus indicator on {}",
                    f["desc"]
                );
            }
        }
        eprintln!(
            "{rel}: Tab reached {} of {links} links and {} of {in_svg} map elements (scroll box, SVG) in {presses} presses",
            reached_links.len(),
            reached_svg.len()
        );
        if reached_links.len() as u64 != links || reached_svg.len() as u64 != in_svg {
            let never = tab.eval(
                "window.__links.concat(window.__svg).filter(e => !e.__seen).slice(0, 10).map(e => e.outerHTML.slice(0, 160))",
            );
            missed.push(format!("{rel}: never focused: {never}"));
        }
        assert!(rings_checked > 0, "{rel}: no link was focused");
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));
}
