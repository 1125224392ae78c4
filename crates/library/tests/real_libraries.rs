//! The CCB's libraries as CISO Assistant publishes them. They are copyrighted and not in the
//! repository: the tests read them (and the catalogs extracted from them) from the project's
//! shared data folder, and are skipped when it is absent unless `WARD_TEST_REQUIRE_WORKBOOK=1`
//! asks for them to fail instead. No text of theirs is written here: the tests count, check
//! shapes, and compare with the catalogs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use ward_library::{Library, LibraryFramework, parse_ciso_library};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/cyfun/");

/// The file's bytes, or `None` (the test is skipped) when it is absent and not required.
fn shared_file(name: &str) -> Option<Vec<u8>> {
    let path = format!("{SHARED}{name}");
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(err) => {
            if std::env::var("WARD_TEST_REQUIRE_WORKBOOK").as_deref() == Ok("1") {
                panic!("{path} is required (WARD_TEST_REQUIRE_WORKBOOK=1) but cannot be read: {err}");
            }
            eprintln!("skipped: {path} cannot be read ({err})");
            None
        }
    }
}

/// Whether `id` matches the catalog's `^[A-Z]{2}\.[A-Z]{2}-\d{1,2}\.\d+$`.
fn is_catalog_id(id: &str) -> bool {
    let b = id.as_bytes();
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    let (head, tail) = id.split_at_checked(6).unwrap_or((id, ""));
    let Some((major, minor)) = tail.split_once('.') else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    head.len() == 6
        && upper(0)
        && upper(1)
        && b[2] == b'.'
        && upper(3)
        && upper(4)
        && b[5] == b'-'
        && digits(major)
        && major.len() <= 2
        && digits(minor)
}

fn count_by_language(library: &Library) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for text in &library.texts {
        *counts.entry(text.language.as_str()).or_default() += 1;
    }
    counts
}

/// The catalog's id as Ward spells it: the shared 2023 catalog keeps the library's misspelt
/// `R.AC-3.4`/`R.AC-3.5`, which Ward's own catalog (and this crate) read as `PR.AC-…`.
fn ward_id(catalog_id: &str) -> String {
    match catalog_id.strip_prefix("R.AC-") {
        Some(rest) => format!("PR.AC-{rest}"),
        None => catalog_id.to_owned(),
    }
}

/// The text trimmed and without a leading `[KEY MEASURE]`-like marker: the shared catalogs strip
/// it from the English text only.
fn without_marker(text: &str) -> &str {
    let text = text.trim();
    match text.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((marker, rest)) if marker.len() <= 64 && !marker.contains('\n') => rest.trim_start(),
        _ => text,
    }
}

/// The catalog's texts and guidance by (id, language), from `cyfun20xx_catalog.json`.
fn catalog_texts(json: &[u8]) -> BTreeMap<(String, String), (String, Option<String>)> {
    let catalog: serde_json::Value = serde_json::from_slice(json).expect("catalog is JSON");
    let mut texts = BTreeMap::new();
    for requirement in catalog["requirements"].as_array().expect("requirements") {
        let id = ward_id(requirement["id"].as_str().expect("id"));
        let mut put = |language: &str, entry: &serde_json::Value, text: &str| {
            if let Some(text) = entry[text].as_str().map(without_marker).filter(|t| !t.is_empty()) {
                let guidance = entry["guidance"].as_str().map(str::trim).filter(|g| !g.is_empty());
                texts.insert(
                    (id.clone(), language.to_owned()),
                    (text.to_owned(), guidance.map(str::to_owned)),
                );
            }
        };
        put("en", requirement, "text");
        put("nl", &requirement["translations"]["nl"], "text");
        put("fr", &requirement["translations"]["fr"], "text");
    }
    texts
}

/// The library's texts and guidance by (id, language).
fn library_texts(library: &Library) -> BTreeMap<(String, String), (String, Option<String>)> {
    library
        .texts
        .iter()
        .map(|t| ((t.requirement_id.clone(), t.language.clone()), (t.text.clone(), t.guidance.clone())))
        .collect()
}

fn catalog_ids(json: &[u8]) -> BTreeSet<String> {
    let catalog: serde_json::Value = serde_json::from_slice(json).expect("catalog is JSON");
    catalog["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .map(|r| ward_id(r["id"].as_str().expect("id")))
        .collect()
}

/// Properties both libraries share.
fn check_shape(library: &Library) {
    let mut seen = BTreeSet::new();
    for text in &library.texts {
        assert!(is_catalog_id(&text.requirement_id), "{} is not a catalog id", text.requirement_id);
        assert!(["en", "nl", "fr"].contains(&text.language.as_str()), "{}", text.language);
        assert!(seen.insert((&text.requirement_id, &text.language)), "twice: {}", text.requirement_id);
        assert_eq!(text.text, text.text.trim(), "{} {}", text.requirement_id, text.language);
        assert!(!text.text.is_empty());
        assert!(!text.text.starts_with('['), "marker left in {} {}", text.requirement_id, text.language);
        if let Some(guidance) = &text.guidance {
            assert!(!guidance.is_empty() && guidance == guidance.trim());
        }
    }
}

#[test]
fn cyfun_2025_gives_218_requirements_in_three_languages() {
    let Some(bytes) = shared_file("cyfun2025.yaml") else { return };
    let library = parse_ciso_library(&bytes).expect("the CyFun 2025 library parses");
    assert_eq!(library.framework, LibraryFramework::Cyfun2025);
    assert_eq!(library.name, "CyberFundamentals 2025 (CyFun)");
    assert_eq!(library.version.as_deref(), Some("7"));
    check_shape(&library);

    assert_eq!(count_by_language(&library), BTreeMap::from([("en", 218), ("fr", 218), ("nl", 218)]));
    assert!(library.skipped.is_empty(), "{:#?}", library.skipped);
    // The library has guidance for every requirement in every language.
    assert!(library.texts.iter().all(|t| t.guidance.is_some()));

    let Some(catalog) = shared_file("cyfun2025_catalog.json") else { return };
    let ids: BTreeSet<String> = library.texts.iter().map(|t| t.requirement_id.clone()).collect();
    assert_eq!(ids, catalog_ids(&catalog));
    assert_eq!(library_texts(&library), catalog_texts(&catalog));
}

#[test]
fn cyfun_2023_gives_its_requirements_with_catalog_ids() {
    let Some(bytes) = shared_file("ccb-cff-2023-03-01.yaml") else { return };
    let library = parse_ciso_library(&bytes).expect("the CyFun 2023 library parses");
    assert_eq!(library.framework, LibraryFramework::Cyfun2023);
    assert_eq!(library.name, "CCB CyberFundamentals Framework - 2023-03-01");
    assert_eq!(library.version.as_deref(), Some("6"));
    check_shape(&library);

    // 221 assessable requirements, but two of them (RS.MI-1.1 and RS.MI-2.1) have no text in any
    // language in this library, and one (PR.MA-1.4) has no Dutch text.
    assert_eq!(count_by_language(&library), BTreeMap::from([("en", 219), ("fr", 219), ("nl", 218)]));
    assert_eq!(
        library.skipped,
        [
            "PR.MA-1.4 (IMPORTANT_PR.MA-1.4) has no Dutch text",
            "RS.MI-1.1 (IMPORTANT_RS.MI-1.1) has no English text",
            "RS.MI-1.1 (IMPORTANT_RS.MI-1.1) has no Dutch text",
            "RS.MI-1.1 (IMPORTANT_RS.MI-1.1) has no French text",
            "RS.MI-2.1 (IMPORTANT_RS.MI-2.1) has no English text",
            "RS.MI-2.1 (IMPORTANT_RS.MI-2.1) has no Dutch text",
            "RS.MI-2.1 (IMPORTANT_RS.MI-2.1) has no French text",
        ]
    );
    let has = |id: &str| library.texts.iter().any(|t| t.requirement_id == id && t.language == "en");
    // The misspelt `R.AC-3.4`/`R.AC-3.5` of the library are read as PR.AC-3.4/PR.AC-3.5.
    assert!(has("PR.AC-3.4") && has("PR.AC-3.5"));

    let Some(catalog) = shared_file("cyfun2023_catalog.json") else { return };
    let mut ids: BTreeSet<String> = library.texts.iter().map(|t| t.requirement_id.clone()).collect();
    ids.extend(["RS.MI-1.1".to_owned(), "RS.MI-2.1".to_owned()]);
    assert_eq!(ids.len(), 221);
    assert_eq!(ids, catalog_ids(&catalog));
    assert_eq!(library_texts(&library), catalog_texts(&catalog));
}
