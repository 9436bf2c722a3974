//! `place --apply`: the new devices written into the original text, so
//! the file keeps its comments, order and alignment and a plain text diff
//! shows exactly the change (each new device one line after the last
//! device of its rack, and the service's `needs` list).
//!
//! The edit is only used when the text it gives loads back to exactly the
//! layout that was judged (the caller checks); anything it cannot place
//! (a rack with no device yet, an unexpected shape) falls back to the one
//! RON writer.

use crate::model::Loaded;
use crate::model::format::Layout;
use crate::model::writer;

/// The original text with what `with` adds to `loaded.layout`: devices
/// appended to racks and services whose `needs` changed. `None` when the
/// edit cannot be made in place.
pub fn insert(loaded: &Loaded, with: &Layout) -> Option<String> {
    let text = &loaded.source.text;
    let before = &loaded.layout;
    if before.racks.len() != with.racks.len() || before.services.len() != with.services.len() {
        return None;
    }
    // (byte offset, text to insert there, bytes it replaces)
    let mut edits: Vec<(usize, String, usize)> = Vec::new();
    for (old, new) in before.racks.iter().zip(&with.racks) {
        if new.devices.len() == old.devices.len() {
            continue;
        }
        let last = old.devices.last()?;
        let loc = loaded.locations.id(&last.id)?;
        let close = closing(text, loc.end as usize)?;
        let indent = line_indent(text, loc.start as usize);
        let after_close = close + 1;
        let rest = &text[after_close..];
        let comma = rest.trim_start_matches([' ', '\t']).starts_with(',');
        let mut add = String::new();
        // Keep the original's style: a comma after each device, or none
        // after the last.
        let at = if comma {
            after_close + rest.find(',')? + 1
        } else {
            after_close
        };
        for d in &new.devices[old.devices.len()..] {
            if !comma {
                add.push(',');
            }
            add.push('\n');
            add.push_str(indent);
            writer::device(&mut add, d);
            if comma {
                add.push(',');
            }
        }
        edits.push((at, add, 0));
    }
    for (old, new) in before.services.iter().zip(&with.services) {
        if old.needs == new.needs {
            continue;
        }
        let loc = loaded.locations.id(&old.id)?;
        let (open, close) = needs_list(text, loc.end as usize)?;
        let mut list = String::new();
        writer::needs(&mut list, &new.needs);
        edits.push((open, list, close + 1 - open));
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for (pos, add, replaces) in edits {
        if pos < at {
            return None;
        }
        out.push_str(&text[at..pos]);
        out.push_str(&add);
        at = pos + replaces;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// The leading whitespace of the line `pos` is on.
fn line_indent(text: &str, pos: usize) -> &str {
    let start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[start..];
    let end = line.find(|c: char| c != ' ' && c != '\t').unwrap_or(0);
    &line[..end]
}

/// The byte of the `)` or `]` that closes the structure `from` is inside,
/// skipping strings and comments.
fn closing(text: &str, from: usize) -> Option<usize> {
    let mut depth = 0u32;
    let mut it = Scan::new(text, from);
    while let Some((i, b)) = it.next_code() {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth == 0 => return Some(i),
            b')' | b']' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `[` and `]` of the `needs:` list of the struct `from` is inside.
fn needs_list(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut depth = 0u32;
    let mut it = Scan::new(text, from);
    while let Some((i, b)) = it.next_code() {
        match b {
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth == 0 => return None,
            b')' | b']' => depth -= 1,
            b'n' if depth == 0 && text[i..].starts_with("needs") => {
                let boundary = i == 0 || !is_ident(text.as_bytes()[i - 1]);
                let rest = text[i + 5..].trim_start();
                if boundary && rest.starts_with(':') {
                    let open = i + 5 + text[i + 5..].find('[')?;
                    let close = closing(text, open + 1)?;
                    return Some((open, close));
                }
            }
            _ => {}
        }
    }
    None
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Bytes of RON source outside strings and comments.
struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str, from: usize) -> Self {
        Scan {
            bytes: text.as_bytes(),
            pos: from,
        }
    }

    fn next_code(&mut self) -> Option<(usize, u8)> {
        let b = self.bytes;
        while self.pos < b.len() {
            let i = self.pos;
            match (b[i], b.get(i + 1)) {
                (b'"', _) => {
                    self.pos += 1;
                    while self.pos < b.len() && b[self.pos] != b'"' {
                        self.pos += if b[self.pos] == b'\\' { 2 } else { 1 };
                    }
                    self.pos += 1;
                }
                (b'/', Some(b'/')) => {
                    while self.pos < b.len() && b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                (b'/', Some(b'*')) => {
                    self.pos += 2;
                    while self.pos + 1 < b.len() && &b[self.pos..self.pos + 2] != b"*/" {
                        self.pos += 1;
                    }
                    self.pos += 2;
                }
                (c, _) => {
                    self.pos += 1;
                    return Some((i, c));
                }
            }
        }
        None
    }
}
