//! Reads a CISO Assistant framework library (`.yaml`) of CyberFundamentals into the official
//! requirement texts, so that Ward can show them beside its own titles.
//!
//! The CCB's texts are copyrighted and Ward does not ship them: a user who holds the library
//! brings it, and this crate reads it. It is a parser of an outside format: bytes in, plain values
//! or a [`LibraryError`] out. It never panics, does no I/O and knows no other Ward crate.
//!
//! What is read (all else is ignored):
//!
//! ```yaml
//! urn: urn:intuitem:risk:library:ccb-cyfun2025   # or ref_id: cyfun2025; tells the framework
//! name: CyberFundamentals 2025 (CyFun)
//! version: 7
//! locale: en                                     # the language of description/annotation
//! objects:
//!   framework:
//!     requirement_nodes:
//!     - ref_id: GV.OC-01.1                       # 2023: BASIC_ID.AM-1.1, IMPORTANT_…, or bare
//!       assessable: true                         # only assessable nodes are requirements
//!       description: The requirement text        # may start with "[KEY MEASURE]"
//!       annotation: Guidance
//!       translations: { nl: { description: …, annotation: … }, fr: { … } }
//! ```
//!
//! Resource limits: the input may be at most [`MAX_INPUT_BYTES`]; the YAML crate's budgets bound
//! the parser events, nodes, nesting, aliases and the scalar bytes delivered (alias replays
//! included), so a "billion laughs" document is refused instead of filling memory.

mod raw;
mod text;

use std::collections::HashSet;
use std::fmt;

use raw::{List, Mapping, RawLibrary, RawNode, RawTranslation, Scalar};

/// The largest library accepted, in bytes (32 MiB; the CyFun 2025 library is about 3.4 MB).
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;

/// The most scalar text the YAML parser may deliver, alias replays included (64 MiB).
const MAX_SCALAR_BYTES: usize = 64 * 1024 * 1024;

/// The most events an alias may replay over the whole document. The CCB libraries use no
/// aliases at all.
const MAX_REPLAYED_EVENTS: usize = 100_000;

/// The languages whose texts are read, in the order texts are listed for each requirement.
pub const LANGUAGES: [&str; 3] = ["en", "nl", "fr"];

/// Which CyberFundamentals framework a library holds, detected from its `urn` (or, without one,
/// its `ref_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LibraryFramework {
    /// CyFun 2025 (requirements version 2025-10-01): `urn:intuitem:risk:library:ccb-cyfun2025`.
    Cyfun2025,
    /// CyFun 2023 (requirements version 2023-03-01):
    /// `urn:intuitem:risk:library:ccb-cff-2023-03-01`.
    Cyfun2023,
}

impl LibraryFramework {
    /// The library urn CISO Assistant gives this framework.
    pub fn library_urn(self) -> &'static str {
        match self {
            LibraryFramework::Cyfun2025 => "urn:intuitem:risk:library:ccb-cyfun2025",
            LibraryFramework::Cyfun2023 => "urn:intuitem:risk:library:ccb-cff-2023-03-01",
        }
    }

    /// The library `ref_id` CISO Assistant gives this framework.
    pub fn library_ref_id(self) -> &'static str {
        match self {
            LibraryFramework::Cyfun2025 => "cyfun2025",
            LibraryFramework::Cyfun2023 => "CCB-CFF-2023-03-01",
        }
    }

    fn from_urn(urn: &str) -> Option<Self> {
        [LibraryFramework::Cyfun2025, LibraryFramework::Cyfun2023]
            .into_iter()
            .find(|f| f.library_urn().eq_ignore_ascii_case(urn))
    }

    fn from_ref_id(ref_id: &str) -> Option<Self> {
        [LibraryFramework::Cyfun2025, LibraryFramework::Cyfun2023]
            .into_iter()
            .find(|f| f.library_ref_id().eq_ignore_ascii_case(ref_id))
    }
}

impl fmt::Display for LibraryFramework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LibraryFramework::Cyfun2025 => "CyFun 2025",
            LibraryFramework::Cyfun2023 => "CyFun 2023",
        })
    }
}

/// One official text of one requirement in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialText {
    /// The id as Ward's catalog spells it (`GV.OC-01.1`, `ID.AM-1.1`): level prefixes stripped.
    pub requirement_id: String,
    /// `"en"`, `"nl"` or `"fr"`.
    pub language: String,
    /// The requirement text, trimmed, without a leading marker such as `[KEY MEASURE]`.
    pub text: String,
    /// The CCB's guidance for the requirement in the same language, when the library has it.
    pub guidance: Option<String>,
}

/// What a library holds for Ward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    pub framework: LibraryFramework,
    /// The library's name (`CyberFundamentals 2025 (CyFun)`).
    pub name: String,
    /// The library's version, as text (`"7"`), when it has one.
    pub version: Option<String>,
    /// The texts in the order of the library: for each requirement, English, Dutch, French.
    pub texts: Vec<OfficialText>,
    /// Human-readable notes on what was passed over: requirement nodes that could not be read
    /// (no or a malformed `ref_id`, a repeated id, not a mapping) and requirements without a
    /// text in one of the languages.
    pub skipped: Vec<String>,
}

/// Why a library could not be read. The messages are plain English for the person who chose the
/// file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LibraryError {
    #[error("the file is too large: {size} bytes, at most {limit} are accepted")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is empty")]
    Empty,
    #[error("the file is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("the file is not valid YAML: {message}{}", location(*.line, *.column))]
    NotYaml { message: String, line: Option<u64>, column: Option<u64> },
    #[error("the file exceeds the limits Ward sets for YAML: {message}{}", location(*.line, *.column))]
    TooComplex { message: String, line: Option<u64>, column: Option<u64> },
    #[error("the file is not a CISO Assistant framework library: {reason}")]
    NotALibrary { reason: String },
    #[error(
        "unknown framework \"{found}\": Ward reads the CyFun 2025 and CyFun 2023 libraries \
         ({} and {})",
        LibraryFramework::Cyfun2025.library_urn(),
        LibraryFramework::Cyfun2023.library_urn()
    )]
    UnknownFramework { found: String },
    #[error("the library contradicts itself: its urn names {by_urn} but its ref_id names {by_ref_id}")]
    ConflictingFramework { by_urn: LibraryFramework, by_ref_id: LibraryFramework },
    #[error("no requirements found: the library has no assessable requirement with a text")]
    NoRequirements,
}

fn location(line: Option<u64>, column: Option<u64>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
        (Some(line), None) => format!(" (line {line})"),
        _ => String::new(),
    }
}

/// Reads a CISO Assistant framework library of CyFun 2025 or CyFun 2023.
///
/// Only assessable requirement nodes give texts; a node that cannot be read is noted in
/// [`Library::skipped`] rather than failing the whole library.
pub fn parse_ciso_library(bytes: &[u8]) -> Result<Library, LibraryError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(LibraryError::TooLarge { size: bytes.len(), limit: MAX_INPUT_BYTES });
    }
    let source = std::str::from_utf8(bytes).map_err(|e| LibraryError::NotUtf8 { offset: e.valid_up_to() })?;
    if source.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(LibraryError::Empty);
    }
    let raw = match read_yaml(source)? {
        Mapping::Map(raw) => raw,
        Mapping::Missing => {
            return Err(not_a_library("the file holds no YAML mapping, only comments or null"));
        }
        Mapping::Other(kind) => {
            return Err(not_a_library(format!("the document is {kind}, not a mapping")));
        }
    };
    interpret(raw)
}

fn not_a_library(reason: impl Into<String>) -> LibraryError {
    LibraryError::NotALibrary { reason: reason.into() }
}

fn read_yaml(source: &str) -> Result<Mapping<RawLibrary>, LibraryError> {
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_total_scalar_bytes: MAX_SCALAR_BYTES,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_REPLAYED_EVENTS,
        },
    };
    serde_saphyr::from_str_with_options(source, options).map_err(yaml_error)
}

fn yaml_error(error: serde_saphyr::Error) -> LibraryError {
    use serde_saphyr::MessageFormatter as _;

    let location = error.location();
    let line = location.map(|l| l.line()).filter(|&l| l > 0);
    let column = location.map(|l| l.column()).filter(|&c| c > 0);
    let original = original(&error);
    let message = plain(&serde_saphyr::UserMessageFormatter.format_message(original));
    if is_limit(original) {
        LibraryError::TooComplex { message, line, column }
    } else {
        LibraryError::NotYaml { message, line, column }
    }
}

/// The error itself, without the snippet and alias wrappers the YAML crate puts around it.
fn original(mut error: &serde_saphyr::Error) -> &serde_saphyr::Error {
    loop {
        match error.without_snippet() {
            serde_saphyr::Error::AliasError { error: inner, .. } => error = inner,
            other => return other,
        }
    }
}

/// The message on one line, without control characters, and not endless.
fn plain(message: &str) -> String {
    const MAX_CHARS: usize = 300;
    let mut out: String =
        message.chars().map(|c| if c.is_control() { ' ' } else { c }).take(MAX_CHARS).collect();
    if message.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    out.trim().to_owned()
}

fn is_limit(error: &serde_saphyr::Error) -> bool {
    use serde_saphyr::Error as E;
    matches!(
        error,
        E::Budget { .. }
            | E::AliasReplayLimitExceeded { .. }
            | E::AliasExpansionLimitExceeded { .. }
            | E::AliasReplayStackDepthExceeded { .. }
            | E::AliasReplayCounterOverflow { .. }
    )
}

fn interpret(raw: RawLibrary) -> Result<Library, LibraryError> {
    let framework = match raw.objects {
        Mapping::Map(objects) => match objects.framework {
            Mapping::Map(framework) => framework,
            Mapping::Missing => {
                return Err(not_a_library("it has no objects.framework (it holds no framework)"));
            }
            Mapping::Other(kind) => {
                return Err(not_a_library(format!("objects.framework is {kind}, not a mapping")));
            }
        },
        Mapping::Missing => return Err(not_a_library("it has no objects section")),
        Mapping::Other(kind) => {
            return Err(not_a_library(format!("objects is {kind}, not a mapping")));
        }
    };
    let which = detect(&raw.urn, &raw.ref_id)?;
    let nodes = match framework.requirement_nodes {
        List::Items(nodes) => nodes,
        List::Missing => return Err(LibraryError::NoRequirements),
        List::Other(kind) => {
            return Err(not_a_library(format!("objects.framework.requirement_nodes is {kind}, not a list")));
        }
    };
    let main_language = match raw.locale.text() {
        None => "en".to_owned(),
        Some(locale) => locale.to_ascii_lowercase(),
    };
    let mut reader = NodeReader {
        main_language: LANGUAGES.into_iter().find(|l| *l == main_language),
        seen: HashSet::new(),
        texts: Vec::new(),
        skipped: Vec::new(),
    };
    if reader.main_language.is_none() {
        reader.skipped.push(format!(
            "the library's own language \"{main_language}\" is not one Ward reads; only its \
             translations were read"
        ));
    }
    for (index, node) in nodes.into_iter().enumerate() {
        reader.read(index + 1, node);
    }
    if reader.texts.is_empty() {
        return Err(LibraryError::NoRequirements);
    }
    let name =
        raw.name.text().or_else(|| framework.name.text()).map_or_else(|| which.to_string(), str::to_owned);
    Ok(Library {
        framework: which,
        name,
        version: raw.version.text().map(str::to_owned),
        texts: reader.texts,
        skipped: reader.skipped,
    })
}

/// The framework, from the library urn when there is one, else from its ref_id. A ref_id that
/// names the other CyFun framework than the urn is a contradiction; any other ref_id beside a
/// known urn is accepted.
fn detect(urn: &Scalar, ref_id: &Scalar) -> Result<LibraryFramework, LibraryError> {
    let by_ref_id = ref_id.text().and_then(LibraryFramework::from_ref_id);
    match (urn.text(), ref_id.text()) {
        (Some(urn), _) => {
            let by_urn = LibraryFramework::from_urn(urn)
                .ok_or_else(|| LibraryError::UnknownFramework { found: urn.to_owned() })?;
            match by_ref_id {
                Some(by_ref_id) if by_ref_id != by_urn => {
                    Err(LibraryError::ConflictingFramework { by_urn, by_ref_id })
                }
                _ => Ok(by_urn),
            }
        }
        (None, Some(ref_id)) => {
            by_ref_id.ok_or_else(|| LibraryError::UnknownFramework { found: ref_id.to_owned() })
        }
        (None, None) => Err(not_a_library("it has neither a urn nor a ref_id")),
    }
}

struct NodeReader {
    /// The language of the node's own description, when Ward reads it.
    main_language: Option<&'static str>,
    seen: HashSet<String>,
    texts: Vec<OfficialText>,
    skipped: Vec<String>,
}

impl NodeReader {
    /// Reads requirement node number `number` (counting from 1).
    fn read(&mut self, number: usize, node: Mapping<RawNode>) {
        let node = match node {
            Mapping::Map(node) => node,
            Mapping::Missing => {
                self.skipped.push(format!("requirement node {number} is empty"));
                return;
            }
            Mapping::Other(kind) => {
                self.skipped.push(format!("requirement node {number} is {kind}, not a mapping"));
                return;
            }
        };
        if node.assessable.0 != Some(true) {
            // Headings (functions, categories, subcategories) are not requirements.
            return;
        }
        let place = match node.urn.text() {
            Some(urn) => format!("assessable node {number} ({urn})"),
            None => format!("assessable node {number}"),
        };
        let Some(raw_id) = node.ref_id.text() else {
            self.skipped.push(format!("{place} has no ref_id"));
            return;
        };
        let Some(id) = text::requirement_id(raw_id) else {
            self.skipped
                .push(format!("{place} has the ref_id \"{raw_id}\", which is not a CyFun requirement id"));
            return;
        };
        if !self.seen.insert(id.clone()) {
            self.skipped.push(format!("{place} repeats the requirement {id}; the first one was kept"));
            return;
        }
        let translations = match node.translations {
            Mapping::Map(translations) => Some(translations),
            _ => None,
        };
        for language in LANGUAGES {
            let own = (self.main_language == Some(language)).then_some((&node.description, &node.annotation));
            let translated = translations.as_ref().and_then(|t| match language {
                "en" => as_pair(&t.en),
                "nl" => as_pair(&t.nl),
                _ => as_pair(&t.fr),
            });
            // The node's own text wins; a translation into the library's own language is the
            // fallback.
            let text = own
                .and_then(|(d, a)| Some((text::requirement_text(d.text()?)?, a)))
                .or_else(|| translated.and_then(|(d, a)| Some((text::requirement_text(d.text()?)?, a))));
            match text {
                Some((text, guidance)) => self.texts.push(OfficialText {
                    requirement_id: id.clone(),
                    language: language.to_owned(),
                    text,
                    guidance: text::guidance(guidance.text()),
                }),
                None => self.skipped.push(format!(
                    "{} has no {} text",
                    spelled(&id, raw_id),
                    language_name(language)
                )),
            }
        }
    }
}

fn as_pair(translation: &Mapping<RawTranslation>) -> Option<(&Scalar, &Scalar)> {
    match translation {
        Mapping::Map(t) => Some((&t.description, &t.annotation)),
        _ => None,
    }
}

/// The id, with the library's spelling beside it when that differs (`ID.AM-1.2 (IMPORTANT_ID.AM-1.2)`).
fn spelled(id: &str, raw_id: &str) -> String {
    if id == raw_id { id.to_owned() } else { format!("{id} ({raw_id})") }
}

fn language_name(language: &str) -> &'static str {
    match language {
        "en" => "English",
        "nl" => "Dutch",
        "fr" => "French",
        _ => "other",
    }
}
