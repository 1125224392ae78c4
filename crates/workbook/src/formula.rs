//! The few formula shapes of the official workbook, recognised exactly; and the shift that
//! expands a shared formula to the cells that reuse it.

use crate::cellref::{MAX_COL, MAX_ROW, col_from_letters, col_letters, parse_row};

/// Moves the relative references of `formula` by `dr` rows and `dc` columns (Excel's rule for
/// shared formulas); `None` when a reference would leave the sheet.
pub(crate) fn shift(formula: &str, dr: i64, dc: i64) -> Option<String> {
    let chars: Vec<char> = formula.chars().collect();
    let mut out = String::with_capacity(formula.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' {
            let end = quoted_end(&chars, i);
            out.extend(&chars[i..end]);
            i = end;
        } else if c.is_ascii_digit() {
            // A number literal (or the row part of `1:3`): copied as it is.
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i + 1 < chars.len()
                && matches!(chars[i], 'e' | 'E')
                && (chars[i + 1].is_ascii_digit() || matches!(chars[i + 1], '+' | '-'))
            {
                i += 2;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            out.extend(&chars[start..i]);
        } else if c.is_ascii_alphabetic() || c == '$' || c == '_' || c == '\\' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '$' | '_' | '.' | '\\'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let next = chars.get(i).copied();
            if next == Some('(') || next == Some('!') || next == Some('[') {
                out.push_str(&word);
            } else if let Some(r) = CellRef::parse(&word) {
                out.push_str(&r.shifted(dr, dc)?.to_string());
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    Some(out)
}

/// The index just past a quoted literal starting at `start` (`"..."` or `'...'`, doubled quotes
/// inside); the end of the text when it is not closed.
fn quoted_end(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut i = start + 1;
    while i < chars.len() {
        if chars[i] == quote {
            if chars.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    chars.len()
}

/// A cell reference with its `$` marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CellRef {
    col: u32,
    row: u32,
    col_abs: bool,
    row_abs: bool,
}

impl CellRef {
    fn parse(word: &str) -> Option<CellRef> {
        let (col_abs, rest) = match word.strip_prefix('$') {
            Some(r) => (true, r),
            None => (false, word),
        };
        let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (l, rest) = rest.split_at(letters);
        let col = col_from_letters(l)?;
        let (row_abs, digits) = match rest.strip_prefix('$') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let row = parse_row(digits)?;
        Some(CellRef { col, row, col_abs, row_abs })
    }

    fn shifted(self, dr: i64, dc: i64) -> Option<CellRef> {
        let mv = |v: u32, abs: bool, d: i64, max: u32| -> Option<u32> {
            if abs {
                return Some(v);
            }
            let n = i64::from(v).checked_add(d)?;
            (1..=i64::from(max)).contains(&n).then(|| u32::try_from(n).ok()).flatten()
        };
        Some(CellRef {
            col: mv(self.col, self.col_abs, dc, MAX_COL)?,
            row: mv(self.row, self.row_abs, dr, MAX_ROW)?,
            ..self
        })
    }
}

impl std::fmt::Display for CellRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = if self.col_abs { "$" } else { "" };
        let r = if self.row_abs { "$" } else { "" };
        write!(f, "{c}{}{r}{}", col_letters(self.col), self.row)
    }
}

/// The formula with `$` marks and spaces removed and names uppercased, outside string
/// literals and quoted sheet names: the form the patterns below match.
pub(crate) fn normalize(formula: &str) -> String {
    let chars: Vec<char> = formula.trim().trim_start_matches('=').chars().collect();
    let mut out = String::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' {
            let end = quoted_end(&chars, i);
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if c != '$' && !c.is_whitespace() {
            out.push(c.to_ascii_uppercase());
        }
        i += 1;
    }
    out
}

/// A cursor over a normalized formula.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { rest: text }
    }

    fn eat(&mut self, literal: &str) -> bool {
        match self.rest.strip_prefix(literal) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    /// A row number (digits).
    fn row(&mut self) -> Option<u32> {
        let n = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, rest) = self.rest.split_at(n);
        let row = parse_row(digits)?;
        self.rest = rest;
        Some(row)
    }

    /// `<letter><row>` for the given column letters.
    fn cell(&mut self, col: &str) -> Option<u32> {
        let saved = self.rest;
        if self.eat(col)
            && let Some(r) = self.row()
        {
            return Some(r);
        }
        self.rest = saved;
        None
    }

    fn done(&self) -> bool {
        self.rest.is_empty()
    }
}

/// Splits `NAME(a,b,c)` into its arguments (top-level commas), for a normalized formula.
fn call_args<'a>(formula: &'a str, name: &str) -> Option<Vec<&'a str>> {
    let inner = formula.strip_prefix(name)?.strip_prefix('(')?.strip_suffix(')')?;
    let mut args = Vec::new();
    let mut depth = 0i32;
    let mut in_string = false;
    let mut start = 0;
    for (i, ch) in inner.char_indices() {
        match ch {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth < 0 {
                    return None;
                }
            }
            ',' if !in_string && depth == 0 => {
                args.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 || in_string {
        return None;
    }
    args.push(&inner[start..]);
    Some(args)
}

/// `IF(OR(G5="N/A",H5="N/A"),3,G5)` (with `value` = `G`) → 5.
fn na_term(term: &str, value: &str) -> Option<u32> {
    let mut c = Cursor::new(term);
    if !c.eat("IF(OR(") {
        return None;
    }
    let n = c.cell("G")?;
    if !c.eat("=\"N/A\",")
        || c.cell("H")? != n
        || !c.eat("=\"N/A\"),3,")
        || c.cell(value)? != n
        || !c.eat(")")
    {
        return None;
    }
    c.done().then_some(n)
}

/// What a subcategory cell (column I or J) averages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subcategory {
    /// `=G12`: the score of one row, N/A not handled.
    Plain(u32),
    /// One or more `IF(OR(G="N/A",H="N/A"),3,G)` terms (averaged when more than one).
    WithNa(Vec<u32>),
}

/// Parses a column I (`value` = `"G"`) or column J (`value` = `"H"`) formula.
pub(crate) fn subcategory(formula: &str, value: &str) -> Option<Subcategory> {
    let f = normalize(formula);
    let mut c = Cursor::new(&f);
    if let Some(row) = c.cell(value)
        && c.done()
    {
        return Some(Subcategory::Plain(row));
    }
    if let Some(row) = na_term(&f, value) {
        return Some(Subcategory::WithNa(vec![row]));
    }
    let args = call_args(&f, "AVERAGE")?;
    args.iter().map(|a| na_term(a, value)).collect::<Option<Vec<u32>>>().map(Subcategory::WithNa)
}

/// One argument of a category average: a cell or a range of cells in one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span {
    Cell(u32),
    Rows(u32, u32),
}

/// Parses a column K (`col` = `"I"`) or column L (`col` = `"J"`) formula: `=AVERAGE(I3,I4)`,
/// `=AVERAGE(I12:I17)` or `=I25`.
pub(crate) fn category(formula: &str, col: &str) -> Option<Vec<Span>> {
    let f = normalize(formula);
    let span = |arg: &str| -> Option<Span> {
        let mut c = Cursor::new(arg);
        let first = c.cell(col)?;
        if c.done() {
            return Some(Span::Cell(first));
        }
        if !c.eat(":") {
            return None;
        }
        let last = c.cell(col)?;
        (c.done() && first <= last).then_some(Span::Rows(first, last))
    };
    if let Some(Span::Cell(row)) = span(&f) {
        return Some(vec![Span::Cell(row)]);
    }
    call_args(&f, "AVERAGE")?.iter().map(|a| span(a)).collect()
}

/// `=AVERAGE(E5,F5)` (`first` = `"E"`, `second` = `"F"`) → 5.
pub(crate) fn average_pair(formula: &str, first: &str, second: &str) -> Option<u32> {
    let f = normalize(formula);
    let args = call_args(&f, "AVERAGE")?;
    let [a, b] = args.as_slice() else { return None };
    let mut ca = Cursor::new(a);
    let ra = ca.cell(first)?;
    let mut cb = Cursor::new(b);
    let rb = cb.cell(second)?;
    (ca.done() && cb.done() && ra == rb).then_some(ra)
}

/// `=SUM(D5:D26)/COUNT(D5:D26)` → (5, 26).
pub(crate) fn total(formula: &str, col: &str) -> Option<(u32, u32)> {
    let f = normalize(formula);
    let mut c = Cursor::new(&f);
    let range = |c: &mut Cursor<'_>| -> Option<(u32, u32)> {
        let a = c.cell(col)?;
        if !c.eat(":") {
            return None;
        }
        Some((a, c.cell(col)?))
    };
    if !c.eat("SUM(") {
        return None;
    }
    let first = range(&mut c)?;
    if !c.eat(")/COUNT(") {
        return None;
    }
    let second = range(&mut c)?;
    (c.eat(")") && c.done() && first == second && first.0 <= first.1).then_some(first)
}

/// A reference to one cell of another sheet: `=GOVERN!K3` or `='My sheet'!$K$3`.
pub(crate) fn sheet_ref(formula: &str) -> Option<(String, u32, u32)> {
    let f = formula.trim().trim_start_matches('=').trim();
    let (sheet, rest): (String, &str) = if f.starts_with('\'') {
        let chars: Vec<char> = f.chars().collect();
        let end = quoted_end(&chars, 0);
        if end < 2 || chars[end - 1] != '\'' {
            return None;
        }
        let name: String = chars[1..end - 1].iter().collect();
        let byte_end: usize = chars[..end].iter().map(|c| c.len_utf8()).sum();
        (name.replace("''", "'"), &f[byte_end..])
    } else {
        let (name, _) = f.split_once('!')?;
        (name.to_owned(), &f[name.len()..])
    };
    let reference = rest.strip_prefix('!')?.replace('$', "");
    let (row, col) = crate::cellref::parse_a1(&reference)?;
    Some((sheet, row, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_formulas_shift_relative_references_only() {
        assert_eq!(shift("G12", 1, 1).as_deref(), Some("H13"));
        assert_eq!(
            shift("IF(OR($G17=\"N/A\",$H17=\"N/A\"),3,$G17)", 1, 0).as_deref(),
            Some("IF(OR($G18=\"N/A\",$H18=\"N/A\"),3,$G18)")
        );
        assert_eq!(shift("AVERAGE(E7,F7)", 2, 0).as_deref(), Some("AVERAGE(E9,F9)"));
        assert_eq!(
            shift("SUM('A1 sheet'!A1,\"B2\")+$C$3+LOG10(D4)", 1, 1).as_deref(),
            Some("SUM('A1 sheet'!B2,\"B2\")+$C$3+LOG10(E5)")
        );
        assert_eq!(shift("1E+5*A1", 1, 0).as_deref(), Some("1E+5*A2"));
        assert_eq!(shift("A1", -1, 0), None);
    }

    #[test]
    fn subcategory_formulas() {
        assert_eq!(subcategory("G12", "G"), Some(Subcategory::Plain(12)));
        assert_eq!(
            subcategory("IF(OR($G3=\"N/A\",$H3=\"N/A\"),3,$G3)", "G"),
            Some(Subcategory::WithNa(vec![3]))
        );
        assert_eq!(
            subcategory("IF(OR($G3=\"N/A\",$H3=\"N/A\"),3,$H3)", "H"),
            Some(Subcategory::WithNa(vec![3]))
        );
        assert_eq!(
            subcategory(
                "AVERAGE(IF(OR($G5=\"N/A\",$H5=\"N/A\"),3,$G5),IF(OR($G6=\"N/A\",$H6=\"N/A\"),3,$G6))",
                "G"
            ),
            Some(Subcategory::WithNa(vec![5, 6]))
        );
        for bad in [
            "IF(OR($G3=\"N/A\",$H4=\"N/A\"),3,$G3)",
            "IF(OR($G3=\"N/A\",$H3=\"N/A\"),2,$G3)",
            "IF(OR($G3=\"N/A\",$H3=\"N/A\"),3,$H3)",
            "AVERAGE(G3,G4)",
            "G3+1",
            "SUM(IF(OR($G3=\"N/A\",$H3=\"N/A\"),3,$G3))",
        ] {
            assert_eq!(subcategory(bad, "G"), None, "{bad}");
        }
    }

    #[test]
    fn category_formulas() {
        assert_eq!(
            category("AVERAGE(I3,I4,I5)", "I"),
            Some(vec![Span::Cell(3), Span::Cell(4), Span::Cell(5)])
        );
        assert_eq!(category("AVERAGE(I12:I17)", "I"), Some(vec![Span::Rows(12, 17)]));
        assert_eq!(category("I25", "I"), Some(vec![Span::Cell(25)]));
        assert_eq!(category("AVERAGE(I17:I12)", "I"), None);
        assert_eq!(category("AVERAGE(J3)", "I"), None);
        assert_eq!(category("SUM(I3,I4)", "I"), None);
    }

    #[test]
    fn summary_formulas() {
        assert_eq!(average_pair("AVERAGE(E5,F5)", "E", "F"), Some(5));
        assert_eq!(average_pair("AVERAGE(E5,F6)", "E", "F"), None);
        assert_eq!(total("SUM(D5:D26)/COUNT(D5:D26)", "D"), Some((5, 26)));
        assert_eq!(total("SUM(D5:D26)/COUNT(D5:D25)", "D"), None);
        assert_eq!(sheet_ref("GOVERN!K3"), Some(("GOVERN".into(), 3, 11)));
        assert_eq!(sheet_ref("'ESSENTIAL Summary'!$M$4"), Some(("ESSENTIAL Summary".into(), 4, 13)));
        assert_eq!(sheet_ref("'it''s'!A1"), Some(("it's".into(), 1, 1)));
        assert_eq!(sheet_ref("GOVERN!K3+1"), None);
        assert_eq!(sheet_ref("K3"), None);
    }
}
