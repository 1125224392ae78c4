//! Values both standards share: hashes, CPEs and purls, end-of-support dates, and telling apart
//! the formats Ward does not read.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

use crate::json::{Object, Warnings, echo, non_empty};
use crate::tree::Node;
use crate::{EndOfSupport, Hash, HashAlgorithm, UnsupportedFormat};

/// How much of the start of a non-JSON file is searched for the marks of another format.
const SNIFF_BYTES: usize = 64 * 1024;

/// A bill-of-materials format that is not JSON but that Ward recognises, so that the person who
/// chose the file learns what to export instead of reading a JSON syntax error.
pub(crate) fn recognise_other_format(bytes: &[u8]) -> Option<UnsupportedFormat> {
    let start = String::from_utf8_lossy(bytes.get(..SNIFF_BYTES).unwrap_or(bytes));
    let start = start.trim_start();
    if start.starts_with('<') {
        if start.contains("cyclonedx.org/schema/bom") {
            return Some(UnsupportedFormat::CycloneDxXml);
        }
        if start.contains("spdx.org/rdf/terms") {
            return Some(UnsupportedFormat::SpdxRdfXml);
        }
        return None;
    }
    if start.starts_with(['{', '[']) {
        return None;
    }
    let tag_value = start
        .lines()
        .map(str::trim_start)
        .take(50)
        .any(|line| line.get(..12).is_some_and(|tag| tag.eq_ignore_ascii_case("SPDXVersion:")));
    tag_value.then_some(UnsupportedFormat::SpdxTagValue)
}

/// Whether the top-level object is an SPDX 3 JSON-LD document: its `@context` names SPDX, or its
/// `@graph` (or the object itself) holds an `SpdxDocument`.
pub(crate) fn is_spdx3(root: &Object<'_>) -> bool {
    let names_spdx =
        |value: &Node| value.as_str().is_some_and(|text| text.to_ascii_lowercase().contains("spdx"));
    let context_is_spdx = match root.get("@context") {
        Some(Node::Array(items)) => items.iter().any(names_spdx),
        Some(value) => names_spdx(value),
        None => false,
    };
    let is_document = |type_of: Option<&Node>| {
        type_of.and_then(Node::as_str).is_some_and(|name| name.ends_with("SpdxDocument"))
    };
    let graph_has_document = match root.get("@graph") {
        Some(Node::Array(items)) => {
            items.iter().any(|item| is_document(item.get("type")) || is_document(item.get("@type")))
        }
        _ => false,
    };
    let root_is_document = is_document(root.get("type")) || is_document(root.get("@type"));
    context_is_spdx || graph_has_document || root_is_document
}

/// The hashes in the array member `key` of `owner`, each entry an object with the algorithm in
/// `algorithm_key` and the hexadecimal digest in `value_key`. Ward can do without hashes, so
/// whatever is malformed becomes a warning and is left out.
pub(crate) fn hashes(
    owner: &Object<'_>,
    key: &str,
    algorithm_key: &str,
    value_key: &str,
    warnings: &mut Warnings,
) -> Vec<Hash> {
    let Some(value) = owner.get(key) else { return Vec::new() };
    let Some(list) = owner.lenient_array(key) else {
        warnings
            .push(owner.path_of(key), format!("expected an array, found {}; hashes ignored", value.kind()));
        return Vec::new();
    };
    let mut hashes = Vec::new();
    for (path, item) in list.items() {
        let Ok(entry) = Object::at(item, path.clone()) else {
            warnings.push(path, format!("expected an object, found {}; hash ignored", item.kind()));
            continue;
        };
        let algorithm = match entry.string(algorithm_key) {
            Ok(Some(name)) => match HashAlgorithm::parse(name.trim()) {
                Some(algorithm) => algorithm,
                None => {
                    warnings.push(
                        entry.path_of(algorithm_key),
                        format!("unknown algorithm {}; hash ignored", echo(name)),
                    );
                    continue;
                }
            },
            Ok(None) => {
                warnings.push(entry.path_of(algorithm_key), "missing; hash ignored");
                continue;
            }
            Err(error) => {
                warnings.push(entry.path_of(algorithm_key), format!("{}; hash ignored", expected(&error)));
                continue;
            }
        };
        let digest = match entry.string(value_key) {
            Ok(Some(digest)) => digest.trim(),
            Ok(None) => {
                warnings.push(entry.path_of(value_key), "missing; hash ignored");
                continue;
            }
            Err(error) => {
                warnings.push(entry.path_of(value_key), format!("{}; hash ignored", expected(&error)));
                continue;
            }
        };
        let hex = digest.bytes().all(|b| b.is_ascii_hexdigit());
        let length_fits = match algorithm.hex_len() {
            Some(length) => digest.len() == length,
            None => !digest.is_empty() && digest.len() % 2 == 0,
        };
        if !hex || !length_fits {
            let shape = match algorithm.hex_len() {
                Some(length) => format!("{length} hexadecimal digits"),
                None => "an even number of hexadecimal digits".to_owned(),
            };
            warnings.push(
                entry.path_of(value_key),
                format!("{} is not a {algorithm} digest ({shape}); hash ignored", echo(digest)),
            );
            continue;
        }
        hashes.push(Hash { algorithm, value: digest.to_ascii_lowercase() });
    }
    hashes
}

/// The "expected …, found …" part of a wrong-type error, for a warning.
fn expected(error: &crate::SbomError) -> String {
    match error {
        crate::SbomError::WrongType { expected, found, .. } => format!("expected {expected}, found {found}"),
        other => other.to_string(),
    }
}

/// `value` when it is a CPE (a 2.3 formatted string or a 2.2 URI); otherwise a warning, as a
/// malformed CPE would match no advisory and only look as if it did.
pub(crate) fn cpe(value: Option<String>, path: String, warnings: &mut Warnings) -> Option<String> {
    let value = value?;
    let lower = value.to_ascii_lowercase();
    let well_formed = (lower.starts_with("cpe:2.3:") || lower.starts_with("cpe:/"))
        && !value.chars().any(char::is_whitespace);
    if well_formed {
        Some(value)
    } else {
        warnings.push(path, format!("{} is not a CPE (cpe:2.3:… or cpe:/…); ignored", echo(&value)));
        None
    }
}

/// `value` when it is a package URL (`pkg:type/…`); otherwise a warning, like [`cpe`].
pub(crate) fn purl(value: Option<String>, path: String, warnings: &mut Warnings) -> Option<String> {
    let value = value?;
    let well_formed = value.get(..4).is_some_and(|scheme| scheme.eq_ignore_ascii_case("pkg:"))
        && value.get(4..).is_some_and(|rest| rest.trim_start_matches('/').contains('/'))
        && !value.chars().any(char::is_whitespace);
    if well_formed {
        Some(value)
    } else {
        warnings.push(path, format!("{} is not a package URL (pkg:type/name); ignored", echo(&value)));
        None
    }
}

/// The end of support as a date when it is written as one, else as the words written.
pub(crate) fn end_of_support(text: String) -> EndOfSupport {
    let date = Date::parse(&text, format_description!("[year]-[month]-[day]"))
        .ok()
        .or_else(|| OffsetDateTime::parse(&text, &Rfc3339).ok().map(|moment| moment.date()))
        .or_else(|| {
            PrimitiveDateTime::parse(
                &text,
                format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
            )
            .ok()
            .map(|moment| moment.date())
        });
    match date {
        Some(date) => EndOfSupport::Date(date),
        None => EndOfSupport::Text(text),
    }
}

/// A property or field name folded so that `Level of Support`, `level-of-support` and
/// `LEVEL_OF_SUPPORT` compare equal: exporters do not agree on the spelling.
pub(crate) fn folded_name(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The name in an SPDX party (`Organization: Acme (sales@acme.example)`, `Person: Jane Doe ()`),
/// or `None` for `NOASSERTION`/`NONE`.
pub(crate) fn spdx_party(text: &str) -> Option<String> {
    let text = text.trim();
    if is_spdx_none(text) {
        return None;
    }
    let name = ["Organization:", "Person:", "Tool:"]
        .iter()
        .find_map(|prefix| {
            text.get(..prefix.len())
                .filter(|head| head.eq_ignore_ascii_case(prefix))
                .and(text.get(prefix.len()..))
        })
        .unwrap_or(text)
        .trim();
    // The trailing parentheses hold the e-mail address, possibly empty; parentheses that hold
    // no address are part of the name ("Acme (Europe)").
    let name = match name.strip_suffix(')').and_then(|rest| rest.rsplit_once('(')) {
        Some((before, inside)) if inside.is_empty() || inside.contains('@') => before.trim_end(),
        _ => name,
    };
    non_empty(name)
}

/// SPDX's words for "unknown" and "there is none", which Ward keeps as absent.
pub(crate) fn is_spdx_none(text: &str) -> bool {
    text.eq_ignore_ascii_case("NOASSERTION") || text.eq_ignore_ascii_case("NONE")
}
