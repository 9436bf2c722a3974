//! The fast path for reading a RON layout: a serde deserializer over the
//! bytes of the subset of RON that layouts are written in, which also
//! notes where each id and PSU entry is (the [`Locations`] findings point
//! at).
//!
//! It only ever accepts: anything it is not sure of (an escape ron would
//! refuse, a raw string, `Some(...)`, an unknown field, a syntax error) makes
//! it give up, and the loader reads the file again the careful way, with
//! ron and the full source index, which say exactly what is wrong and
//! where. So it needs no error messages of its own, and what it accepts it
//! must read exactly as ron does: `tests/it/fast_path.rs` and the fuzz
//! harness compare the two on every layout they have. Blanks, comments,
//! strings, escapes and places come from the shared lexer (`lexer.rs`).
//!
//! Why: ron's deserializer reads about 50 MB/s and the source index is a
//! second pass over the text that keeps every key and string; on a
//! million-device hall (215 MB) the two were most of `check`.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Visitor};

use super::format::Layout;
use super::lexer::{Cursor, Loc, unescape};
use super::spans::Locations;

/// Read `text` as a layout, or `None` when the careful path must.
pub fn parse(text: &str) -> Option<(Layout, Locations)> {
    let mut reader = Reader::new(text);
    if reader.next_byte() == Some(b'#') {
        // `#![enable(...)]` attributes: ron's business.
        return None;
    }
    let layout = <Layout as serde::Deserialize>::deserialize(&mut reader).ok()?;
    reader.lex.skip_trivia();
    if !reader.lex.at_end() {
        return None;
    }
    Some((layout, Locations::new(reader.ids.into_iter(), reader.psus)))
}

/// Whether `text` is a number as ron writes one in a layout,
/// `-?digits(.digits)?([eE][+-]?digits)?` without leading zeros, and if so
/// whether it is a whole number without sign.
fn plain_number(text: &str) -> Option<bool> {
    let b = text.as_bytes();
    let digits = |i: &mut usize| {
        let from = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - from
    };
    let mut i = usize::from(b.first() == Some(&b'-'));
    let mut whole = i == 0;
    let int_digits = digits(&mut i);
    if int_digits == 0 || (int_digits > 1 && b[i - int_digits] == b'0') {
        return None; // leading zeros: let ron decide
    }
    if b.get(i) == Some(&b'.') {
        whole = false;
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        whole = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    (i == b.len()).then_some(whole)
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
    lex: Cursor<'de>,
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
            lex: Cursor::new(src),
            frames: Vec::new(),
            reading_id: false,
            ids: Vec::new(),
            psus: Vec::new(),
        }
    }

    /// The next non-blank byte, not consumed.
    #[inline]
    fn next_byte(&mut self) -> Option<u8> {
        self.lex.skip_trivia();
        self.lex.peek()
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.next_byte() == Some(b) {
            self.lex.advance(1);
            Ok(())
        } else {
            Err(GiveUp)
        }
    }

    /// An ASCII identifier (ron's raw `r#` identifiers are not taken).
    fn ident(&mut self) -> Result<&'de str> {
        self.lex.skip_trivia();
        let start = self.lex.pos();
        match self.lex.ident() {
            Some((end, true)) if self.lex.peek() != Some(b'#') => Ok(self.lex.text(start, end)),
            _ => Err(GiveUp),
        }
    }

    /// Whether an identifier starts here (without consuming it).
    fn at_ident(&mut self) -> bool {
        self.next_byte()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
    }

    /// A number as ron writes it in a layout: `-?digits(.digits)?(e[+-]?digits)?`.
    /// Returns its text and whether it is a whole number without sign.
    fn number(&mut self) -> Result<(&'de str, bool)> {
        if !self
            .next_byte()
            .is_some_and(|b| b.is_ascii_digit() || b == b'-')
        {
            return Err(GiveUp);
        }
        let start = self.lex.pos();
        let end = self.lex.number();
        let text = self.lex.text(start, end);
        let whole = plain_number(text).ok_or(GiveUp)?;
        Ok((text, whole))
    }

    /// A `"..."` string, borrowed when it has no escapes. Raw strings and
    /// line breaks inside strings are left to ron.
    fn string(&mut self) -> Result<(Cow<'de, str>, Loc)> {
        if self.next_byte() != Some(b'"') {
            return Err(GiveUp);
        }
        let lit = self.lex.string();
        if !lit.closed || lit.line_break {
            return Err(GiveUp);
        }
        let body = self.lex.text(lit.start + 1, lit.end - 1);
        let text = if lit.escaped {
            unescape(body).ok_or(GiveUp)?
        } else {
            Cow::Borrowed(body)
        };
        Ok((text, self.lex.loc(lit.start, lit.end)))
    }

    /// After an item of a list or a field of a struct: a `,`, or the
    /// closing bracket (left for the caller).
    fn after_item(&mut self, close: u8) -> Result<()> {
        match self.next_byte() {
            Some(b',') => {
                self.lex.advance(1);
                Ok(())
            }
            Some(b) if b == close => Ok(()),
            _ => Err(GiveUp),
        }
    }

    /// The `(` of a struct; a PSU entry is noted for the struct it is
    /// written in (its device).
    fn open_struct(&mut self, is_psu: bool) -> Result<()> {
        self.lex.skip_trivia();
        let at = self.lex.pos();
        self.expect(b'(')?;
        if is_psu {
            let loc = self.lex.loc(at, at + 1);
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

    /// `open ... close` around the items of a list or the arguments of a
    /// tuple variant.
    fn items<V: Visitor<'de>>(&mut self, open: u8, close: u8, visitor: V) -> Result<V::Value> {
        self.expect(open)?;
        let value = visitor.visit_seq(Items {
            reader: &mut *self,
            close,
        })?;
        self.expect(close)?;
        Ok(value)
    }

    /// `(field: value, ...)` of a struct or a struct variant.
    fn fields<V: Visitor<'de>>(&mut self, is_psu: bool, visitor: V) -> Result<V::Value> {
        self.open_struct(is_psu)?;
        let value = visitor.visit_map(Fields { reader: &mut *self })?;
        self.close_struct()?;
        Ok(value)
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
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        // Optional values are written bare; `None` and `Some(...)` are
        // ron's to read.
        if self.at_ident() {
            let save = self.lex.pos();
            let word = self.ident()?;
            if word == "None" || word == "Some" {
                return Err(GiveUp);
            }
            self.lex.rewind(save);
        }
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.items(b'[', b']', visitor)
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
        self.fields(name == "Psu", visitor)
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
        self.reader.items(b'(', b')', visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.reader.fields(false, visitor)
    }
}
