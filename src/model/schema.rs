//! The layout schema as the source index needs it (the struct names, each
//! one's fields, which fields hold whole numbers, which hold a struct or
//! one of a set of variants), read off the serde types in `format.rs`, so
//! it is written once: there.
//!
//! How: serde's derived `Deserialize` names a struct's fields and an
//! enum's variants to the deserializer it is given. [`Probe`] is a
//! deserializer that answers every question with an empty value and notes
//! what it was asked, from `Layout` down; each pass takes the `k`-th
//! variant of every enum, so enough passes see every variant.

use std::cell::RefCell;
use std::sync::OnceLock;

use serde::de::value::{BorrowedStrDeserializer, Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::format::Layout;

/// What the index knows of the format.
#[derive(Debug, Default)]
pub struct Schema {
    /// The top-level struct (`Layout`).
    pub root: &'static str,
    /// Every struct-like value (`Layout`, `Breaker`, `Psu`) and its fields,
    /// in the order the types declare them.
    structs: Vec<(&'static str, &'static [&'static str])>,
    /// Fields whose value is a struct (or a list of one): the struct's
    /// name, for values written without it (`psus: [(feed: ...)]`).
    struct_fields: Vec<(&'static str, &'static str)>,
    /// Fields that take whole numbers.
    whole_fields: Vec<&'static str>,
    /// Fields whose value is one of an enum's variants.
    enum_fields: Vec<EnumField>,
}

#[derive(Debug, Clone, Copy)]
struct EnumField {
    field: &'static str,
    name: &'static str,
    variants: &'static [&'static str],
    /// Whether its variants are written with arguments, `Name(...)`.
    called: bool,
}

/// The schema of [`Layout`], read once.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let survey = RefCell::new(Schema::default());
        let mut pass = 0;
        // Each pass picks the `pass`-th variant of each enum: as many
        // passes as the longest enum has variants.
        while pass == 0
            || survey
                .borrow()
                .enum_fields
                .iter()
                .any(|e| pass < e.variants.len())
        {
            let probe = Probe {
                survey: &survey,
                field: None,
                pass,
            };
            <Layout as serde::Deserialize>::deserialize(probe)
                .expect("the probe answers every question the layout types ask");
            pass += 1;
        }
        survey.into_inner()
    })
}

impl Schema {
    /// Whether `name` is a struct-like value of the format, as written.
    pub fn known_type(&self, name: &str) -> Option<&'static str> {
        self.structs.iter().map(|s| s.0).find(|t| *t == name)
    }

    /// The field names a struct-like value accepts.
    pub fn fields(&self, type_name: &str) -> Option<&'static [&'static str]> {
        self.structs.iter().find(|s| s.0 == type_name).map(|s| s.1)
    }

    /// The type of a struct written without its name, from the field it
    /// is the value of.
    pub fn struct_of_field(&self, field: &str) -> Option<&'static str> {
        self.struct_fields
            .iter()
            .find(|s| s.0 == field)
            .map(|s| s.1)
    }

    pub fn takes_whole_number(&self, field: &str) -> bool {
        self.whole_fields.contains(&field)
    }

    /// The variant names the value of `field` may take, when it is written
    /// `Name(...)` (`called`) or bare: what they name, for messages, and
    /// the names.
    pub fn variants(
        &self,
        field: &str,
        called: bool,
    ) -> Option<(&'static str, &'static [&'static str])> {
        let e = self
            .enum_fields
            .iter()
            .find(|e| e.field == field && e.called == called)?;
        Some((describe_enum(e.name), e.variants))
    }

    fn note_struct(&mut self, name: &'static str, fields: &'static [&'static str]) {
        if self.known_type(name).is_none() {
            self.structs.push((name, fields));
        }
    }
}

/// How a message names a value of the enum `name`.
fn describe_enum(name: &str) -> &'static str {
    match name {
        "PowerElement" => "power element kind",
        "Need" => "`needs` entry",
        "DeviceKind" => "device kind",
        "Role" => "role",
        "Face" => "rack face",
        _ => "variant",
    }
}

/// A deserializer that answers with empty values and notes the questions.
struct Probe<'s> {
    survey: &'s RefCell<Schema>,
    /// The field whose value is asked for (none inside an enum's
    /// arguments: `AtLeast(2, ...)` does not make `needs` a number).
    field: Option<&'static str>,
    pass: usize,
}

impl<'s> Probe<'s> {
    fn with_field(&self, field: Option<&'static str>) -> Probe<'s> {
        Probe {
            survey: self.survey,
            field,
            pass: self.pass,
        }
    }

    /// Every field of a struct, each once, its value probed.
    fn fields<'de, V: Visitor<'de>>(
        &self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let values = fields.iter().map(|&f| (f, self.with_field(Some(f))));
        visitor.visit_map(MapDeserializer::new(values))
    }

    /// A list of `len` items, each probed for `field`.
    fn items<'de, V: Visitor<'de>>(
        &self,
        len: usize,
        field: Option<&'static str>,
        visitor: V,
    ) -> Result<V::Value, Error> {
        let items = (0..len).map(|_| self.with_field(field));
        visitor.visit_seq(SeqDeserializer::new(items))
    }
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
        Err(de::Error::custom("the probe only answers typed questions"))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(false)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(field) = self.field {
            let mut survey = self.survey.borrow_mut();
            if !survey.whole_fields.contains(&field) {
                survey.whole_fields.push(field);
            }
        }
        visitor.visit_u32(0)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_f64(0.0)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str("")
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str("")
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.items(1, self.field, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        {
            let mut survey = self.survey.borrow_mut();
            survey.note_struct(name, fields);
            match self.field {
                None if survey.root.is_empty() => survey.root = name,
                Some(field) if survey.struct_of_field(field).is_none() => {
                    survey.struct_fields.push((field, name));
                }
                _ => {}
            }
        }
        self.fields(fields, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let variant = variants[self.pass % variants.len()];
        visitor.visit_enum(ProbeVariant {
            probe: self,
            name,
            variants,
            variant,
        })
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u64 u128 f32 char bytes byte_buf unit
        unit_struct newtype_struct tuple tuple_struct map identifier ignored_any
    }
}

impl<'de, 's> IntoDeserializer<'de, Error> for Probe<'s> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// One variant of an enum: its arguments are probed too.
struct ProbeVariant<'s> {
    probe: Probe<'s>,
    name: &'static str,
    variants: &'static [&'static str],
    variant: &'static str,
}

impl ProbeVariant<'_> {
    /// Note the enum for the field it is the value of, and how its
    /// variants are written.
    fn note(&self, called: bool) {
        let Some(field) = self.probe.field else {
            return;
        };
        let mut survey = self.probe.survey.borrow_mut();
        if !survey.enum_fields.iter().any(|e| e.field == field) {
            survey.enum_fields.push(EnumField {
                field,
                name: self.name,
                variants: self.variants,
                called,
            });
        }
    }
}

impl<'de, 's> de::EnumAccess<'de> for ProbeVariant<'s> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), Error> {
        let value = seed.deserialize(BorrowedStrDeserializer::new(self.variant))?;
        Ok((value, self))
    }
}

impl<'de> de::VariantAccess<'de> for ProbeVariant<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        self.note(false);
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        self.note(true);
        seed.deserialize(self.probe.with_field(None))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        self.note(true);
        self.probe.items(len, None, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.note(true);
        self.probe
            .survey
            .borrow_mut()
            .note_struct(self.variant, fields);
        self.probe.fields(fields, visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_read_off_the_types() {
        let s = schema();
        assert_eq!(s.root, "Layout");
        let mut types: Vec<_> = s.structs.iter().map(|t| t.0).collect();
        types.sort_unstable();
        assert_eq!(
            types,
            [
                "Ats",
                "Breaker",
                "CommonCause",
                "Device",
                "Generator",
                "Layout",
                "Panel",
                "Pdu",
                "Policy",
                "Psu",
                "Rack",
                "Rate",
                "Rates",
                "Reliability",
                "Service",
                "Source",
                "Sts",
                "Ups",
                "Utility"
            ]
        );
        assert_eq!(s.fields("Psu"), Some(&["feed", "name", "phase"][..]));
        assert_eq!(
            s.fields("Ups"),
            Some(
                &[
                    "id",
                    "input",
                    "capacity_kw",
                    "runtime_min",
                    "bypass",
                    "allow",
                    "continuous_load_pct"
                ][..]
            )
        );
        let mut whole = s.whole_fields.clone();
        whole.sort_unstable();
        assert_eq!(whole, ["height_u", "phase", "phases", "psus_needed", "u"]);
        let mut nested = s.struct_fields.clone();
        nested.sort_unstable();
        assert_eq!(
            nested,
            [
                ("ats", "Rate"),
                ("breaker", "Rate"),
                ("common_cause", "Rate"),
                ("common_causes", "CommonCause"),
                ("device", "Rate"),
                ("devices", "Device"),
                ("generator", "Rate"),
                ("panel", "Rate"),
                ("pdu", "Rate"),
                ("policy", "Policy"),
                ("psu", "Rate"),
                ("psus", "Psu"),
                ("racks", "Rack"),
                ("rates", "Rates"),
                ("reliability", "Reliability"),
                ("services", "Service"),
                ("sources", "Source"),
                ("sts", "Rate"),
                ("ups", "Rate"),
                ("utility", "Rate")
            ]
        );
        assert_eq!(
            s.variants("needs", true).unwrap().1,
            ["All", "Any", "AtLeast"]
        );
        assert_eq!(s.variants("power", true).unwrap().1.len(), 8);
        assert_eq!(s.variants("kind", false).unwrap().0, "device kind");
        assert_eq!(s.variants("role", false), s.variants("roles", false));
        assert!(s.variants("kind", true).is_none());
    }

    #[test]
    fn each_enum_is_written_one_way() {
        // `variants(field, called)` assumes it: all bare or all called.
        let s = schema();
        for e in &s.enum_fields {
            let text = |v: &str| match (e.name, e.called) {
                ("Need", _) if v == "AtLeast" => "AtLeast(1, [])".to_string(),
                ("Need", _) => format!("{v}([])"),
                (_, true) => format!("{v}(id: \"x\")"),
                (_, false) => v.to_string(),
            };
            for v in e.variants {
                let ok = match e.name {
                    "PowerElement" => ron::from_str::<super::super::format::PowerKind>(v).is_ok(),
                    "Need" => ron::from_str::<super::super::format::Need>(&text(v)).is_ok(),
                    "DeviceKind" => {
                        ron::from_str::<super::super::format::DeviceKind>(&text(v)).is_ok()
                    }
                    "Role" => ron::from_str::<super::super::format::Role>(&text(v)).is_ok(),
                    "Face" => ron::from_str::<super::super::format::Face>(&text(v)).is_ok(),
                    other => panic!("a new enum {other}: add its description"),
                };
                assert!(ok, "{} {v}", e.name);
            }
        }
    }
}
