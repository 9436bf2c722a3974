//! Reading a layout file: bytes -> text -> `Layout` -> validated.
//!
//! Every failure becomes located diagnostics (never a panic); a file is only
//! ever read.

use std::path::Path;

use ron::extensions::Extensions;

use super::format::Layout;
use super::locations::Locations;
use super::spans::{LazyIndex, Loc, SourceIndex};
use super::validate::{MAX_DIAGNOSTICS, validate};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, SourceFile};

/// Files larger than this are refused before parsing: a layout of a million
/// devices is about 150 MB of RON.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// A layout that loaded and passed validation, with its source for
/// locating findings.
#[derive(Debug)]
pub struct Loaded {
    pub source: SourceFile,
    pub locations: Locations,
    pub layout: Layout,
}

impl Loaded {
    /// Where the thing with `id` is defined; PSUs (`dev/psu`) resolve to
    /// their `(feed: ...)` entry.
    pub fn locate(&self, id: &str) -> Option<Loc> {
        if let Some(loc) = self.locations.id(id) {
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
        self.locations.psu(device, index)
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
        /// The first [`MAX_DIAGNOSTICS`] errors, by position in the file.
        diagnostics: Vec<Diagnostic>,
        /// How many more errors there were.
        unshown: usize,
    },
}

impl LoadError {
    /// Render for a terminal or a pipe.
    pub fn render(&self, colour: bool) -> String {
        match self {
            LoadError::Unreadable { path, reason } => {
                let d = Diagnostic::new(
                    Code::Unreadable,
                    format!("cannot read {path}: {reason}"),
                    None,
                )
                .with_help(Code::Unreadable.help());
                crate::diagnostic::render(&d, None, colour)
            }
            LoadError::Invalid {
                source,
                diagnostics,
                unshown,
            } => {
                let lines = crate::diagnostic::SourceLines::new(source, diagnostics);
                let mut out = String::new();
                for d in diagnostics {
                    out.push_str(&crate::diagnostic::render_with(d, Some(&lines), colour));
                    out.push('\n');
                }
                let n = diagnostics.len() + unshown;
                let shown = if *unshown > 0 {
                    format!(" (the first {} shown)", diagnostics.len())
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "faultline: {} is not a valid layout: {n} error{}{shown}\n",
                    source.name,
                    crate::wording::s(n)
                ));
                out
            }
        }
    }
}

/// Read and validate the layout at `path`.
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    load_path_limited(path, MAX_FILE_BYTES)
}

/// [`load_path`] with another size limit (for tests of the limit).
pub fn load_path_limited(path: &Path, max_bytes: u64) -> Result<Loaded, LoadError> {
    let name = path.display().to_string();
    let unreadable = |reason: String| LoadError::Unreadable {
        path: name.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(io_reason(&e)))?;
    if meta.is_dir() {
        return Err(unreadable("it is a directory, not a layout file".into()));
    }
    if meta.len() > max_bytes {
        return Err(unreadable(format!(
            "it is {} bytes; layouts are limited to {} bytes",
            meta.len(),
            max_bytes
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
            let d = Diagnostic::new(Code::Syntax, "the file is not valid UTF-8 text", Some(loc))
                .with_help(
                    "layout files are UTF-8 RON; is this a binary or a file in another encoding?",
                );
            return Err(LoadError::Invalid {
                source,
                diagnostics: vec![d],
                unshown: 0,
            });
        }
    };
    load_str(name, text)
}

/// Validate a layout given as text: JSON when `name` ends in `.json`.
pub fn load_str(name: &str, text: String) -> Result<Loaded, LoadError> {
    let is_json = name.ends_with(".json");
    load_str_as(name, text, is_json)
}

/// Validate a layout given as bytes whose format is decided by the caller
/// (standard input, a `git show`): JSON when the text starts with `{`.
pub fn load_unnamed_bytes(name: &str, bytes: Vec<u8>) -> Result<Loaded, LoadError> {
    let looks_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    if looks_json || name.ends_with(".json") {
        // JSON has no fast path; load_bytes' UTF-8 check runs first.
        match String::from_utf8(bytes) {
            Ok(text) => load_str_as(name, text, true),
            Err(e) => load_bytes(name, e.into_bytes()),
        }
    } else {
        load_bytes(name, bytes)
    }
}

fn load_str_as(name: &str, text: String, is_json: bool) -> Result<Loaded, LoadError> {
    // A byte-order mark is invisible in editors and is not RON: drop it, so
    // columns on line 1 match what the editor shows.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let source = SourceFile {
        name: name.to_string(),
        text,
    };
    if !is_json {
        if let Some((layout, locations)) = super::fast::parse(&source.text) {
            // Read as ron reads it (tests/it/fast_path.rs): validate it
            // once, indexing the text only to locate errors.
            let index = LazyIndex::new(&source.text, locations);
            let found = validate(&layout, &index, &source.text);
            if found.diagnostics.is_empty() && found.unshown == 0 {
                let locations = index.into_locations();
                return Ok(Loaded {
                    source,
                    locations,
                    layout,
                });
            }
            let mut diagnostics = index_diagnostics(index.get());
            diagnostics.extend(found.diagnostics);
            return Err(refuse(source, diagnostics, found.unshown));
        }
        // Not on the fast path: read it again the careful way, which
        // locates and explains every error.
    }
    let (index, parsed) = if is_json {
        (SourceIndex::default(), parse_json(&source.text))
    } else {
        index_and_parse(&source.text)
    };
    let mut diagnostics = index_diagnostics(&index);
    let mut unshown = 0;
    match parsed {
        Ok(layout) => {
            let index = LazyIndex::built(&source.text, index);
            let found = validate(&layout, &index, &source.text);
            diagnostics.extend(found.diagnostics);
            unshown = found.unshown;
            if diagnostics.is_empty() && unshown == 0 {
                let locations = index.into_locations();
                return Ok(Loaded {
                    source,
                    locations,
                    layout,
                });
            }
        }
        Err(d) => {
            // The parser stops at its first error; keep what the index found
            // too, unless it is the same complaint at the same place.
            if !diagnostics.iter().any(|x| same_complaint(x, &d)) {
                diagnostics.push(d);
            }
        }
    }
    Err(refuse(source, diagnostics, unshown))
}

/// The refusal of an invalid layout: its errors by place in the file, the
/// first [`MAX_DIAGNOSTICS`] kept.
fn refuse(source: SourceFile, mut diagnostics: Vec<Diagnostic>, mut unshown: usize) -> LoadError {
    diagnostics.sort_by_key(|d| d.loc.map(|l| (l.line, l.column)).unwrap_or((u32::MAX, 0)));
    if diagnostics.len() > MAX_DIAGNOSTICS {
        unshown += diagnostics.len() - MAX_DIAGNOSTICS;
        diagnostics.truncate(MAX_DIAGNOSTICS);
    }
    LoadError::Invalid {
        source,
        diagnostics,
        unshown,
    }
}

/// What the source index found without the parser: unknown fields and
/// variants, and fractions or negatives where a whole number goes.
fn index_diagnostics(index: &SourceIndex) -> Vec<Diagnostic> {
    let unknown = index.unknown_fields.iter().map(|u| {
        let message = if u.variant {
            format!("unknown {} `{}`", u.type_name, u.found)
        } else {
            format!("unknown field `{}` in {}", u.found, u.type_name)
        };
        Diagnostic::new(Code::UnknownField, message, Some(u.loc))
            .with_help(expected_help(&u.found, u.expected))
    });
    let not_whole = index.not_whole.iter().map(|n| {
        Diagnostic::new(
            Code::BadValue,
            format!(
                "`{}` takes a whole number of 0 or more (found {})",
                n.field, n.found
            ),
            Some(n.loc),
        )
        .with_help(format!(
            "`{}` counts rack units, PSUs or phases: write e.g. `{}: 2`",
            n.field, n.field
        ))
    });
    unknown.chain(not_whole).collect()
}

/// Whether the parser's error `d` is what the index already reported as
/// `x`: the same code on the same line, or anything inside `x`'s span (the
/// parser trips over the `.` of `u: 4.5` with "expected comma").
fn same_complaint(x: &Diagnostic, d: &Diagnostic) -> bool {
    let (Some(a), Some(b)) = (x.loc, d.loc) else {
        return false;
    };
    (x.code == d.code && a.line == b.line) || (a.start <= b.start && b.start < a.end)
}

fn expected_help(found: &str, expected: &[&str]) -> String {
    let list = expected
        .iter()
        .map(|e| format!("`{e}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match crate::diagnostic::closest(found, expected.iter().copied()) {
        Some(c) => format!("did you mean `{c}`? expected one of {list}"),
        None => format!("expected one of {list}"),
    }
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Above this size the source index is built on a second thread while
/// serde parses: the two read the same text and nothing of each other.
const PARALLEL_FROM_BYTES: usize = 256 * 1024;

/// The source index and the parsed layout (or the parser's diagnostic,
/// which the index helps to place).
fn index_and_parse(text: &str) -> (SourceIndex, Result<Layout, Diagnostic>) {
    let parse = || ron_options().from_str::<Layout>(text);
    let (index, parsed) = if text.len() < PARALLEL_FROM_BYTES {
        (SourceIndex::build(text), parse())
    } else {
        std::thread::scope(|scope| {
            let index = scope.spawn(|| SourceIndex::build(text));
            let parsed = parse();
            let index = match index.join() {
                Ok(index) => index,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            (index, parsed)
        })
    };
    let parsed = parsed.map_err(|e| ron_diagnostic(text, &index, e));
    (index, parsed)
}

fn parse_json(text: &str) -> Result<Layout, Diagnostic> {
    serde_json::from_str::<Layout>(text).map_err(|e| {
        let code = match e.classify() {
            serde_json::error::Category::Data => Code::BadValue,
            _ => Code::Syntax,
        };
        let loc = loc_at(text, e.line() as u32, e.column() as u32);
        Diagnostic::new(code, e.to_string(), Some(loc))
            .with_help("the JSON form has the same fields as the RON one; see layout-format.md")
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
    let next = text[offset..]
        .chars()
        .next()
        .map(char::len_utf8)
        .unwrap_or(0);
    Loc {
        line: line.max(1),
        column: column.max(1),
        start: offset as u32,
        end: (offset + next) as u32,
    }
}

fn end_loc(text: &str) -> Loc {
    let line = 1 + text.matches('\n').count() as u32;
    let column = 1 + text
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32;
    Loc {
        line,
        column,
        start: text.len() as u32,
        end: text.len() as u32,
    }
}

/// Where the parser's error is. Its span for a value of the wrong type
/// starts at the whitespace before the value; move to the value itself.
fn error_loc(text: &str, e: &ron::error::SpannedError) -> Loc {
    let start = loc_at(text, e.span.start.line as u32, e.span.start.col as u32);
    let end = loc_at(text, e.span.end.line as u32, e.span.end.col as u32);
    let start = skip_blanks(text, start);
    if end.line == start.line && end.start > start.start {
        Loc {
            end: end.start,
            ..start
        }
    } else {
        start
    }
}

/// The parser's span for a bad escape covers the string up to it; point at
/// the escape itself (the last `\\` in the span).
fn at_escape(text: &str, loc: Loc) -> Loc {
    let span = &text[loc.start as usize..loc.end as usize];
    match span.rfind('\\') {
        // Only on the same line, where the column is a simple count.
        Some(i) if !span[..i].contains('\n') => Loc {
            column: loc.column + span[..i].chars().count() as u32,
            start: loc.start + i as u32,
            ..loc
        },
        _ => loc,
    }
}

/// The parser reports an unclosed comment just inside it; point at its
/// `/*`.
fn at_comment_open(text: &str, e: &ron::error::SpannedError) -> Loc {
    let inside = loc_at(text, e.span.start.line as u32, e.span.start.col as u32);
    let Some(open) = text[..inside.start as usize].rfind("/*") else {
        return inside;
    };
    let before = &text[..open];
    let line = 1 + before.matches('\n').count() as u32;
    let column = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
    Loc {
        line,
        column,
        start: open as u32,
        end: open as u32 + 2,
    }
}

/// `loc` moved past spaces and line ends, unless only blanks follow.
fn skip_blanks(text: &str, loc: Loc) -> Loc {
    let rest = &text[loc.start as usize..];
    let blank = rest.len() - rest.trim_start().len();
    if blank == 0 || blank == rest.len() {
        return loc;
    }
    let skipped = &rest[..blank];
    let newlines = skipped.matches('\n').count() as u32;
    let column = match skipped.rfind('\n') {
        Some(i) => 1 + skipped[i + 1..].chars().count() as u32,
        None => loc.column + skipped.chars().count() as u32,
    };
    let start = loc.start + blank as u32;
    let next = text[start as usize..]
        .chars()
        .next()
        .map(char::len_utf8)
        .unwrap_or(0);
    Loc {
        line: loc.line + newlines,
        column,
        start,
        end: start + next as u32,
    }
}

/// The field whose value starts at `loc`, if the text before it is
/// `field:`.
fn field_at<'a>(text: &str, index: &'a SourceIndex, loc: Loc) -> Option<&'a str> {
    let (name, key) = index.key_before(loc.start)?;
    let between = text.get(key.end as usize..loc.start as usize)?;
    (between.trim() == ":").then_some(name)
}

fn ron_diagnostic(text: &str, index: &SourceIndex, e: ron::error::SpannedError) -> Diagnostic {
    // Nothing but blanks and comments; an unclosed `/*` hides the rest of
    // the file from the index too, and has its own message.
    let unclosed_comment = matches!(e.code, ron::error::Error::UnclosedBlockComment);
    if index.is_blank() && !unclosed_comment {
        let loc = loc_at(text, 1, 1);
        return Diagnostic::new(Code::Syntax, "the file holds no layout: it is empty or only comments", Some(loc))
            .with_help("a layout file holds one `Layout(name: \"...\", power: [...], racks: [...])`; see layout-format.md");
    }
    let mut loc = error_loc(text, &e);
    match e.code {
        ron::error::Error::InvalidEscape(_) => loc = at_escape(text, loc),
        ron::error::Error::UnclosedBlockComment => loc = at_comment_open(text, &e),
        _ => {}
    }
    let field = field_at(text, index, loc);
    let (code, message, help) = describe(&e.code, field);
    // `Some(...)` where a required value goes: the format writes values bare.
    let help = match field {
        Some(f) if text[loc.start as usize..].starts_with("Some(") => {
            format!("write the value itself, `{f}: value`, never `{f}: Some(value)`")
        }
        _ => help,
    };
    let d = Diagnostic::new(code, message, Some(loc)).with_help(help);
    if code == Code::Syntax {
        explain_syntax(d, index, matches!(e.code, ron::error::Error::Eof))
    } else {
        d
    }
}

/// The parser's first complaint is often a symptom: a bracket closed by
/// the wrong one, a truncated file, a string missing its closing quote.
/// Say what the index saw.
fn explain_syntax(mut d: Diagnostic, index: &SourceIndex, at_eof: bool) -> Diagnostic {
    let Some(loc) = d.loc else {
        return d;
    };
    if let Some(m) = index.mismatched.as_ref().filter(|m| m.at.line == loc.line) {
        d.message = m.message.clone();
        d.loc = Some(m.at);
        d.notes = vec![("help".into(), m.help.clone())];
    } else if let Some(u) = index.unclosed.as_ref().filter(|_| at_eof) {
        d.notes = vec![("help".into(), u.help.clone())];
    }
    if let Some(s) = index.runaway_string(loc.line, loc.start) {
        d = d.with_help(format!(
            "the string opened at {}:{} runs on to line {}: is its closing `\"` missing?",
            s.line, s.column, loc.line
        ));
    }
    d
}

/// Code, message and help for a parser error. `field` is the field whose
/// value it is, when known.
fn describe(code: &ron::error::Error, field: Option<&str>) -> (Code, String, String) {
    use ron::error::Error as E;
    let value = |what: &str| match field {
        Some(f) => format!("`{f}` takes {what}"),
        None => format!("expected {what}"),
    };
    let (code, message, help): (Code, String, &str) = match code {
        E::NoSuchEnumVariant {
            expected, found, ..
        } => {
            return (
                Code::UnknownField,
                format!("unknown variant `{found}`"),
                expected_help(found, expected),
            );
        }
        E::NoSuchStructField {
            expected, found, ..
        } => {
            return (
                Code::UnknownField,
                format!("unknown field `{found}`"),
                expected_help(found, expected),
            );
        }
        E::ExpectedDifferentStructName { expected, found } => {
            return (
                Code::UnknownField,
                format!("expected `{expected}(...)`, found `{found}(...)`"),
                format!("write `{expected}(...)` here"),
            );
        }
        E::MissingStructField { field, outer } => {
            let message = match outer {
                Some(o) => format!("missing field `{field}` in {o}"),
                None => format!("missing field `{field}`"),
            };
            return (
                Code::BadValue,
                message,
                format!("add `{field}: ...`; see layout-format.md for what it means"),
            );
        }
        E::DuplicateStructField { field, outer } => {
            let message = match outer {
                Some(o) => format!("field `{field}` is written twice in {o}"),
                None => format!("field `{field}` is written twice"),
            };
            return (Code::BadValue, message, format!("keep one `{field}: ...`"));
        }
        E::InvalidValueForType { expected, found } => {
            return (
                Code::BadValue,
                value(&format!("{expected}, not {found}")),
                "see layout-format.md for what each field takes".into(),
            );
        }
        E::ExpectedFloat => (
            Code::BadValue,
            value("a number"),
            "write a number such as 450 or 12.5, without quotes or units",
        ),
        E::ExpectedInteger | E::InvalidIntegerDigit { .. } => (
            Code::BadValue,
            value("a whole number"),
            "write a whole number such as 2, without quotes",
        ),
        E::IntegerOutOfBounds => (
            Code::BadValue,
            value("a whole number from 0 to 4294967295"),
            "write a whole number such as 2",
        ),
        E::ExpectedBoolean => (
            Code::BadValue,
            value("`true` or `false`"),
            "write `true` or `false`",
        ),
        E::ExpectedString | E::ExpectedStringEnd => (
            Code::BadValue,
            value("a string"),
            "write text in double quotes: \"...\"",
        ),
        E::ExpectedArray => (
            Code::BadValue,
            value("a list"),
            "write a list in square brackets, even of one: [\"a\"]",
        ),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) if field.is_some() => (
            Code::BadValue,
            value("a `Name(field: value, ...)` value"),
            "see layout-format.md for how this value is written",
        ),
        E::ExpectedStructLike | E::ExpectedNamedStructLike(_) => (
            Code::Syntax,
            code.to_string(),
            "a layout file holds one `Layout(name: \"...\", power: [...], racks: [...])`",
        ),
        E::ExceededRecursionLimit => (
            Code::Syntax,
            "values are nested too deeply".to_string(),
            "a layout nests a few levels at most; is the file damaged?",
        ),
        E::Eof => (
            Code::Syntax,
            "the file ends in the middle of a value".to_string(),
            "is the file truncated? check for a missing `)` or `]`",
        ),
        E::ExpectedComma => (
            Code::Syntax,
            "expected `,`".to_string(),
            "a `,` is missing between two fields or list items, or a bracket is not closed",
        ),
        E::ExpectedArrayEnd | E::ExpectedStructLikeEnd | E::ExpectedMapEnd => (
            Code::Syntax,
            code.to_string(),
            "a closing bracket is missing, or a `,` between two items",
        ),
        E::ExpectedMapColon => (
            Code::Syntax,
            "expected `:`".to_string(),
            "fields are written `name: value`",
        ),
        E::InvalidEscape(_) => (
            Code::Syntax,
            code.to_string(),
            "escapes are \\\\ \\\" \\n \\t \\r \\0 and \\u{...}; a backslash itself is \\\\",
        ),
        E::TrailingCharacters => (
            Code::Syntax,
            "text after the end of the layout".to_string(),
            "a layout file holds one `Layout(...)`; remove what follows its closing `)`",
        ),
        E::UnclosedBlockComment => (
            Code::Syntax,
            code.to_string(),
            "close it with `*/` (block comments nest: each `/*` needs its own `*/`)",
        ),
        E::UnexpectedChar(c) => (
            Code::Syntax,
            format!("unexpected `{c}`"),
            "this cannot start a value here; text goes in double quotes",
        ),
        other => (
            Code::Syntax,
            other.to_string(),
            "see layout-format.md for the file syntax",
        ),
    };
    (code, message, help.to_string())
}
