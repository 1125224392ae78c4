//! Workbooks arrive as uploads: `read` answers any bytes with a workbook or an error and never
//! panics; a workbook it accepts can be filled by `write`, and the result reads again with the
//! values written.
//!
//! Seed the corpus with the official workbook for depth (it is not committed):
//! `mkdir -p corpus/workbook && cp ../../shared/data/cyfun/*.xlsx corpus/workbook/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_workbook::{Fill, Score, read, write};

fuzz_target!(|data: &[u8]| {
    let Ok(workbook) = read(data) else { return };
    let fills: Vec<Fill> = workbook
        .rows
        .iter()
        .take(3)
        .map(|r| Fill {
            id: r.id.clone(),
            documentation: Score::Level(4),
            implementation: if r.na_allowed { Score::NotApplicable } else { Score::Level(2) },
            comment: Some("<&>\"'".to_owned()),
        })
        .collect();
    let out = write(data, &fills, None).expect("a workbook that reads can be filled");
    let again = read(&out).expect("a filled workbook reads");
    assert_eq!(again.structure, workbook.structure);
    for fill in &fills {
        let row = again.row(&fill.id).expect("the filled row is still there");
        assert_eq!((row.documentation, row.implementation), (fill.documentation, fill.implementation));
        assert_eq!(row.comment, fill.comment);
    }
});
