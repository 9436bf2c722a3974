//! The one RON lexer: blanks and comments, strings, numbers and
//! identifiers, with their places in the text, and the one escape table.
//!
//! Three readers share it: the fast reader (`fast.rs`, strict, the `check`
//! hot path), the source index (`spans.rs`, which takes any text and
//! tokenizes it with [`Cursor::token`]) and the RON writer (`writer.rs`,
//! which escapes with the same table). It works on bytes and counts lines
//! as it goes; columns (in characters) are counted only for the places
//! asked for, from the last place counted on the same line, so a token
//! costs its own length once.

use std::borrow::Cow;

/// A place in the source: 1-based line and column (in characters), and the
/// byte range it covers, for underlining.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
    pub start: u32,
    pub end: u32,
}

/// A token of the source index's tokenizer ([`Cursor::token`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok {
    Ident,
    /// A string literal; `escaped` when it holds a `\` escape.
    Str {
        escaped: bool,
    },
    Number,
    Open(u8),
    Close(u8),
    Colon,
    Comma,
    Other,
}

/// A `"..."` literal as scanned: its byte range (quotes included) and what
/// a reader must know before taking its text as is.
#[derive(Debug, Clone, Copy)]
pub struct StrLit {
    pub start: usize,
    pub end: usize,
    /// It holds a `\` escape.
    pub escaped: bool,
    /// It holds a raw line break (`\n` or `\r`).
    pub line_break: bool,
    /// Its closing quote is there (not the end of the text).
    pub closed: bool,
}

/// A position in a RON text, moved forward by the scanning methods.
pub struct Cursor<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    /// Where the current line starts, and a column already counted on it.
    line_start: usize,
    counted: (usize, u32),
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Cursor {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            counted: (0, 1),
        }
    }

    #[inline]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Go back to `pos`, on the current line (to undo reading a word).
    #[inline]
    pub fn rewind(&mut self, pos: usize) {
        debug_assert!(pos >= self.line_start && pos <= self.pos);
        self.pos = pos;
    }

    #[inline]
    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    #[inline]
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    pub fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    /// Step over `n` bytes that hold no line break.
    #[inline]
    pub fn advance(&mut self, n: usize) {
        self.pos += n;
    }

    /// The line the cursor is on.
    #[inline]
    pub fn line(&self) -> u32 {
        self.line
    }

    #[inline]
    pub fn text(&self, start: usize, end: usize) -> &'a str {
        &self.src[start..end]
    }

    /// The place of `start..end`, where `start` is on the current line at
    /// or after the last place asked for (the scanning order).
    #[inline]
    pub fn loc(&mut self, start: usize, end: usize) -> Loc {
        let (from, col) = if self.counted.0 >= self.line_start && self.counted.0 <= start {
            self.counted
        } else {
            (self.line_start, 1)
        };
        let column = col + self.src[from..start].chars().count() as u32;
        self.counted = (start, column);
        Loc {
            line: self.line,
            column,
            start: start as u32,
            end: end as u32,
        }
    }

    #[inline]
    fn newline_at(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Step over one byte, counting a line break.
    #[inline]
    fn step(&mut self) {
        if self.bytes[self.pos] == b'\n' {
            self.newline_at(self.pos);
        }
        self.pos += 1;
    }

    /// Blanks and comments: `//` to the line end, `/* */` nesting. An
    /// unclosed block comment runs to the end of the text.
    #[inline]
    pub fn skip_trivia(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.newline_at(self.pos);
                    self.pos += 1;
                }
                b'/' if self.peek_at(1) == Some(b'/') => {
                    self.pos += match self.bytes[self.pos..].iter().position(|&c| c == b'\n') {
                        Some(n) => n,
                        None => self.bytes.len() - self.pos,
                    };
                }
                b'/' if self.peek_at(1) == Some(b'*') => self.block_comment(),
                _ => return,
            }
        }
    }

    fn block_comment(&mut self) {
        let mut depth = 0u32;
        loop {
            match (self.peek(), self.peek_at(1)) {
                (None, _) => return,
                (Some(b'/'), Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                (Some(b'*'), Some(b'/')) => {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.step(),
            }
        }
    }

    /// An identifier at the cursor: its end, and whether it is all ASCII
    /// (`[A-Za-z_][A-Za-z0-9_]*`). Letters beyond ASCII are taken as Rust
    /// takes them, for the index; `None` (nothing consumed) when no
    /// identifier starts here.
    #[inline]
    pub fn ident(&mut self) -> Option<(usize, bool)> {
        let start = self.pos;
        match self.peek()? {
            b if b.is_ascii_alphabetic() || b == b'_' => self.pos += 1,
            b if b < 0x80 => return None,
            _ => {}
        }
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else if b >= 0x80 {
                return self.unicode_ident(start);
            } else {
                break;
            }
        }
        Some((self.pos, true))
    }

    fn unicode_ident(&mut self, start: usize) -> Option<(usize, bool)> {
        let mut chars = self.src[self.pos..].chars();
        if self.pos == start && !chars.next().is_some_and(|c| c.is_alphabetic()) {
            return None;
        }
        for c in self.src[self.pos..].chars() {
            if c.is_alphanumeric() || c == '_' {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        Some((self.pos, false))
    }

    /// A number-like word at the cursor, taken loosely (digits, letters,
    /// `_`, `.` and a sign after an exponent): readers decide what they
    /// accept of it. Returns its end.
    #[inline]
    pub fn number(&mut self) -> usize {
        let mut prev = 0u8;
        self.pos += 1;
        while let Some(c) = self.peek() {
            let exp_sign = (c == b'-' || c == b'+') && (prev == b'e' || prev == b'E');
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exp_sign {
                prev = c;
                self.pos += 1;
            } else {
                break;
            }
        }
        self.pos
    }

    /// A `"..."` literal, the cursor on its opening quote. Line breaks
    /// inside are counted; an unclosed one runs to the end of the text.
    #[inline]
    pub fn string(&mut self) -> StrLit {
        let start = self.pos;
        self.pos += 1;
        let (mut escaped, mut line_break) = (false, false);
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.pos += 1;
                    return StrLit {
                        start,
                        end: self.pos,
                        escaped,
                        line_break,
                        closed: true,
                    };
                }
                b'\\' => {
                    escaped = true;
                    self.pos += 1;
                    if !self.at_end() {
                        self.step();
                    }
                }
                b'\n' | b'\r' => {
                    line_break = true;
                    self.step();
                }
                _ => self.pos += 1,
            }
        }
        StrLit {
            start,
            end: self.pos,
            escaped,
            line_break,
            closed: false,
        }
    }

    /// A raw string `r#"..."#`, the cursor on its `r`. `false` when no
    /// `"` follows the `r` and its hashes (the cursor stays after them).
    fn raw_string(&mut self) -> bool {
        self.pos += 1;
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        if self.peek() != Some(b'"') {
            return false;
        }
        self.pos += 1;
        'body: while !self.at_end() {
            let c = self.bytes[self.pos];
            self.step();
            if c == b'"' {
                for i in 0..hashes {
                    if self.peek_at(i) != Some(b'#') {
                        continue 'body;
                    }
                }
                self.pos += hashes;
                break;
            }
        }
        true
    }

    /// A `'c'` literal, the cursor on its opening quote.
    fn char_literal(&mut self) {
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.step();
            if c == b'\\' {
                if !self.at_end() {
                    self.step();
                }
            } else if c == b'\'' {
                break;
            }
        }
    }

    /// The next token after blanks and comments, and where it is; `None`
    /// at the end. Takes any text: what is not RON is one character of
    /// [`Tok::Other`] (every token consumes something).
    pub fn token(&mut self) -> Option<(Tok, Loc)> {
        self.skip_trivia();
        let b = self.peek()?;
        let start = self.pos;
        let mut loc = self.loc(start, start);
        let tok = match b {
            b'(' | b'[' | b'{' => {
                self.pos += 1;
                Tok::Open(b)
            }
            b')' | b']' | b'}' => {
                self.pos += 1;
                Tok::Close(b)
            }
            b':' => {
                self.pos += 1;
                Tok::Colon
            }
            b',' => {
                self.pos += 1;
                Tok::Comma
            }
            b'"' => Tok::Str {
                escaped: self.string().escaped,
            },
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#')) => {
                if self.raw_string() {
                    Tok::Str { escaped: false }
                } else {
                    Tok::Other
                }
            }
            b'\'' => {
                self.char_literal();
                Tok::Other
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                self.number();
                Tok::Number
            }
            _ => match self.ident() {
                Some(_) => Tok::Ident,
                None => {
                    let c = self.src[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                    self.pos += c;
                    Tok::Other
                }
            },
        };
        loc.end = self.pos as u32;
        Some((tok, loc))
    }
}

/// The one-letter escapes of a RON string, as ron reads them: the letter
/// after the `\` and the character it stands for. `\u{...}` (1 to 6 hex
/// digits) and `\xHH` (UTF-8 bytes) are the others.
const ESCAPES: [(u8, char); 7] = [
    (b'"', '"'),
    (b'\'', '\''),
    (b'\\', '\\'),
    (b'n', '\n'),
    (b'r', '\r'),
    (b't', '\t'),
    (b'0', '\0'),
];

/// The text of a string literal's body (between the quotes), escapes
/// decoded; `None` when an escape is not one ron reads.
pub fn unescape(body: &str) -> Option<Cow<'_, str>> {
    let Some(first) = body.find('\\') else {
        return Some(Cow::Borrowed(body));
    };
    let bytes = body.as_bytes();
    let mut out = String::with_capacity(body.len());
    out.push_str(&body[..first]);
    let mut i = first;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            let run = body[i..].find('\\').map_or(body.len(), |n| i + n);
            out.push_str(&body[i..run]);
            i = run;
            continue;
        }
        let letter = *bytes.get(i + 1)?;
        i += 2;
        if let Some(&(_, c)) = ESCAPES.iter().find(|(l, _)| *l == letter) {
            out.push(c);
            continue;
        }
        match letter {
            b'u' => {
                let rest = body[i..].strip_prefix('{')?;
                let close = rest.find('}')?;
                let hex = &rest[..close];
                if hex.is_empty() || hex.len() > 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                i += 1 + close + 1;
            }
            b'x' => {
                // One byte, or up to four `\xHH` making one UTF-8 character.
                let mut utf8 = Vec::with_capacity(4);
                loop {
                    let hex = body.get(i..i + 2)?;
                    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    utf8.push(u8::from_str_radix(hex, 16).ok()?);
                    i += 2;
                    if let Ok(s) = std::str::from_utf8(&utf8) {
                        out.push_str(s);
                        break;
                    }
                    if utf8.len() == 4 || !body[i..].starts_with("\\x") {
                        return None;
                    }
                    i += 2;
                }
            }
            _ => return None,
        }
    }
    Some(Cow::Owned(out))
}

/// `s` as a RON string literal, quotes included, onto `out`: the escapes
/// of [`ESCAPES`] where a character needs one (a `'` does not, inside
/// double quotes), `\u{...}` for other control characters.
pub fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut run = 0;
    for (i, c) in s.char_indices() {
        let letter = match c {
            '\'' => None,
            _ if c.is_control() || c == '"' || c == '\\' => {
                Some(ESCAPES.iter().find(|(_, e)| *e == c).map(|(l, _)| *l))
            }
            _ => None,
        };
        let Some(letter) = letter else {
            continue;
        };
        out.push_str(&s[run..i]);
        match letter {
            Some(l) => {
                out.push('\\');
                out.push(l as char);
            }
            None => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// The value of a string literal as written (quotes included, raw or
/// not), for the source index: an escape ron would refuse is kept as
/// written (the parser reports it).
pub fn string_value(raw: &str, escaped: bool) -> String {
    if let Some(rest) = raw.strip_prefix('r') {
        let inner = rest.trim_matches('#');
        return inner
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(inner)
            .to_string();
    }
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    if !escaped {
        return inner.to_string();
    }
    unescape(inner).map_or_else(|| inner.to_string(), Cow::into_owned)
}

/// Where the value after the field key at `key` is written (`-350` in
/// `draw_w: -350`): up to the next `,`, closing bracket or blank. Falls
/// back to `key` when the value is not plainly there (a comment between).
pub fn value_after(src: &str, key: Loc) -> Loc {
    let Some(rest) = src.get(key.end as usize..) else {
        return key;
    };
    let Some(value) = rest.trim_start().strip_prefix(':').map(str::trim_start) else {
        return key;
    };
    let len = value
        .find(|c: char| matches!(c, ',' | ')' | ']') || c.is_whitespace())
        .unwrap_or(value.len());
    if len == 0 || value.starts_with('/') {
        return key;
    }
    let start = key.end as usize + (rest.len() - value.len());
    let between = &src[key.start as usize..start];
    let column = match between.rfind('\n') {
        Some(i) => 1 + between[i + 1..].chars().count() as u32,
        None => key.column + between.chars().count() as u32,
    };
    Loc {
        line: key.line + between.matches('\n').count() as u32,
        column,
        start: start as u32,
        end: (start + len) as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<(Tok, &str, u32, u32)> {
        let mut cursor = Cursor::new(src);
        std::iter::from_fn(|| cursor.token())
            .map(|(t, l)| (t, &src[l.start as usize..l.end as usize], l.line, l.column))
            .collect()
    }

    #[test]
    fn tokens_lines_and_columns() {
        let src = "/* a /* nested */ b */ Device(id: \"é\\\"x\", u: -4.5e+3)\n// end\n  r#\"raw\n\"# 'c' é→";
        let found = tokens(src);
        let expect = [
            (Tok::Ident, "Device", 1, 24),
            (Tok::Open(b'('), "(", 1, 30),
            (Tok::Ident, "id", 1, 31),
            (Tok::Colon, ":", 1, 33),
            (Tok::Str { escaped: true }, "\"é\\\"x\"", 1, 35),
            (Tok::Comma, ",", 1, 41),
            (Tok::Ident, "u", 1, 43),
            (Tok::Colon, ":", 1, 44),
            (Tok::Number, "-4.5e+3", 1, 46),
            (Tok::Close(b')'), ")", 1, 53),
            (Tok::Str { escaped: false }, "r#\"raw\n\"#", 3, 3),
            (Tok::Other, "'c'", 4, 4),
            (Tok::Ident, "é", 4, 8),
            (Tok::Other, "→", 4, 9),
        ];
        assert_eq!(found, expect);
    }

    #[test]
    fn the_escape_table_round_trips() {
        let text = "a \"quoted\" \\ back\nslash\t\r\0 'q' \u{1} café 🔌";
        let mut lit = String::new();
        write_string(&mut lit, text);
        assert_eq!(
            lit,
            "\"a \\\"quoted\\\" \\\\ back\\nslash\\t\\r\\0 'q' \\u{1} café 🔌\""
        );
        assert_eq!(unescape(&lit[1..lit.len() - 1]).unwrap(), text);
        assert_eq!(ron::from_str::<String>(&lit).unwrap(), text);
    }

    #[test]
    fn unescape_reads_what_ron_reads_and_nothing_else() {
        for body in [
            "plain",
            "\\u{e9}",
            "\\u{1F50C}",
            "\\x41",
            "\\xc3\\xa9",
            "\\'",
            "\\u{}",
            "\\u{1234567}",
            "\\u{d800}",
            "\\q",
            "\\x4",
            "\\xc3",
            "\\",
        ] {
            let by_ron = ron::from_str::<String>(&format!("\"{body}\"")).ok();
            let ours = unescape(body).map(Cow::into_owned);
            assert_eq!(ours, by_ron, "{body}");
        }
    }
}
