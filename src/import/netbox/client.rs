//! Read-only HTTP access to a NetBox REST API: the status check, and list
//! endpoints followed page by page.
//!
//! Every failure becomes one [`FetchError`] whose message says what went
//! wrong in the user's terms (a wrong URL, a refused token, a server that
//! is not NetBox, a timeout, TLS) and what to try; the CLI prints it and
//! exits 2 with nothing written.

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::api::Page;

/// One page asks for this many objects (NetBox's default `MAX_PAGE_SIZE`
/// is 1,000; a server with a lower limit returns fewer and a `next`).
pub const PAGE_SIZE: u32 = 1000;

/// What went wrong talking to NetBox, already worded for the user.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchError(pub String);

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}

/// A NetBox API client for one server and token.
pub struct Client {
    agent: ureq::Agent,
    /// The URL as given, without a trailing `/`.
    base: String,
    /// `scheme://host:port` of `base`: where `next` links are resolved.
    origin: String,
    authorization: Option<String>,
    timeout: Duration,
    page_size: u32,
}

/// The `Authorization` header for a token: NetBox 4.7 tells v2 tokens
/// (`nbt_<key>.<secret>`, sent as `Bearer`) from v1 tokens (sent as
/// `Token`) by the prefix.
pub fn authorization(token: &str) -> String {
    let token = token.trim();
    if token.starts_with("nbt_") {
        format!("Bearer {token}")
    } else {
        format!("Token {token}")
    }
}

impl Client {
    pub fn new(url: &str, token: Option<&str>, timeout: Duration) -> Result<Client, FetchError> {
        let base = url.trim().trim_end_matches('/').to_string();
        let Some(rest) = base
            .strip_prefix("http://")
            .or_else(|| base.strip_prefix("https://"))
        else {
            return Err(FetchError(format!(
                "\"{url}\" is not an http:// or https:// URL; give NetBox's address, e.g. https://netbox.example.com"
            )));
        };
        if rest.is_empty() || rest.starts_with('/') {
            return Err(FetchError(format!("\"{url}\" names no host")));
        }
        let host_len = rest.find('/').unwrap_or(rest.len());
        let origin = base[..base.len() - rest.len() + host_len].to_string();
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("faultline/", env!("CARGO_PKG_VERSION")))
            // Internal CAs are the rule for an inventory server: trust what
            // the operating system trusts.
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build();
        Ok(Client {
            agent: config.into(),
            base,
            origin,
            authorization: token.filter(|t| !t.trim().is_empty()).map(authorization),
            timeout,
            page_size: PAGE_SIZE,
        })
    }

    /// Ask for `n` objects a page (NetBox caps it at its MAX_PAGE_SIZE).
    pub fn with_page_size(mut self, n: u32) -> Client {
        self.page_size = n.max(1);
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /api/status/`: proves the server is NetBox and the token is
    /// accepted; returns NetBox's version.
    pub fn status(&self) -> Result<String, FetchError> {
        let url = format!("{}/api/status/", self.base);
        let body = self.get(&url)?;
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|_| {
            FetchError(format!(
                "{} answered, but not as NetBox does: GET /api/status/ did not return JSON; \
                 is this the address of NetBox itself?",
                self.base
            ))
        })?;
        match value.get("netbox-version").and_then(|v| v.as_str()) {
            Some(v) => Ok(v.to_string()),
            None => Err(FetchError(format!(
                "{} answered, but it is not NetBox: /api/status/ has no \"netbox-version\"",
                self.base
            ))),
        }
    }

    /// Every object of a list endpoint (`dcim/devices`), following `next`
    /// until the last page. `progress` hears (fetched so far, total) after
    /// each page.
    pub fn list<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        query: &[(&str, String)],
        progress: &mut dyn FnMut(usize, u64),
    ) -> Result<Vec<T>, FetchError> {
        let mut url = format!("{}/api/{}/?limit={}", self.base, endpoint, self.page_size);
        for (k, v) in query {
            url.push('&');
            url.push_str(k);
            url.push('=');
            url.push_str(&percent_encode(v));
        }
        let mut out: Vec<T> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        loop {
            if !seen.insert(url.clone()) {
                return Err(FetchError(format!(
                    "NetBox sent the same page twice while listing {endpoint} ({url}); stopped"
                )));
            }
            let body = self.get(&url)?;
            let page: Page<T> = serde_json::from_str(&body).map_err(|e| {
                FetchError(format!(
                    "NetBox's answer to GET {url} is not the list it should be: {e}"
                ))
            })?;
            out.extend(page.results);
            progress(out.len(), page.count);
            match page.next {
                Some(next) if !next.is_empty() => url = self.resolve(&next),
                _ => break,
            }
            if out.len() as u64 > page.count.max(1) * 2 {
                return Err(FetchError(format!(
                    "NetBox keeps paging {endpoint} past its count of {}; stopped",
                    page.count
                )));
            }
        }
        Ok(out)
    }

    /// A `next` link against the URL we were given: NetBox builds it from
    /// the Host it saw, which behind a proxy is not always ours.
    fn resolve(&self, next: &str) -> String {
        let path = match next.find("://") {
            Some(i) => {
                let after = &next[i + 3..];
                after.find('/').map_or("/", |p| &after[p..])
            }
            None => next,
        };
        format!("{}{}", self.origin, path)
    }

    fn get(&self, url: &str) -> Result<String, FetchError> {
        let mut request = self.agent.get(url).header("Accept", "application/json");
        if let Some(auth) = &self.authorization {
            request = request.header("Authorization", auth);
        }
        let mut response = request.call().map_err(|e| self.transport_error(url, e))?;
        let status = response.status();
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_to_string()
            .map_err(|e| self.transport_error(url, e))?;
        if status.is_success() {
            return Ok(body);
        }
        let detail = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_string));
        let detail = detail.map_or(String::new(), |d| format!(" (\"{d}\")"));
        let code = status.as_u16();
        Err(FetchError(match code {
            401 | 403 => format!(
                "NetBox at {} refused the request with {status}{detail}: check the token \
                 (--token or NETBOX_TOKEN; a v2 token looks like nbt_<key>.<secret>)",
                self.base
            ),
            404 => format!(
                "{} has no {}: is this the address of NetBox itself (not of its web UI page \
                 or another server)?",
                self.base,
                url.strip_prefix(&self.origin).unwrap_or(url)
            ),
            _ => format!(
                "NetBox at {} answered {status}{detail} for GET {url}",
                self.base
            ),
        }))
    }

    fn transport_error(&self, url: &str, e: ureq::Error) -> FetchError {
        let text = e.to_string();
        FetchError(match e {
            ureq::Error::Timeout(_) => format!(
                "NetBox at {} did not answer within {} s (GET {url})",
                self.base,
                self.timeout.as_secs()
            ),
            ureq::Error::HostNotFound => format!("{}: no such host", self.base),
            ureq::Error::ConnectionFailed | ureq::Error::Io(_) => format!(
                "cannot reach NetBox at {}: {text} (is the URL right, and is NetBox running?)",
                self.base
            ),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!(
                "TLS with {} failed: {text} (a certificate your system does not trust?)",
                self.base
            ),
            _ => format!("talking to NetBox at {} failed: {text}", self.base),
        })
    }
}

/// Query values are slugs and names: keep unreserved characters, encode
/// the rest.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_sent_in_the_style_their_version_needs() {
        assert_eq!(authorization("nbt_abc.def"), "Bearer nbt_abc.def");
        assert_eq!(authorization("0123456789abcdef"), "Token 0123456789abcdef");
    }

    #[test]
    fn next_links_are_resolved_against_the_given_origin() {
        let c = Client::new(
            "http://127.0.0.1:8000/netbox/",
            None,
            Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            c.resolve("http://netbox.internal/netbox/api/dcim/devices/?limit=2&offset=2"),
            "http://127.0.0.1:8000/netbox/api/dcim/devices/?limit=2&offset=2"
        );
        assert_eq!(
            c.resolve("/api/dcim/devices/?offset=4"),
            "http://127.0.0.1:8000/api/dcim/devices/?offset=4"
        );
    }

    #[test]
    fn urls_without_a_scheme_are_refused() {
        assert!(Client::new("netbox.example.com", None, Duration::from_secs(1)).is_err());
        assert_eq!(percent_encode("hall a/1"), "hall%20a%2F1");
    }
}
