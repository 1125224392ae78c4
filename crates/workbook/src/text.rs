//! Text as spreadsheets store it: XML escaping and the OOXML `_xHHHH_` escapes (ST_Xstring)
//! that carry characters XML 1.0 cannot hold (control characters, a lone carriage return).

/// Decodes `_xHHHH_` escapes (`_x000D_` is a carriage return, `_x005F_` a literal underscore).
pub(crate) fn decode_ooxml(text: &str) -> String {
    if !text.contains("_x") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("_x") {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        match escaped_char(tail) {
            Some(ch) => {
                out.push(ch);
                rest = &tail[7..];
            }
            None => {
                out.push('_');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of an `_xHHHH_` escape at the start of `text`.
fn escaped_char(text: &str) -> Option<char> {
    let bytes = text.as_bytes();
    if bytes.len() < 7 || !bytes.starts_with(b"_x") || bytes[6] != b'_' {
        return None;
    }
    let hex = text.get(2..6)?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// True for characters that XML 1.0 text may contain literally (and keep: a carriage return is
/// normalised away by every XML parser, so it is escaped too).
fn xml_safe(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text for an XML element's content: `&`, `<`, `>`, quotes, and (as `_xHHHH_`) the
/// characters XML cannot carry; a literal `_xHHHH_` sequence is protected as `_x005F_xHHHH_`.
pub(crate) fn escape_cell_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, ch) in text.char_indices() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '_' if escaped_char(&text[i..]).is_some() => out.push_str("_x005F_"),
            c if xml_safe(c) => out.push(c),
            c => out.push_str(&format!("_x{:04X}_", u32::from(c))),
        }
    }
    out
}

/// Escapes an attribute value (double-quoted).
pub(crate) fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// The length Excel counts (UTF-16 code units).
pub(crate) fn excel_len(text: &str) -> usize {
    text.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ooxml_escapes_round_trip() {
        for text in [
            "plain",
            "a_x000D_b",
            "under_score",
            "_x",
            "_x12",
            "line\r\nnext",
            "bell\u{7}",
            "<&\"'>",
            "Été 🚀",
            "_x005F_",
            "\u{FFFE}",
        ] {
            let escaped = escape_cell_text(text);
            assert!(!escaped.contains('\r') && !escaped.contains('\u{7}'), "{escaped}");
            let unescaped = escaped
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            assert_eq!(decode_ooxml(&unescaped), text, "{escaped}");
        }
        assert_eq!(decode_ooxml("a_x000d_b"), "a\rb");
        assert_eq!(decode_ooxml("_x00zz_"), "_x00zz_");
    }
}
