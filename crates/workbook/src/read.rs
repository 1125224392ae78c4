//! Reading and checking the official workbook.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::{Date, Duration, Month};

use crate::cellref::{a1, col_letters};
use crate::error::{CellError, CellErrorKind, location};
use crate::formula::{self, Span, Subcategory};
use crate::package::Package;
use crate::sheet::{self, Sheet, Value};
use crate::{
    CategoryFormula, EDITION, FUNCTION_SHEETS, INTRODUCTION_SHEET, Row, SUMMARY_SHEET, Score, Structure,
    Workbook, WorkbookError,
};

/// The first requirement row of a function sheet.
const FIRST_ROW: u32 = 3;

pub(crate) const COL_B: u32 = 2;
pub(crate) const COL_C: u32 = 3;
pub(crate) const COL_D: u32 = 4;
pub(crate) const COL_E: u32 = 5;
pub(crate) const COL_F: u32 = 6;
pub(crate) const COL_G: u32 = 7;
pub(crate) const COL_H: u32 = 8;
pub(crate) const COL_I: u32 = 9;
pub(crate) const COL_J: u32 = 10;
pub(crate) const COL_K: u32 = 11;
pub(crate) const COL_L: u32 = 12;
pub(crate) const COL_M: u32 = 13;

/// `Introduction!Q6`: the last change-log date.
const TOOL_DATE: (u32, u32) = (6, 17);
/// `Introduction!T31`: the completion date.
pub(crate) const COMPLETION_DATE: (u32, u32) = (31, 20);
/// `ESSENTIAL Summary!M4`: the total maturity.
const TOTAL: (u32, u32) = (4, 13);
/// `GOVERN!G1` (and the other function sheets'): the edition word.
const EDITION_CELL: (u32, u32) = (1, 7);

/// Reads the official CyFun 2025 self-assessment workbook (ESSENTIAL edition).
///
/// Refuses, with the sheet and cell: bytes that are not an .xlsx file, a missing sheet, another
/// edition, scores that are not 1 to 5 or N/A (all of them at once), and formulas that are not
/// the official workbook's.
pub fn read(bytes: &[u8]) -> Result<Workbook, WorkbookError> {
    parse(bytes).map(|p| p.workbook)
}

/// A parsed workbook with what [`crate::write`] needs to change it.
pub(crate) struct Parsed<'a> {
    pub package: Package<'a>,
    pub workbook: Workbook,
    /// Sheet name → (part path, its XML, parsed sheet), for the sheets read.
    pub sheets: HashMap<String, (String, String, Sheet)>,
}

pub(crate) fn parse(bytes: &[u8]) -> Result<Parsed<'_>, WorkbookError> {
    let package = Package::open(bytes)?;

    if !package.sheets.iter().any(|s| s.name == SUMMARY_SHEET)
        && let Some(other) = package.sheets.iter().find_map(|s| {
            let (word, _) = s.name.trim().rsplit_once(' ')?;
            s.name
                .trim()
                .to_ascii_lowercase()
                .ends_with(" summary")
                .then(|| (word.trim().to_owned(), s.name.clone()))
        })
    {
        return Err(WorkbookError::WrongEdition {
            found: other.0,
            location: format!("sheet \"{}\"", other.1),
        });
    }

    let mut wanted: Vec<&str> = vec![INTRODUCTION_SHEET];
    wanted.extend(FUNCTION_SHEETS);
    wanted.push(SUMMARY_SHEET);
    let mut sheets = HashMap::new();
    for name in wanted {
        let Some(path) = package.sheets.iter().find(|s| s.name == name).and_then(|s| s.path.clone()) else {
            return Err(WorkbookError::MissingSheet { sheet: name.to_owned() });
        };
        let xml = package.part_text(&path)?;
        let sheet = sheet::parse(&xml, &package.shared_strings)
            .map_err(|reason| WorkbookError::Corrupt { part: path.clone(), reason })?;
        sheets.insert(name.to_owned(), (path, xml, sheet));
    }

    for name in FUNCTION_SHEETS {
        let sheet = &sheets[name].2;
        let found = match sheet.value(EDITION_CELL.0, EDITION_CELL.1) {
            Value::Text(t) => t.trim().to_owned(),
            _ => String::new(),
        };
        if found.is_empty() {
            return Err(WorkbookError::Cells(vec![CellError {
                sheet: name.to_owned(),
                cell: a1(EDITION_CELL.0, EDITION_CELL.1),
                kind: CellErrorKind::Structure(format!(
                    "the edition word ({EDITION}) is missing: this is not the official workbook's {name} sheet"
                )),
            }]));
        }
        if !found.eq_ignore_ascii_case(EDITION) {
            return Err(WorkbookError::WrongEdition {
                found,
                location: location(name, &a1(EDITION_CELL.0, EDITION_CELL.1)),
            });
        }
    }

    let mut checker = Checker { errors: Vec::new(), date1904: package.date1904 };
    let mut rows = Vec::new();
    let mut categories = Vec::new();
    for name in FUNCTION_SHEETS {
        let sheet = &sheets[name].2;
        let sheet_rows = checker.requirement_rows(name, sheet);
        categories.extend(checker.categories(name, sheet, &sheet_rows));
        rows.extend(sheet_rows.into_values());
    }
    let key_measure_cells = checker.summary(&sheets[SUMMARY_SHEET].2, &rows, &categories);
    let intro = &sheets[INTRODUCTION_SHEET].2;
    let tool_date = match intro.value(TOOL_DATE.0, TOOL_DATE.1) {
        Value::Number(n) => serial_to_date(*n, package.date1904).map(|d| d.to_string()),
        Value::Text(t) => parse_iso(t).map(|d| d.to_string()),
        _ => None,
    };
    let completion_date = checker.completion_date(intro);

    if !checker.errors.is_empty() {
        return Err(WorkbookError::Cells(checker.errors));
    }
    let workbook = Workbook {
        structure: Structure { edition: EDITION.to_owned(), tool_date, categories },
        rows,
        key_measure_cells,
        completion_date,
    };
    Ok(Parsed { package, workbook, sheets })
}

/// Collects every problem found, so that they are reported together.
struct Checker {
    errors: Vec<CellError>,
    date1904: bool,
}

/// The requirement id at the start of column F's text: `[A-Z]{2}\.[A-Z]{2}-\d{2}\.\d+`.
pub(crate) fn requirement_id(text: &str) -> Option<&str> {
    let t = text.trim_start();
    let b = t.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(upper(0)
        && upper(1)
        && at(2, b'.')
        && upper(3)
        && upper(4)
        && at(5, b'-')
        && digit(6)
        && digit(7)
        && at(8, b'.'))
    {
        return None;
    }
    let mut end = 9;
    while digit(end) {
        end += 1;
    }
    if end == 9 || b.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    t.get(..end)
}

/// The text after the requirement id and its colon (`"GV.OC-01.1: The …"` → `"The …"`).
fn requirement_text(f_text: &str, id: &str) -> String {
    let rest = f_text.trim_start().strip_prefix(id).unwrap_or(f_text).trim_start();
    rest.strip_prefix(':').unwrap_or(rest).trim().to_owned()
}

/// A cell's content in words, for error messages.
fn describe(sheet: &Sheet, row: u32, col: u32) -> String {
    if let Some(f) = sheet.formula(row, col) {
        return format!("the formula ={f}");
    }
    match sheet.value(row, col) {
        Value::Empty => "nothing".to_owned(),
        Value::Number(n) => format!("{n}"),
        Value::Text(t) => format!("the text \"{t}\""),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Value::Error(e) => format!("the error value {e}"),
    }
}

fn text(sheet: &Sheet, row: u32, col: u32) -> Option<String> {
    match sheet.value(row, col) {
        Value::Text(t) if !t.trim().is_empty() => Some(t.clone()),
        Value::Number(n) => Some(format!("{n}")),
        _ => None,
    }
}

fn is_blank(sheet: &Sheet, row: u32, col: u32) -> bool {
    sheet.formula(row, col).is_none()
        && match sheet.value(row, col) {
            Value::Empty => true,
            Value::Text(t) => t.is_empty(),
            _ => false,
        }
}

/// A score cell: 1 to 5 (whole numbers), "N/A" (as Excel compares text: any case), or empty.
fn score(sheet: &Sheet, row: u32, col: u32) -> Result<Score, String> {
    if sheet.formula(row, col).is_some() {
        return Err(describe(sheet, row, col));
    }
    match sheet.value(row, col) {
        Value::Empty => Ok(Score::Empty),
        Value::Text(t) if t.is_empty() => Ok(Score::Empty),
        Value::Text(t) if t.eq_ignore_ascii_case("N/A") => Ok(Score::NotApplicable),
        Value::Number(n) if n.fract() == 0.0 && (1.0..=5.0).contains(n) => Ok(Score::Level(*n as u8)),
        _ => Err(describe(sheet, row, col)),
    }
}

impl Checker {
    fn push(&mut self, sheet: &str, row: u32, col: u32, kind: CellErrorKind) {
        self.errors.push(CellError { sheet: sheet.to_owned(), cell: a1(row, col), kind });
    }

    fn structure(&mut self, sheet: &str, row: u32, col: u32, message: String) {
        self.push(sheet, row, col, CellErrorKind::Structure(message));
    }

    /// Reports a formula that is not the expected one (or is missing).
    fn bad_formula(&mut self, name: &str, sheet: &Sheet, row: u32, col: u32, expected: String) {
        let kind = match sheet.formula(row, col) {
            Some(found) => CellErrorKind::UnexpectedFormula { found: found.to_owned(), expected },
            None => CellErrorKind::MissingFormula { expected },
        };
        self.push(name, row, col, kind);
    }

    /// The requirement rows of a function sheet, by row number.
    fn requirement_rows(&mut self, name: &str, sheet: &Sheet) -> BTreeMap<u32, Row> {
        let mut rows = BTreeMap::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        let data_columns = [COL_G, COL_H, COL_I, COL_J, COL_K, COL_L];
        for r in FIRST_ROW..=sheet.last_row() {
            let Some(f_text) = text(sheet, r, COL_F) else {
                if let Some(&col) = data_columns.iter().find(|&&c| !is_blank(sheet, r, c)) {
                    self.structure(
                        name,
                        r,
                        col,
                        format!(
                            "this row has scores or formulas but no requirement in column F ({})",
                            a1(r, COL_F)
                        ),
                    );
                }
                continue;
            };
            let Some(id) = requirement_id(&f_text) else {
                let found: String = f_text.trim().chars().take(40).collect();
                self.push(name, r, COL_F, CellErrorKind::InvalidRequirement { found });
                continue;
            };
            if let Some(first) = seen.get(id) {
                let first = location(name, &a1(*first, COL_F));
                self.push(name, r, COL_F, CellErrorKind::DuplicateRequirement { id: id.to_owned(), first });
                continue;
            }
            seen.insert(id.to_owned(), r);
            let level = text(sheet, r, COL_E).map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
            if !matches!(level.as_str(), "basic" | "important" | "essential") {
                self.push(name, r, COL_E, CellErrorKind::InvalidLevel { found: describe(sheet, r, COL_E) });
            }
            let mut scores = [Score::Empty; 2];
            for (slot, (col, label)) in
                scores.iter_mut().zip([(COL_G, "documentation"), (COL_H, "implementation")])
            {
                match score(sheet, r, col) {
                    Ok(s) => *slot = s,
                    Err(found) => {
                        self.push(name, r, col, CellErrorKind::InvalidScore { score: label, found })
                    }
                }
            }
            let na_allowed = [COL_G, COL_H].iter().all(|&col| {
                sheet.validations.iter().any(|v| {
                    v.areas.iter().any(|a| a.contains(r, col))
                        && v.list.as_ref().is_some_and(|l| l.iter().any(|i| i.eq_ignore_ascii_case("N/A")))
                })
            });
            rows.insert(
                r,
                Row {
                    id: id.to_owned(),
                    sheet: name.to_owned(),
                    row: r,
                    text: requirement_text(&f_text, id),
                    level,
                    key_measure: text(sheet, r, COL_C).is_some(),
                    management_aspect: text(sheet, r, COL_B).is_some(),
                    na_allowed,
                    documentation: scores[0],
                    implementation: scores[1],
                    comment: match sheet.value(r, COL_M) {
                        Value::Text(t) if !t.is_empty() => Some(t.clone()),
                        Value::Number(n) => Some(format!("{n}")),
                        _ => None,
                    },
                },
            );
        }
        rows
    }

    /// The subcategory (I/J) and category (K/L) formulas of a function sheet.
    fn categories(&mut self, name: &str, sheet: &Sheet, rows: &BTreeMap<u32, Row>) -> Vec<CategoryFormula> {
        const SUBCATEGORY: &str =
            "=IF(OR($G<row>=\"N/A\",$H<row>=\"N/A\"),3,$G<row>), an AVERAGE of such terms, or =G<row>";

        // Column I (checked against J): row of the I cell → what it averages.
        let mut groups: BTreeMap<u32, Subcategory> = BTreeMap::new();
        let formula_rows: Vec<u32> = sheet
            .cells
            .range((FIRST_ROW, 0)..)
            .filter(|((_, col), cell)| (*col == COL_I || *col == COL_J) && cell.formula.is_some())
            .map(|((row, _), _)| *row)
            .collect();
        let mut last = 0;
        for r in formula_rows {
            if r == last {
                continue;
            }
            last = r;
            let Some(i_kind) = sheet.formula(r, COL_I).and_then(|f| formula::subcategory(f, "G")) else {
                self.bad_formula(name, sheet, r, COL_I, SUBCATEGORY.replace("<row>", &r.to_string()));
                continue;
            };
            match sheet.formula(r, COL_J).and_then(|f| formula::subcategory(f, "H")) {
                Some(j_kind) if j_kind == i_kind => {}
                _ => self.bad_formula(
                    name,
                    sheet,
                    r,
                    COL_J,
                    format!("the formula of I{r} with column H instead of G"),
                ),
            }
            groups.insert(r, i_kind);
        }
        for r in FIRST_ROW..=sheet.last_row() {
            for col in [COL_I, COL_J] {
                if sheet.formula(r, col).is_none() && !is_blank(sheet, r, col) {
                    let found = describe(sheet, r, col);
                    self.structure(name, r, col, format!("expected a formula or nothing, found {found}"));
                }
            }
        }

        // Every requirement averaged by exactly one I cell.
        let mut averaged_by: HashMap<u32, u32> = HashMap::new();
        for (&i_row, kind) in &groups {
            let terms = match kind {
                Subcategory::Plain(t) => vec![*t],
                Subcategory::WithNa(ts) => ts.clone(),
            };
            for t in terms {
                if !rows.contains_key(&t) {
                    self.structure(
                        name,
                        i_row,
                        COL_I,
                        format!("the formula averages row {t}, which holds no requirement"),
                    );
                } else if let Some(prev) = averaged_by.insert(t, i_row) {
                    self.structure(
                        name,
                        i_row,
                        COL_I,
                        format!("{} is already averaged by I{prev}", rows[&t].id),
                    );
                }
            }
        }
        for (r, row) in rows {
            if !averaged_by.contains_key(r) {
                self.structure(
                    name,
                    *r,
                    COL_I,
                    format!(
                        "requirement {} is not averaged by any formula of column I, so it counts nowhere",
                        row.id
                    ),
                );
            }
        }

        // Columns K and L: each category's documentation and implementation averages. They
        // normally list the same subcategory cells, but need not: in tool v3.1, PROTECT!L3 leaves
        // out the J cell that K3 counts (PR.AA-06), so both lists are kept.
        let mut counted_by: [HashMap<u32, u32>; 2] = Default::default();
        let mut out = Vec::new();
        let category_rows: BTreeSet<u32> = sheet
            .cells
            .range((FIRST_ROW, 0)..)
            .filter(|((_, col), cell)| (*col == COL_K || *col == COL_L) && !is_blank_cell(cell))
            .map(|((row, _), _)| *row)
            .collect();
        for r in category_rows {
            let mut resolved: [Option<Vec<u32>>; 2] = [None, None];
            let columns = [
                (COL_K, "K", "I", "=AVERAGE(I<row>,I<row>,…), =AVERAGE(I<row>:I<row>) or =I<row>"),
                (COL_L, "L", "J", "=AVERAGE(J<row>,J<row>,…), =AVERAGE(J<row>:J<row>) or =J<row>"),
            ];
            for (slot, (col, col_name, sub, expected)) in columns.into_iter().enumerate() {
                let Some(spans) = sheet.formula(r, col).and_then(|f| formula::category(f, sub)) else {
                    self.bad_formula(name, sheet, r, col, expected.to_owned());
                    continue;
                };
                let mut sub_rows = Vec::new();
                for span in spans {
                    match span {
                        Span::Cell(n) if groups.contains_key(&n) => sub_rows.push(n),
                        Span::Cell(n) => self.structure(
                            name,
                            r,
                            col,
                            format!("the formula refers to {sub}{n}, which has no subcategory formula"),
                        ),
                        Span::Rows(a, b) => sub_rows.extend(groups.range(a..=b).map(|(k, _)| *k)),
                    }
                }
                if sub_rows.is_empty() {
                    self.structure(name, r, col, "the category formula averages no subcategory".to_owned());
                    continue;
                }
                let mut kept = Vec::new();
                for n in sub_rows {
                    match counted_by[slot].insert(n, r) {
                        Some(prev) => self.structure(
                            name,
                            r,
                            col,
                            format!("{sub}{n} is already counted by {col_name}{prev}"),
                        ),
                        None => kept.push(n),
                    }
                }
                resolved[slot] = Some(kept);
            }
            let [Some(documentation), Some(implementation)] = resolved else { continue };
            let Some(head) = rows.get(&r) else {
                self.structure(name, r, COL_K, "a category formula on a row without requirement".to_owned());
                continue;
            };
            let ids_of = |sub_rows: &[u32]| -> Vec<Vec<String>> {
                sub_rows
                    .iter()
                    .map(|n| {
                        let terms = match &groups[n] {
                            Subcategory::Plain(t) => std::slice::from_ref(t),
                            Subcategory::WithNa(ts) => ts.as_slice(),
                        };
                        terms.iter().filter_map(|t| rows.get(t)).map(|row| row.id.clone()).collect()
                    })
                    .collect()
            };
            let mut without_na_handling: Vec<String> = Vec::new();
            for n in documentation.iter().chain(&implementation) {
                if let Subcategory::Plain(t) = &groups[n]
                    && let Some(row) = rows.get(t)
                    && !without_na_handling.contains(&row.id)
                {
                    without_na_handling.push(row.id.clone());
                }
            }
            out.push(CategoryFormula {
                id: head.id.split_once('-').map_or(head.id.as_str(), |(c, _)| c).to_owned(),
                sheet: name.to_owned(),
                row: r,
                groups: ids_of(&documentation),
                implementation_groups: ids_of(&implementation),
                without_na_handling,
            });
        }
        for i_row in groups.keys() {
            if !counted_by[0].contains_key(i_row) {
                self.structure(
                    name,
                    *i_row,
                    COL_I,
                    "this subcategory average is not counted by any category formula (column K)".to_owned(),
                );
            }
        }
        out
    }

    /// Checks the summary sheet against the categories; returns the key-measure cells.
    fn summary(
        &mut self,
        sheet: &Sheet,
        rows: &[Row],
        categories: &[CategoryFormula],
    ) -> Vec<(String, String, u32)> {
        let name = SUMMARY_SHEET;
        let heads: HashMap<(&str, u32), &CategoryFormula> =
            categories.iter().map(|c| ((c.sheet.as_str(), c.row), c)).collect();
        let total = sheet.formula(TOTAL.0, TOTAL.1).and_then(|f| formula::total(f, "D"));
        let Some((first, last)) = total.filter(|(a, b)| b - a < 1000) else {
            self.bad_formula(
                name,
                sheet,
                TOTAL.0,
                TOTAL.1,
                "=SUM(D<first>:D<last>)/COUNT(D<first>:D<last>)".to_owned(),
            );
            return Vec::new();
        };
        let mut listed: HashMap<(&str, u32), u32> = HashMap::new();
        for r in first..=last {
            if formula::average_pair(sheet.formula(r, COL_D).unwrap_or(""), "E", "F") != Some(r) {
                self.bad_formula(name, sheet, r, COL_D, format!("=AVERAGE(E{r},F{r})"));
            }
            let target = sheet.formula(r, COL_E).and_then(formula::sheet_ref);
            let Some((target_sheet, target_row, COL_K)) = target else {
                self.bad_formula(
                    name,
                    sheet,
                    r,
                    COL_E,
                    "a reference to column K of a function sheet, e.g. =GOVERN!K3".to_owned(),
                );
                continue;
            };
            let Some(category) = heads.get(&(target_sheet.as_str(), target_row)) else {
                self.structure(
                    name,
                    r,
                    COL_E,
                    format!(
                        "the formula refers to {}, which holds no category formula",
                        location(&target_sheet, &a1(target_row, COL_K))
                    ),
                );
                continue;
            };
            if sheet.formula(r, COL_F).and_then(formula::sheet_ref)
                != Some((target_sheet.clone(), target_row, COL_L))
            {
                self.bad_formula(
                    name,
                    sheet,
                    r,
                    COL_F,
                    format!("={}", location(&target_sheet, &a1(target_row, COL_L))),
                );
            }
            if let Some(prev) = listed.insert((category.sheet.as_str(), category.row), r) {
                self.structure(
                    name,
                    r,
                    COL_E,
                    format!("category {} is already listed on row {prev}", category.id),
                );
            }
        }
        for c in categories {
            if !listed.contains_key(&(c.sheet.as_str(), c.row)) {
                self.structure(
                    &c.sheet,
                    c.row,
                    COL_K,
                    format!("category {} is not listed on the {name} sheet (D{first}:D{last}), so it does not count in the total", c.id),
                );
            }
        }

        // Key measures: cells showing a function sheet's G score, H beside them, the average before.
        let by_position: HashMap<(&str, u32), &Row> =
            rows.iter().map(|r| ((r.sheet.as_str(), r.row), r)).collect();
        let mut found: Vec<(u32, u32, String, String, u32)> = Vec::new();
        for (&(r, c), cell) in &sheet.cells {
            if (first..=last).contains(&r) {
                continue;
            }
            let Some((target_sheet, target_row, COL_G)) =
                cell.formula.as_deref().and_then(formula::sheet_ref)
            else {
                continue;
            };
            if !FUNCTION_SHEETS.contains(&target_sheet.as_str()) {
                continue;
            }
            let Some(row) = by_position.get(&(target_sheet.as_str(), target_row)) else {
                self.structure(
                    name,
                    r,
                    c,
                    format!(
                        "the formula refers to {}, which holds no requirement",
                        location(&target_sheet, &a1(target_row, COL_G))
                    ),
                );
                continue;
            };
            let next = c + 1;
            if sheet.formula(r, next).and_then(formula::sheet_ref)
                != Some((target_sheet.clone(), target_row, COL_H))
            {
                self.bad_formula(
                    name,
                    sheet,
                    r,
                    next,
                    format!("={}", location(&target_sheet, &a1(target_row, COL_H))),
                );
            }
            let before = c.saturating_sub(1);
            let (this, that) = (col_letters(c), col_letters(next));
            if before == 0
                || formula::average_pair(sheet.formula(r, before).unwrap_or(""), &this, &that) != Some(r)
            {
                self.bad_formula(name, sheet, r, before.max(1), format!("=AVERAGE({this}{r},{that}{r})"));
            }
            found.push((c, r, row.id.clone(), target_sheet, target_row));
        }
        found.sort();
        found.into_iter().map(|(_, _, id, s, row)| (id, s, row)).collect()
    }

    fn completion_date(&mut self, intro: &Sheet) -> Option<Date> {
        let (r, c) = COMPLETION_DATE;
        if intro.formula(r, c).is_some() {
            self.push(INTRODUCTION_SHEET, r, c, CellErrorKind::InvalidDate { found: describe(intro, r, c) });
            return None;
        }
        let date = match intro.value(r, c) {
            Value::Empty => return None,
            Value::Text(t) if t.trim().is_empty() => return None,
            Value::Number(n) => serial_to_date(*n, self.date1904),
            Value::Text(t) => parse_iso(t),
            _ => None,
        };
        if date.is_none() {
            self.push(INTRODUCTION_SHEET, r, c, CellErrorKind::InvalidDate { found: describe(intro, r, c) });
        }
        date
    }
}

fn is_blank_cell(cell: &sheet::Cell) -> bool {
    cell.formula.is_none()
        && match &cell.value {
            Value::Empty => true,
            Value::Text(t) => t.is_empty(),
            _ => false,
        }
}

/// `YYYY-MM-DD` (a date typed as text, or a `t="d"` cell).
fn parse_iso(text: &str) -> Option<Date> {
    let t = text.trim();
    let t = t.get(..10).filter(|_| t.len() == 10 || t.as_bytes().get(10) == Some(&b'T'))?;
    let mut parts = t.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The base day of Excel's date serials (serial 0), valid from serial 61 (1900-03-01) on.
fn epoch(date1904: bool) -> Option<Date> {
    if date1904 {
        Date::from_calendar_date(1904, Month::January, 1).ok()
    } else {
        Date::from_calendar_date(1899, Month::December, 30).ok()
    }
}

/// The largest serial Excel accepts (9999-12-31).
const MAX_SERIAL: f64 = 2_958_465.0;

/// The date of an Excel serial (the time of day is dropped).
pub(crate) fn serial_to_date(serial: f64, date1904: bool) -> Option<Date> {
    let min = if date1904 { 0.0 } else { 61.0 };
    if !serial.is_finite() || serial < min || serial > MAX_SERIAL {
        return None;
    }
    epoch(date1904)?.checked_add(Duration::days(serial.floor() as i64))
}

/// The Excel serial of a date.
pub(crate) fn date_to_serial(date: Date, date1904: bool) -> Option<i64> {
    let serial = (date - epoch(date1904)?).whole_days();
    let min = if date1904 { 0 } else { 61 };
    (min..=MAX_SERIAL as i64).contains(&serial).then_some(serial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_ids_at_the_start_of_the_text() {
        assert_eq!(requirement_id("GV.OC-01.1: The organisation"), Some("GV.OC-01.1"));
        assert_eq!(requirement_id("GV.RM-02.1:Risk"), Some("GV.RM-02.1"));
        assert_eq!(requirement_id("\nPR.AA-06.3: C"), Some("PR.AA-06.3"));
        assert_eq!(requirement_id("RS.CO-02.2\t:Cy"), Some("RS.CO-02.2"));
        assert_eq!(requirement_id("ID.AM-08.13: T"), Some("ID.AM-08.13"));
        assert_eq!(requirement_id("ID.AM-08.1"), Some("ID.AM-08.1"));
        for bad in
            ["", "GV.OC-1.1: x", "gv.oc-01.1", "GV.OC-01.: x", "GV.OC-01.1a", "ID.AM-03-3", "GV.OC 01.1"]
        {
            assert_eq!(requirement_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn requirement_texts_follow_the_id() {
        assert_eq!(requirement_text("GV.OC-01.1: The organisation", "GV.OC-01.1"), "The organisation");
        assert_eq!(requirement_text("GV.RM-02.1:Risk", "GV.RM-02.1"), "Risk");
        assert_eq!(requirement_text("\nPR.AA-06.3: C\n", "PR.AA-06.3"), "C");
        assert_eq!(requirement_text("RS.CO-02.2\t:Cy", "RS.CO-02.2"), "Cy");
        assert_eq!(requirement_text("ID.AM-08.1", "ID.AM-08.1"), "");
    }

    #[test]
    fn excel_serial_dates() {
        let d = Date::from_calendar_date(2026, Month::February, 20).unwrap();
        assert_eq!(date_to_serial(d, false), Some(46073));
        assert_eq!(serial_to_date(46073.0, false), Some(d));
        assert_eq!(serial_to_date(46073.75, false), Some(d));
        assert_eq!(serial_to_date(46078.0, false).unwrap().to_string(), "2026-02-25");
        assert_eq!(serial_to_date(date_to_serial(d, true).unwrap() as f64, true), Some(d));
        assert_eq!(serial_to_date(60.0, false), None);
        assert_eq!(serial_to_date(-1.0, false), None);
        assert_eq!(serial_to_date(f64::NAN, false), None);
        assert_eq!(serial_to_date(1e300, false), None);
        assert_eq!(date_to_serial(Date::from_calendar_date(1900, Month::January, 1).unwrap(), false), None);
        assert_eq!(parse_iso("2026-02-20"), Some(d));
        assert_eq!(parse_iso("2026-02-20T00:00:00"), Some(d));
        assert_eq!(parse_iso("2026-02-30"), None);
        assert_eq!(parse_iso("20-02-2026"), None);
    }
}
