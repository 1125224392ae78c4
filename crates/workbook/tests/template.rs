//! The CCB's official workbook as it is published: what `read` extracts from it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use ward_workbook::{FUNCTION_SHEETS, Score, read};

fn ids(prefix: &str, subs: &[&str]) -> Vec<String> {
    subs.iter().map(|s| format!("{prefix}-{s}")).collect()
}

#[test]
fn the_blank_template_reads() {
    let Some(bytes) = common::template() else { return };
    let wb = read(&bytes).unwrap_or_else(|e| panic!("{e}"));

    assert_eq!(wb.structure.edition, "ESSENTIAL");
    assert_eq!(wb.structure.tool_date.as_deref(), Some("2026-02-25"));
    assert_eq!(wb.completion_date.map(|d| d.to_string()).as_deref(), Some("2026-02-20"));

    assert_eq!(wb.rows.len(), 218);
    for name in FUNCTION_SHEETS {
        assert!(wb.rows.iter().any(|r| r.sheet == name), "{name}");
    }
    for row in &wb.rows {
        assert_eq!(row.documentation, Score::Level(1), "{}", row.id);
        assert_eq!(row.implementation, Score::Level(1), "{}", row.id);
        assert_eq!(row.comment, None, "{}", row.id);
        assert!(["basic", "important", "essential"].contains(&row.level.as_str()), "{}", row.id);
        assert!(row.text.len() > 20 && !row.text.starts_with(':'), "{}", row.id);
    }
    let mut unique: Vec<&str> = wb.rows.iter().map(|r| r.id.as_str()).collect();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 218);

    // Counts per level (not cumulative) agree with the catalogue's 34 / 99 / 85.
    let count = |level: &str| wb.rows.iter().filter(|r| r.level == level).count();
    assert_eq!((count("basic"), count("important"), count("essential")), (34, 99, 85));
    assert_eq!(wb.rows.iter().filter(|r| r.key_measure).count(), 29);

    // Ids with the template's irregular spacing are read cleanly.
    for id in ["GV.RM-02.1", "PR.AA-06.3", "RS.CO-02.2", "ID.AM-01.4", "ID.AM-08.13"] {
        assert!(wb.row(id).is_some(), "{id}");
    }
    let row = wb.row("GV.OC-01.1").unwrap();
    assert_eq!((row.sheet.as_str(), row.row), ("GOVERN", 3));
    assert!(row.na_allowed);
    // Key measures and the plain `=G` rows offer only 1 to 5.
    assert!(!wb.row("GV.RR-02.1").unwrap().na_allowed);
    assert!(!wb.row("GV.RM-01.1").unwrap().na_allowed);
    assert!(!wb.row("PR.AA-01.1").unwrap().na_allowed);
    assert!(wb.rows.iter().filter(|r| r.key_measure).all(|r| !r.na_allowed));
}

#[test]
fn the_template_formulas_give_the_categories() {
    let Some(bytes) = common::template() else { return };
    let wb = read(&bytes).unwrap();
    let cats = &wb.structure.categories;
    assert_eq!(cats.len(), 22);
    let order: Vec<&str> = cats.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "GV.OC", "GV.RM", "GV.RR", "GV.PO", "GV.OV", "GV.SC", "ID.AM", "ID.RA", "ID.IM", "PR.AA",
            "PR.AT", "PR.DS", "PR.PS", "PR.IR", "DE.CM", "DE.AE", "RS.MA", "RS.AN", "RS.CO", "RS.MI",
            "RC.RP", "RC.CO"
        ]
    );

    let pr_ir = cats.iter().find(|c| c.id == "PR.IR").unwrap();
    assert_eq!((pr_ir.sheet.as_str(), pr_ir.row), ("PROTECT", 69));
    assert_eq!(
        pr_ir.groups,
        vec![
            ids("PR.IR", &["01.1", "01.2", "01.3", "01.4", "01.5", "01.6", "01.7", "01.8", "01.9"]),
            ids("PR.IR", &["02.1", "02.2"]),
            ids("PR.IR", &["03.1", "04.1"]),
        ]
    );
    let rc_co = cats.iter().find(|c| c.id == "RC.CO").unwrap();
    assert_eq!(
        rc_co.groups,
        vec![
            ids("RC.CO", &["03.1"]),
            ids("RC.CO", &["04.1"]),
            ids("RC.CO", &["04.2"]),
            ids("RC.CO", &["04.3"])
        ]
    );

    // The implementation formulas average the same cells, except PROTECT!L3 (PR.AA), which
    // stops at J24 and so leaves PR.AA-06.x out.
    for c in cats.iter().filter(|c| c.id != "PR.AA") {
        assert_eq!(c.implementation_groups, c.groups, "{}", c.id);
    }
    let pr_aa = cats.iter().find(|c| c.id == "PR.AA").unwrap();
    assert_eq!(pr_aa.groups.len(), 6);
    assert_eq!(pr_aa.implementation_groups, pr_aa.groups[..5]);
    assert_eq!(pr_aa.groups[5], ids("PR.AA", &["06.1", "06.2", "06.3", "06.4"]));

    // Every requirement is in exactly one group of its own category.
    let mut grouped: Vec<&str> =
        cats.iter().flat_map(|c| c.groups.iter().flatten()).map(String::as_str).collect();
    assert_eq!(grouped.len(), 218);
    grouped.sort_unstable();
    grouped.dedup();
    assert_eq!(grouped.len(), 218);
    for c in cats {
        for id in c.groups.iter().flatten() {
            assert!(id.starts_with(&format!("{}-", c.id)), "{id} in {}", c.id);
        }
    }

    // The subcategories computed with a plain `=G` (N/A not counted as 3).
    let mut plain: Vec<&str> =
        cats.iter().flat_map(|c| c.without_na_handling.iter()).map(String::as_str).collect();
    plain.sort_unstable();
    assert_eq!(plain, ["GV.RM-01.1", "GV.RM-02.1", "GV.SC-01.1", "ID.RA-06.1"]);
    let gv_rm = cats.iter().find(|c| c.id == "GV.RM").unwrap();
    assert_eq!(gv_rm.groups[0], ids("GV.RM", &["01.1"]));
}

#[test]
fn the_summary_lists_29_key_measures() {
    let Some(bytes) = common::template() else { return };
    let wb = read(&bytes).unwrap();
    assert_eq!(wb.key_measure_cells.len(), 29);
    // First block (L…Q) from row 30, then S…X, then Z…AE.
    assert_eq!(wb.key_measure_cells[0], ("ID.AM-08.2".to_owned(), "IDENTIFY".to_owned(), 19));
    assert_eq!(wb.key_measure_cells[13], ("GV.RR-02.1".to_owned(), "GOVERN".to_owned(), 19));
    // The summary's own label of this one is mistyped; the id comes from the row it shows.
    assert!(
        wb.key_measure_cells
            .iter()
            .any(|(id, sheet, row)| id == "ID.AM-03.3" && sheet == "IDENTIFY" && *row == 13)
    );
    // They are exactly the rows flagged as key measures.
    let mut flagged: Vec<&str> = wb.rows.iter().filter(|r| r.key_measure).map(|r| r.id.as_str()).collect();
    let mut listed: Vec<&str> = wb.key_measure_cells.iter().map(|(id, _, _)| id.as_str()).collect();
    flagged.sort_unstable();
    listed.sort_unstable();
    assert_eq!(flagged, listed);
}
