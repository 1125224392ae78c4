//! A1 cell references: `"AB12"` is row 12, column 28 (both 1-based).

/// The last row of a worksheet (Excel 2007 and later).
pub(crate) const MAX_ROW: u32 = 1_048_576;
/// The last column of a worksheet (`XFD`).
pub(crate) const MAX_COL: u32 = 16_384;

/// Column number of letters such as `"AB"` (uppercase or lowercase), if within the sheet.
pub(crate) fn col_from_letters(letters: &str) -> Option<u32> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in letters.bytes() {
        if !b.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    (col <= MAX_COL).then_some(col)
}

/// Letters of a column number (1 → `A`, 28 → `AB`).
pub(crate) fn col_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        out.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Parses a plain reference (no `$`) such as `"G12"` into `(row, col)`.
pub(crate) fn parse_a1(text: &str) -> Option<(u32, u32)> {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (l, d) = text.split_at(letters);
    let col = col_from_letters(l)?;
    let row = parse_row(d)?;
    Some((row, col))
}

/// Parses row digits (no sign, no leading zero) within the sheet.
pub(crate) fn parse_row(digits: &str) -> Option<u32> {
    if digits.is_empty()
        || digits.len() > 7
        || digits.starts_with('0')
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let row: u32 = digits.parse().ok()?;
    (row <= MAX_ROW).then_some(row)
}

/// `"G12"` from `(12, 7)`.
pub(crate) fn a1(row: u32, col: u32) -> String {
    format!("{}{row}", col_letters(col))
}

/// A rectangular range of cells, inclusive, as `(row, col)` corners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Area {
    pub first: (u32, u32),
    pub last: (u32, u32),
}

impl Area {
    pub(crate) fn contains(&self, row: u32, col: u32) -> bool {
        (self.first.0..=self.last.0).contains(&row) && (self.first.1..=self.last.1).contains(&col)
    }
}

/// Parses a space-separated list of references and ranges (`"G3:H11 G14"`), ignoring `$`.
pub(crate) fn parse_sqref(text: &str) -> Vec<Area> {
    text.split_ascii_whitespace()
        .filter_map(|part| {
            let part = part.replace('$', "");
            let (a, b) = part.split_once(':').unwrap_or((&part, &part));
            let first = parse_a1(a)?;
            let last = parse_a1(b)?;
            Some(Area {
                first: (first.0.min(last.0), first.1.min(last.1)),
                last: (first.0.max(last.0), first.1.max(last.1)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip() {
        for (text, row, col) in [
            ("A1", 1, 1),
            ("Z9", 9, 26),
            ("AA10", 10, 27),
            ("AE30", 30, 31),
            ("XFD1048576", MAX_ROW, MAX_COL),
        ] {
            assert_eq!(parse_a1(text), Some((row, col)), "{text}");
            assert_eq!(a1(row, col), text);
        }
        for bad in ["", "A", "1", "A0", "A01", "XFE1", "A1048577", "AAAA1", "A1B", "A-1", "é1"] {
            assert_eq!(parse_a1(bad), None, "{bad}");
        }
    }

    #[test]
    fn sqref_lists() {
        let areas = parse_sqref("G14:H14 $G$3:$H$11 M5");
        assert_eq!(areas.len(), 3);
        assert!(areas[1].contains(11, 8));
        assert!(!areas[1].contains(12, 8));
        assert!(areas[2].contains(5, 13));
    }
}
