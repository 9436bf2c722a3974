//! Compiler-style diagnostics: one type and one renderer for validation
//! errors and analysis findings alike.
//!
//! ```text
//! error[unknown-ref]: PSU feed "pdu-x" is not defined
//!   --> layouts/hall.ron:12:38
//!    |
//! 12 |             psus: [(feed: "pdu-x")]),
//!    |                           ^^^^^^^
//!    = help: did you mean "pdu-a"?
//! ```

use std::fmt::Write;

use crate::code::Code;
/// Severities are the registry's; re-exported where every caller found them.
pub use crate::code::Severity;
use crate::model::spans::Loc;
/// "Did you mean": kept here too, where every caller already found it.
pub use crate::suggest::{closest, edit_distance};

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub loc: Option<Loc>,
    /// Extra lines shown as `= label: text`, in order.
    pub notes: Vec<(String, String)>,
}

impl Diagnostic {
    /// A diagnostic at the code's default severity (every validation code
    /// is an error).
    pub fn new(code: Code, message: impl Into<String>, loc: Option<Loc>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            loc,
            notes: Vec::new(),
        }
    }

    pub fn with_note(mut self, label: &str, text: impl Into<String>) -> Self {
        self.notes.push((label.to_string(), text.into()));
        self
    }

    pub fn with_help(self, text: impl Into<String>) -> Self {
        self.with_note("help", text)
    }

    pub fn help(&self) -> Option<&str> {
        self.notes
            .iter()
            .find(|(l, _)| l == "help")
            .map(|(_, t)| t.as_str())
    }
}

/// A named source text, for rendering.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// Whether to colour output: only on a terminal, never with `NO_COLOR` set.
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// ANSI styling, or none.
pub struct Palette {
    on: bool,
}

impl Palette {
    pub fn new(on: bool) -> Self {
        Palette { on }
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, s: Severity, text: &str) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Note => "1;36",
        };
        self.paint(code, text)
    }
    fn gutter(&self, text: &str) -> String {
        self.paint("1;34", text)
    }
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    /// Bold red, as for errors.
    pub fn alarm(&self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// The source lines that a batch of diagnostics points at, found in one
/// pass over the text: a report of thousands of findings would otherwise
/// scan the file from the top once for each.
pub struct SourceLines<'a> {
    file: &'a SourceFile,
    /// Line number -> (byte offset of its start, its text).
    lines: rustc_hash::FxHashMap<u32, (usize, &'a str)>,
}

impl<'a> SourceLines<'a> {
    pub fn new<'d>(
        file: &'a SourceFile,
        diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    ) -> Self {
        let mut wanted: Vec<u32> = diagnostics
            .into_iter()
            .filter_map(|d| d.loc.map(|l| l.line))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut lines = rustc_hash::FxHashMap::default();
        let mut next = wanted.iter().peekable();
        // `str::lines` as before, so a line past the end shows no text.
        for (number, text) in (1u32..).zip(file.text.lines()) {
            let Some(&&want) = next.peek() else { break };
            if number == want {
                let start = text.as_ptr() as usize - file.text.as_ptr() as usize;
                lines.insert(number, (start, text));
                next.next();
            }
        }
        SourceLines { file, lines }
    }
}

/// Render one diagnostic, with the source line it points at.
pub fn render(d: &Diagnostic, source: Option<&SourceFile>, colour: bool) -> String {
    let lines = source.map(|file| SourceLines::new(file, [d]));
    render_with(d, lines.as_ref(), colour)
}

/// Render one diagnostic of a batch whose lines were found together.
pub fn render_with(d: &Diagnostic, source: Option<&SourceLines<'_>>, colour: bool) -> String {
    let p = Palette::new(colour);
    let mut out = String::new();
    let head = format!("{}[{}]", d.severity.name(), d.code);
    let _ = writeln!(
        out,
        "{}{}",
        p.severity(d.severity, &head),
        p.bold(&format!(": {}", d.message))
    );
    let line_text = match (d.loc, source) {
        (Some(loc), Some(lines)) => lines
            .lines
            .get(&loc.line)
            .map(|&(start, text)| (loc, lines.file, start, text)),
        _ => None,
    };
    let width = line_text
        .map(|(loc, ..)| loc.line.to_string().len())
        .unwrap_or(1);
    let pad = " ".repeat(width);
    match (d.loc, source.map(|l| l.file)) {
        (Some(loc), Some(src)) => {
            let _ = writeln!(
                out,
                "{pad}{} {}:{}:{}",
                p.gutter("-->"),
                src.name,
                loc.line,
                loc.column
            );
        }
        (None, Some(src)) => {
            let _ = writeln!(out, "{pad}{} {}", p.gutter("-->"), src.name);
        }
        _ => {}
    }
    if let Some((loc, src, line_start, text)) = line_text {
        let text = text.trim_end_matches('\r');
        // The caret's byte offset in the line: from the span when it lies on
        // this line (a megabyte-long generated line is then never walked
        // from its start), else from the column.
        let caret_byte = (loc.start as usize)
            .checked_sub(line_start)
            .filter(|&b| b <= text.len() && text.is_char_boundary(b))
            .unwrap_or_else(|| {
                text.char_indices()
                    .nth(loc.column.max(1) as usize - 1)
                    .map_or(text.len(), |(b, _)| b)
            });
        // Underline the span's characters on this line (at least one).
        let span_end = (loc.end as usize).min(line_start + text.len());
        let span_chars = src
            .text
            .get(loc.start as usize..span_end.max(loc.start as usize))
            .map(|s| s.chars().take(MAX_SHOWN + 1).count())
            .unwrap_or(1)
            .max(1);
        let (shown, caret, span_chars) = clip(text, caret_byte, span_chars);
        let _ = writeln!(out, "{pad} {}", p.gutter("|"));
        let _ = writeln!(
            out,
            "{} {} {}",
            p.gutter(&loc.line.to_string()),
            p.gutter("|"),
            shown
        );
        let marks = format!("{}{}", " ".repeat(caret), "^".repeat(span_chars));
        let _ = writeln!(
            out,
            "{pad} {} {}",
            p.gutter("|"),
            p.severity(d.severity, &marks)
        );
    }
    for (label, text) in &d.notes {
        let _ = writeln!(out, "{pad} {} {}: {}", p.gutter("="), p.bold(label), text);
    }
    out
}

/// Source lines longer than this are shown as a window around the column.
const MAX_SHOWN: usize = 120;

/// The line to show, cut to a window around the caret when it is long
/// (minified or generated files), with `...` where text was cut and tabs
/// as spaces. `caret` is a byte offset in `line`; returns the text, the
/// caret's column in it, and the underline length, both in characters.
fn clip(line: &str, caret: usize, span: usize) -> (String, usize, usize) {
    let spaced =
        |s: &str| -> String { s.chars().map(|c| if c == '\t' { ' ' } else { c }).collect() };
    let caret_col = |from: usize| line[from..caret].chars().count();
    if line.chars().nth(MAX_SHOWN).is_none() {
        return (spaced(line), caret_col(0), span);
    }
    let from = line[..caret]
        .char_indices()
        .rev()
        .take(MAX_SHOWN / 3)
        .last()
        .map_or(caret, |(i, _)| i);
    let to = line[from..]
        .char_indices()
        .nth(MAX_SHOWN)
        .map_or(line.len(), |(i, _)| from + i);
    let after_caret = line[caret.min(to)..to].chars().count();
    let span = span.min(after_caret).max(1);
    let mut text = spaced(&line[from..to]);
    let mut caret = caret_col(from);
    if from > 0 {
        text.insert_str(0, "...");
        caret += 3;
    }
    if to < line.len() {
        text.push_str("...");
    }
    (text, caret, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_source_line_with_an_underline() {
        let src = SourceFile {
            name: "x.ron".into(),
            text: "Layout(\n    power: [Breaker(id: \"cb\")],\n)".into(),
        };
        let start = src.text.find("\"cb\"").unwrap() as u32;
        let d = Diagnostic::new(
            Code::BadValue,
            "breaker without rating",
            Some(Loc {
                line: 2,
                column: 25,
                start,
                end: start + 4,
            }),
        )
        .with_help("add rating_a");
        let text = render(&d, Some(&src), false);
        assert_eq!(
            text,
            "error[bad-value]: breaker without rating\n --> x.ron:2:25\n  |\n2 |     power: [Breaker(id: \"cb\")],\n  |                         ^^^^\n  = help: add rating_a\n"
        );
    }

    #[test]
    fn long_lines_are_shown_around_the_column() {
        let text = format!("{}BAD{}", "x".repeat(5000), "y".repeat(5000));
        let src = SourceFile {
            name: "long.ron".into(),
            text,
        };
        let d = Diagnostic::new(
            Code::Syntax,
            "bad",
            Some(Loc {
                line: 1,
                column: 5001,
                start: 5000,
                end: 5003,
            }),
        );
        let out = render(&d, Some(&src), false);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[3].len() < 200, "{}", lines[3]);
        let code_at = lines[3].find("BAD").unwrap();
        assert_eq!(lines[4].find('^'), Some(code_at));
        assert!(lines[4].ends_with("^^^"));
    }
}
