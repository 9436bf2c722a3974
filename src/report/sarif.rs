//! SARIF 2.1.0 for GitHub code scanning and other SARIF viewers: one rule
//! per finding code from the code registry, one result per finding, with
//! the identity's fingerprint so a finding is tracked across commits.
//!
//! Columns are counted in characters (`columnKind: unicodeCodePoints`), as
//! the human report counts them.

use serde_json::{Value, json};

use crate::code::{Code, Severity};
use crate::findings::Finding;
use crate::model::Loaded;
use crate::model::spans::Loc;
use crate::review::identity::Identity;

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Related locations per result: enough to click through a blast radius,
/// bounded so a hall-wide finding does not write a million locations.
pub const MAX_RELATED: usize = 50;

/// How a finding stands against a baseline or the base of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineState {
    New,
    Unchanged,
    Updated,
}

impl BaselineState {
    fn name(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Updated => "updated",
        }
    }
}

/// One layout's findings, as one SARIF run. `uri` is the file as the user
/// named it (its path inside the repository for `git:REV:PATH`).
pub struct RunInput<'a> {
    pub loaded: &'a Loaded,
    pub uri: Option<&'a str>,
    pub findings: Vec<(&'a Finding, Option<BaselineState>)>,
    /// Extra run properties (a diff's counts).
    pub properties: Option<Value>,
}

pub fn log(runs: &[RunInput<'_>]) -> String {
    let value = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": runs.iter().map(run).collect::<Vec<_>>(),
    });
    let mut s = serde_json::to_string_pretty(&value).expect("SARIF always serialises");
    s.push('\n');
    s
}

fn rules() -> Vec<Value> {
    Code::findings()
        .map(|code| {
            let e = crate::code::explain::explanation(code);
            json!({
                "id": code.name(),
                "name": format!("{}Finding", pascal(code.name())),
                "shortDescription": {"text": code.summary()},
                "fullDescription": {"text": one_paragraph(e.what)},
                "help": {"text": code.help()},
                "defaultConfiguration": {"level": level(code.severity())},
                "properties": {"tags": ["power", "reliability"]},
            })
        })
        .collect()
}

fn rule_index(code: Code) -> usize {
    Code::findings()
        .position(|c| c == code)
        .expect("every finding's code is a finding code")
}

fn run(input: &RunInput<'_>) -> Value {
    let mut value = json!({
        "tool": {"driver": {
            "name": "faultline",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": rules(),
        }},
        "columnKind": "unicodeCodePoints",
        "results": input.findings.iter().map(|(f, state)| result(input, f, *state)).collect::<Vec<_>>(),
    });
    if let Some(uri) = input.uri {
        value["artifacts"] = json!([{
            "location": {"uri": encode_uri(uri)},
            "length": input.loaded.source.text.len(),
            "roles": ["analysisTarget"],
        }]);
    }
    if let Some(p) = &input.properties {
        value["properties"] = p.clone();
    }
    value
}

fn result(input: &RunInput<'_>, f: &Finding, state: Option<BaselineState>) -> Value {
    let identity = Identity::of(f);
    let mut r = json!({
        "ruleId": f.code.name(),
        "ruleIndex": rule_index(f.code),
        "level": level(f.severity),
        "message": {"text": f.message},
        "partialFingerprints": {"faultlineIdentity/v1": identity.fingerprint()},
    });
    if let Some(uri) = input.uri {
        let src = &input.loaded.source.text;
        let location = |loc: Option<Loc>| match loc {
            Some(loc) => {
                json!({"artifactLocation": {"uri": encode_uri(uri), "index": 0}, "region": region(src, loc)})
            }
            None => json!({"artifactLocation": {"uri": encode_uri(uri), "index": 0}}),
        };
        r["locations"] = json!([{"physicalLocation": location(f.loc)}]);
        let related: Vec<Value> = f
            .affected
            .iter()
            .filter_map(|id| input.loaded.locate(id).map(|loc| (id, loc)))
            .take(MAX_RELATED)
            .enumerate()
            .map(|(i, (id, loc))| {
                json!({
                    "id": i + 1,
                    "physicalLocation": location(Some(loc)),
                    "message": {"text": format!("affected: {id}")},
                })
            })
            .collect();
        if !related.is_empty() {
            r["relatedLocations"] = Value::Array(related);
        }
    }
    if f.allowed {
        r["suppressions"] = json!([{
            "kind": "inSource",
            "justification": "accepted by an `allow` list in the layout",
        }]);
    }
    if let Some(state) = state {
        r["baselineState"] = json!(state.name());
    }
    let mut props = json!({"subject": f.subject, "affected": f.affected.len()});
    if let Some(e) = &f.event {
        props["event"] = json!({"kind": e.kind, "id": e.id});
    }
    // The inventory object behind the subject (its NetBox page), so a
    // code-scanning alert links back to what to change.
    if let Some(s) = &f.source {
        props["source"] = json!(s.url);
        if let Some(name) = &s.name {
            props["sourceName"] = json!(name);
        }
    }
    r["properties"] = props;
    r
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// The region of a span: 1-based lines and columns in characters, the end
/// column one past the last character (SARIF's convention).
fn region(src: &str, loc: Loc) -> Value {
    let start = (loc.start as usize).min(src.len());
    let end = (loc.end as usize).clamp(start, src.len());
    let (mut end_line, mut end_column) = (loc.line, loc.column);
    match src.get(start..end) {
        Some(text) => {
            for c in text.chars() {
                if c == '\n' {
                    end_line += 1;
                    end_column = 1;
                } else {
                    end_column += 1;
                }
            }
        }
        None => end_column += 1,
    }
    if end_line == loc.line && end_column <= loc.column {
        end_column = loc.column + 1;
    }
    json!({
        "startLine": loc.line,
        "startColumn": loc.column,
        "endLine": end_line,
        "endColumn": end_column,
    })
}

/// `single-psu` -> `SinglePsu`: SARIF's rule names are identifiers, and
/// must differ from the id even ignoring case (hence the `Finding` the
/// caller adds).
fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A path as a URI reference: relative paths stay relative (resolved
/// against the repository root by code scanning), absolute ones become
/// `file://` URIs, and anything outside the unreserved characters is
/// percent-encoded.
pub fn encode_uri(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    let path = path.strip_prefix("./").unwrap_or(path);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
