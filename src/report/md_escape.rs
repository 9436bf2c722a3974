//! Escaping text for Markdown and the length of a table before it is
//! collapsed, on their own so every Markdown writer (`markdown`,
//! `downtime`) can use them without importing the other.

/// Sections longer than this many rows are collapsed.
pub const COLLAPSE_ROWS: usize = 15;

/// Escape text for a Markdown table cell: every ASCII punctuation mark
/// that could start markup is backslash-escaped (CommonMark allows it for
/// any of them), so the rendered text is the id itself.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '!' | '|' | '~' | '&' | '$' | '"' | '\'' | ':' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
