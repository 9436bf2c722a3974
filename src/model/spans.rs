//! Where things are in a RON layout file.
//!
//! serde gives no positions for values that parse fine, yet every
//! diagnostic and finding must point at a line and column. This module makes
//! one pass over the source text (the tokens of the shared lexer,
//! `lexer.rs`, and an explicit stack of open brackets, no recursion) and
//! records every struct-like value, field key and string literal with its
//! position; what the format accepts comes from `schema.rs`. Lookups then answer "where is the
//! element with id X", "where is its field K", "where does it name Y".
//!
//! The same pass finds unknown field names, so they can all be reported at
//! once instead of stopping at the first.

use rustc_hash::FxHashMap as HashMap;
use std::cell::{Cell, OnceCell};
use std::collections::hash_map::Entry;

use super::lexer::{Cursor, Tok, string_value};
use super::schema::schema;

pub use super::lexer::{Loc, value_after};
pub use super::locations::Locations;

#[derive(Debug, Clone)]
struct StructRec {
    type_name: Option<&'static str>,
    /// The struct this one is written inside, if any.
    parent: Option<u32>,
    id: Option<u32>,
    start: Loc,
    first_key: u32,
    end_key: u32,
    first_str: u32,
    end_str: u32,
    end_struct: u32,
}

#[derive(Debug, Clone)]
struct KeyRec {
    owner: u32,
    loc: Loc,
}

#[derive(Debug, Clone)]
struct StrRec {
    owner: Option<u32>,
    key: Option<u32>,
    loc: Loc,
    escaped: bool,
}

/// A field or variant the format does not know, found while indexing.
/// `type_name` is the struct the field was written in (`Device`), or for a
/// variant what it names (`device kind`).
#[derive(Debug, Clone)]
pub struct UnknownField {
    pub loc: Loc,
    pub found: String,
    pub type_name: &'static str,
    pub expected: &'static [&'static str],
    pub variant: bool,
}

/// A number that is not a whole number, written where one is required
/// (`u: 4.5`, `height_u: -2`). The parser would stop at it with a
/// misleading message ("expected comma"), so the index names it first.
#[derive(Debug, Clone)]
pub struct NotWhole {
    pub loc: Loc,
    pub field: String,
    pub found: String,
}

/// Brackets that do not pair up: what the parser's first complaint is
/// usually a symptom of.
#[derive(Debug, Clone)]
pub struct BracketProblem {
    /// The closing bracket that does not match, or for an unclosed one,
    /// where it was opened.
    pub at: Loc,
    pub message: String,
    pub help: String,
}

/// The index over one source text.
#[derive(Debug, Default)]
pub struct SourceIndex {
    structs: Vec<StructRec>,
    keys: Vec<KeyRec>,
    strings: Vec<StrRec>,
    /// Key texts, interned: `keys[i]` and `strings[i].key` point here.
    key_names: Vec<String>,
    key_lookup: HashMap<String, u32>,
    key_of: Vec<u32>,
    first_id: HashMap<String, u32>,
    /// Later occurrences of an id already seen: (id, struct index).
    repeated_ids: Vec<(String, u32)>,
    /// Each `needs` entry (`All(`, `Any(`, `AtLeast(`): its owner's
    /// struct and where its name is written, in source order.
    needs: Vec<(u32, Loc)>,
    /// String literals that run over a line end, with the line they end on:
    /// usually a missing closing quote.
    multiline_strings: Vec<(Loc, u32)>,
    tokens: usize,
    pub unknown_fields: Vec<UnknownField>,
    pub not_whole: Vec<NotWhole>,
    /// The first closing bracket that does not match its opening one.
    pub mismatched: Option<BracketProblem>,
    /// The innermost bracket still open at the end of the text.
    pub unclosed: Option<BracketProblem>,
}

/// An identifier that is not a field key, and the field it is the value
/// of (for `Name(` that is the field of the value it opens).
#[derive(Clone, Copy)]
struct Ident {
    loc: Loc,
    context: Option<u32>,
}

fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

/// Where things are in a layout that is being validated: the source
/// index, built the first time it is asked for. Validating a valid layout
/// never asks (the fast reader's own [`Locations`] are all a loaded
/// layout keeps); an invalid one asks to locate its first error, so its
/// text is validated once and indexed once.
pub struct LazyIndex<'a> {
    src: &'a str,
    /// The fast reader's locations, until the index (which knows them
    /// too) is built: an invalid file holds one of the two, not both.
    quick: Cell<Option<Locations>>,
    index: OnceCell<SourceIndex>,
}

impl<'a> LazyIndex<'a> {
    /// For a layout the fast reader read, with the locations it noted.
    pub fn new(src: &'a str, quick: Locations) -> Self {
        LazyIndex {
            src,
            quick: Cell::new(Some(quick)),
            index: OnceCell::new(),
        }
    }

    /// An index already built (or none at all, for JSON: the default).
    pub fn built(src: &'a str, index: SourceIndex) -> Self {
        LazyIndex {
            src,
            quick: Cell::new(None),
            index: index.into(),
        }
    }

    pub fn get(&self) -> &SourceIndex {
        self.index.get_or_init(|| {
            drop(self.quick.take());
            SourceIndex::build(self.src)
        })
    }

    pub fn is_built(&self) -> bool {
        self.index.get().is_some()
    }

    /// Where each id and PSU entry is: from the index if it was built,
    /// else as the fast reader noted them.
    pub fn into_locations(self) -> Locations {
        match self.index.into_inner() {
            Some(index) => index.into_locations(),
            None => self.quick.into_inner().unwrap_or_default(),
        }
    }
}

struct Frame {
    open: u8,
    /// The identifier written right before `(`: a struct or variant name.
    name: Option<Loc>,
    /// The field this value (or, for a list, each item) belongs to.
    key: Option<u32>,
    record: Option<u32>,
    /// The nearest struct record at or above this frame.
    enclosing: Option<u32>,
    pending_key: Option<u32>,
    start: Loc,
}

impl SourceIndex {
    /// Index `src`. Never fails: text that is not valid RON is indexed as
    /// far as it goes and the parser reports the syntax error.
    pub fn build(src: &str) -> SourceIndex {
        let mut ix = SourceIndex::default();
        let mut lex = Cursor::new(src);
        // The next token, where it is, and the line it ends on.
        let mut next = move || lex.token().map(|(tok, loc)| (tok, loc, lex.line()));
        let mut stack: Vec<Frame> = Vec::new();
        let mut lookahead = next();
        // The identifier just before the current token, if the token
        // directly follows it (for `Name(`).
        let mut prev_ident: Option<Ident> = None;
        while let Some((tok, loc, end_line)) = lookahead {
            ix.tokens += 1;
            lookahead = next();
            let next_is_colon = matches!(lookahead, Some((Tok::Colon, ..)));
            match tok {
                Tok::Ident if next_is_colon && !stack.is_empty() => {
                    let text = &src[loc.start as usize..loc.end as usize];
                    ix.add_key(src, &mut stack, text, loc);
                    lookahead = next(); // the colon
                    prev_ident = None;
                    continue;
                }
                Tok::Ident => {
                    let context = stack.last().and_then(|top| top.pending_key.or(top.key));
                    let called = matches!(lookahead, Some((Tok::Open(b'('), ..)));
                    ix.check_variant(src, context, loc, called);
                    if let Some(top) = stack.last_mut() {
                        top.pending_key = None;
                    }
                    prev_ident = Some(Ident { loc, context });
                    continue;
                }
                Tok::Str { escaped } => {
                    if end_line > loc.line && !src[loc.start as usize..].starts_with('r') {
                        ix.multiline_strings.push((loc, end_line));
                    }
                    ix.add_string(src, &mut stack, loc, escaped);
                }
                Tok::Open(open) => {
                    let named = prev_ident.filter(|_| open == b'(');
                    let (key, enclosing) = match stack.last_mut() {
                        Some(top) => {
                            let pending = top.pending_key.take().or(top.key);
                            let key = named.map_or(pending, |n| n.context);
                            (key, top.record.or(top.enclosing))
                        }
                        None => (None, None),
                    };
                    if let (Some(n), Some(owner)) = (named, enclosing) {
                        if key.is_some_and(|k| ix.key_is(k, "needs")) {
                            ix.needs.push((owner, n.loc));
                        }
                    }
                    stack.push(Frame {
                        open,
                        name: named.map(|n| n.loc),
                        key,
                        record: None,
                        enclosing,
                        pending_key: None,
                        start: loc,
                    });
                }
                Tok::Close(close) => {
                    let frame = stack.pop();
                    ix.check_close(frame.as_ref(), close, loc);
                    if let Some(r) = frame.and_then(|f| f.record) {
                        ix.close_struct(r);
                    }
                }
                Tok::Number => {
                    if let Some(top) = stack.last_mut() {
                        if let Some(k) = top.pending_key.take() {
                            ix.check_whole(src, k, loc);
                        }
                    }
                }
                Tok::Comma | Tok::Colon | Tok::Other => {
                    if let Some(top) = stack.last_mut() {
                        top.pending_key = None;
                    }
                }
            }
            prev_ident = None;
        }
        // Unclosed frames (a truncated file): close what was opened, and
        // remember the innermost for the "file ends early" diagnostic.
        if let Some(frame) = stack.last() {
            ix.unclosed = Some(ix.unclosed_problem(src, frame));
        }
        while let Some(frame) = stack.pop() {
            if let Some(r) = frame.record {
                ix.close_struct(r);
            }
        }
        ix
    }

    /// Whether the text has no tokens at all (empty, blank or comments
    /// only).
    pub fn is_blank(&self) -> bool {
        self.tokens == 0
    }

    /// An identifier written as a value: where the field it belongs to
    /// takes one of a fixed set of variants, it must be one of them.
    fn check_variant(&mut self, src: &str, context: Option<u32>, loc: Loc, called: bool) {
        let Some(key) = context else {
            return;
        };
        let Some((what, expected)) = schema().variants(&self.key_names[key as usize], called)
        else {
            return;
        };
        let found = &src[loc.start as usize..loc.end as usize];
        if !expected.contains(&found) {
            self.unknown_fields.push(UnknownField {
                loc,
                found: found.to_string(),
                type_name: what,
                expected,
                variant: true,
            });
        }
    }

    /// A number written for a whole-number field must be one.
    fn check_whole(&mut self, src: &str, key: u32, loc: Loc) {
        let field = &self.key_names[key as usize];
        if !schema().takes_whole_number(field) {
            return;
        }
        let text = &src[loc.start as usize..loc.end as usize];
        let digits = text.strip_prefix('+').unwrap_or(text);
        let radix = ["0x", "0b", "0o"].iter().any(|p| digits.starts_with(p));
        let decimal = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
        if !(radix || decimal) {
            self.not_whole.push(NotWhole {
                loc,
                field: field.clone(),
                found: text.to_string(),
            });
        }
    }

    fn check_close(&mut self, frame: Option<&Frame>, close: u8, loc: Loc) {
        if self.mismatched.is_some() {
            return;
        }
        let c = close as char;
        self.mismatched = match frame {
            Some(f) if closing(f.open) == close => return,
            Some(f) => {
                let (open, want) = (f.open as char, closing(f.open) as char);
                Some(BracketProblem {
                    at: loc,
                    message: format!(
                        "`{c}` does not close the `{open}` opened at {}:{}",
                        f.start.line, f.start.column
                    ),
                    help: format!("a `{want}` is missing before this `{c}`"),
                })
            }
            None => Some(BracketProblem {
                at: loc,
                message: format!("`{c}` closes nothing"),
                help: format!("remove this `{c}`, or add the bracket it was meant to close"),
            }),
        };
    }

    fn unclosed_problem(&self, src: &str, frame: &Frame) -> BracketProblem {
        // Point at `Device(` rather than at its bracket.
        let at = frame.name.unwrap_or(frame.start);
        let name = frame
            .name
            .map(|n| &src[n.start as usize..n.end as usize])
            .unwrap_or("");
        let (open, want) = (frame.open as char, closing(frame.open) as char);
        BracketProblem {
            at,
            message: format!("`{name}{open}` opened here is never closed"),
            help: format!(
                "the file ends inside `{name}{open}` opened at {}:{}: is it truncated, or is a `{want}` missing?",
                at.line, at.column
            ),
        }
    }

    /// The string literal that starts before `offset` and runs over a line
    /// end to finish on `line`, if any.
    pub fn runaway_string(&self, line: u32, offset: u32) -> Option<Loc> {
        self.multiline_strings
            .iter()
            .find(|(loc, end_line)| *end_line == line && loc.start < offset)
            .map(|(loc, _)| *loc)
    }

    /// The field key written last before `offset`.
    pub fn key_before(&self, offset: u32) -> Option<(&str, Loc)> {
        let i = self
            .keys
            .partition_point(|k| k.loc.start < offset)
            .checked_sub(1)?;
        let name = &self.key_names[self.key_of[i] as usize];
        Some((name.as_str(), self.keys[i].loc))
    }

    fn key_is(&self, key: u32, name: &str) -> bool {
        self.key_names[key as usize] == name
    }

    fn intern_key(&mut self, text: &str) -> u32 {
        if let Some(&k) = self.key_lookup.get(text) {
            return k;
        }
        let k = self.key_names.len() as u32;
        self.key_names.push(text.to_string());
        self.key_lookup.insert(text.to_string(), k);
        k
    }

    fn add_key(&mut self, src: &str, stack: &mut [Frame], text: &str, loc: Loc) {
        let depth = stack.len();
        let key_id = self.intern_key(text);
        let top = stack.last_mut().expect("caller checked the stack");
        if top.open == b'[' {
            top.pending_key = Some(key_id);
            return;
        }
        let record = match top.record {
            Some(r) => r,
            None => {
                let type_name = match top.name {
                    Some(n) => schema().known_type(&src[n.start as usize..n.end as usize]),
                    None if depth == 1 => Some(schema().root),
                    None => top
                        .key
                        .and_then(|k| schema().struct_of_field(&self.key_names[k as usize])),
                };
                let r = self.structs.len() as u32;
                self.structs.push(StructRec {
                    type_name,
                    parent: top.enclosing,
                    id: None,
                    start: top.start,
                    first_key: self.keys.len() as u32,
                    end_key: u32::MAX,
                    first_str: self.strings.len() as u32,
                    end_str: u32::MAX,
                    end_struct: u32::MAX,
                });
                top.record = Some(r);
                r
            }
        };
        if let Some(type_name) = self.structs[record as usize].type_name {
            let expected = schema().fields(type_name).unwrap_or(&[]);
            if !expected.contains(&text) {
                self.unknown_fields.push(UnknownField {
                    loc,
                    found: text.to_string(),
                    type_name,
                    expected,
                    variant: false,
                });
            }
        }
        self.keys.push(KeyRec { owner: record, loc });
        self.key_of.push(key_id);
        top.pending_key = Some(key_id);
    }

    /// The struct itself if it has an id, else its nearest ancestor that
    /// has one (a PSU's device).
    fn identified(&self, record: u32) -> Option<u32> {
        let mut r = Some(record);
        while let Some(i) = r {
            let rec = &self.structs[i as usize];
            if rec.id.is_some() {
                return Some(i);
            }
            r = rec.parent;
        }
        None
    }

    fn add_string(&mut self, src: &str, stack: &mut [Frame], loc: Loc, escaped: bool) {
        let Some(top) = stack.last_mut() else {
            return;
        };
        let key = top.pending_key.take().or(top.key);
        let owner = top.record.or(top.enclosing);
        let s = self.strings.len() as u32;
        self.strings.push(StrRec {
            owner,
            key,
            loc,
            escaped,
        });
        let is_id_field =
            top.record.is_some() && key.is_some_and(|k| self.key_names[k as usize] == "id");
        if let (true, Some(record)) = (is_id_field, top.record) {
            let rec = &mut self.structs[record as usize];
            if rec.id.is_none() {
                rec.id = Some(s);
                let value = self.string_value(src, s);
                match self.first_id.entry(value) {
                    Entry::Occupied(first) => self.repeated_ids.push((first.key().clone(), record)),
                    Entry::Vacant(slot) => {
                        slot.insert(record);
                    }
                }
            }
        }
    }

    fn close_struct(&mut self, record: u32) {
        let (keys, strings, structs) = (self.keys.len(), self.strings.len(), self.structs.len());
        let rec = &mut self.structs[record as usize];
        rec.end_key = keys as u32;
        rec.end_str = strings as u32;
        rec.end_struct = structs as u32;
    }

    fn string_value(&self, src: &str, s: u32) -> String {
        let rec = &self.strings[s as usize];
        let raw = &src[rec.loc.start as usize..rec.loc.end as usize];
        string_value(raw, rec.escaped)
    }

    fn struct_of_id(&self, id: &str) -> Option<u32> {
        self.first_id.get(id).copied()
    }

    fn id_loc_of(&self, record: u32) -> Loc {
        let rec = &self.structs[record as usize];
        match rec.id {
            Some(s) => self.strings[s as usize].loc,
            None => rec.start,
        }
    }

    /// Where the element, rack, device, service or group `id` is defined
    /// (its `id: "..."` literal).
    pub fn id(&self, id: &str) -> Option<Loc> {
        self.struct_of_id(id).map(|r| self.id_loc_of(r))
    }

    /// Where each later definition of an id already defined is, in order.
    pub fn repeated_ids(&self) -> impl Iterator<Item = (&str, Loc)> + '_ {
        self.repeated_ids
            .iter()
            .map(|(id, r)| (id.as_str(), self.id_loc_of(*r)))
    }

    /// The `n`-th definition (0 = first) of `id`.
    pub fn nth_id(&self, id: &str, n: usize) -> Option<Loc> {
        if n == 0 {
            return self.id(id);
        }
        self.repeated_ids
            .iter()
            .filter(|(i, _)| i == id)
            .nth(n - 1)
            .map(|(_, r)| self.id_loc_of(*r))
    }

    /// What kind of struct (`Breaker`, `Device`, `Service`, ...) the first
    /// definition of `id` in the source is.
    pub fn id_type(&self, id: &str) -> Option<&'static str> {
        let r = self.struct_of_id(id)?;
        self.structs[r as usize].type_name
    }

    /// Where the `index`-th `needs` entry of `owner` is written (its
    /// `All`, `Any` or `AtLeast`).
    pub fn need(&self, owner: &str, index: usize) -> Option<Loc> {
        let r = self.struct_of_id(owner)?;
        self.needs
            .iter()
            .filter(|(o, _)| *o == r)
            .nth(index)
            .map(|(_, loc)| *loc)
    }

    /// Where field `key` of the struct with id `owner` is written.
    pub fn field(&self, owner: &str, key: &str) -> Option<Loc> {
        let r = self.struct_of_id(owner)?;
        self.field_of(r, key)
    }

    fn field_of(&self, r: u32, key: &str) -> Option<Loc> {
        let key_id = *self.key_lookup.get(key)?;
        let rec = &self.structs[r as usize];
        (rec.first_key..rec.end_key.min(self.keys.len() as u32))
            .find(|&k| self.keys[k as usize].owner == r && self.key_of[k as usize] == key_id)
            .map(|k| self.keys[k as usize].loc)
    }

    /// Where the struct with id `owner` (or a struct nested in it, such as a
    /// PSU) names `value` under field `key`.
    pub fn reference(&self, src: &str, owner: &str, key: &str, value: &str) -> Option<Loc> {
        self.reference_from(src, owner, key, value, 0)
            .map(|(loc, _)| loc)
    }

    /// Like [`Self::reference`], but searching from string record `from`
    /// on (and then from the struct's start), returning the record found
    /// too. A caller that reports a long list's entries in order and goes
    /// on from the last find locates each in turn: the same value written
    /// twice is found twice, and the whole list costs its length once.
    pub fn reference_from(
        &self,
        src: &str,
        owner: &str,
        key: &str,
        value: &str,
        from: u32,
    ) -> Option<(Loc, u32)> {
        let r = self.struct_of_id(owner)?;
        let key_id = *self.key_lookup.get(key)?;
        let rec = &self.structs[r as usize];
        let (first, end) = (rec.first_str, rec.end_str.min(self.strings.len() as u32));
        let from = from.clamp(first, end);
        let names_value = |&s: &u32| {
            let rec = &self.strings[s as usize];
            rec.key == Some(key_id)
                && rec.owner.and_then(|o| self.identified(o)) == Some(r)
                && self.string_value(src, s) == value
        };
        (from..end)
            .chain(first..from)
            .find(names_value)
            .map(|s| (self.strings[s as usize].loc, s))
    }

    /// Where the `index`-th PSU of `device` is written.
    pub fn psu(&self, device: &str, index: usize) -> Option<Loc> {
        let r = self.struct_of_id(device)?;
        let rec = &self.structs[r as usize];
        (r + 1..rec.end_struct.min(self.structs.len() as u32))
            .filter(|&c| {
                let child = &self.structs[c as usize];
                child.type_name == Some("Psu") && child.parent == Some(r)
            })
            .nth(index)
            .map(|c| self.structs[c as usize].start)
    }

    /// Where field `key` of the PSU is written.
    pub fn psu_field(&self, device: &str, index: usize, key: &str) -> Option<Loc> {
        let r = self.struct_of_id(device)?;
        let rec = &self.structs[r as usize];
        let psu = (r + 1..rec.end_struct.min(self.structs.len() as u32))
            .filter(|&c| {
                let child = &self.structs[c as usize];
                child.type_name == Some("Psu") && child.parent == Some(r)
            })
            .nth(index)?;
        self.field_of(psu, key)
    }

    /// Where field `key` of the first struct of type `type_name` (a
    /// singleton such as `Policy` or `Layout`) is written.
    pub fn singleton_field(&self, type_name: &str, key: &str) -> Option<Loc> {
        let r = self
            .structs
            .iter()
            .position(|s| s.type_name == Some(type_name))? as u32;
        self.field_of(r, key)
    }
}

impl SourceIndex {
    /// Keep only what [`Locations`] answers.
    pub fn into_locations(self) -> Locations {
        let mut psus = Vec::new();
        // Per struct: where its PSUs start in `psus` and how many it has.
        // A device's PSU entries are nested in it, so no other device's
        // come between them.
        let mut psu_range = vec![(0u32, 0u32); self.structs.len()];
        for rec in &self.structs {
            if let (Some("Psu"), Some(parent)) = (rec.type_name, rec.parent) {
                let range = &mut psu_range[parent as usize];
                if range.1 == 0 {
                    range.0 = psus.len() as u32;
                }
                range.1 += 1;
                psus.push(rec.start);
            }
        }
        let id_locs: Vec<Loc> = (0..self.structs.len() as u32)
            .map(|r| self.id_loc_of(r))
            .collect();
        let ids = self.first_id.into_iter().map(|(id, r)| {
            let (first_psu, psu_count) = psu_range[r as usize];
            (id, id_locs[r as usize], first_psu, psu_count)
        });
        Locations::new(ids, psus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = r#"// a comment with "quotes" and Device(
Layout(
    name: "x",
    power: [
        Utility(id: "u"),
        Breaker(id: "cb", input: "u", rating_a: 30, colour: "red"),
    ],
    racks: [
        Rack(id: "r1", devices: [
            Device(id: "d1", kind: Server, u: 1, draw_w: 10,
                   psus: [(feed: "cb"), (feed: "cb", nmae: "x")],
                   needs: [Any(["s1", "d2"])]),
        ]),
    ],
    /* nested /* block */ comment */
    services: [ Service(id: "s1", needs: [All(["d1"])]) ],
)"#;

    #[test]
    fn finds_ids_fields_and_references() {
        let ix = SourceIndex::build(SRC);
        let cb = ix.id("cb").unwrap();
        assert_eq!((cb.line, cb.column), (6, 21));
        let rating = ix.field("cb", "rating_a").unwrap();
        assert_eq!((rating.line, rating.column), (6, 39));
        let feed = ix.reference(SRC, "d1", "feed", "cb").unwrap();
        assert_eq!((feed.line, feed.column), (11, 34));
        let need = ix.reference(SRC, "d1", "needs", "d2").unwrap();
        assert_eq!((need.line, need.column), (12, 39));
        let svc_need = ix.reference(SRC, "s1", "needs", "d1").unwrap();
        assert_eq!(svc_need.line, 16);
        let psu2 = ix.psu("d1", 1).unwrap();
        assert_eq!((psu2.line, psu2.column), (11, 41));
        assert!(ix.id("Device").is_none());
    }

    #[test]
    fn reports_every_unknown_field() {
        let ix = SourceIndex::build(SRC);
        let found: Vec<_> = ix
            .unknown_fields
            .iter()
            .map(|u| (u.found.as_str(), u.type_name, u.loc.line))
            .collect();
        assert_eq!(found, vec![("colour", "Breaker", 6), ("nmae", "Psu", 11)]);
    }

    #[test]
    fn truncated_and_garbage_input_do_not_panic() {
        // Non-ASCII punctuation outside strings once made an empty token
        // and an endless loop.
        for src in [
            "",
            "(",
            "Layout(name: \"x",
            "]]]))",
            "r#\"abc",
            "\u{0}\u{1}é",
            "/* open",
            "\u{feff}Layout(",
            "a\u{a0}b",
            "x: → y",
        ] {
            let _ = SourceIndex::build(src);
        }
    }

    #[test]
    fn value_after_finds_the_value_of_a_key() {
        let src = "Device(draw_w:  -350, u:\n  7)";
        let ix = SourceIndex::build(src);
        let at = |k: usize| ix.keys[k].loc;
        let draw = value_after(src, at(0));
        assert_eq!(
            (&src[draw.start as usize..draw.end as usize], draw.column),
            ("-350", 17)
        );
        let u = value_after(src, at(1));
        assert_eq!(
            (&src[u.start as usize..u.end as usize], u.line, u.column),
            ("7", 2, 3)
        );
    }
}
