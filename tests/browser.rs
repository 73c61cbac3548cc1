//! The views in a real browser: headless Chromium, driven over the DevTools protocol with a
//! tiny WebSocket client written here (std only, so the test adds no dependency).
//!
//! Ignored in a plain `cargo test` (it needs `chromium` on the PATH); `.ci/run` runs it with
//! `cargo test --test browser -- --ignored`.

mod common;
use common::*;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The browser process, killed when the test ends however it ends.
struct Browser {
    child: Child,
    ws: TcpStream,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into()))
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts (apt-get install -y chromium)");
        let port_file = profile.path().join("DevToolsActivePort");
        let start = Instant::now();
        let text = loop {
            if let Ok(t) = std::fs::read_to_string(&port_file) {
                if t.lines().count() >= 2 {
                    break t;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no DevToolsActivePort"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        let mut lines = text.lines();
        let port: u16 = lines.next().unwrap().trim().parse().unwrap();
        let path = lines.next().unwrap().trim().to_string();
        let mut ws = TcpStream::connect(("127.0.0.1", port)).unwrap();
        ws.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            ws,
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dHJhaWxtYXAgdGVzdCBrZXk=\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            ws.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        assert!(
            String::from_utf8_lossy(&head).starts_with("HTTP/1.1 101"),
            "no WebSocket upgrade"
        );
        Browser {
            child,
            ws,
            next_id: 1,
            _profile: profile,
        }
    }

    fn send(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n < 65536 => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        let mask = [0x37u8, 0x11, 0x5a, 0x2c];
        frame.extend_from_slice(&mask);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.ws.write_all(&frame).unwrap();
    }

    /// One whole message (continuation frames joined); control frames are skipped.
    fn recv(&mut self) -> String {
        let mut message = Vec::new();
        loop {
            let mut h = [0u8; 2];
            self.ws.read_exact(&mut h).unwrap();
            let (fin, opcode) = (h[0] & 0x80 != 0, h[0] & 0x0f);
            let mut len = u64::from(h[1] & 0x7f);
            if len == 126 {
                let mut b = [0u8; 2];
                self.ws.read_exact(&mut b).unwrap();
                len = u64::from(u16::from_be_bytes(b));
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.ws.read_exact(&mut b).unwrap();
                len = u64::from_be_bytes(b);
            }
            let mut payload = vec![0u8; len as usize];
            self.ws.read_exact(&mut payload).unwrap();
            if opcode >= 8 {
                continue;
            }
            message.extend(payload);
            if fin {
                return String::from_utf8(message).unwrap();
            }
        }
    }

    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.send(&msg.to_string());
        loop {
            let v: Value = serde_json::from_str(&self.recv()).unwrap();
            if v["id"] == id {
                assert!(v["error"].is_null(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
        }
    }
}

/// A page in its own tab.
struct Tab<'a> {
    b: &'a mut Browser,
    session: String,
}

impl Tab<'_> {
    fn open(b: &mut Browser) -> Tab<'_> {
        let target = b.call(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            None,
            "Target.attachToTarget",
            json!({ "targetId": id, "flatten": true }),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        Tab { b, session }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.b.call(Some(&s), method, params)
    }

    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            r["exceptionDetails"].is_null(),
            "{js}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    fn wait_for(&mut self, js: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(js);
            if !v.is_null() && v != json!(false) {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "timed out waiting for {js}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(&format!(
            "document.readyState === 'complete' && location.href === {}",
            json!(url)
        ));
    }

    fn key(&mut self, key: &str, code: u32) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
    }

    fn click(&mut self, selector: &str) {
        let rect = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            json!(selector)
        ));
        let (x, y) = (rect[0].as_f64().unwrap(), rect[1].as_f64().unwrap());
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }
}

fn build_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = trailmap([
        "build".as_ref(),
        repo().join("example-site").as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
        "--no-png".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, out)
}

fn file_url(out: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", out.display())
}

/// A word that occurs in exactly one step's touchpoint names and in no title anywhere, with
/// the step's URL.
fn touchpoint_word(out: &Path) -> (String, String) {
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(out.join("search-index.json")).unwrap()).unwrap();
    let lower = |v: &Value| v.as_str().unwrap_or_default().to_lowercase();
    let words_of = |e: &Value| -> String {
        let tps: Vec<String> = e["touchpoints"]
            .as_array()
            .into_iter()
            .flatten()
            .map(&lower)
            .collect();
        format!("{} {}", lower(&e["title"]), tps.join(" "))
    };
    for e in index.iter().filter(|e| e["kind"] == "Step") {
        for tp in e["touchpoints"].as_array().into_iter().flatten() {
            for word in lower(tp)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 5)
            {
                let holders = index.iter().filter(|x| words_of(x).contains(word)).count();
                let in_title = lower(&e["title"]).contains(word);
                if holders == 1 && !in_title {
                    return (word.to_string(), e["url"].as_str().unwrap().to_string());
                }
            }
        }
    }
    panic!("no touchpoint word is unique to one step");
}

#[test]
#[ignore]
fn search_finds_a_touchpoints_step_and_the_backlog_sorts_by_effort() {
    let (_dir, out) = build_site();
    let mut browser = Browser::launch();
    let mut tab = Tab::open(&mut browser);

    // Search: type a touchpoint's word into the search box; that step comes first.
    let (word, url) = touchpoint_word(&out);
    let first_result =
        "document.querySelector('#search-page-results [role=option] a').getAttribute('href')";
    tab.goto(&file_url(&out, "search.html"));
    tab.eval("document.getElementById('search-page-q').focus()");
    tab.call("Input.insertText", json!({ "text": word }));
    tab.wait_for("document.querySelectorAll('#search-page-results [role=option]').length > 0");
    assert_eq!(
        tab.eval(first_result),
        json!(url),
        "typing `{word}` shows its step first"
    );
    tab.key("ArrowDown", 40);
    let selected = tab.eval(
        "document.querySelector('#search-page-results [role=option]').getAttribute('aria-selected')",
    );
    assert_eq!(selected, json!("true"), "↓ selects the first result");
    tab.key("Enter", 13);
    let want = file_url(&out, &url);
    tab.wait_for(&format!(
        "location.href === {} && document.readyState === 'complete'",
        json!(want)
    ));

    // The header's box (a plain form, no script) lands on the search page with the results.
    tab.goto(&file_url(&out, "index.html"));
    tab.eval(&format!(
        "document.getElementById('site-search-q').value = {}",
        json!(word)
    ));
    tab.eval("document.querySelector('form.site-search').submit()");
    tab.wait_for(
        "location.pathname.endsWith('/search.html') && document.readyState === 'complete'",
    );
    tab.wait_for("document.querySelectorAll('#search-page-results [role=option]').length > 0");
    assert_eq!(
        tab.eval(first_result),
        json!(url),
        "the header search finds `{word}` too"
    );

    // Backlog: sorting by effort reorders the rows, lowest effort first.
    tab.goto(&file_url(&out, "backlog.html"));
    let order = "[...document.querySelectorAll('#backlog-table tbody tr')].map(r => r.cells[0].textContent.trim())";
    let efforts = "[...document.querySelectorAll('#backlog-table tbody tr')].map(r => Number(r.cells[9].dataset.value))";
    let before = tab.eval(order);
    tab.click("#backlog-table th[data-sort=effort] button");
    let after = tab.eval(order);
    assert_ne!(before, after, "sorting by effort reorders the backlog");
    let e = effort_column(&tab.eval(efforts));
    assert!(
        e.windows(2).all(|w| w[0] <= w[1]),
        "ascending effort: {e:?}"
    );
    let sort = tab.eval(
        "document.querySelector('#backlog-table th[data-sort=effort]').getAttribute('aria-sort')",
    );
    assert_eq!(sort, json!("ascending"));
    tab.click("#backlog-table th[data-sort=effort] button");
    let e = effort_column(&tab.eval(efforts));
    assert!(
        e.windows(2).all(|w| w[0] >= w[1]),
        "descending effort: {e:?}"
    );
    // Filters narrow the table.
    let shown = tab.eval("(() => { const s = document.querySelector('#backlog-filters select[name=status]'); s.value = 'Done'; s.dispatchEvent(new Event('change', {bubbles: true})); return [...document.querySelectorAll('#backlog-table tbody tr')].filter(r => !r.hidden).map(r => r.dataset.status); })()");
    let shown = shown.as_array().unwrap();
    assert!(
        !shown.is_empty() && shown.iter().all(|s| s == "Done"),
        "{shown:?}"
    );
}

/// The effort levels of the backlog's rows, as the page reports them.
fn effort_column(v: &serde_json::Value) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}
