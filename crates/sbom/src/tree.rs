//! The parsed JSON document, kept small.
//!
//! `serde_json::Value` stores each object in a B-tree whose first node holds room for eleven
//! members: a 50 MB file of `{"a":1}` objects grows past 4 GB in memory. Here an object is a
//! slice of its members and a number is only the fact that it is one (Ward reads no numbers),
//! and the parser stops once the document holds more values than [`MAX_JSON_VALUES`], so that
//! what an upload can cost stays in proportion to what a real bill of materials needs.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The most JSON values (objects, arrays, strings, numbers, …) a document may hold. Published
/// SBOMs hold one value per 28 to 58 bytes, about 1.8 million at most in [`crate::MAX_INPUT_BYTES`];
/// only contrived input reaches this.
pub const MAX_JSON_VALUES: usize = 3_000_000;

/// A JSON value, keeping what Ward reads: strings, and the shape of everything else.
pub(crate) enum Node {
    Null,
    Bool,
    Number,
    String(Box<str>),
    Array(Box<[Node]>),
    /// The members in document order; when a key repeats, the last one counts, as in most JSON
    /// readers.
    Object(Box<[(Box<str>, Node)]>),
}

impl Node {
    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(text) => Some(text),
            _ => None,
        }
    }

    /// The member `key` of an object.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(members) => members.iter().rev().find(|(name, _)| &**name == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// What the value is, as a message says it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool => "a boolean",
            Node::Number => "a number",
            Node::String(_) => "a string",
            Node::Array(_) => "an array",
            Node::Object(_) => "an object",
        }
    }
}

/// Why the bytes did not give a document.
pub(crate) enum ParseError {
    Json(serde_json::Error),
    TooManyValues,
}

/// Parses one JSON document, refusing trailing content and more than [`MAX_JSON_VALUES`] values.
pub(crate) fn parse(bytes: &[u8]) -> Result<Node, ParseError> {
    let builder = Builder::default();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = NodeSeed(&builder).deserialize(&mut deserializer).and_then(|node| {
        deserializer.end()?;
        Ok(node)
    });
    match parsed {
        Ok(node) => Ok(node),
        Err(_) if builder.exhausted.get() => Err(ParseError::TooManyValues),
        Err(error) => Err(ParseError::Json(error)),
    }
}

/// What the parse shares across the nesting: the values spent, and one stack each for the items
/// and members of the containers being read. A container's entries gather on the stack and are
/// moved out into a slice of exactly their number when it closes, so no container keeps the
/// spare room a growing `Vec` leaves behind.
#[derive(Default)]
struct Builder {
    spent: Cell<usize>,
    exhausted: Cell<bool>,
    items: Cell<Vec<Node>>,
    members: Cell<Vec<(Box<str>, Node)>>,
}

impl Builder {
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        if self.spent.get() >= MAX_JSON_VALUES {
            self.exhausted.set(true);
            return Err(E::custom("too many values"));
        }
        self.spent.set(self.spent.get().saturating_add(1));
        Ok(())
    }

    fn push_item(&self, node: Node) {
        let mut items = self.items.take();
        items.push(node);
        self.items.set(items);
    }

    fn push_member(&self, key: Box<str>, node: Node) {
        let mut members = self.members.take();
        members.push((key, node));
        self.members.set(members);
    }

    /// The items pushed since the stack was `from` high, taken off it.
    fn items_from(&self, from: usize) -> Box<[Node]> {
        let mut items = self.items.take();
        let taken = items.drain(from.min(items.len())..).collect();
        self.items.set(items);
        taken
    }

    fn members_from(&self, from: usize) -> Box<[(Box<str>, Node)]> {
        let mut members = self.members.take();
        let taken = members.drain(from.min(members.len())..).collect();
        self.members.set(members);
        taken
    }

    fn items_height(&self) -> usize {
        let items = self.items.take();
        let height = items.len();
        self.items.set(items);
        height
    }

    fn members_height(&self) -> usize {
        let members = self.members.take();
        let height = members.len();
        self.members.set(members);
        height
    }
}

#[derive(Clone, Copy)]
struct NodeSeed<'b>(&'b Builder);
impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::Bool)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::Number)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::Number)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::Number)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::String(text.into()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Node, E> {
        self.0.spend()?;
        Ok(Node::String(text.into_boxed_str()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Node, A::Error> {
        self.0.spend()?;
        let from = self.0.items_height();
        while let Some(node) = items.next_element_seed(self)? {
            self.0.push_item(node);
        }
        Ok(Node::Array(self.0.items_from(from)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<Node, A::Error> {
        self.0.spend()?;
        let from = self.0.members_height();
        while let Some(key) = members.next_key::<String>()? {
            let value = members.next_value_seed(self)?;
            self.0.push_member(key.into_boxed_str(), value);
        }
        Ok(Node::Object(self.0.members_from(from)))
    }
}
