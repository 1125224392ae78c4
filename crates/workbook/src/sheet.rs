//! One worksheet part: its cells (values, expanded formulas, styles) and where each row and
//! cell sits in the XML text, so that a writer can replace exactly those bytes.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::cellref::{Area, a1, parse_a1, parse_row, parse_sqref};
use crate::formula::shift;
use crate::text::decode_ooxml;
use crate::xml::{attr, local, resolve_ref};

/// A cell's value as stored (for a formula cell: its cached result).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    Error(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// The bytes of the `<c>` element.
    pub span: Range<usize>,
    /// The style index (`s` attribute), as written.
    pub style: Option<String>,
    pub value: Value,
    /// The formula without `=`, with shared formulas expanded to this cell.
    pub formula: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct RowXml {
    pub r: u32,
    /// The whole `<row>` element.
    pub span: Range<usize>,
    /// The end of the start tag (equal to `span.end` for `<row/>`).
    pub open_end: usize,
    pub self_closing: bool,
    /// The row's own style, when it applies to its empty cells (`customFormat="1"`).
    pub style: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub span: Range<usize>,
    pub open_end: usize,
    pub self_closing: bool,
}

/// A `<dataValidation>` of the sheet (not the `x14` extension ones).
#[derive(Debug, Clone)]
pub(crate) struct Validation {
    /// The allowed values of an inline list (`"1,2,3,4,5,N/A"`); `None` for other kinds.
    pub list: Option<Vec<String>>,
    pub areas: Vec<Area>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Sheet {
    pub cells: BTreeMap<(u32, u32), Cell>,
    pub rows: Vec<RowXml>,
    pub sheet_data: Option<Container>,
    pub validations: Vec<Validation>,
    /// Column styles: `(first column, last column, style)`.
    pub col_styles: Vec<(u32, u32, String)>,
    /// The prefix of the spreadsheet namespace on `sheetData` (`""` or e.g. `"x:"`).
    pub prefix: String,
}

impl Sheet {
    pub(crate) fn cell(&self, row: u32, col: u32) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    pub(crate) fn value(&self, row: u32, col: u32) -> &Value {
        self.cell(row, col).map_or(&Value::Empty, |c| &c.value)
    }

    pub(crate) fn formula(&self, row: u32, col: u32) -> Option<&str> {
        self.cell(row, col).and_then(|c| c.formula.as_deref())
    }

    /// The highest row holding a cell.
    pub(crate) fn last_row(&self) -> u32 {
        self.cells.keys().next_back().map_or(0, |k| k.0)
    }

    /// The style an absent cell shows: its row's (custom format) or its column's.
    pub(crate) fn default_style(&self, row: u32, col: u32) -> Option<String> {
        if let Some(r) = self.rows.iter().find(|r| r.r == row)
            && let Some(s) = &r.style
        {
            return Some(s.clone());
        }
        self.col_styles.iter().find(|(min, max, _)| (*min..=*max).contains(&col)).map(|(_, _, s)| s.clone())
    }
}

#[derive(Default)]
struct CellBuilder {
    row: u32,
    col: u32,
    start: usize,
    kind: Option<String>,
    style: Option<String>,
    v: Option<String>,
    inline: Option<String>,
    formula: Option<String>,
    shared_index: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TextTarget {
    None,
    V,
    F,
    InlineT,
    Formula1,
}

#[derive(Default)]
struct ValidationBuilder {
    kind: Option<String>,
    areas: Vec<Area>,
    formula1: Option<String>,
}

struct Parser<'s> {
    shared_strings: &'s [String],
    sheet: Sheet,
    stack: Vec<String>,
    cell: Option<CellBuilder>,
    row_number: u32,
    last_col: u32,
    target: TextTarget,
    text: String,
    phonetic: u32,
    validation: Option<ValidationBuilder>,
    /// Shared formula index of each cell that uses one (by position).
    shared: HashMap<(u32, u32), String>,
}

/// Parses a worksheet part. Errors are plain messages; the caller names the part.
pub(crate) fn parse(xml: &str, shared_strings: &[String]) -> Result<Sheet, String> {
    let mut reader = Reader::from_str(xml);
    let mut p = Parser {
        shared_strings,
        sheet: Sheet::default(),
        stack: Vec::new(),
        cell: None,
        row_number: 0,
        last_col: 0,
        target: TextTarget::None,
        text: String::new(),
        phonetic: 0,
        validation: None,
        shared: HashMap::new(),
    };
    loop {
        let before = position(&reader);
        let event =
            reader.read_event().map_err(|e| format!("bad XML near byte {}: {e}", reader.error_position()))?;
        let after = position(&reader);
        match event {
            Event::Start(e) => {
                let name = p.open(&e, before, after, false)?;
                p.stack.push(name);
            }
            Event::Empty(e) => {
                let name = p.open(&e, before, after, true)?;
                p.close(&name, after)?;
            }
            Event::End(e) => {
                p.stack.pop();
                p.close(e.local_name().as_ref(), after)?;
            }
            Event::Text(t) if p.target != TextTarget::None => p.text.push_str(&t.xml10_content()),
            Event::CData(t) if p.target != TextTarget::None => p.text.push_str(&t),
            Event::GeneralRef(r) if p.target != TextTarget::None => p.text.push(resolve_ref(&r)?),
            Event::Eof => break,
            _ => {}
        }
    }
    let mut sheet = p.sheet;
    if sheet.sheet_data.is_none() {
        return Err("the worksheet has no sheetData".into());
    }
    expand_shared_formulas(&mut sheet, &p.shared)?;
    Ok(sheet)
}

fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

impl Parser<'_> {
    fn parent(&self, up: usize) -> &str {
        self.stack.len().checked_sub(up + 1).and_then(|i| self.stack.get(i)).map_or("", String::as_str)
    }

    fn inside(&self, name: &str) -> bool {
        self.stack.iter().any(|s| s == name)
    }

    fn start_text(&mut self, target: TextTarget) {
        self.target = target;
        self.text.clear();
    }

    /// Handles a start (or empty) tag; returns its local name.
    fn open(
        &mut self,
        e: &BytesStart<'_>,
        before: usize,
        after: usize,
        empty: bool,
    ) -> Result<String, String> {
        let name = local(e);
        match (name.as_str(), self.parent(0)) {
            ("sheetData", "worksheet") => {
                let qname = e.name();
                self.sheet.prefix = qname.as_ref().strip_suffix("sheetData").unwrap_or("").to_owned();
                self.sheet.sheet_data =
                    Some(Container { span: before..after, open_end: after, self_closing: empty });
            }
            ("row", "sheetData") => {
                let r = match attr(e, "r", false)? {
                    Some(r) => parse_row(r.trim()).ok_or_else(|| format!("bad row number \"{r}\""))?,
                    None => self.row_number.checked_add(1).ok_or("too many rows")?,
                };
                if r <= self.row_number {
                    return Err(format!("row {r} comes after row {}", self.row_number));
                }
                self.row_number = r;
                self.last_col = 0;
                let custom = attr(e, "customFormat", false)?.is_some_and(|v| v == "1" || v == "true");
                let style = if custom { attr(e, "s", false)? } else { None };
                self.sheet.rows.push(RowXml {
                    r,
                    span: before..after,
                    open_end: after,
                    self_closing: empty,
                    style,
                });
            }
            ("c", "row") => {
                let (row, col) = match attr(e, "r", false)? {
                    Some(r) => parse_a1(r.trim()).ok_or_else(|| format!("bad cell reference \"{r}\""))?,
                    None => (self.row_number, self.last_col.checked_add(1).ok_or("too many columns")?),
                };
                if row != self.row_number || col <= self.last_col {
                    return Err(format!("cell {} is out of place in row {}", a1(row, col), self.row_number));
                }
                self.last_col = col;
                self.cell = Some(CellBuilder {
                    row,
                    col,
                    start: before,
                    kind: attr(e, "t", false)?,
                    style: attr(e, "s", false)?,
                    ..CellBuilder::default()
                });
            }
            ("v", "c") => self.start_text(TextTarget::V),
            ("f", "c") => {
                let shared = attr(e, "t", false)?.as_deref() == Some("shared");
                let si = if shared { attr(e, "si", false)? } else { None };
                if let Some(c) = self.cell.as_mut() {
                    c.shared_index = si;
                    c.formula = Some(String::new());
                }
                self.start_text(TextTarget::F);
            }
            ("is", "c") => {
                if let Some(c) = self.cell.as_mut() {
                    c.inline = Some(String::new());
                }
            }
            ("rPh", _) if self.inside("is") => self.phonetic += 1,
            ("t", _) if self.inside("is") && self.phonetic == 0 => self.start_text(TextTarget::InlineT),
            ("col", "cols") => {
                let min = attr(e, "min", false)?.and_then(|v| v.parse::<u32>().ok());
                let max = attr(e, "max", false)?.and_then(|v| v.parse::<u32>().ok());
                if let (Some(min), Some(max), Some(style)) = (min, max, attr(e, "style", false)?) {
                    self.sheet.col_styles.push((min, max, style));
                }
            }
            ("dataValidation", "dataValidations") if self.parent(1) == "worksheet" => {
                self.validation = Some(ValidationBuilder {
                    kind: attr(e, "type", false)?,
                    areas: parse_sqref(&attr(e, "sqref", false)?.unwrap_or_default()),
                    formula1: None,
                });
            }
            ("formula1", "dataValidation") if self.validation.is_some() => {
                self.start_text(TextTarget::Formula1)
            }
            _ => {}
        }
        Ok(name)
    }

    fn close(&mut self, name: &str, after: usize) -> Result<(), String> {
        match name {
            "v" if self.target == TextTarget::V => {
                let text = std::mem::take(&mut self.text);
                if let Some(c) = self.cell.as_mut() {
                    c.v = Some(text);
                }
                self.target = TextTarget::None;
            }
            "f" if self.target == TextTarget::F => {
                let text = std::mem::take(&mut self.text);
                if let Some(c) = self.cell.as_mut() {
                    c.formula = Some(text);
                }
                self.target = TextTarget::None;
            }
            "t" if self.target == TextTarget::InlineT => {
                let text = std::mem::take(&mut self.text);
                if let Some(c) = self.cell.as_mut() {
                    c.inline.get_or_insert_with(String::new).push_str(&text);
                }
                self.target = TextTarget::None;
            }
            "rPh" => self.phonetic = self.phonetic.saturating_sub(1),
            "formula1" if self.target == TextTarget::Formula1 => {
                let text = std::mem::take(&mut self.text);
                if let Some(v) = self.validation.as_mut() {
                    v.formula1 = Some(text);
                }
                self.target = TextTarget::None;
            }
            "dataValidation" => {
                if let Some(v) = self.validation.take() {
                    let list = if v.kind.as_deref() == Some("list") {
                        v.formula1.as_deref().and_then(inline_list)
                    } else {
                        None
                    };
                    self.sheet.validations.push(Validation { list, areas: v.areas });
                }
            }
            "c" => {
                if let Some(c) = self.cell.take() {
                    let value = cell_value(&c, self.shared_strings)?;
                    if let Some(si) = c.shared_index {
                        self.shared.insert((c.row, c.col), si);
                    }
                    let cell = Cell { span: c.start..after, style: c.style, value, formula: c.formula };
                    self.sheet.cells.insert((c.row, c.col), cell);
                }
            }
            "row" => {
                if let Some(r) = self.sheet.rows.last_mut() {
                    r.span.end = after;
                }
            }
            "sheetData" => {
                if let Some(d) = self.sheet.sheet_data.as_mut() {
                    d.span.end = after;
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Gives each cell that uses a shared formula its own text, shifted from the master cell's.
fn expand_shared_formulas(sheet: &mut Sheet, shared: &HashMap<(u32, u32), String>) -> Result<(), String> {
    let mut masters: HashMap<&str, ((u32, u32), String)> = HashMap::new();
    for (pos, si) in shared {
        if let Some(f) =
            sheet.cells.get(pos).and_then(|c| c.formula.as_ref()).filter(|f| !f.trim().is_empty())
        {
            masters.insert(si.as_str(), (*pos, f.clone()));
        }
    }
    for (pos, si) in shared {
        let Some(cell) = sheet.cells.get_mut(pos) else { continue };
        if cell.formula.as_deref().is_some_and(|f| !f.trim().is_empty()) {
            continue;
        }
        let ((row, col), text) = masters.get(si.as_str()).ok_or_else(|| {
            format!("cell {} uses shared formula {si}, which has no master cell", a1(pos.0, pos.1))
        })?;
        let dr = i64::from(pos.0) - i64::from(*row);
        let dc = i64::from(pos.1) - i64::from(*col);
        cell.formula = Some(shift(text, dr, dc).unwrap_or_else(|| "#REF!".to_owned()));
    }
    Ok(())
}

/// The items of a quoted list (`"1,2,3,4,5,N/A"`).
fn inline_list(formula: &str) -> Option<Vec<String>> {
    let inner = formula.trim().strip_prefix('"')?.strip_suffix('"')?;
    Some(inner.replace("\"\"", "\"").split(',').map(|s| s.trim().to_owned()).collect())
}

fn cell_value(c: &CellBuilder, shared_strings: &[String]) -> Result<Value, String> {
    let at = || a1(c.row, c.col);
    let v = c.v.as_deref();
    Ok(match c.kind.as_deref().unwrap_or("n") {
        "s" => match v {
            None => Value::Empty,
            Some(v) => {
                let index: usize =
                    v.trim().parse().map_err(|_| format!("cell {} has a bad string index \"{v}\"", at()))?;
                let text = shared_strings.get(index).ok_or_else(|| {
                    format!("cell {} refers to shared string {index}, which does not exist", at())
                })?;
                Value::Text(text.clone())
            }
        },
        "inlineStr" => match (&c.inline, v) {
            (Some(text), _) => Value::Text(decode_ooxml(text)),
            (None, Some(v)) => Value::Text(decode_ooxml(v)),
            (None, None) => Value::Empty,
        },
        "str" | "d" => v.map_or(Value::Empty, |v| Value::Text(decode_ooxml(v))),
        "b" => v.map_or(Value::Empty, |v| Value::Bool(v.trim() == "1" || v.trim() == "true")),
        "e" => v.map_or(Value::Empty, |v| Value::Error(v.to_owned())),
        "n" => match v.map(str::trim) {
            None | Some("") => Value::Empty,
            Some(v) => {
                let n: f64 = v.parse().map_err(|_| format!("cell {} holds the bad number \"{v}\"", at()))?;
                if !n.is_finite() {
                    return Err(format!("cell {} holds the bad number \"{v}\"", at()));
                }
                Value::Number(n)
            }
        },
        other => return Err(format!("cell {} has the unknown type \"{other}\"", at())),
    })
}
