//! What `read` and `write` refuse, and how they say it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use time::macros::date;
use ward_workbook::{CellErrorKind, Fill, FillErrorKind, Score, WorkbookError, read, write};

fn err(bytes: &[u8]) -> WorkbookError {
    read(bytes).expect_err("the workbook must be refused")
}

#[test]
fn bytes_that_are_no_workbook() {
    assert!(matches!(err(b""), WorkbookError::NotXlsx(_)));
    let e = err(b"PK\x03\x04 definitely not a zip");
    assert!(matches!(e, WorkbookError::NotXlsx(_)), "{e:?}");
    assert!(e.to_string().starts_with("not an Excel workbook (.xlsx): the file is not a zip archive"), "{e}");

    // A zip of something else.
    let other = common::zip_of(&[("notes.txt".to_owned(), b"hello".to_vec())]);
    assert!(matches!(err(&other), WorkbookError::NotXlsx(_)));
    // An Office package whose main document is not a workbook.
    let docx = common::zip_of(&[
        ("[Content_Types].xml".to_owned(), b"<Types/>".to_vec()),
        (
            "_rels/.rels".to_owned(),
            br#"<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_vec(),
        ),
        ("word/document.xml".to_owned(), b"<document><body/></document>".to_vec()),
    ]);
    let e = err(&docx);
    assert!(matches!(e, WorkbookError::NotXlsx(_)), "{e:?}");
}

#[test]
fn truncated_workbooks() {
    let Some(template) = common::template() else { return };
    for len in [0, 4, 100, template.len() / 3, template.len() / 2, template.len() - 22, template.len() - 1] {
        let e = err(&template[..len]);
        assert!(matches!(e, WorkbookError::NotXlsx(_) | WorkbookError::Corrupt { .. }), "{len}: {e:?}");
    }
}

#[test]
fn a_missing_sheet() {
    let Some(template) = common::template() else { return };
    let bytes = common::patch_entry(&template, "xl/workbook.xml", |x| {
        x.replace("name=\"RECOVER\"", "name=\"Recovery\"")
    });
    assert_eq!(err(&bytes), WorkbookError::MissingSheet { sheet: "RECOVER".into() });
}

#[test]
fn another_edition() {
    let Some(template) = common::template() else { return };
    let basic = common::patch_entry(&template, "xl/workbook.xml", |x| {
        x.replace("name=\"ESSENTIAL Summary\"", "name=\"BASIC Summary\"")
    });
    let e = err(&basic);
    assert_eq!(
        e,
        WorkbookError::WrongEdition { found: "BASIC".into(), location: "sheet \"BASIC Summary\"".into() }
    );
    assert!(e.to_string().contains("this is the BASIC edition"), "{e}");

    let important = common::set_text(&template, "GOVERN", "G1", "IMPORTANT");
    let e = err(&important);
    assert_eq!(e, WorkbookError::WrongEdition { found: "IMPORTANT".into(), location: "GOVERN!G1".into() });
    assert!(e.to_string().contains("GOVERN!G1"), "{e}");
}

#[test]
fn every_bad_score_is_reported_with_its_cell() {
    let Some(template) = common::template() else { return };
    let mut bytes = common::set_number(&template, "GOVERN", "G7", "0");
    bytes = common::set_number(&bytes, "GOVERN", "H7", "6");
    bytes = common::set_text(&bytes, "GOVERN", "G8", "x");
    bytes = common::set_number(&bytes, "IDENTIFY", "G3", "2.5");
    bytes = common::set_cell_xml(&bytes, "RECOVER", "H4", "<c r=\"H4\" s=\"18\" t=\"e\"><v>#N/A</v></c>");
    // Accepted: N/A in any case, and an empty cell.
    bytes = common::set_text(&bytes, "DETECT", "G3", "n/a");
    bytes = common::set_cell_xml(&bytes, "DETECT", "H3", "<c r=\"H3\" s=\"18\"/>");

    let e = err(&bytes);
    let found: Vec<(String, String)> = e
        .cell_errors()
        .iter()
        .map(|c| {
            (
                c.location(),
                match &c.kind {
                    CellErrorKind::InvalidScore { found, .. } => found.clone(),
                    other => panic!("{other:?}"),
                },
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("GOVERN!G7".to_owned(), "0".to_owned()),
            ("GOVERN!H7".to_owned(), "6".to_owned()),
            ("GOVERN!G8".to_owned(), "the text \"x\"".to_owned()),
            ("IDENTIFY!G3".to_owned(), "2.5".to_owned()),
            ("RECOVER!H4".to_owned(), "the error value #N/A".to_owned()),
        ]
    );
    let text = e.to_string();
    assert!(text.starts_with("the workbook has 5 problems:\n"), "{text}");
    assert!(
        text.contains(
            "GOVERN!G7: the documentation score must be 1, 2, 3, 4, 5 or N/A, but the cell holds 0"
        ),
        "{text}"
    );
    assert!(text.contains("GOVERN!H7: the implementation score must be"), "{text}");

    // Without those, the accepted ones read.
    let mut ok = common::set_text(&template, "DETECT", "G3", "n/a");
    ok = common::set_cell_xml(&ok, "DETECT", "H3", "<c r=\"H3\" s=\"18\"/>");
    let wb = read(&ok).unwrap();
    let row = wb.row("DE.CM-01.1").unwrap();
    assert_eq!((row.documentation, row.implementation), (Score::NotApplicable, Score::Empty));
}

#[test]
fn a_modified_formula_is_named() {
    let Some(template) = common::template() else { return };
    let bytes = common::set_formula(&template, "GOVERN", "I3", "IF(OR($G3=\"N/A\",$H3=\"N/A\"),2,$G3)");
    let e = err(&bytes);
    let errors = e.cell_errors();
    assert_eq!(errors[0].location(), "GOVERN!I3");
    assert!(
        matches!(&errors[0].kind, CellErrorKind::UnexpectedFormula { found, .. } if found == "IF(OR($G3=\"N/A\",$H3=\"N/A\"),2,$G3)"),
        "{errors:?}"
    );
    assert!(
        e.to_string()
            .contains("GOVERN!I3: the formula =IF(OR($G3=\"N/A\",$H3=\"N/A\"),2,$G3) is not the official"),
        "{e}"
    );

    // A category that forgets a subcategory.
    let bytes = common::set_formula(&template, "GOVERN", "K3", "AVERAGE(I3,I4,I5,I7)");
    let e = err(&bytes);
    let locations: Vec<String> = e.cell_errors().iter().map(|c| c.location()).collect();
    assert_eq!(locations, ["GOVERN!I11"], "{e}");
    assert!(e.to_string().contains("not counted by any category formula"), "{e}");

    // The summary's total, and a category reference replaced by a number.
    let bytes = common::set_formula(&template, "ESSENTIAL Summary", "M4", "SUM(D5:D26)/22");
    assert_eq!(err(&bytes).cell_errors()[0].location(), "'ESSENTIAL Summary'!M4");
    let bytes = common::set_number(&template, "ESSENTIAL Summary", "E5", "3");
    let e = err(&bytes);
    assert!(matches!(e.cell_errors()[0].kind, CellErrorKind::MissingFormula { .. }), "{e:?}");
    assert_eq!(e.cell_errors()[0].location(), "'ESSENTIAL Summary'!E5");
    // A key measure pointing at the wrong implementation cell.
    let bytes = common::set_formula(&template, "ESSENTIAL Summary", "Q30", "IDENTIFY!H20");
    assert_eq!(err(&bytes).cell_errors()[0].location(), "'ESSENTIAL Summary'!Q30");
}

#[test]
fn requirement_ids_and_levels() {
    let Some(template) = common::template() else { return };
    let mut bytes = common::set_text(&template, "GOVERN", "F3", "Something else");
    bytes = common::set_text(&bytes, "GOVERN", "E4", "Optional");
    bytes = common::set_text(&bytes, "GOVERN", "F6", "GV.OC-03.1: twice");
    let e = err(&bytes);
    let kinds: Vec<(String, &CellErrorKind)> =
        e.cell_errors().iter().map(|c| (c.location(), &c.kind)).collect();
    assert!(
        kinds.iter().any(|(l, k)| l == "GOVERN!F3" && matches!(k, CellErrorKind::InvalidRequirement { .. })),
        "{e}"
    );
    assert!(
        kinds.iter().any(|(l, k)| l == "GOVERN!E4" && matches!(k, CellErrorKind::InvalidLevel { .. })),
        "{e}"
    );
    assert!(
        kinds.iter().any(|(l, k)| l == "GOVERN!F6"
            && matches!(k, CellErrorKind::DuplicateRequirement { first, .. } if first == "GOVERN!F5")),
        "{e}"
    );
}

#[test]
fn a_completion_date_that_is_no_date() {
    let Some(template) = common::template() else { return };
    let e = err(&common::set_text(&template, "Introduction", "T31", "last week"));
    assert_eq!(e.cell_errors()[0].location(), "Introduction!T31");
    assert!(matches!(e.cell_errors()[0].kind, CellErrorKind::InvalidDate { .. }));
    // A date typed as ISO text is understood; an empty cell is no date.
    let wb = read(&common::set_text(&template, "Introduction", "T31", "2026-01-31")).unwrap();
    assert_eq!(wb.completion_date, Some(date!(2026 - 01 - 31)));
    let wb = read(&common::set_cell_xml(&template, "Introduction", "T31", "<c r=\"T31\"/>")).unwrap();
    assert_eq!(wb.completion_date, None);
}

fn fill(id: &str, documentation: Score, implementation: Score) -> Fill {
    Fill { id: id.to_owned(), documentation, implementation, comment: None }
}

#[test]
fn write_refuses_bad_fills_all_at_once() {
    let Some(template) = common::template() else { return };
    let fills = [
        fill("GV.OC-01.1", Score::Level(3), Score::Level(3)),
        fill("XX.YY-01.1", Score::Level(3), Score::Level(3)),
        fill("GV.OC-01.1", Score::Level(3), Score::Level(3)),
        fill("GV.OC-02.1", Score::Level(0), Score::Level(6)),
        fill("GV.RR-02.1", Score::NotApplicable, Score::Level(2)),
        Fill { comment: Some("x".repeat(32_768)), ..fill("GV.OC-03.1", Score::Empty, Score::Empty) },
    ];
    let e = write(&template, &fills, None).unwrap_err();
    let WorkbookError::Fills(errors) = &e else { panic!("{e:?}") };
    let kinds: Vec<(&str, &FillErrorKind)> = errors.iter().map(|f| (f.id.as_str(), &f.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("XX.YY-01.1", &FillErrorKind::UnknownRequirement),
            ("GV.OC-01.1", &FillErrorKind::Duplicate),
            ("GV.OC-02.1", &FillErrorKind::InvalidLevel(0)),
            ("GV.OC-02.1", &FillErrorKind::InvalidLevel(6)),
            ("GV.RR-02.1", &FillErrorKind::NotApplicableNotAllowed { cell: "GOVERN!G19".into() }),
            ("GV.OC-03.1", &FillErrorKind::CommentTooLong(32_768)),
        ]
    );
    assert!(e.to_string().contains("XX.YY-01.1: the workbook has no row for this requirement"), "{e}");

    assert_eq!(
        write(&template, &[], Some(date!(1899 - 12 - 31))).unwrap_err(),
        WorkbookError::DateOutOfRange(date!(1899 - 12 - 31))
    );
}

#[test]
fn write_refuses_a_template_that_read_refuses() {
    let Some(template) = common::template() else { return };
    let broken = common::set_number(&template, "GOVERN", "G7", "9");
    let e = write(&broken, &[fill("GV.OC-01.1", Score::Level(3), Score::Level(3))], None).unwrap_err();
    assert_eq!(e.cell_errors()[0].location(), "GOVERN!G7");
    assert!(matches!(write(b"not a workbook", &[], None), Err(WorkbookError::NotXlsx(_))));
}

#[test]
fn a_damaged_entry_that_read_does_not_need() {
    // Found by fuzzing: an entry `read` had no use for was damaged, so `read` accepted the file
    // and only `write`, copying that entry, failed. Every entry is now checked.
    let Some(template) = common::template() else { return };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&template)).unwrap();
    let start = archive.by_name("docProps/custom.xml").unwrap().header_start() as usize;
    let mut bytes = template.clone();
    bytes[start] ^= 0xff;
    let e = err(&bytes);
    assert!(matches!(&e, WorkbookError::Corrupt { .. }), "{e:?}");
    assert!(matches!(write(&bytes, &[], None), Err(WorkbookError::Corrupt { .. })));
}
