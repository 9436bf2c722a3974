//! The fast path for reading a RON layout: a serde deserializer over the
//! bytes of the subset of RON that layouts are written in, which also
//! notes where each id and PSU entry is (the [`Locations`] findings point
//! at).
//!
//! It only ever accepts: anything it is not sure of (an escape it does not
//! know, a raw string, `Some(...)`, an unknown field, a syntax error) makes
//! it give up, and the loader reads the file again the careful way, with
//! ron and the full source index, which say exactly what is wrong and
//! where. So it needs no error messages of its own, and what it accepts it
//! must read exactly as ron does: `tests/it/fast_path.rs` and the fuzz
//! harness compare the two on every layout they have.
//!
//! Why: ron's deserializer reads about 50 MB/s and the source index is a
//! second pass over the text that keeps every key and string; on a
//! million-device hall (215 MB) the two were most of `check`.

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};

use super::format::Layout;
use super::spans::{Loc, Locations};

/// Read `text` as a layout, or `None` when the careful path must.
pub fn parse(text: &str) -> Option<(Layout, Locations)> {
    let mut reader = Reader::new(text);
    reader.skip_trivia();
    if reader.peek() == Some(b'#') {
        // `#![enable(...)]` attributes: ron's business.
        return None;
    }
    let layout = <Layout as serde::Deserialize>::deserialize(&mut reader).ok()?;
    reader.skip_trivia();
    if reader.pos != reader.bytes.len() {
        return None;
    }
    Some((layout, Locations::new(reader.ids.into_iter(), reader.psus)))
}

/// Why the fast path stopped: never shown, the careful path explains.
#[derive(Debug)]
pub struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not on the fast path")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

type Result<T, E = GiveUp> = std::result::Result<T, E>;

/// A struct being read: its id, once seen, and the PSU entries written
/// directly in it.
struct Frame {
    id: Option<(String, Loc)>,
    first_psu: u32,
    psu_count: u32,
}

struct Reader<'de> {
    src: &'de str,
    bytes: &'de [u8],
    pos: usize,
    line: u32,
    /// Where the current line starts, and a column already counted on it
    /// (columns count characters, so a line with accents is counted once,
    /// not from its start for every token).
    line_start: usize,
    counted: (usize, u32),
    frames: Vec<Frame>,
    /// The next string read is the `id` of the innermost struct.
    reading_id: bool,
    /// Each id, where it is written, and its struct's PSU entries (first
    /// index in `psus`, count), as [`Locations::new`] takes them.
    ids: Vec<(String, Loc, u32, u32)>,
    psus: Vec<Loc>,
}

impl<'de> Reader<'de> {
    fn new(src: &'de str) -> Self {
        Reader {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            counted: (0, 1),
            frames: Vec::new(),
            reading_id: false,
            ids: Vec::new(),
            psus: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn loc(&mut self, start: usize, end: usize) -> Loc {
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

    fn newline_at(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
    }

    /// Blanks and comments (`//` to the line end, `/* */` nesting).
    fn skip_trivia(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.newline_at(self.pos);
                    self.pos += 1;
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    while let Some(c) = self.peek() {
                        if c == b'\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    let mut depth = 0u32;
                    loop {
                        match (self.peek(), self.bytes.get(self.pos + 1)) {
                            (None, _) => return, // unclosed: the end check fails
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.pos += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.pos += 2;
                                if depth == 0 {
                                    break;
                                }
                            }
                            (Some(b'\n'), _) => {
                                self.newline_at(self.pos);
                                self.pos += 1;
                            }
                            _ => self.pos += 1,
                        }
                    }
                }
                _ => return,
            }
        }
    }

    /// The next non-blank byte, not consumed.
    fn next_byte(&mut self) -> Option<u8> {
        self.skip_trivia();
        self.peek()
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.next_byte() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// An ASCII identifier (ron's raw `r#` identifiers are not taken).
    fn ident(&mut self) -> Result<&'de str> {
        self.skip_trivia();
        let start = self.pos;
        match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => self.pos += 1,
            _ => return Err(GiveUp),
        }
        while let Some(b) = self.peek() {
            if b.is_ascii_alphanumeric() || b == b'_' {
                self.pos += 1;
            } else if b >= 0x80 || b == b'#' {
                return Err(GiveUp);
            } else {
                break;
            }
        }
        Ok(&self.src[start..self.pos])
    }

    /// Whether an identifier starts here (without consuming it).
    fn at_ident(&mut self) -> bool {
        self.next_byte()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
    }

    /// A number as ron writes it in a layout: `-?digits(.digits)?(e[+-]?digits)?`.
    /// Returns its text and whether it is a whole number without sign.
    fn number(&mut self) -> Result<(&'de str, bool)> {
        self.skip_trivia();
        let start = self.pos;
        let mut whole = true;
        if self.peek() == Some(b'-') {
            whole = false;
            self.pos += 1;
        }
        let digits = |r: &mut Self| {
            let from = r.pos;
            while r.peek().is_some_and(|b| b.is_ascii_digit()) {
                r.pos += 1;
            }
            r.pos - from
        };
        let int_digits = digits(self);
        if int_digits == 0 {
            return Err(GiveUp);
        }
        if int_digits > 1 && self.bytes[self.pos - int_digits] == b'0' {
            return Err(GiveUp); // leading zeros: let ron decide
        }
        if self.peek() == Some(b'.') {
            whole = false;
            self.pos += 1;
            if digits(self) == 0 {
                return Err(GiveUp);
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            whole = false;
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(GiveUp);
            }
        }
        if self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80)
        {
            return Err(GiveUp);
        }
        Ok((&self.src[start..self.pos], whole))
    }

    /// A `"..."` string, borrowed when it has no escapes. Raw strings and
    /// line breaks inside strings are left to ron.
    fn string(&mut self) -> Result<(std::borrow::Cow<'de, str>, Loc)> {
        if self.next_byte() != Some(b'"') {
            return Err(GiveUp);
        }
        let start = self.pos;
        self.pos += 1;
        let body = self.pos;
        let mut decoded: Option<String> = None;
        let mut run = body;
        loop {
            let Some(b) = self.peek() else {
                return Err(GiveUp);
            };
            match b {
                b'"' => break,
                b'\n' | b'\r' => return Err(GiveUp),
                b'\\' => {
                    let out = decoded.get_or_insert_with(String::new);
                    out.push_str(&self.src[run..self.pos]);
                    let c = match self.bytes.get(self.pos + 1) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        Some(b'r') => '\r',
                        Some(b'0') => '\0',
                        _ => return Err(GiveUp),
                    };
                    out.push(c);
                    self.pos += 2;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        let text = match decoded {
            Some(mut out) => {
                out.push_str(&self.src[run..self.pos]);
                std::borrow::Cow::Owned(out)
            }
            None => std::borrow::Cow::Borrowed(&self.src[body..self.pos]),
        };
        self.pos += 1;
        let loc = self.loc(start, self.pos);
        Ok((text, loc))
    }

    /// After an item of a list or a field of a struct: a `,`, or the
    /// closing bracket (left for the caller).
    fn after_item(&mut self, close: u8) -> Result<()> {
        match self.next_byte() {
            Some(b',') => {
                self.pos += 1;
                Ok(())
            }
            Some(b) if b == close => Ok(()),
            _ => Err(GiveUp),
        }
    }

    /// The `(` of a struct; a PSU entry is noted for the struct it is
    /// written in (its device).
    fn open_struct(&mut self, is_psu: bool) -> Result<()> {
        self.skip_trivia();
        let at = self.pos;
        self.expect(b'(')?;
        if is_psu {
            let loc = self.loc(at, at + 1);
            let index = self.psus.len() as u32;
            let parent = self.frames.last_mut().ok_or(GiveUp)?;
            if parent.psu_count == 0 {
                parent.first_psu = index;
            }
            parent.psu_count += 1;
            self.psus.push(loc);
        }
        self.frames.push(Frame {
            id: None,
            first_psu: 0,
            psu_count: 0,
        });
        Ok(())
    }

    fn close_struct(&mut self) -> Result<()> {
        self.expect(b')')?;
        let frame = self.frames.pop().ok_or(GiveUp)?;
        if let Some((id, loc)) = frame.id {
            self.ids.push((id, loc, frame.first_psu, frame.psu_count));
        }
        Ok(())
    }
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.ident()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (text, whole) = self.number()?;
        if !whole {
            return Err(GiveUp);
        }
        visitor.visit_u32(text.parse().map_err(|_| GiveUp)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let (text, _) = self.number()?;
        visitor.visit_f64(text.parse().map_err(|_| GiveUp)?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let reading_id = std::mem::take(&mut self.reading_id);
        let (text, loc) = self.string()?;
        if reading_id {
            let frame = self.frames.last_mut().ok_or(GiveUp)?;
            if frame.id.is_none() {
                frame.id = Some((text.to_string(), loc));
            }
        }
        match text {
            std::borrow::Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            std::borrow::Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // Optional values are written bare; `None` and `Some(...)` are
        // ron's to read.
        if self.at_ident() {
            let save = self.pos;
            let word = self.ident()?;
            if word == "None" || word == "Some" {
                return Err(GiveUp);
            }
            self.pos = save;
        }
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.expect(b'[')?;
        let value = visitor.visit_seq(Items {
            reader: &mut *self,
            close: b']',
        })?;
        self.expect(b']')?;
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.at_ident() && self.ident()? != name {
            return Err(GiveUp);
        }
        self.open_struct(name == "Psu")?;
        let value = visitor.visit_map(Fields { reader: &mut *self })?;
        self.close_struct()?;
        Ok(value)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(Variant { reader: self })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.ident()?)
    }

    /// An unknown field: the careful path reports it.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value> {
        Err(GiveUp)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u64 u128 f32 char bytes byte_buf unit
        unit_struct newtype_struct tuple tuple_struct map
    }
}

/// The items of a list or the arguments of a tuple variant.
struct Items<'a, 'de> {
    reader: &'a mut Reader<'de>,
    close: u8,
}

impl<'de> de::SeqAccess<'de> for Items<'_, 'de> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.reader.next_byte() == Some(self.close) {
            return Ok(None);
        }
        let value = seed.deserialize(&mut *self.reader)?;
        self.reader.after_item(self.close)?;
        Ok(Some(value))
    }
}

/// The `field: value` pairs of a struct.
struct Fields<'a, 'de> {
    reader: &'a mut Reader<'de>,
}

impl<'de> de::MapAccess<'de> for Fields<'_, 'de> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.reader.next_byte() == Some(b')') {
            return Ok(None);
        }
        let key = self.reader.ident()?;
        self.reader.expect(b':')?;
        self.reader.reading_id = key == "id";
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let value = seed.deserialize(&mut *self.reader)?;
        self.reader.reading_id = false;
        self.reader.after_item(b')')?;
        Ok(value)
    }
}

/// An enum value: `Server`, `All([...])`, `AtLeast(2, [...])` or
/// `Breaker(id: ..., ...)`.
struct Variant<'a, 'de> {
    reader: &'a mut Reader<'de>,
}

impl<'a, 'de> de::EnumAccess<'de> for Variant<'a, 'de> {
    type Error = GiveUp;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let name = self.reader.ident()?;
        let value = seed.deserialize(BorrowedStrDeserializer::new(name))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = GiveUp;

    fn unit_variant(self) -> Result<()> {
        match self.reader.next_byte() {
            Some(b'(') => Err(GiveUp),
            _ => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        self.reader.expect(b'(')?;
        let value = seed.deserialize(&mut *self.reader)?;
        self.reader.expect(b')')?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.reader.expect(b'(')?;
        let value = visitor.visit_seq(Items {
            reader: &mut *self.reader,
            close: b')',
        })?;
        self.reader.expect(b')')?;
        Ok(value)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.reader.open_struct(false)?;
        let value = visitor.visit_map(Fields {
            reader: &mut *self.reader,
        })?;
        self.reader.close_struct()?;
        Ok(value)
    }
}
