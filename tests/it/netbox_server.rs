//! A small local HTTP server that answers the NetBox REST API the importer
//! reads, from JSON objects (synthetic or recorded from a live NetBox):
//! `GET /api/status/` and list endpoints with `limit`/`offset` paging,
//! `count`/`next`/`results` as NetBox sends them, and its token check.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub struct Fake {
    /// Endpoint (`dcim/devices`) -> its objects, in id order.
    pub lists: BTreeMap<String, Vec<Value>>,
    /// The most a page holds, whatever `limit` asks (NetBox's
    /// MAX_PAGE_SIZE): small values force many pages.
    pub max_page: usize,
    /// The token to accept (`Token x` or `Bearer nbt_...`), if any.
    pub authorization: Option<String>,
    /// What `/api/status/` answers with; not NetBox if it is not JSON.
    pub status_body: String,
    /// Recorded answers of a real NetBox: (path, sorted query pairs) ->
    /// body with `http://netbox.invalid` where its address was. Asked
    /// before `lists`.
    pub recorded: BTreeMap<(String, Vec<(String, String)>), String>,
    /// This server's own `http://host:port`, once it serves.
    origin: std::sync::OnceLock<String>,
}

impl Fake {
    pub fn new() -> Fake {
        Fake {
            lists: BTreeMap::new(),
            max_page: 1000,
            authorization: None,
            status_body: json!({"netbox-version": "4.7.3", "django-version": "5.2"}).to_string(),
            recorded: BTreeMap::new(),
            origin: std::sync::OnceLock::new(),
        }
    }

    /// The recorded answer to a request; a first page asked with another
    /// `limit` gets the whole list where only that was recorded (short
    /// lists: sites, device types), as NetBox gives when they fit.
    fn recorded_answer(&self, path: &str, query: &str) -> Option<&String> {
        let asked = pairs(query);
        if let Some(body) = self.recorded.get(&(path.to_string(), asked.clone())) {
            return Some(body);
        }
        if asked.iter().any(|(k, _)| k == "offset") {
            return None;
        }
        let whole: Vec<(String, String)> = asked
            .into_iter()
            .map(|(k, v)| {
                if k == "limit" {
                    (k, "1000".to_string())
                } else {
                    (k, v)
                }
            })
            .collect();
        self.recorded.get(&(path.to_string(), whole))
    }

    fn origin(&self) -> String {
        self.origin.get().cloned().unwrap_or_default()
    }

    /// A server that answers what a live NetBox answered, from a fixture
    /// set recorded by `scripts/netbox-live.sh record` (its `index.json`).
    pub fn replay(dir: &std::path::Path) -> Fake {
        let index: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap())
                .unwrap();
        let mut fake = Fake::new();
        for r in index["responses"].as_array().unwrap() {
            let (Some(file), 200) = (r["file"].as_str(), r["status"].as_u64().unwrap_or(0)) else {
                continue;
            };
            let body = std::fs::read_to_string(dir.join(file)).unwrap();
            let request = r["request"].as_str().unwrap();
            let (path, query) = request.split_once('?').unwrap_or((request, ""));
            if path == "/api/status/" {
                fake.status_body = body;
            } else {
                fake.recorded.insert((path.to_string(), pairs(query)), body);
            }
        }
        fake
    }

    /// Serve on a free loopback port until the test process ends; returns
    /// the base URL.
    pub fn serve(self) -> String {
        self.serve_timed().0
    }

    /// Serve, and add up the time spent answering (for benchmarks).
    pub fn serve_timed(self) -> (String, Arc<Mutex<Duration>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let _ = self.origin.set(url.clone());
        let fake = Arc::new(self);
        let busy = Arc::new(Mutex::new(Duration::ZERO));
        let total = Arc::clone(&busy);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let fake = Arc::clone(&fake);
                let busy = Arc::clone(&busy);
                thread::spawn(move || {
                    let _ = fake.answer(stream, &busy);
                });
            }
        });
        (url, total)
    }

    fn answer(&self, stream: TcpStream, busy: &Mutex<Duration>) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let mut authorization = None;
            let mut length = 0usize;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h)?;
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((k, v)) = h.split_once(':') {
                    match k.to_ascii_lowercase().as_str() {
                        "authorization" => authorization = Some(v.trim().to_string()),
                        "content-length" => length = v.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            let started = Instant::now();
            let (status, content_type, body) = self.route(&target, authorization.as_deref());
            *busy.lock().unwrap() += started.elapsed();
            let mut out = stream.try_clone()?;
            write!(
                out,
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )?;
            out.flush()?;
        }
    }

    fn route(
        &self,
        target: &str,
        authorization: Option<&str>,
    ) -> (&'static str, &'static str, String) {
        if self.authorization.is_some() && authorization != self.authorization.as_deref() {
            let detail = match authorization {
                None => "Authentication credentials were not provided.",
                Some(_) => "Invalid v1 token",
            };
            return (
                "403 Forbidden",
                "application/json",
                json!({"detail": detail}).to_string(),
            );
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if let Some(body) = self.recorded_answer(path, query) {
            return (
                "200 OK",
                "application/json",
                body.replace("http://netbox.invalid", &self.origin()),
            );
        }
        if path == "/api/status/" {
            let kind = if self.status_body.starts_with('{') {
                "application/json"
            } else {
                "text/html"
            };
            return ("200 OK", kind, self.status_body.clone());
        }
        let Some(endpoint) = path.strip_prefix("/api/").and_then(|p| p.strip_suffix('/')) else {
            return ("404 Not Found", "text/html", "<h1>Not Found</h1>".into());
        };
        let Some(objects) = self.lists.get(endpoint) else {
            return (
                "404 Not Found",
                "application/json",
                json!({"detail": "Not found."}).to_string(),
            );
        };
        let param = |k: &str| {
            query
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string())
        };
        let limit = param("limit")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(50)
            .min(self.max_page)
            .max(1);
        let offset = param("offset")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let site = param("site");
        let matching: Vec<&Value> = objects
            .iter()
            .filter(|o| match (&site, site_of(o)) {
                // Recorded lists are already one site's: objects that do
                // not say their site (a feed, a port) are kept.
                (Some(s), Some(of)) => of == s,
                _ => true,
            })
            .collect();
        let page: Vec<&Value> = matching.iter().skip(offset).take(limit).copied().collect();
        let next = (offset + limit < matching.len()).then(|| {
            let mut q = format!("limit={limit}&offset={}", offset + limit);
            if let Some(s) = &site {
                q.push_str(&format!("&site={s}"));
            }
            // As NetBox writes it: absolute, with the host it was asked by.
            format!("http://netbox.invalid{path}?{q}")
        });
        let body =
            json!({"count": matching.len(), "next": next, "previous": null, "results": page});
        ("200 OK", "application/json", body.to_string())
    }
}

/// A query string's pairs, sorted: the same request whatever the order.
fn pairs(query: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (k.to_string(), v.to_string())
        })
        .collect();
    v.sort();
    v
}

/// The site slug an object belongs to, as NetBox's `site` filter sees it.
fn site_of(o: &Value) -> Option<&str> {
    o.pointer("/site/slug")
        .or_else(|| o.pointer("/device/site/slug"))
        .or_else(|| o.pointer("/power_panel/site/slug"))
        .or_else(|| o.pointer("/_site"))
        .and_then(Value::as_str)
}

/// A server that accepts connections and never answers.
pub fn silent() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    url
}

/// A loopback URL nothing listens on.
pub fn closed() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}
