//! Shared by the integration tests: the official workbook (never copied into the repository)
//! and low-level zip/XML surgery to build broken variants of it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

/// The CCB's workbook, beside the repository (see `shared/data/cyfun/README.md`).
pub const TEMPLATE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/cyfun/CyFun2025_Self-Assessment_tool_ESSENTIAL_v3.1.xlsx"
);

/// The official workbook's bytes; `None` (with a note) when it is absent on a developer machine.
/// Absent while `WARD_TEST_REQUIRE_WORKBOOK` or `CI` is set, it fails the test instead.
pub fn template() -> Option<Vec<u8>> {
    match std::fs::read(TEMPLATE) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            let required =
                std::env::var_os("WARD_TEST_REQUIRE_WORKBOOK").is_some() || std::env::var_os("CI").is_some();
            assert!(
                !required,
                "the official CyFun workbook is required here but cannot be read at {TEMPLATE}: {e}"
            );
            eprintln!("note: {TEMPLATE} is missing ({e}); skipping");
            None
        }
    }
}

/// Every entry of a zip archive, in order, decompressed.
pub fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().into_owned(), data)
        })
        .collect()
}

/// A zip archive of the given entries (deflated).
pub fn zip_of(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The same archive with one entry's text changed.
pub fn patch_entry(bytes: &[u8], name: &str, change: impl FnOnce(String) -> String) -> Vec<u8> {
    let mut all = entries(bytes);
    let entry = all.iter_mut().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no entry {name}"));
    entry.1 = change(String::from_utf8(entry.1.clone()).unwrap()).into_bytes();
    zip_of(&all)
}

/// The part path of a sheet (`GOVERN` → `xl/worksheets/sheet3.xml`), found by plain text search.
pub fn sheet_part(bytes: &[u8], sheet: &str) -> String {
    let all: BTreeMap<String, Vec<u8>> = entries(bytes).into_iter().collect();
    let workbook = String::from_utf8(all["xl/workbook.xml"].clone()).unwrap();
    let tag_at = workbook.find(&format!("<sheet name=\"{sheet}\"")).unwrap();
    let tag = &workbook[tag_at..tag_at + workbook[tag_at..].find("/>").unwrap()];
    let rid = attribute(tag, "r:id");
    let rels = String::from_utf8(all["xl/_rels/workbook.xml.rels"].clone()).unwrap();
    let rel_at = rels.find(&format!("Id=\"{rid}\"")).unwrap();
    let start = rels[..rel_at].rfind('<').unwrap();
    let rel = &rels[start..start + rels[start..].find("/>").unwrap()];
    format!("xl/{}", attribute(rel, "Target"))
}

fn attribute(tag: &str, name: &str) -> String {
    let at = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    tag[at..at + tag[at..].find('"').unwrap()].to_owned()
}

/// The byte range of the `<c r="REF" …>` element in a sheet's XML.
pub fn cell_range(xml: &str, reference: &str) -> std::ops::Range<usize> {
    let start = xml.find(&format!("<c r=\"{reference}\"")).unwrap_or_else(|| panic!("no cell {reference}"));
    let open_end = start + xml[start..].find('>').unwrap() + 1;
    if xml[..open_end].ends_with("/>") {
        return start..open_end;
    }
    start..open_end + xml[open_end..].find("</c>").unwrap() + 4
}

/// The workbook with one cell's XML replaced (e.g. `<c r="G7" s="18"><v>0</v></c>`).
pub fn set_cell_xml(bytes: &[u8], sheet: &str, reference: &str, cell_xml: &str) -> Vec<u8> {
    let part = sheet_part(bytes, sheet);
    patch_entry(bytes, &part, |mut xml| {
        let range = cell_range(&xml, reference);
        xml.replace_range(range, cell_xml);
        xml
    })
}

/// The `s="…"` of a cell in the workbook, for building replacements that keep the style.
pub fn cell_style(bytes: &[u8], sheet: &str, reference: &str) -> String {
    let part = sheet_part(bytes, sheet);
    let all: BTreeMap<String, Vec<u8>> = entries(bytes).into_iter().collect();
    let xml = String::from_utf8(all[&part].clone()).unwrap();
    let range = cell_range(&xml, reference);
    let cell = &xml[range];
    let open = &cell[..cell.find('>').unwrap()];
    if open.contains(" s=\"") { attribute(open, "s") } else { String::new() }
}

/// Sets a cell to a number (keeping its style).
pub fn set_number(bytes: &[u8], sheet: &str, reference: &str, value: &str) -> Vec<u8> {
    let s = cell_style(bytes, sheet, reference);
    set_cell_xml(bytes, sheet, reference, &format!("<c r=\"{reference}\" s=\"{s}\"><v>{value}</v></c>"))
}

/// Sets a cell to inline text (keeping its style).
pub fn set_text(bytes: &[u8], sheet: &str, reference: &str, value: &str) -> Vec<u8> {
    let s = cell_style(bytes, sheet, reference);
    set_cell_xml(
        bytes,
        sheet,
        reference,
        &format!("<c r=\"{reference}\" s=\"{s}\" t=\"inlineStr\"><is><t>{value}</t></is></c>"),
    )
}

/// Sets a cell's formula (keeping its style and cached value).
pub fn set_formula(bytes: &[u8], sheet: &str, reference: &str, formula: &str) -> Vec<u8> {
    let s = cell_style(bytes, sheet, reference);
    set_cell_xml(
        bytes,
        sheet,
        reference,
        &format!("<c r=\"{reference}\" s=\"{s}\"><f>{formula}</f><v>1</v></c>"),
    )
}
