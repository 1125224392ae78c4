//! `read` (and `write`) take bytes from users: any bytes give a value or an error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use ward_workbook::{Fill, Score, read, write};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = read(&bytes);
    }

    #[test]
    fn a_zip_with_arbitrary_parts(
        workbook in "\\PC{0,300}",
        sheet in "\\PC{0,300}",
        strings in "\\PC{0,200}",
    ) {
        let bytes = common::zip_of(&[
            ("[Content_Types].xml".to_owned(), b"<Types/>".to_vec()),
            ("_rels/.rels".to_owned(), br#"<Relationships><Relationship Id="r" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec()),
            ("xl/workbook.xml".to_owned(), workbook.into_bytes()),
            ("xl/_rels/workbook.xml.rels".to_owned(), br#"<Relationships><Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="s" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_vec()),
            ("xl/worksheets/sheet1.xml".to_owned(), sheet.into_bytes()),
            ("xl/sharedStrings.xml".to_owned(), strings.into_bytes()),
        ]);
        let _ = read(&bytes);
    }
}

type Entries = Vec<(String, Vec<u8>)>;

fn template_entries() -> Option<&'static Entries> {
    static ENTRIES: OnceLock<Option<Entries>> = OnceLock::new();
    ENTRIES.get_or_init(|| common::template().map(|t| common::entries(&t))).as_ref()
}

fn template_bytes() -> Option<&'static Vec<u8>> {
    static BYTES: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    BYTES.get_or_init(common::template).as_ref()
}

/// Characters that make XML and formulas interesting.
const NASTY: &[u8] = b"<>/=\"'&;:!$#()[],.-_ 0123456789ABCDEFGHIJKLMNxyzsvfcrt\n\xc3\xa9";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Bytes of the zip itself flipped, cut or inserted.
    #[test]
    fn a_corrupted_template(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8)) {
        let Some(template) = template_bytes() else { return Ok(()) };
        let mut bytes = template.clone();
        for (at, byte, how) in edits {
            let i = at.index(bytes.len().max(1));
            match how {
                0 if !bytes.is_empty() => bytes[i] = byte,
                1 => bytes.insert(i.min(bytes.len()), byte),
                _ => bytes.truncate(i.max(1)),
            }
        }
        let _ = read(&bytes);
    }

    /// The XML inside one part changed (a sheet, the shared strings, the workbook, the
    /// relationships), then zipped again: the XML and formula parsers see it.
    #[test]
    fn a_template_with_a_corrupted_part(
        part in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..3), 1..12),
    ) {
        let Some(entries) = template_entries() else { return Ok(()) };
        let candidates: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, (n, _))| n.ends_with(".xml") || n.ends_with(".rels"))
            .map(|(i, _)| i)
            .collect();
        let chosen = candidates[part.index(candidates.len())];
        let mut all = entries.clone();
        let data = &mut all[chosen].1;
        for (at, with, how) in edits {
            let i = at.index(data.len().max(1)).min(data.len());
            let byte = NASTY[with.index(NASTY.len())];
            match how {
                0 if i < data.len() => data[i] = byte,
                1 => data.insert(i, byte),
                _ if i < data.len() => { data.remove(i); }
                _ => {}
            }
        }
        let bytes = common::zip_of(&all);
        let _ = read(&bytes);
        let fill = Fill { id: "GV.OC-01.1".into(), documentation: Score::Level(2), implementation: Score::NotApplicable, comment: Some("x".into()) };
        if let Ok(out) = write(&bytes, &[fill], None) {
            // What write accepts, read accepts again.
            prop_assert!(read(&out).is_ok());
        }
    }
}
