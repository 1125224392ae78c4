//! Filling the official workbook: only the input cells change, in place in the sheet XML.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Write};
use std::ops::Range;

use quick_xml::Reader;
use quick_xml::events::Event;
use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::cellref::a1;
use crate::error::location;
use crate::read::{COL_G, COL_H, COL_M, COMPLETION_DATE, date_to_serial, parse};
use crate::sheet::Sheet;
use crate::text::{escape_attr, escape_cell_text, excel_len};
use crate::xml::local;
use crate::{Fill, FillError, FillErrorKind, INTRODUCTION_SHEET, Score, WorkbookError};

/// The most characters an Excel cell holds.
const MAX_CELL_TEXT: usize = 32_767;

/// What an input cell receives.
#[derive(Debug, Clone, PartialEq)]
enum NewValue {
    /// A number, already formatted.
    Number(String),
    /// Text, stored inline (`t="inlineStr"`).
    Text(String),
    /// No value (the cell keeps its style).
    Empty,
}

/// Fills a copy of the official workbook.
///
/// For each fill, writes the documentation (G) and implementation (H) scores of the
/// requirement's row and, when `comment` is `Some`, its comment (M); writes the completion date
/// (`Introduction!T31`) when one is given. Every other cell, part and byte stays as in the
/// template, except `fullCalcOnLoad="1"` on `<calcPr>` in `xl/workbook.xml`, which makes Excel
/// recompute the averages on opening (the cached results are left as they were). LibreOffice
/// (7.4) ignores that flag: it recomputes on opening only when its "Recalculation on file load"
/// setting for Excel files says "Always" (its default is "Never recalculate"), otherwise it
/// shows the template's results until the user recalculates (Ctrl+Shift+F9).
///
/// Refuses a template that [`crate::read`] refuses, ids that are not in it, a requirement filled
/// twice, levels outside 1 to 5, N/A where the workbook's data validation does not offer it,
/// and comments longer than a cell holds: all such fills at once.
pub fn write(
    template: &[u8],
    fills: &[Fill],
    completion_date: Option<time::Date>,
) -> Result<Vec<u8>, WorkbookError> {
    let parsed = parse(template)?;
    let rows: HashMap<&str, &crate::Row> = parsed.workbook.rows.iter().map(|r| (r.id.as_str(), r)).collect();

    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut edits: BTreeMap<&str, Vec<(u32, u32, NewValue)>> = BTreeMap::new();
    for fill in fills {
        let mut fail = |kind| errors.push(FillError { id: fill.id.clone(), kind });
        let Some(row) = rows.get(fill.id.as_str()) else {
            fail(FillErrorKind::UnknownRequirement);
            continue;
        };
        if !seen.insert(fill.id.as_str()) {
            fail(FillErrorKind::Duplicate);
            continue;
        }
        let mut cells = Vec::new();
        for (score, col) in [(fill.documentation, COL_G), (fill.implementation, COL_H)] {
            let value = match score {
                Score::Level(level) if (1..=5).contains(&level) => NewValue::Number(level.to_string()),
                Score::Level(level) => {
                    fail(FillErrorKind::InvalidLevel(level));
                    continue;
                }
                Score::NotApplicable if !row.na_allowed => {
                    fail(FillErrorKind::NotApplicableNotAllowed {
                        cell: location(&row.sheet, &a1(row.row, col)),
                    });
                    continue;
                }
                Score::NotApplicable => NewValue::Text("N/A".to_owned()),
                Score::Empty => NewValue::Empty,
            };
            cells.push((row.row, col, value));
        }
        match &fill.comment {
            Some(c) if excel_len(c) > MAX_CELL_TEXT => fail(FillErrorKind::CommentTooLong(excel_len(c))),
            Some(c) if c.is_empty() => cells.push((row.row, COL_M, NewValue::Empty)),
            Some(c) => cells.push((row.row, COL_M, NewValue::Text(c.clone()))),
            None => {}
        }
        edits.entry(row.sheet.as_str()).or_default().extend(cells);
    }
    if !errors.is_empty() {
        return Err(WorkbookError::Fills(errors));
    }
    if let Some(date) = completion_date {
        let serial =
            date_to_serial(date, parsed.package.date1904).ok_or(WorkbookError::DateOutOfRange(date))?;
        let (r, c) = COMPLETION_DATE;
        edits.entry(INTRODUCTION_SHEET).or_default().push((r, c, NewValue::Number(serial.to_string())));
    }

    let package = parsed.package;
    let mut replaced: HashMap<String, Vec<u8>> = HashMap::new();
    for (name, cells) in edits {
        let Some((path, xml, sheet)) = parsed.sheets.get(name) else { continue };
        let new = apply(xml, sheet, cells)
            .map_err(|reason| WorkbookError::Corrupt { part: path.clone(), reason })?;
        let stored = package.stored_name(path).unwrap_or(path).to_owned();
        replaced.insert(stored, new.into_bytes());
    }
    let workbook_xml = full_calc_on_load(&package.workbook_xml)
        .map_err(|reason| WorkbookError::Corrupt { part: package.workbook_path.clone(), reason })?;
    let stored = package.stored_name(&package.workbook_path).unwrap_or(&package.workbook_path).to_owned();
    replaced.insert(stored, workbook_xml.into_bytes());

    rezip(package.into_archive(), &replaced)
}

/// Copies every entry of the template, raw (compressed bytes as they are), except the replaced
/// ones, which are compressed anew with the same name, method and time, in the same place.
fn rezip(
    mut archive: zip::ZipArchive<Cursor<&[u8]>>,
    replaced: &HashMap<String, Vec<u8>>,
) -> Result<Vec<u8>, WorkbookError> {
    let fail = |reason: String| WorkbookError::Corrupt { part: "(zip archive)".to_owned(), reason };
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    out.set_raw_comment(archive.comment().into()).map_err(|e| fail(e.to_string()))?;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| fail(e.to_string()))?;
        let name = file.name().map_err(|e| fail(e.to_string()))?.into_owned();
        match replaced.get(&name) {
            Some(data) => {
                let options = SimpleFileOptions::default()
                    .compression_method(file.compression())
                    .last_modified_time(file.last_modified().unwrap_or_default());
                drop(file);
                out.start_file(name.as_str(), options).map_err(|e| fail(format!("{name}: {e}")))?;
                out.write_all(data).map_err(|e| fail(format!("{name}: {e}")))?;
            }
            None => out.raw_copy_file(file).map_err(|e| fail(format!("{name}: {e}")))?,
        }
    }
    let cursor = out.finish().map_err(|e| fail(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// One change to the XML text: replace `range` (empty for an insertion) with `text`.
struct Splice {
    range: Range<usize>,
    /// Orders insertions at the same place (row, column).
    order: (u32, u32),
    text: String,
}

/// Writes the new values into the sheet XML, touching only the bytes of those cells (or
/// inserting them, and their row, in order when the template lacks them).
fn apply(xml: &str, sheet: &Sheet, cells: Vec<(u32, u32, NewValue)>) -> Result<String, String> {
    let p = sheet.prefix.as_str();
    let mut by_row: BTreeMap<u32, BTreeMap<u32, NewValue>> = BTreeMap::new();
    for (r, c, v) in cells {
        by_row.entry(r).or_default().insert(c, v);
    }
    let data = sheet.sheet_data.as_ref().ok_or("the worksheet has no sheetData")?;
    let mut splices = Vec::new();
    let mut new_rows = String::new();
    for (r, row_cells) in by_row {
        let render_all = |row_cells: &BTreeMap<u32, NewValue>| -> String {
            row_cells
                .iter()
                .map(|(&c, v)| render(p, r, c, existing_style(sheet, r, c).as_deref(), v))
                .collect()
        };
        match sheet.rows.iter().find(|x| x.r == r) {
            Some(row) if row.self_closing => {
                let tag = xml.get(row.span.clone()).ok_or("bad row position")?;
                let open = tag.trim_end_matches("/>").trim_end();
                let text = format!("{open}>{}</{p}row>", render_all(&row_cells));
                splices.push(Splice { range: row.span.clone(), order: (r, 0), text });
            }
            Some(row) => {
                let close = end_tag_start(xml, row.open_end..row.span.end).ok_or("bad row end")?;
                for (&c, v) in &row_cells {
                    let style = existing_style(sheet, r, c);
                    let text = render(p, r, c, style.as_deref(), v);
                    match sheet.cell(r, c) {
                        Some(cell) => splices.push(Splice { range: cell.span.clone(), order: (r, c), text }),
                        None => {
                            let at = sheet
                                .cells
                                .range((r, c + 1)..=(r, u32::MAX))
                                .next()
                                .map_or(close, |(_, next)| next.span.start);
                            splices.push(Splice { range: at..at, order: (r, c), text });
                        }
                    }
                }
            }
            None => {
                let text = format!("<{p}row r=\"{r}\">{}</{p}row>", render_all(&row_cells));
                if data.self_closing {
                    new_rows.push_str(&text);
                    continue;
                }
                let at = match sheet.rows.iter().find(|x| x.r > r) {
                    Some(next) => next.span.start,
                    None => end_tag_start(xml, data.open_end..data.span.end).ok_or("bad sheetData end")?,
                };
                splices.push(Splice { range: at..at, order: (r, 0), text });
            }
        }
    }
    if !new_rows.is_empty() {
        let tag = xml.get(data.span.clone()).ok_or("bad sheetData position")?;
        let open = tag.trim_end_matches("/>").trim_end();
        splices.push(Splice {
            range: data.span.clone(),
            order: (0, 0),
            text: format!("{open}>{new_rows}</{p}sheetData>"),
        });
    }
    // Insertions before replacements at the same place; then row and column order.
    splices.sort_by_key(|s| (s.range.start, !s.range.is_empty(), s.order));
    let mut out = String::with_capacity(xml.len() + 1024);
    let mut at = 0;
    for s in splices {
        if s.range.start < at {
            return Err("overlapping cell positions".to_owned());
        }
        out.push_str(xml.get(at..s.range.start).ok_or("bad cell position")?);
        out.push_str(&s.text);
        at = s.range.end;
    }
    out.push_str(xml.get(at..).ok_or("bad cell position")?);
    Ok(out)
}

/// The style of the cell as in the template, or the one an absent cell shows.
fn existing_style(sheet: &Sheet, r: u32, c: u32) -> Option<String> {
    match sheet.cell(r, c) {
        Some(cell) => cell.style.clone(),
        None => sheet.default_style(r, c),
    }
}

/// Where the end tag of an element starts, given the range from the end of its start tag to its
/// end.
fn end_tag_start(xml: &str, range: Range<usize>) -> Option<usize> {
    let start = range.start;
    xml.get(range)?.rfind("</").map(|i| start + i)
}

fn render(p: &str, r: u32, c: u32, style: Option<&str>, value: &NewValue) -> String {
    let reference = a1(r, c);
    let s = style.map(|s| format!(" s=\"{}\"", escape_attr(s))).unwrap_or_default();
    match value {
        NewValue::Number(n) => format!("<{p}c r=\"{reference}\"{s}><{p}v>{n}</{p}v></{p}c>"),
        NewValue::Text(t) => {
            let space = if t.starts_with(char::is_whitespace) || t.ends_with(char::is_whitespace) {
                " xml:space=\"preserve\""
            } else {
                ""
            };
            let text = escape_cell_text(t);
            format!(
                "<{p}c r=\"{reference}\"{s} t=\"inlineStr\"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>"
            )
        }
        NewValue::Empty => format!("<{p}c r=\"{reference}\"{s}/>"),
    }
}

/// The elements that come before `calcPr` in a workbook (ECMA-376 CT_Workbook order).
const BEFORE_CALC_PR: [&str; 9] = [
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
];

/// Sets `fullCalcOnLoad="1"` on `<calcPr>` (adding the element if the workbook has none),
/// changing nothing else.
pub(crate) fn full_calc_on_load(xml: &str) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut prefix = String::new();
    let mut insert_after: Option<usize> = None;
    let mut root_end: Option<usize> = None;
    loop {
        let before = usize::try_from(reader.buffer_position()).map_err(|e| e.to_string())?;
        let event = reader.read_event().map_err(|e| e.to_string())?;
        let after = usize::try_from(reader.buffer_position()).map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) | Event::Empty(e) if depth == 1 && local(&e) == "calcPr" => {
                let tag = xml.get(before..after).ok_or("bad calcPr position")?;
                let new_tag = set_attribute(tag, e.name().as_ref().len(), "fullCalcOnLoad", "1");
                return Ok(format!("{}{new_tag}{}", &xml[..before], &xml[after..]));
            }
            Event::Start(e) => {
                if depth == 0 {
                    prefix = e.name().as_ref().strip_suffix("workbook").unwrap_or("").to_owned();
                }
                depth += 1;
            }
            Event::Empty(e) if depth == 1 && BEFORE_CALC_PR.contains(&local(&e).as_str()) => {
                insert_after = Some(after);
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if depth == 1 && BEFORE_CALC_PR.contains(&e.local_name().as_ref()) {
                    insert_after = Some(after);
                }
                if depth == 0 {
                    root_end = Some(before);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let at = insert_after.or(root_end).ok_or("the workbook part has no workbook element")?;
    Ok(format!("{}<{prefix}calcPr fullCalcOnLoad=\"1\"/>{}", &xml[..at], &xml[at..]))
}

/// Sets an attribute in a start tag's text (`<calcPr calcId="1"/>`), keeping the rest of the text.
fn set_attribute(tag: &str, name_len: usize, name: &str, value: &str) -> String {
    // Look for ` name=` (any spacing around `=`) and replace the quoted value.
    let bytes = tag.as_bytes();
    let mut search = 0;
    while let Some(found) = tag[search..].find(name).map(|i| i + search) {
        let end = found + name.len();
        let preceded = found > 0 && bytes[found - 1].is_ascii_whitespace();
        let rest = &tag[end..];
        let after_eq = rest.trim_start().strip_prefix('=').map(str::trim_start);
        if preceded && let Some(after_eq) = after_eq {
            let quote_at = tag.len() - after_eq.len();
            if let Some(quote) = after_eq.chars().next().filter(|c| *c == '"' || *c == '\'')
                && let Some(close) = after_eq[1..].find(quote)
            {
                let value_start = quote_at + 1;
                let value_end = value_start + close;
                return format!("{}{value}{}", &tag[..value_start], &tag[value_end..]);
            }
        }
        search = end;
    }
    let at = 1 + name_len;
    format!("{} {name}=\"{value}\"{}", &tag[..at], &tag[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calc_pr_gets_full_calc_on_load() {
        let w = |body: &str| format!("<?xml version=\"1.0\"?><workbook xmlns=\"x\">{body}</workbook>");
        assert_eq!(
            full_calc_on_load(&w("<sheets/><calcPr calcId=\"191028\"/>")).unwrap(),
            w("<sheets/><calcPr fullCalcOnLoad=\"1\" calcId=\"191028\"/>")
        );
        assert_eq!(
            full_calc_on_load(&w("<calcPr fullCalcOnLoad = '0' calcId=\"1\"/>")).unwrap(),
            w("<calcPr fullCalcOnLoad = '1' calcId=\"1\"/>")
        );
        assert_eq!(
            full_calc_on_load(&w("<sheets><sheet/></sheets><definedNames/><extLst/>")).unwrap(),
            w("<sheets><sheet/></sheets><definedNames/><calcPr fullCalcOnLoad=\"1\"/><extLst/>")
        );
        assert_eq!(
            full_calc_on_load("<x:workbook xmlns:x=\"x\"><x:sheets/></x:workbook>").unwrap(),
            "<x:workbook xmlns:x=\"x\"><x:sheets/><x:calcPr fullCalcOnLoad=\"1\"/></x:workbook>"
        );
        assert_eq!(
            full_calc_on_load("<workbook></workbook>").unwrap(),
            "<workbook><calcPr fullCalcOnLoad=\"1\"/></workbook>"
        );
    }

    fn sheet_of(xml: &str) -> Sheet {
        crate::sheet::parse(xml, &[]).unwrap()
    }

    #[test]
    fn cells_are_replaced_or_inserted_in_order() {
        let xml = "<worksheet><cols><col min=\"13\" max=\"13\" style=\"9\"/></cols><sheetData>\
                   <row r=\"3\"><c r=\"F3\"/><c r=\"G3\" s=\"18\"><v>1</v></c><c r=\"I3\" s=\"2\"><f>G3</f><v>1</v></c></row>\
                   <row r=\"5\"/>\
                   <row r=\"7\" s=\"4\" customFormat=\"1\"><c r=\"A7\"/></row>\
                   </sheetData><mergeCells/></worksheet>";
        let sheet = sheet_of(xml);
        let edits = vec![
            (3, 7, NewValue::Number("5".into())),
            (3, 8, NewValue::Text("N/A".into())),
            (3, 13, NewValue::Text(" <a&b> ".into())),
            (5, 7, NewValue::Empty),
            (4, 7, NewValue::Number("2".into())),
            (7, 8, NewValue::Number("3".into())),
            (9, 1, NewValue::Number("1".into())),
        ];
        let out = apply(xml, &sheet, edits).unwrap();
        assert_eq!(
            out,
            "<worksheet><cols><col min=\"13\" max=\"13\" style=\"9\"/></cols><sheetData>\
             <row r=\"3\"><c r=\"F3\"/><c r=\"G3\" s=\"18\"><v>5</v></c>\
             <c r=\"H3\" t=\"inlineStr\"><is><t>N/A</t></is></c>\
             <c r=\"I3\" s=\"2\"><f>G3</f><v>1</v></c>\
             <c r=\"M3\" s=\"9\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> &lt;a&amp;b&gt; </t></is></c></row>\
             <row r=\"4\"><c r=\"G4\"><v>2</v></c></row>\
             <row r=\"5\"><c r=\"G5\"/></row>\
             <row r=\"7\" s=\"4\" customFormat=\"1\"><c r=\"A7\"/><c r=\"H7\" s=\"4\"><v>3</v></c></row>\
             <row r=\"9\"><c r=\"A9\"><v>1</v></c></row>\
             </sheetData><mergeCells/></worksheet>"
        );
        let again = sheet_of(&out);
        assert_eq!(again.value(3, 8), &crate::sheet::Value::Text("N/A".into()));
        assert_eq!(again.value(3, 13), &crate::sheet::Value::Text(" <a&b> ".into()));
    }

    #[test]
    fn an_empty_sheet_data_gets_rows() {
        let xml = "<x:worksheet xmlns:x=\"s\"><x:sheetData/></x:worksheet>";
        let out = apply(xml, &sheet_of(xml), vec![(2, 1, NewValue::Number("1".into()))]).unwrap();
        assert_eq!(
            out,
            "<x:worksheet xmlns:x=\"s\"><x:sheetData><x:row r=\"2\"><x:c r=\"A2\"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"
        );
    }
}
