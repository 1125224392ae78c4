//! LibreOffice recalculates what `ward_workbook::write` fills in (the file keeps the template's
//! stale cached results), and its results are the official formulas' results.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;

use ward_testkit::libreoffice::soffice;
use ward_testkit::{cached_numbers, recalculate_with_libreoffice};
use ward_workbook::{Fill, Score, write};

use ward_testkit::libreoffice::official_workbook as template;

fn fill(id: &str, documentation: Score, implementation: Score) -> Fill {
    Fill { id: id.to_owned(), documentation, implementation, comment: None }
}

/// The archive with `xl/workbook.xml` taken from `original`: the values are new, but nothing in
/// the file asks for a recalculation.
fn without_full_calc_on_load(filled: &[u8], original: &[u8]) -> Vec<u8> {
    let read_all = |bytes: &[u8]| {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        (0..archive.len())
            .map(|i| {
                let mut file = archive.by_index(i).unwrap();
                let mut data = Vec::new();
                file.read_to_end(&mut data).unwrap();
                (file.name().unwrap().into_owned(), data)
            })
            .collect::<Vec<_>>()
    };
    let old = read_all(original);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in read_all(filled) {
        let data = if name == "xl/workbook.xml" {
            old.iter().find(|(n, _)| *n == name).unwrap().1.clone()
        } else {
            data
        };
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn libreoffice_recalculates_what_write_fills_in() {
    let Some(template) = template() else { return };
    if soffice().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();

    // GV.OC-01.1 alone at 5 (GOVERN!I3 = 5, the other four GV.OC subcategories at 1), and
    // PR.AA-06.1 at 5 (its subcategory PROTECT!I25 = AVERAGE(5,1,1,1) = 2).
    let filled = write(
        &template,
        &[
            fill("GV.OC-01.1", Score::Level(5), Score::Level(5)),
            fill("PR.AA-06.1", Score::Level(5), Score::Level(5)),
        ],
        None,
    )
    .unwrap();
    // N/A counts as 3 in both averages of its row.
    let not_applicable =
        write(&template, &[fill("GV.OC-01.1", Score::NotApplicable, Score::Level(5))], None).unwrap();
    // The same values without fullCalcOnLoad: the profile, not the file, forces recalculation.
    let plain = without_full_calc_on_load(&filled, &template);

    let cells = [
        ("GOVERN", "K3"),
        ("GOVERN", "L3"),
        ("PROTECT", "K3"),
        ("PROTECT", "L3"),
        ("ESSENTIAL Summary", "D5"),
        ("ESSENTIAL Summary", "D14"),
        ("ESSENTIAL Summary", "M4"),
    ];
    // Written files keep the template's cached results.
    assert_eq!(cached_numbers(&filled, &cells[..2]).unwrap(), [Some(1.0), Some(1.0)]);

    let mut files: Vec<PathBuf> = Vec::new();
    for (name, bytes) in [("filled", &filled), ("not-applicable", &not_applicable), ("plain", &plain)] {
        let path = inputs.join(format!("{name}.xlsx"));
        std::fs::write(&path, bytes).unwrap();
        files.push(path);
    }
    let outputs = recalculate_with_libreoffice(&files, &dir.path().join("out")).unwrap();
    assert_eq!(outputs.len(), 3);

    let pr_aa_documentation = 7.0 / 6.0; // AVERAGE(I3, I8, I10, I15, I16, I25) = (5 × 1 + 2) / 6
    let pr_aa = (pr_aa_documentation + 1.0) / 2.0; // PROTECT!L3 averages J3:J24 only: PR.AA-06 is left out
    let total = (1.8 + pr_aa + 20.0) / 22.0;
    for output in [&outputs[0], &outputs[2]] {
        let values = cached_numbers(&std::fs::read(output).unwrap(), &cells).unwrap();
        let expected = [1.8, 1.8, pr_aa_documentation, 1.0, 1.8, pr_aa, total];
        for ((cell, value), want) in cells.iter().zip(&values).zip(expected) {
            assert!(close(*value, want), "{}: {cell:?} = {value:?}, expected {want}", output.display());
        }
    }
    let values = cached_numbers(&std::fs::read(&outputs[1]).unwrap(), &cells[..2]).unwrap();
    // I3 = 3 (N/A), J3 = 3 (its row has an N/A): (3 + 4 × 1) / 5.
    assert!(close(values[0], 1.4) && close(values[1], 1.4), "{values:?}");
}

#[test]
fn refuses_colliding_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("x.xlsx"), b"").unwrap();
    std::fs::write(b.join("x.xlsx"), b"").unwrap();
    if soffice().is_none() {
        return;
    }
    let e = recalculate_with_libreoffice(&[a.join("x.xlsx"), b.join("x.xlsx")], &dir.path().join("out"))
        .unwrap_err();
    assert!(e.to_string().contains("collide"), "{e}");
    let e = recalculate_with_libreoffice(&[a.join("x.xlsx")], &a).unwrap_err();
    assert!(e.to_string().contains("overwrite"), "{e}");
}
