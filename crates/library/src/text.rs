//! Turning the library's spellings into Ward's: requirement ids and requirement texts.

/// The level prefixes CyFun 2023 libraries put before a requirement id (`BASIC_ID.AM-1.1`).
const LEVEL_PREFIXES: [&str; 3] = ["BASIC_", "IMPORTANT_", "ESSENTIAL_"];

/// The longest leading marker (`[KEY MEASURE for ESSENTIAL]`) that is stripped from a text.
const MAX_MARKER_LEN: usize = 64;

/// The requirement id as Ward's catalog spells it, or `None` when `raw` is not a CyFun
/// requirement id.
///
/// Strips a level prefix (`IMPORTANT_PR.AC-3.1` → `PR.AC-3.1`, in any case) and repairs the
/// misspelling `R.AC-` of the 2023 library into `PR.AC-`. The result has the catalog's shape:
/// two capitals, a dot, two capitals, a dash, one or two digits, a dot, digits
/// (`GV.OC-01.1`, `ID.AM-1.4`).
pub(crate) fn requirement_id(raw: &str) -> Option<String> {
    let mut id = raw.trim();
    for prefix in LEVEL_PREFIXES {
        if let Some(head) = id.get(..prefix.len())
            && head.eq_ignore_ascii_case(prefix)
        {
            id = id.get(prefix.len()..).unwrap_or_default();
            break;
        }
    }
    let id = match id.strip_prefix("R.AC-") {
        Some(rest) => format!("PR.AC-{rest}"),
        None => id.to_owned(),
    };
    is_catalog_id(&id).then_some(id)
}

/// Whether `id` matches `^[A-Z]{2}\.[A-Z]{2}-\d{1,2}\.\d+$`.
pub(crate) fn is_catalog_id(id: &str) -> bool {
    let b = id.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let is = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(upper(0) && upper(1) && is(2, b'.') && upper(3) && upper(4) && is(5, b'-')) {
        return false;
    }
    let Some((major, minor)) = id.get(6..).and_then(|rest| rest.split_once('.')) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    digits(major) && major.len() <= 2 && digits(minor)
}

/// The text trimmed, without a leading bracketed marker such as `[KEY MEASURE]`,
/// `[KERNMAATREGEL]` or `[MESURE CLÉ]`; `None` when nothing is left.
///
/// A marker is a `[` at the very start, closed by `]` on the same line within
/// [`MAX_MARKER_LEN`] bytes, and holding at least one letter. Only one marker is stripped.
pub(crate) fn requirement_text(raw: &str) -> Option<String> {
    let text = raw.trim();
    let text = strip_marker(text).unwrap_or(text).trim_start();
    (!text.is_empty()).then(|| text.to_owned())
}

fn strip_marker(text: &str) -> Option<&str> {
    let inner = text.strip_prefix('[')?;
    let end = inner.find(']')?;
    let marker = inner.get(..end)?;
    if end > MAX_MARKER_LEN || marker.contains('\n') || !marker.chars().any(char::is_alphabetic) {
        return None;
    }
    inner.get(end + 1..)
}

/// Guidance trimmed; `None` when blank.
pub(crate) fn guidance(raw: Option<&str>) -> Option<String> {
    raw.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_lose_their_level_prefix() {
        assert_eq!(requirement_id("BASIC_ID.AM-1.1").as_deref(), Some("ID.AM-1.1"));
        assert_eq!(requirement_id("IMPORTANT_ID.AM-1.2").as_deref(), Some("ID.AM-1.2"));
        assert_eq!(requirement_id("essential_RS.MI-2.1").as_deref(), Some("RS.MI-2.1"));
        assert_eq!(requirement_id(" ID.AM-1.4 ").as_deref(), Some("ID.AM-1.4"));
        assert_eq!(requirement_id("GV.OC-01.1").as_deref(), Some("GV.OC-01.1"));
    }

    #[test]
    fn the_misspelt_remote_access_ids_are_repaired() {
        assert_eq!(requirement_id("R.AC-3.4").as_deref(), Some("PR.AC-3.4"));
        assert_eq!(requirement_id("IMPORTANT_R.AC-3.5").as_deref(), Some("PR.AC-3.5"));
    }

    #[test]
    fn ids_of_another_shape_are_refused() {
        for bad in [
            "",
            "ID",
            "ID.AM",
            "ID.AM-1",
            "ID.AM-123.1",
            "ID.AM-1.",
            "id.am-1.1",
            "ID.AM-1.1a",
            "ID.AM-1.1.2",
            "BASIC_",
            "IDX.AM-1.1",
            "ID.AM_1.1",
            "ÉD.AM-1.1",
            "R.AC-3",
        ] {
            assert_eq!(requirement_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_leading_marker_is_stripped_in_every_language() {
        assert_eq!(requirement_text("[KEY MEASURE] Roles are set.").as_deref(), Some("Roles are set."));
        assert_eq!(
            requirement_text("[KEY MEASURE for ESSENTIAL] Risks are assessed.").as_deref(),
            Some("Risks are assessed.")
        );
        assert_eq!(requirement_text("[MESURE CLÉ] Les rôles.").as_deref(), Some("Les rôles."));
        assert_eq!(requirement_text("[KERNMAATREGEL]De rollen.").as_deref(), Some("De rollen."));
    }

    #[test]
    fn other_brackets_stay() {
        assert_eq!(requirement_text("Keep [this] text").as_deref(), Some("Keep [this] text"));
        assert_eq!(requirement_text("[1] A footnote").as_deref(), Some("[1] A footnote"));
        assert_eq!(requirement_text("[no end").as_deref(), Some("[no end"));
        assert_eq!(requirement_text("[two\nlines] x").as_deref(), Some("[two\nlines] x"));
    }

    #[test]
    fn blank_texts_are_none() {
        assert_eq!(requirement_text("   "), None);
        assert_eq!(requirement_text("[KEY MEASURE]  "), None);
        assert_eq!(guidance(Some(" \n ")), None);
        assert_eq!(guidance(None), None);
        assert_eq!(guidance(Some(" Do it. ")).as_deref(), Some("Do it."));
    }
}
