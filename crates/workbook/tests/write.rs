//! Filling the official workbook: what is written reads back, and nothing else changes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};

use proptest::prelude::*;
use time::macros::date;
use ward_workbook::{Fill, Score, Workbook, read, write};

fn fill(id: &str, documentation: Score, implementation: Score, comment: Option<&str>) -> Fill {
    Fill { id: id.to_owned(), documentation, implementation, comment: comment.map(str::to_owned) }
}

/// Raw (still compressed) bytes and method of every entry.
fn raw_entries(bytes: &[u8]) -> Vec<(String, zip::CompressionMethod, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index_raw(i).unwrap();
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            (file.name().unwrap().into_owned(), file.compression(), data)
        })
        .collect()
}

/// The XML of each `<c>` element by reference, and each `<row …>` start tag, in order.
fn cells_and_rows(xml: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut cells = BTreeMap::new();
    let mut at = 0;
    while let Some(found) = xml[at..].find("<c r=\"") {
        let start = at + found;
        let reference = &xml[start + 6..start + 6 + xml[start + 6..].find('"').unwrap()];
        let range = common::cell_range(&xml[start..], reference);
        cells.insert(reference.to_owned(), xml[start..start + range.end].to_owned());
        at = start + range.end;
    }
    let rows = xml
        .match_indices("<row ")
        .map(|(i, _)| xml[i..i + xml[i..].find('>').unwrap() + 1].to_owned())
        .collect();
    (cells, rows)
}

/// Parses the whole document with quick-xml (end tags checked): it is well-formed.
fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed at {}: {e}", reader.error_position()),
        }
    }
}

fn style_of(cell_xml: &str) -> Option<String> {
    let open = &cell_xml[..cell_xml.find('>').unwrap()];
    open.find(" s=\"").map(|i| open[i + 4..i + 4 + open[i + 4..].find('"').unwrap()].to_owned())
}

#[test]
fn only_the_input_cells_change() {
    let Some(template) = common::template() else { return };
    let fills = [
        fill("GV.OC-01.1", Score::Level(5), Score::Level(5), Some("Tested <&\"'> — Hôpital ✓")),
        fill("GV.OC-02.1", Score::NotApplicable, Score::Empty, None),
        fill("PR.IR-04.1", Score::Level(3), Score::Level(2), Some("")),
        fill("RC.CO-04.3", Score::Level(4), Score::NotApplicable, Some("  spaced\r\nlines\u{7}  ")),
    ];
    let out = write(&template, &fills, Some(date!(2026 - 03 - 15))).unwrap_or_else(|e| panic!("{e}"));

    // Inputs (sheet → cells) and the parts they live in.
    let mut inputs: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (sheet, refs) in [
        ("GOVERN", vec!["G3", "H3", "M3", "G4", "H4"]),
        ("PROTECT", vec!["G81", "H81", "M81"]),
        ("RECOVER", vec!["G10", "H10", "M10"]),
        ("Introduction", vec!["T31"]),
    ] {
        inputs.insert(sheet, refs.into_iter().map(str::to_owned).collect());
    }
    let touched: BTreeMap<String, &str> =
        inputs.keys().map(|s| (common::sheet_part(&template, s), *s)).collect();

    let before = raw_entries(&template);
    let after = raw_entries(&out);
    assert_eq!(
        before.iter().map(|e| (&e.0, e.1)).collect::<Vec<_>>(),
        after.iter().map(|e| (&e.0, e.1)).collect::<Vec<_>>(),
        "same entries, same order, same compression"
    );
    let plain_before: BTreeMap<String, Vec<u8>> = common::entries(&template).into_iter().collect();
    let plain_after: BTreeMap<String, Vec<u8>> = common::entries(&out).into_iter().collect();
    for ((name, _, raw_before), (_, _, raw_after)) in before.iter().zip(&after) {
        if name == "xl/workbook.xml" {
            let b = String::from_utf8(plain_before[name].clone()).unwrap();
            let a = String::from_utf8(plain_after[name].clone()).unwrap();
            assert!(a.contains("<calcPr fullCalcOnLoad=\"1\" calcId=\"191028\"/>"));
            assert_eq!(a.replacen(" fullCalcOnLoad=\"1\"", "", 1), b);
        } else if let Some(sheet) = touched.get(name) {
            let b = String::from_utf8(plain_before[name].clone()).unwrap();
            let a = String::from_utf8(plain_after[name].clone()).unwrap();
            assert_well_formed(&a);
            // Everything around sheetData (cols, mergeCells, conditional formatting, data
            // validations, protection, …) is byte-identical.
            let split = |x: &str| {
                let (s, e) = (x.find("<sheetData>").unwrap(), x.rfind("</sheetData>").unwrap());
                (x[..s].to_owned(), x[s..e].to_owned(), x[e..].to_owned())
            };
            let (b_head, b_data, b_tail) = split(&b);
            let (a_head, a_data, a_tail) = split(&a);
            assert_eq!(a_head, b_head, "{sheet}");
            assert_eq!(a_tail, b_tail, "{sheet}");
            let (b_cells, b_rows) = cells_and_rows(&b_data);
            let (a_cells, a_rows) = cells_and_rows(&a_data);
            assert_eq!(a_rows, b_rows, "{sheet}: row tags");
            let filled = &inputs[sheet];
            assert_eq!(
                a_cells.keys().collect::<BTreeSet<_>>(),
                b_cells.keys().chain(filled.iter()).collect::<BTreeSet<_>>(),
                "{sheet}"
            );
            for (reference, cell) in &b_cells {
                if filled.contains(reference) {
                    assert_eq!(
                        style_of(&a_cells[reference]),
                        style_of(cell),
                        "{sheet}!{reference}: style kept"
                    );
                } else {
                    assert_eq!(&a_cells[reference], cell, "{sheet}!{reference}");
                }
            }
        } else {
            assert_eq!(raw_after, raw_before, "{name}: compressed bytes copied as they are");
            assert_eq!(plain_after[name], plain_before[name], "{name}");
        }
    }

    // And the values read back.
    let wb = read(&out).unwrap_or_else(|e| panic!("{e}"));
    let row = |id| wb.row(id).unwrap();
    assert_eq!(row("GV.OC-01.1").documentation, Score::Level(5));
    assert_eq!(row("GV.OC-01.1").comment.as_deref(), Some("Tested <&\"'> — Hôpital ✓"));
    assert_eq!(
        (row("GV.OC-02.1").documentation, row("GV.OC-02.1").implementation),
        (Score::NotApplicable, Score::Empty)
    );
    assert_eq!(row("PR.IR-04.1").comment, None);
    assert_eq!(row("RC.CO-04.3").implementation, Score::NotApplicable);
    assert_eq!(row("RC.CO-04.3").comment.as_deref(), Some("  spaced\r\nlines\u{7}  "));
    assert_eq!(row("GV.OC-03.1").documentation, Score::Level(1), "untouched rows keep their values");
    assert_eq!(wb.completion_date, Some(date!(2026 - 03 - 15)));
    assert_eq!(wb.structure, read(&template).unwrap().structure);
}

#[test]
fn writing_nothing_changes_only_calc_pr() {
    let Some(template) = common::template() else { return };
    let out = write(&template, &[], None).unwrap();
    let before = common::entries(&template);
    let after = common::entries(&out);
    assert_eq!(before.len(), after.len());
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        if name != "xl/workbook.xml" {
            assert_eq!(a, b, "{name}");
        }
    }
    // Writing twice is stable.
    assert_eq!(common::entries(&write(&out, &[], None).unwrap()), after);
}

/// Comments with markup characters, non-ASCII, whitespace at the ends, line breaks, control
/// characters and the `_xHHHH_` escape syntax itself.
fn comment() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some(String::new())),
        "[a-z <>&\"'éß€🚀\\n\\r\\t_x0-9D\u{1}\u{1f}]{1,40}".prop_map(Some),
        Just(Some("_x000D_ and _x005F_".to_owned())),
    ]
}

fn score(na_allowed: bool) -> impl Strategy<Value = Score> {
    prop_oneof![
        4 => (1u8..=5).prop_map(Score::Level),
        1 => Just(if na_allowed { Score::NotApplicable } else { Score::Level(3) }),
        1 => Just(Score::Empty),
    ]
}

fn fills(wb: &Workbook) -> impl Strategy<Value = Vec<Fill>> {
    let rows: Vec<(String, bool)> = wb.rows.iter().map(|r| (r.id.clone(), r.na_allowed)).collect();
    proptest::sample::subsequence(rows, 0..=30).prop_flat_map(|chosen| {
        chosen
            .into_iter()
            .map(|(id, na)| {
                (score(na), score(na), comment()).prop_map(move |(d, i, c)| Fill {
                    id: id.clone(),
                    documentation: d,
                    implementation: i,
                    comment: c,
                })
            })
            .collect::<Vec<_>>()
    })
}

#[test]
fn what_is_written_reads_back() {
    let Some(template) = common::template() else { return };
    let blank = read(&template).unwrap();
    let days = 0i64..=40_000;
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: 24, ..ProptestConfig::default() });
    runner
        .run(&(fills(&blank), proptest::option::of(days)), |(fills, day)| {
            let completion = day.map(|d| date!(1950 - 01 - 01) + time::Duration::days(d));
            let out = write(&template, &fills, completion).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let wb = read(&out).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&wb.structure, &blank.structure);
            prop_assert_eq!(wb.completion_date, completion.or(blank.completion_date));
            for row in &wb.rows {
                match fills.iter().find(|f| f.id == row.id) {
                    Some(f) => {
                        prop_assert_eq!(row.documentation, f.documentation, "{}", row.id);
                        prop_assert_eq!(row.implementation, f.implementation, "{}", row.id);
                        let expected = f.comment.clone().filter(|c| !c.is_empty());
                        prop_assert_eq!(&row.comment, &expected, "{}", row.id);
                    }
                    None => prop_assert_eq!(row, blank.row(&row.id).unwrap()),
                }
            }
            Ok(())
        })
        .unwrap();
}
