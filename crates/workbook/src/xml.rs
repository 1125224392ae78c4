//! Small helpers over quick-xml's pull parser.

use quick_xml::events::{BytesRef, BytesStart};

/// The value of the attribute whose local name is `local` and that has no prefix
/// (`prefixed == false`) or has one (`prefixed == true`, e.g. `r:id`), unescaped.
pub(crate) fn attr(e: &BytesStart<'_>, local: &str, prefixed: bool) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|err| err.to_string())?;
        let key = a.key;
        if key.local_name().as_ref() == local && key.prefix().is_some() == prefixed {
            let value =
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|err| err.to_string())?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// The local name of an element (`x:c` → `c`).
pub(crate) fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_owned()
}

/// Resolves `&amp;`, `&#13;` and the other predefined and character references.
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> Result<char, String> {
    if let Some(ch) = r.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(ch);
    }
    match &**r {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "apos" => Ok('\''),
        "quot" => Ok('"'),
        other => Err(format!("unknown entity &{other};")),
    }
}
