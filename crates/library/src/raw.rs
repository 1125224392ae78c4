//! The shape of a CISO Assistant library as read from YAML, before any meaning is given to it.
//!
//! Every type here is lenient: a field of the wrong kind (a list where text was expected, a number
//! where a mapping was expected) does not fail the whole document but is kept as "not what was
//! expected", so that the caller can skip one node and say why. Unknown fields are ignored. Only
//! broken YAML, duplicate keys and the YAML crate's resource budgets fail the parse.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A scalar read as text whatever its YAML type (`7` becomes `"7"`); null, absent, a list or a
/// mapping give `None`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Scalar(pub(crate) Option<String>);

impl Scalar {
    /// The text, trimmed; `None` when absent or blank.
    pub(crate) fn text(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_char<E: de::Error>(self, v: char) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_string())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar(Some(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar(Some(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Scalar, E> {
        Ok(Scalar(std::str::from_utf8(v).ok().map(str::to_owned)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Scalar, D::Error> {
        Scalar::deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar(None))
    }
}

/// A yes/no flag: a YAML boolean, or the text `true`/`false` in any case. Anything else is `None`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag(pub(crate) Option<bool>);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Scalar(text) = Scalar::deserialize(deserializer)?;
        Ok(Flag(text.and_then(|t| {
            let t = t.trim();
            if t.eq_ignore_ascii_case("true") {
                Some(true)
            } else if t.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        })))
    }
}

/// A node that should be a mapping and is read as `T` when it is one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) enum Mapping<T> {
    /// Absent or null.
    #[default]
    Missing,
    /// Present but not a mapping; says what it was instead.
    Other(&'static str),
    Map(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Mapping<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MappingVisitor(PhantomData))
    }
}

struct MappingVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for MappingVisitor<T> {
    type Value = Mapping<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Mapping<T>, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Mapping::Map)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Mapping<T>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Mapping::Other("a list"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Mapping<T>, E> {
        Ok(Mapping::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<Mapping<T>, E> {
        Ok(Mapping::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Mapping<T>, D::Error> {
        Mapping::deserialize(deserializer)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("a yes/no value"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("a number"))
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("a number"))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("a number"))
    }
    fn visit_char<E: de::Error>(self, _: char) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("text"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("text"))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Mapping<T>, E> {
        Ok(Mapping::Other("binary data"))
    }
}

/// A node that should be a list of `T`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) enum List<T> {
    /// Absent or null.
    #[default]
    Missing,
    /// Present but not a list; says what it was instead.
    Other(&'static str),
    Items(Vec<T>),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListVisitor(PhantomData))
    }
}

struct ListVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ListVisitor<T> {
    type Value = List<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
        // No size hint is trusted: the YAML crate's node budget bounds the count.
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<T>()? {
            items.push(item);
        }
        Ok(List::Items(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<T>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(List::Other("a mapping"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<List<T>, E> {
        Ok(List::Missing)
    }
    fn visit_none<E: de::Error>(self) -> Result<List<T>, E> {
        Ok(List::Missing)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<List<T>, D::Error> {
        List::deserialize(deserializer)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<List<T>, E> {
        Ok(List::Other("a yes/no value"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<List<T>, E> {
        Ok(List::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<List<T>, E> {
        Ok(List::Other("a number"))
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<List<T>, E> {
        Ok(List::Other("a number"))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<List<T>, E> {
        Ok(List::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<List<T>, E> {
        Ok(List::Other("a number"))
    }
    fn visit_char<E: de::Error>(self, _: char) -> Result<List<T>, E> {
        Ok(List::Other("text"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<List<T>, E> {
        Ok(List::Other("text"))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<List<T>, E> {
        Ok(List::Other("binary data"))
    }
}

/// The top of a library file. Only the fields Ward reads are named.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawLibrary {
    pub(crate) urn: Scalar,
    pub(crate) ref_id: Scalar,
    pub(crate) name: Scalar,
    pub(crate) version: Scalar,
    pub(crate) locale: Scalar,
    pub(crate) objects: Mapping<RawObjects>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawObjects {
    pub(crate) framework: Mapping<RawFramework>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawFramework {
    pub(crate) name: Scalar,
    pub(crate) requirement_nodes: List<Mapping<RawNode>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawNode {
    pub(crate) urn: Scalar,
    pub(crate) ref_id: Scalar,
    pub(crate) assessable: Flag,
    pub(crate) description: Scalar,
    pub(crate) annotation: Scalar,
    pub(crate) translations: Mapping<RawTranslations>,
}

/// The translations of one node, by language. Languages Ward does not speak are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawTranslations {
    pub(crate) en: Mapping<RawTranslation>,
    pub(crate) nl: Mapping<RawTranslation>,
    pub(crate) fr: Mapping<RawTranslation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RawTranslation {
    pub(crate) description: Scalar,
    pub(crate) annotation: Scalar,
}
