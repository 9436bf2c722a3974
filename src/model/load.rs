//! Reading a layout file: bytes -> text -> `Layout` -> validated.
//!
//! Every failure becomes located diagnostics (never a panic); a file is only
//! ever read.

use std::path::Path;

use ron::extensions::Extensions;

use super::format::Layout;
use super::spans::{Loc, SourceIndex};
use super::validate::validate;
use crate::diagnostic::{Diagnostic, SourceFile};

/// Files larger than this are refused before parsing: a layout of a million
/// devices is about 150 MB of RON.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A layout that loaded and passed validation, with its source for
/// locating findings.
#[derive(Debug)]
pub struct Loaded {
    pub source: SourceFile,
    pub index: SourceIndex,
    pub layout: Layout,
}

impl Loaded {
    /// Where the thing with `id` is defined; PSUs (`dev/psu`) resolve to
    /// their `(feed: ...)` entry.
    pub fn locate(&self, id: &str) -> Option<Loc> {
        if let Some(loc) = self.index.id(id) {
            return Some(loc);
        }
        let (device, psu) = id.split_once('/')?;
        let dev = self
            .layout
            .racks
            .iter()
            .flat_map(|r| r.devices.iter())
            .find(|d| d.id == device)?;
        let index = (0..dev.psus.len()).find(|&i| dev.psu_name(i) == psu)?;
        self.index.psu(device, index)
    }
}

/// Why a layout could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// The file could not be read at all.
    Unreadable { path: String, reason: String },
    /// It was read but is not a valid layout.
    Invalid {
        source: SourceFile,
        diagnostics: Vec<Diagnostic>,
    },
}

impl LoadError {
    /// Render for a terminal or a pipe.
    pub fn render(&self, colour: bool) -> String {
        match self {
            LoadError::Unreadable { path, reason } => {
                let d = Diagnostic::error("unreadable", format!("cannot read {path}: {reason}"), None);
                crate::diagnostic::render(&d, None, colour)
            }
            LoadError::Invalid {
                source,
                diagnostics,
            } => {
                let mut out = String::new();
                for d in diagnostics {
                    out.push_str(&crate::diagnostic::render(d, Some(source), colour));
                    out.push('\n');
                }
                let n = diagnostics.len();
                out.push_str(&format!(
                    "faultline: {} is not a valid layout: {n} error{}\n",
                    source.name,
                    if n == 1 { "" } else { "s" }
                ));
                out
            }
        }
    }
}

/// Read and validate the layout at `path`.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    let name = path.display().to_string();
    let unreadable = |reason: String| LoadError::Unreadable {
        path: name.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(unreadable("it is a directory, not a layout file".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "it is {} bytes; layouts are limited to {} bytes",
            meta.len(),
            MAX_FILE_BYTES
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(io_reason(&e)))?;
    load_bytes(&name, bytes)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Validate a layout held in memory (`name` is shown in diagnostics).
pub fn load_bytes(name: &str, bytes: Vec<u8>) -> Result<Loaded, LoadError> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let loc = end_loc(&prefix);
            let source = SourceFile {
                name: name.to_string(),
                text: prefix,
            };
            let d = Diagnostic::error("syntax", "the file is not valid UTF-8 text", Some(loc))
                .with_help("layout files are UTF-8 RON; is this a binary or a file in another encoding?");
            return Err(LoadError::Invalid {
                source,
                diagnostics: vec![d],
            });
        }
    };
    load_str(name, text)
}

/// Validate a layout given as text.
pub fn load_str(name: &str, text: String) -> Result<Loaded, LoadError> {
    let source = SourceFile {
        name: name.to_string(),
        text,
    };
    let is_json = name.ends_with(".json");
    let index = if is_json {
        SourceIndex::default()
    } else {
        SourceIndex::build(&source.text)
    };
    let mut diagnostics: Vec<Diagnostic> = index
        .unknown_fields
        .iter()
        .map(|u| {
            Diagnostic::error(
                "unknown-field",
                format!("unknown field `{}` in {}", u.found, u.type_name),
                Some(u.loc),
            )
            .with_help(expected_help(&u.found, u.expected))
        })
        .collect();
    let parsed = if is_json {
        parse_json(&source.text)
    } else {
        parse_ron(&source.text)
    };
    match parsed {
        Ok(layout) => {
            diagnostics.extend(validate(&layout, &index, &source.text));
            if diagnostics.is_empty() {
                return Ok(Loaded {
                    source,
                    index,
                    layout,
                });
            }
        }
        Err(d) => {
            // The parser stops at its first error; keep what the index found
            // too, unless it is the same complaint at the same place.
            if !diagnostics.iter().any(|x| x.loc.map(|l| l.line) == d.loc.map(|l| l.line) && x.code == d.code) {
                diagnostics.push(d);
            }
        }
    }
    diagnostics.sort_by_key(|d| d.loc.map(|l| (l.line, l.column)).unwrap_or((u32::MAX, 0)));
    Err(LoadError::Invalid {
        source,
        diagnostics,
    })
}

fn expected_help(found: &str, expected: &[&str]) -> String {
    let list = expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
    match crate::diagnostic::closest(found, expected.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? expected one of {list}"),
        None => format!("expected one of {list}"),
    }
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

fn parse_ron(text: &str) -> Result<Layout, Diagnostic> {
    ron_options().from_str::<Layout>(text).map_err(|e| ron_diagnostic(text, e))
}

fn parse_json(text: &str) -> Result<Layout, Diagnostic> {
    serde_json::from_str::<Layout>(text).map_err(|e| {
        let code = match e.classify() {
            serde_json::error::Category::Data => "bad-value",
            _ => "syntax",
        };
        let loc = loc_at(text, e.line() as u32, e.column() as u32);
        Diagnostic::error(code, e.to_string(), Some(loc))
    })
}

/// A location from a line and column, with the byte range of one character.
fn loc_at(text: &str, line: u32, column: u32) -> Loc {
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf8)
                .sum();
            offset += col_bytes;
            break;
        }
        offset += l.len();
    }
    let offset = offset.min(text.len());
    let next = text[offset..].chars().next().map(char::len_utf8).unwrap_or(0);
    Loc {
        line: line.max(1),
        column: column.max(1),
        start: offset as u32,
        end: (offset + next) as u32,
    }
}

fn end_loc(text: &str) -> Loc {
    let line = 1 + text.matches('\n').count() as u32;
    let column = 1 + text.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) as u32;
    Loc {
        line,
        column,
        start: text.len() as u32,
        end: text.len() as u32,
    }
}

fn ron_diagnostic(text: &str, e: ron::error::SpannedError) -> Diagnostic {
    use ron::error::Error as E;
    let start = loc_at(text, e.span.start.line as u32, e.span.start.col as u32);
    let end = loc_at(text, e.span.end.line as u32, e.span.end.col as u32);
    let loc = if end.line == start.line && end.start > start.start {
        Loc { end: end.start, ..start }
    } else {
        start
    };
    let (code, message, help): (&str, String, Option<String>) = match &e.code {
        E::NoSuchEnumVariant {
            expected, found, ..
        } => (
            "unknown-field",
            format!("unknown variant `{found}`"),
            Some(expected_help(found, expected)),
        ),
        E::NoSuchStructField {
            expected, found, ..
        } => (
            "unknown-field",
            format!("unknown field `{found}`"),
            Some(expected_help(found, expected)),
        ),
        E::ExpectedDifferentStructName { expected, found } => (
            "unknown-field",
            format!("expected `{expected}(...)`, found `{found}(...)`"),
            Some(format!("write `{expected}(...)` here")),
        ),
        E::MissingStructField { field, outer } => (
            "bad-value",
            match outer {
                Some(o) => format!("missing field `{field}` in {o}"),
                None => format!("missing field `{field}`"),
            },
            Some(format!("add `{field}: ...`; see layout-format.md for what it means")),
        ),
        E::InvalidValueForType { expected, found } => (
            "bad-value",
            format!("expected {expected}, found {found}"),
            None,
        ),
        E::ExpectedInteger | E::IntegerOutOfBounds | E::InvalidIntegerDigit { .. } => (
            "bad-value",
            e.code.to_string(),
            Some("this field takes a whole, non-negative number".into()),
        ),
        E::ExpectedFloat | E::ExpectedBoolean | E::ExpectedString | E::ExpectedStringEnd => {
            ("bad-value", e.code.to_string(), None)
        }
        E::ExceededRecursionLimit => (
            "syntax",
            "values are nested too deeply".to_string(),
            Some("a layout nests a few levels at most; is the file damaged?".into()),
        ),
        E::Eof => (
            "syntax",
            "the file ends in the middle of a value".to_string(),
            Some("is the file truncated? check for a missing `)` or `]`".into()),
        ),
        other => ("syntax", other.to_string(), None),
    };
    let d = Diagnostic::error(code, message, Some(loc));
    match help {
        Some(h) => d.with_help(h),
        None => d,
    }
}
