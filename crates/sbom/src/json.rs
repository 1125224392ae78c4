//! Walking a parsed JSON document with the path of every value at hand, so that each error and
//! warning can say where in the file it is (`components[12].version`).

use crate::tree::Node;
use crate::{SbomError, Warning};

/// The most warnings kept on one result: a document with a hundred thousand malformed hashes
/// should not answer with a hundred thousand lines. The rest are counted in a last warning.
const MAX_WARNINGS: usize = 1_000;

/// The longest piece of the input echoed in a message, in characters.
const MAX_ECHO_CHARS: usize = 80;

/// A JSON object and where it is in the document.
pub(crate) struct Object<'a> {
    node: &'a Node,
    path: String,
}

/// A JSON array and where it is in the document.
pub(crate) struct Array<'a> {
    items: &'a [Node],
    path: String,
}

impl<'a> Object<'a> {
    /// `value` as an object, or the error that says `path` holds something else.
    pub(crate) fn at(node: &'a Node, path: String) -> Result<Self, SbomError> {
        match node {
            Node::Object(_) => Ok(Object { node, path }),
            other => Err(wrong_type(path, "an object", other)),
        }
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The path of the member `key`.
    pub(crate) fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }

    /// The member `key`; a `null` member counts as absent, as exporters write `null` for "none".
    pub(crate) fn get(&self, key: &str) -> Option<&'a Node> {
        self.node.get(key).filter(|value| !matches!(value, Node::Null))
    }

    /// The string member `key` as written, or an error naming it when it is not a string.
    pub(crate) fn string(&self, key: &str) -> Result<Option<&'a str>, SbomError> {
        match self.get(key) {
            None => Ok(None),
            Some(Node::String(text)) => Ok(Some(text)),
            Some(other) => Err(wrong_type(self.path_of(key), "a string", other)),
        }
    }

    /// The string member `key` trimmed, with an empty string counted as absent (exporters write
    /// `"version": ""` for hardware without a version).
    pub(crate) fn text(&self, key: &str) -> Result<Option<String>, SbomError> {
        Ok(self.string(key)?.and_then(non_empty))
    }

    /// A string member that must be there and not be blank, trimmed.
    pub(crate) fn required_text(&self, key: &str) -> Result<String, SbomError> {
        match self.string(key)? {
            None => Err(SbomError::Missing { path: self.path_of(key) }),
            Some(text) => non_empty(text).ok_or_else(|| SbomError::InvalidValue {
                path: self.path_of(key),
                reason: "empty".to_owned(),
            }),
        }
    }

    pub(crate) fn object(&self, key: &str) -> Result<Option<Object<'a>>, SbomError> {
        self.get(key).map(|value| Object::at(value, self.path_of(key))).transpose()
    }

    pub(crate) fn array(&self, key: &str) -> Result<Option<Array<'a>>, SbomError> {
        match self.get(key) {
            None => Ok(None),
            Some(Node::Array(items)) => Ok(Some(Array { items, path: self.path_of(key) })),
            Some(other) => Err(wrong_type(self.path_of(key), "an array", other)),
        }
    }

    /// The member `key` when it is an array; anything else is `None`. For the parts Ward can do
    /// without, where the caller notes a warning instead of refusing the document.
    pub(crate) fn lenient_array(&self, key: &str) -> Option<Array<'a>> {
        match self.get(key) {
            Some(Node::Array(items)) => Some(Array { items, path: self.path_of(key) }),
            _ => None,
        }
    }
}

impl<'a> Array<'a> {
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Each item with its path (`components[3]`).
    pub(crate) fn items(&self) -> impl Iterator<Item = (String, &'a Node)> + '_ {
        self.items.iter().enumerate().map(|(index, value)| (format!("{}[{index}]", self.path), value))
    }

    /// Each item as an object, the first item that is not one giving an error.
    pub(crate) fn objects(&self) -> impl Iterator<Item = Result<Object<'a>, SbomError>> + '_ {
        self.items().map(|(path, value)| Object::at(value, path))
    }
}

/// The error for a value of the wrong JSON type.
pub(crate) fn wrong_type(path: String, expected: &'static str, found: &Node) -> SbomError {
    SbomError::WrongType { path, expected, found: found.kind() }
}

/// `text` trimmed, or `None` when nothing is left.
pub(crate) fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// A piece of the input, quoted, on one line and short, for a message.
pub(crate) fn echo(text: &str) -> String {
    let mut out: String =
        text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_ECHO_CHARS).collect();
    if text.chars().nth(MAX_ECHO_CHARS).is_some() {
        out.push('…');
    }
    format!("\"{out}\"")
}

/// The warnings of one document, at most [`MAX_WARNINGS`] of them kept.
#[derive(Default)]
pub(crate) struct Warnings {
    kept: Vec<Warning>,
    left_out: usize,
}

impl Warnings {
    pub(crate) fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        if self.kept.len() < MAX_WARNINGS {
            self.kept.push(Warning { path: path.into(), message: message.into() });
        } else {
            self.left_out += 1;
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Warning> {
        if self.left_out > 0 {
            self.kept.push(Warning {
                path: String::new(),
                message: format!("{} more warnings are not listed", self.left_out),
            });
        }
        self.kept
    }
}
