//! The HTML report in a real browser: headless Chromium (Debian's
//! `chromium`) opens the report from disk with no network, a test clicks
//! a finding's "show" button and reads which boxes are highlighted, takes
//! a screenshot, and fails on any console error, uncaught exception or
//! failed request. The browser is driven over the DevTools protocol on a
//! pipe (`--remote-debugging-pipe`: JSON messages ending in NUL on file
//! descriptors 3 and 4, given to it through two FIFOs by `sh`), so no
//! port is opened and no WebSocket client is needed.
//!
//! Ignored by plain `cargo test` like the SCRAM tests; CI runs them with
//! `--include-ignored` after installing Chromium. Without it they fail
//! with the install hint, never pass silently.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::{faultline, json as parse_json};

fn chromium_binary() -> String {
    for name in ["chromium", "chromium-browser"] {
        if Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return name.to_string();
        }
    }
    panic!(
        "Chromium is not installed: the report's browser tests need it. Install it with \
         `sudo apt-get install -y chromium` (Debian), or run plain `cargo test` to skip them."
    );
}

struct Browser {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next_id: u64,
    /// Every event seen, for the console and network checks.
    pub events: Vec<Value>,
    dir: PathBuf,
}

impl Browser {
    fn start() -> Browser {
        let binary = chromium_binary();
        let dir = std::env::temp_dir().join(format!(
            "faultline-chromium-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (to_path, from_path) = (dir.join("to"), dir.join("from"));
        for p in [&to_path, &from_path] {
            assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
        }
        let script = format!(
            "exec {binary} --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
             --disable-background-networking --disable-component-update --disable-sync \
             --disable-extensions --no-proxy-server --proxy-bypass-list='*' \
             --user-data-dir='{}' --remote-debugging-pipe --window-size=1400,1000 \
             about:blank 3<'{}' 4>'{}'",
            dir.join("profile").display(),
            to_path.display(),
            from_path.display()
        );
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sh starts chromium");
        // Opening a FIFO blocks until the other end opens: the browser's
        // shell opens `to` for reading first, then `from` for writing.
        let to = std::fs::OpenOptions::new()
            .write(true)
            .open(&to_path)
            .unwrap();
        let from = std::fs::File::open(&from_path).unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(from);
            loop {
                let mut buf = Vec::new();
                match reader.read_until(0, &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        buf.pop();
                        if let Ok(v) = serde_json::from_slice::<Value>(&buf) {
                            if tx.send(v).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        Browser {
            child,
            to,
            from: rx,
            next_id: 0,
            events: Vec::new(),
            dir,
        }
    }

    /// Send a command (to a page's session when given) and wait for its
    /// answer, keeping every event that arrives meanwhile.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to {method} within 60 s"));
            if v["id"] == json!(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    /// Wait for an event of one page's session by method name (already
    /// seen or arriving): another page's load is not this one's.
    fn wait_for(&mut self, session: &str, method: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let wanted = |e: &Value| e["method"] == json!(method) && e["sessionId"] == json!(session);
        if self.events.iter().any(wanted) {
            return;
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let v = self
                .from
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no {method} within {timeout:?}"));
            let found = wanted(&v);
            self.events.push(v);
            if found {
                return;
            }
        }
    }

    /// Open a page and attach to it; returns the session id.
    fn open_page(&mut self) -> String {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            self.call(Some(&session), domain, json!({}));
        }
        session
    }

    fn eval(&mut self, session: &str, expression: &str) -> Value {
        let r = self.call(
            Some(session),
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expression} threw: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Console errors, uncaught exceptions and failed requests seen.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for e in &self.events {
            let p = &e["params"];
            match e["method"].as_str() {
                Some("Runtime.exceptionThrown") => out.push(format!("exception: {p}")),
                Some("Runtime.consoleAPICalled") if p["type"] == json!("error") => {
                    out.push(format!("console.error: {p}"))
                }
                Some("Log.entryAdded") if p["entry"]["level"] == json!("error") => {
                    out.push(format!("log error: {}", p["entry"]))
                }
                Some("Network.loadingFailed") => out.push(format!("failed request: {p}")),
                _ => {}
            }
        }
        out
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Base64 as the protocol sends screenshots.
fn base64_decode(s: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => (c - b'A') as u32,
            b'a'..=b'z' => (c - b'a') as u32 + 26,
            b'0'..=b'9' => (c - b'0') as u32 + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let bytes: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c) << (18 - 6 * i);
        }
        let n = chunk.len() * 6 / 8;
        for i in 0..n {
            out.push((acc >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn write_report(layout: &str, extra: &[&str], out: &Path) {
    let mut args = vec!["report", layout, "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = faultline(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Open `html` and wait for it to load; returns (session, load time).
fn load(browser: &mut Browser, html: &Path) -> (String, Duration) {
    let session = browser.open_page();
    let started = Instant::now();
    let url = format!("file://{}", html.canonicalize().unwrap().display());
    browser.call(Some(&session), "Page.navigate", json!({"url": url}));
    browser.wait_for(&session, "Page.loadEventFired", Duration::from_secs(60));
    (session, started.elapsed())
}

fn screenshot(browser: &mut Browser, session: &str, to: &Path) {
    let shot = browser.call(
        Some(session),
        "Page.captureScreenshot",
        json!({"format": "png"}),
    );
    let png = base64_decode(shot["data"].as_str().unwrap());
    assert_eq!(&png[1..4], b"PNG", "not a PNG");
    std::fs::write(to, png).unwrap();
}

fn out_dir() -> PathBuf {
    let dir = crate::util::root().join("target/browser-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Click the "show" of the first finding with a blast radius whose
/// code is `code`; the ids of the highlighted diagram boxes.
fn click_and_read(browser: &mut Browser, session: &str, code: &str) -> (Vec<String>, Vec<String>) {
    let script = format!(
        r#"(() => {{
            const li = [...document.querySelectorAll("details.group")]
              .filter(d => d.querySelector("summary").textContent.includes("[{code}]"))
              .flatMap(d => [...d.querySelectorAll("li.finding")])
              .find(li => li.querySelector("button.show").dataset.nodes);
            if (!li) return null;
            li.querySelector("button.show").click();
            const hl = [...document.querySelectorAll("svg.one-line .node.hl")].map(n => n.dataset.id);
            const want = li.querySelector("button.show").dataset.nodes.split(" ")
              .map(id => document.getElementById(id).dataset.id);
            return [hl, want, li.textContent];
        }})()"#
    );
    let v = browser.eval(session, &script);
    assert!(
        !v.is_null(),
        "no {code} finding with a blast radius to click"
    );
    let list = |x: &Value| -> Vec<String> {
        let mut l: Vec<String> = x
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        l.sort();
        l
    };
    (list(&v[0]), list(&v[1]))
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); CI runs it with --include-ignored"]
fn demo_report_in_chromium_highlights_a_findings_blast_radius() {
    let dir = out_dir();
    let html = dir.join("demo.html");
    write_report("layouts/demo.ron", &["--collapse", "none"], &html);
    let size = std::fs::metadata(&html).unwrap().len();
    // What it holds, not a library: well under a megabyte for the demo.
    assert!(size < 600_000, "the demo's report weighs {size} bytes");
    let mut browser = Browser::start();
    let (session, _) = load(&mut browser, &html);
    let (highlighted, wanted) = click_and_read(&mut browser, &session, "short-trip");
    assert!(!highlighted.is_empty());
    assert_eq!(highlighted, wanted);
    // Independently of the page: the finding's affected devices, as
    // `check --format json` lists them, are all highlighted.
    let check = parse_json(&faultline(&[
        "check",
        "layouts/demo.ron",
        "--format",
        "json",
    ]));
    let first = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == json!("short-trip"))
        .unwrap();
    for id in first["affected"].as_array().unwrap() {
        let id = id.as_str().unwrap();
        assert!(
            highlighted.iter().any(|h| h == id),
            "{id} is not highlighted"
        );
    }
    screenshot(&mut browser, &session, &dir.join("demo-report.png"));
    let problems = browser.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); CI runs it with --include-ignored"]
fn incident_and_default_demo_reports_open_without_errors() {
    let dir = out_dir();
    let mut browser = Browser::start();
    for (name, layout, extra) in [
        (
            "incident-01",
            "layouts/incidents/01-desktop-vpn-gateway.ron",
            &["--short", "controller/psu1"][..],
        ),
        ("demo-racks", "layouts/demo.ron", &[][..]),
    ] {
        let html = dir.join(format!("{name}.html"));
        write_report(layout, extra, &html);
        let (session, _) = load(&mut browser, &html);
        let tripped = browser.eval(
            &session,
            r#"[...document.querySelectorAll("svg.one-line .node.tripped")].map(n => n.dataset.id)"#,
        );
        if name == "incident-01" {
            assert_eq!(tripped, json!(["cb-a"]));
        }
        let (highlighted, wanted) = click_and_read(&mut browser, &session, "spof");
        assert!(!highlighted.is_empty(), "{name}");
        assert_eq!(highlighted, wanted, "{name}");
        screenshot(&mut browser, &session, &dir.join(format!("{name}.png")));
    }
    let problems = browser.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The 100,000-device hall: written in under 3 s, open in Chromium in
/// under 5 s, collapsed to rows. Timed in a release build only (a debug
/// build measures the compiler, not the program).
#[test]
#[ignore = "needs Chromium (apt-get install chromium); CI runs it with --include-ignored"]
fn large_hall_report_is_fast_to_write_and_to_open() {
    let dir = out_dir();
    let layout = dir.join("hall-100k.ron");
    let gen_out = std::fs::File::create(&layout).unwrap();
    let run = crate::util::faultline_to(&["gen", "--racks", "2500"], gen_out.into());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let html = dir.join("hall-100k.html");
    // Best of three: the machine is shared with other tests, and the
    // quickest run is the one that measures the program.
    let written = (0..3)
        .map(|_| {
            let started = Instant::now();
            write_report(layout.to_str().unwrap(), &[], &html);
            started.elapsed()
        })
        .min()
        .unwrap();
    // Started after the write, so the two do not share the cores.
    let mut browser = Browser::start();
    let (session, opened) = load(&mut browser, &html);
    let boxes = browser.eval(
        &session,
        "document.querySelectorAll('svg.one-line .node').length",
    );
    assert!(
        boxes.as_u64().unwrap() < 1000,
        "{boxes} boxes: not collapsed"
    );
    let rows = browser.eval(
        &session,
        "document.querySelectorAll('svg.one-line .node[data-kind=row]').length",
    );
    assert_eq!(rows, json!(125));
    let problems = browser.problems();
    assert!(problems.is_empty(), "{problems:#?}");
    eprintln!("100k-device report: written in {written:?}, opened in {opened:?}");
    if !cfg!(debug_assertions) {
        assert!(written < Duration::from_secs(3), "written in {written:?}");
        assert!(opened < Duration::from_secs(5), "opened in {opened:?}");
    }
}
