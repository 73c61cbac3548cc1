//! Headless Chromium, driven over the DevTools protocol with a tiny WebSocket client written
//! here (std only, so the tests add no dependency). Used by `tests/browser.rs` and
//! `tests/clients.rs`, both `#[ignore]`d in a plain `cargo test` (they need `chromium`).

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The browser process, killed when the test ends however it ends.
pub struct Browser {
    child: Child,
    ws: TcpStream,
    next_id: u64,
    /// Events that arrived while waiting for a reply, oldest first.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    pub fn launch() -> Browser {
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
                "--hide-scrollbars",
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
            events: Vec::new(),
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

    /// Sends a command and waits for its reply; events received meanwhile are kept.
    pub fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
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
            if v["method"].is_string() {
                self.events.push(v);
            }
        }
    }

    /// Waits (up to 30 s) for an event of `session` named `method`, keeping the others.
    fn wait_event(&mut self, session: &str, method: &str) -> Value {
        let hit = |v: &Value| v["sessionId"] == session && v["method"] == method;
        if let Some(i) = self.events.iter().position(hit) {
            return self.events.remove(i);
        }
        loop {
            let v: Value = serde_json::from_str(&self.recv()).unwrap();
            if hit(&v) {
                return v;
            }
            if v["method"].is_string() {
                self.events.push(v);
            }
        }
    }

    /// Takes the kept events of `session`, oldest first.
    fn take_events(&mut self, session: &str) -> Vec<Value> {
        let (mine, others) = std::mem::take(&mut self.events)
            .into_iter()
            .partition(|v| v["sessionId"] == session);
        self.events = others;
        mine
    }
}

/// A page in its own tab.
pub struct Tab<'a> {
    b: &'a mut Browser,
    session: String,
}

impl Tab<'_> {
    pub fn open(b: &mut Browser) -> Tab<'_> {
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

    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.b.call(Some(&s), method, params)
    }

    pub fn eval(&mut self, js: &str) -> Value {
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

    pub fn wait_for(&mut self, js: &str) -> Value {
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

    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(&format!(
            "document.readyState === 'complete' && location.href === {}",
            json!(url)
        ));
    }

    /// Navigates and waits for the load event (the Page domain must be enabled), then lets
    /// the page settle for `settle`. Events from before the navigation are dropped.
    pub fn load(&mut self, url: &str, settle: Duration) {
        self.b.take_events(&self.session);
        let r = self.call("Page.navigate", json!({ "url": url }));
        assert!(r["errorText"].is_null(), "{url}: {}", r["errorText"]);
        let s = self.session.clone();
        self.b.wait_event(&s, "Page.loadEventFired");
        std::thread::sleep(settle);
    }

    /// The events this tab received so far (a round trip first, so that every event sent
    /// before now has arrived), oldest first.
    pub fn events(&mut self) -> Vec<Value> {
        self.eval("0");
        let s = self.session.clone();
        self.b.take_events(&s)
    }

    pub fn key(&mut self, key: &str, code: u32) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
    }

    pub fn click(&mut self, selector: &str) {
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

    /// A viewport `width` CSS pixels wide (a phone when `mobile`), or the window's own with
    /// `None`.
    pub fn viewport(&mut self, width: Option<(u32, bool)>) {
        match width {
            Some((w, mobile)) => {
                self.call(
                    "Emulation.setDeviceMetricsOverride",
                    json!({ "width": w, "height": if mobile { 844 } else { 900 },
                            "deviceScaleFactor": 1, "mobile": mobile }),
                );
            }
            None => {
                self.call("Emulation.clearDeviceMetricsOverride", json!({}));
            }
        }
    }

    /// The whole page, top to bottom, as a PNG file.
    pub fn screenshot(&mut self, path: &Path) {
        let m = self.call("Page.getLayoutMetrics", json!({}));
        let size = &m["cssContentSize"];
        let (w, h) = (
            size["width"].as_f64().unwrap().ceil(),
            size["height"].as_f64().unwrap().ceil(),
        );
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": w, "height": h, "scale": 1 } }),
        );
        let png = base64_decode(shot["data"].as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = s.bytes().filter(|&c| c != b'=').map(val).collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut n = 0u32;
        for (i, d) in chunk.iter().enumerate() {
            n |= u32::from(*d) << (18 - 6 * i);
        }
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}
