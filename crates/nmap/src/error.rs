//! What went wrong, and where: every refusal names a position in the file the user picked, so the
//! import preview can say "line 812" instead of "invalid file".

use std::fmt;

/// A place in the input.
///
/// `line` and `column` are 1-based; the column counts bytes, not characters (nmap's output is
/// ASCII but for names and banners). `offset` is the 0-based byte offset from the start of the
/// input, byte-order mark included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    pub offset: u64,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {} (byte {})", self.line, self.column, self.offset)
    }
}

/// Why the input was refused, and where the markup at fault starts.
///
/// The position is where the tag, text run or reference that could not be accepted begins (for a
/// missing child, the tag of the element that lacks it). Hosts handed out before the error are
/// complete and correct; nothing after the error is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{position}: {kind}")]
pub struct ParseError {
    pub position: Position,
    pub kind: ErrorKind,
}

/// The kinds of refusal. Values quoted from the input are cut to [`QUOTED_CHARS`] characters so
/// that an error stays small whatever the input holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller's reader failed.
    #[error("the input cannot be read: {0}")]
    Read(String),
    /// The bytes are not well-formed XML (the reason is quick-xml's).
    #[error("not XML: {0}")]
    NotXml(String),
    /// The text is not UTF-8, which nmap always writes (a UTF-16 file is re-saved text).
    #[error("the input is not UTF-8 text")]
    NotUtf8,
    /// The input ended, or holds only a prolog, before any element.
    #[error("the input ends before the <nmaprun> element starts (empty or cut short)")]
    NoRootElement,
    /// Well-formed XML, but some other document.
    #[error("not an nmap XML file (nmap -oX): the root element is <{0}>, not <nmaprun>")]
    NotNmap(String),
    /// A document type declaration with an internal subset: the place where entities (the
    /// "billion laughs" expansion, external-entity reads) are declared. nmap never writes one.
    #[error("the document type declaration declares entities or other markup, which nmap never does")]
    DoctypeDeclarations,
    /// A reference to an entity that XML does not predefine (`&name;` other than `&lt;`, `&gt;`,
    /// `&amp;`, `&apos;`, `&quot;`, or a character reference). It is refused, not kept as text.
    #[error("unknown entity reference &{0};")]
    UnknownEntity(String),
    /// A character reference to no character (`&#0;`, `&#xD800;`, `&#xZZ;`…): the reference, or
    /// what is wrong with it.
    #[error("invalid character reference: {0}")]
    InvalidCharacterReference(String),
    /// One piece of markup, or a value kept from it, is longer than the limit.
    #[error("{what} is longer than {limit} bytes")]
    TooLong { what: &'static str, limit: usize },
    /// Elements are nested deeper than the limit.
    #[error("elements are nested more than {0} deep")]
    TooDeep(usize),
    /// One host holds more data than the limit.
    #[error("the host holds more than {0} bytes of addresses, names, ports and OS matches")]
    HostTooLarge(usize),
    /// An element lacks an attribute nmap always writes and Ward relies on.
    #[error("<{element}> has no {attribute} attribute")]
    MissingAttribute { element: &'static str, attribute: &'static str },
    /// An attribute's value is not one nmap writes (an unknown port protocol, a port number
    /// above 65535…).
    #[error("<{element} {attribute}=\"{value}\"> is not valid")]
    InvalidValue { element: &'static str, attribute: &'static str, value: String },
    /// An element lacks a child nmap always writes and Ward relies on.
    #[error("<{element}> has no <{child}>")]
    MissingElement { element: &'static str, child: &'static str },
    /// Something other than comments or processing instructions follows `</nmaprun>`
    /// (for example two scans appended to one file with `--append-output`).
    #[error("there is content after the end of the scan (</nmaprun>)")]
    ContentAfterEnd,
}

/// How many characters of the input an error quotes at most.
pub const QUOTED_CHARS: usize = 80;

/// `text` cut to [`QUOTED_CHARS`] characters, marked with `…` when cut.
pub(crate) fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// An error from [`crate::parse`]: the input was refused, or the caller's host handler failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error<E> {
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The handler's own error, returned as it was; parsing stopped there.
    #[error("the host handler failed: {0}")]
    Handler(E),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_cut_on_a_character_boundary() {
        assert_eq!(quoted("short"), "short");
        let long = "é".repeat(QUOTED_CHARS + 5);
        let cut = quoted(&long);
        assert_eq!(cut.chars().count(), QUOTED_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn errors_read_as_sentences_with_their_place() {
        let error = ParseError {
            position: Position { offset: 120, line: 3, column: 5 },
            kind: ErrorKind::NotNmap("html".into()),
        };
        assert_eq!(
            error.to_string(),
            "line 3, column 5 (byte 120): not an nmap XML file (nmap -oX): the root element is <html>, not <nmaprun>"
        );
    }
}
