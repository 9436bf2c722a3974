//! Saved what-ifs: the events of a planning session (failures, shorts,
//! common causes) in a small RON file, so they can be handed to a
//! colleague and replayed (`faultline trip FILE --scenario S.ron`, `L` in
//! the interactive view). Events are kept by id, so a scenario still
//! applies after the layout is edited, and an id that no longer exists is
//! named when it is loaded.
//!
//! ```ron
//! Scenario(
//!     layout: "demo.ron",
//!     cascade: true,
//!     events: [Fail("cb-a-r01"), Short("lic-1/psu1"), Common("stor-fw-9.2.1")],
//! )
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::engine::{Analysis, Event, Graph};

/// One event by id, as the file writes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum SavedEvent {
    Fail(String),
    Short(String),
    Common(String),
}

fn yes() -> bool {
    true
}

/// A scenario file's contents.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct Scenario {
    /// The layout it was made on (a note for people; not checked).
    #[serde(default)]
    pub layout: String,
    /// Whether overloaded elements trip (the view's `o`).
    #[serde(default = "yes")]
    pub cascade: bool,
    pub events: Vec<SavedEvent>,
    /// Elements out of service for planned work (the view's `m`): the
    /// what-if is asked of that maintenance window.
    #[serde(default)]
    pub out: Vec<String>,
}

impl Scenario {
    /// The what-if `events` as a scenario.
    pub fn of(
        g: &Graph,
        layout: &str,
        events: &[Event],
        cascade: bool,
        out: &[crate::engine::NodeId],
    ) -> Scenario {
        let events = events
            .iter()
            .map(|&e| {
                let id = e.subject(g).to_string();
                match e {
                    Event::Fail(_) => SavedEvent::Fail(id),
                    Event::Short(_) => SavedEvent::Short(id),
                    Event::Common(_) => SavedEvent::Common(id),
                }
            })
            .collect();
        Scenario {
            layout: layout.to_string(),
            cascade,
            events,
            out: out.iter().map(|&n| g.id(n).to_string()).collect(),
        }
    }

    /// The file text: one event a line, ids quoted as RON strings.
    pub fn to_ron(&self) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut out =
            String::from("// A faultline what-if: `faultline trip LAYOUT --scenario THIS-FILE`\n");
        out.push_str("Scenario(\n");
        if !self.layout.is_empty() {
            out.push_str(&format!("    layout: {},\n", quote(&self.layout)));
        }
        out.push_str(&format!("    cascade: {},\n", self.cascade));
        if !self.out.is_empty() {
            let ids: Vec<String> = self.out.iter().map(|id| quote(id)).collect();
            out.push_str(&format!("    out: [{}],\n", ids.join(", ")));
        }
        out.push_str("    events: [\n");
        for e in &self.events {
            let (kind, id) = match e {
                SavedEvent::Fail(id) => ("Fail", id),
                SavedEvent::Short(id) => ("Short", id),
                SavedEvent::Common(id) => ("Common", id),
            };
            out.push_str(&format!("        {kind}({}),\n", quote(id)));
        }
        out.push_str("    ],\n)\n");
        out
    }

    /// Parse a scenario file's text; the message says where it is wrong.
    pub fn parse(name: &str, text: &str) -> Result<Scenario, String> {
        ron::from_str::<Scenario>(text).map_err(|e| {
            format!(
                "{name}:{}:{}: not a scenario: {} (expected Scenario(events: [Fail(\"id\"), Short(\"dev/psu\"), Common(\"group\")]))",
                e.span.start.line, e.span.start.col, e.code
            )
        })
    }

    pub fn read(path: &Path) -> Result<Scenario, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read scenario {}: {e}", path.display()))?;
        Scenario::parse(&path.display().to_string(), &text)
    }

    /// The elements out for planned work, as nodes of `graph`; an id that
    /// is not a power element, device or PSU is an error.
    pub fn resolve_out(&self, graph: &Graph) -> Result<Vec<crate::engine::NodeId>, Vec<String>> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for id in &self.out {
            match graph.node(id) {
                Some(n) if !graph.is_service(n) => {
                    if !out.contains(&n) {
                        out.push(n);
                    }
                }
                Some(_) => errors.push(format!(
                    "scenario: \"{id}\" is a service; take out what it runs on"
                )),
                None => errors.push(format!(
                    "scenario: no element, PSU or device has id \"{id}\" (out)"
                )),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The events on `analysis`'s layout; every id that does not resolve
    /// is an error (with the closest id, as `trip` says it).
    pub fn resolve(&self, analysis: &Analysis) -> Result<Vec<Event>, Vec<String>> {
        let mut events = Vec::new();
        let mut errors = Vec::new();
        for e in &self.events {
            let result = match e {
                SavedEvent::Fail(id) | SavedEvent::Common(id) => analysis.parse_event(id),
                SavedEvent::Short(id) => analysis.parse_short(id),
            };
            match result {
                Ok(ev) if !events.contains(&ev) => events.push(ev),
                Ok(_) => {}
                Err(msg) => errors.push(format!("scenario: {msg}")),
            }
        }
        if errors.is_empty() {
            Ok(events)
        } else {
            Err(errors)
        }
    }
}

/// Where the view saves and loads the scenario of a layout: beside it,
/// `hall.ron` -> `hall.scenario.ron` (the built-in demo: in the current
/// directory). Never the layout itself.
pub fn default_path(layout: Option<&Path>) -> PathBuf {
    match layout {
        Some(p) => {
            let stem = p
                .file_stem()
                .map_or_else(|| "layout".into(), |s| s.to_string_lossy());
            p.with_file_name(format!("{stem}.scenario.ron"))
        }
        None => PathBuf::from("demo.scenario.ron"),
    }
}

/// Whether two paths are one file (both must exist).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Write to a temporary file beside `path`, then rename it into place: an
/// interrupted run leaves the old file (if any) intact.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.faultline-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_reads_back_what_it_wrote() {
        let s = Scenario {
            layout: "a \"b\".ron".into(),
            cascade: false,
            events: vec![
                SavedEvent::Fail("cb-a".into()),
                SavedEvent::Short("d/psu1".into()),
                SavedEvent::Common("fw-5.1".into()),
            ],
            out: vec!["ups \"a\"".into(), "cb-b".into()],
        };
        assert_eq!(Scenario::parse("s.ron", &s.to_ron()), Ok(s));
        assert!(Scenario::parse("s.ron", "Scenario(events: [], extra: 1)").is_err());
        assert!(
            Scenario::parse("s.ron", "Scenario(events: [])")
                .unwrap()
                .cascade
        );
    }

    #[test]
    fn the_default_path_is_beside_the_layout_and_never_it() {
        let p = default_path(Some(Path::new("halls/a.ron")));
        assert_eq!(p, Path::new("halls/a.scenario.ron"));
    }
}
