//! Small libraries written here, and input that is not a library at all.

use ward_library::{LibraryError, LibraryFramework, MAX_INPUT_BYTES, parse_ciso_library};

/// A CyFun 2023-shaped library with made-up texts.
const LIBRARY_2023: &str = r#"
urn: urn:intuitem:risk:library:ccb-cff-2023-03-01
locale: en
ref_id: CCB-CFF-2023-03-01
name: A made-up 2023 library
version: 6
objects:
  framework:
    urn: urn:intuitem:risk:framework:ccb-cff-2023-03-01
    ref_id: CCB-CFF-2023-03-01
    requirement_nodes:
    - urn: urn:x:id
      assessable: false
      ref_id: ID
      name: Identify
    - urn: urn:x:basic_id.am-1.1
      assessable: true
      ref_id: BASIC_ID.AM-1.1
      description: "[KEY MEASURE] Keep a list of the devices."
      annotation: "  Think of laptops.  "
      translations:
        nl:
          description: "[KERNMAATREGEL] Houd een lijst bij."
          annotation: Denk aan laptops.
        fr:
          description: "[MESURE CLÉ] Tenez une liste."
          annotation: null
    - urn: urn:x:r.ac-3.4
      assessable: true
      ref_id: R.AC-3.4
      description: Watch remote access.
    - urn: urn:x:important_rs.mi-1.1
      assessable: true
      ref_id: IMPORTANT_RS.MI-1.1
      translations:
        fr: { name: null, description: null, annotation: null }
        nl: { name: null, description: null, annotation: null }
    - urn: urn:x:no-id
      assessable: true
      description: Orphan text.
    - urn: urn:x:bad-id
      assessable: true
      ref_id: Section 4
      description: Not a requirement id.
    - urn: urn:x:again
      assessable: true
      ref_id: IMPORTANT_ID.AM-1.1
      description: A second text for the same id.
    - just a string
    - assessable: "TRUE"
      ref_id: 12
      description: 7
"#;

#[test]
fn a_2023_library_gives_texts_with_catalog_ids() {
    let library = parse_ciso_library(LIBRARY_2023.as_bytes()).expect("parses");
    assert_eq!(library.framework, LibraryFramework::Cyfun2023);
    assert_eq!(library.name, "A made-up 2023 library");
    assert_eq!(library.version.as_deref(), Some("6"));

    let got: Vec<_> = library
        .texts
        .iter()
        .map(|t| (t.requirement_id.as_str(), t.language.as_str(), t.text.as_str(), t.guidance.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("ID.AM-1.1", "en", "Keep a list of the devices.", Some("Think of laptops.")),
            ("ID.AM-1.1", "nl", "Houd een lijst bij.", Some("Denk aan laptops.")),
            ("ID.AM-1.1", "fr", "Tenez une liste.", None),
            ("PR.AC-3.4", "en", "Watch remote access.", None),
        ]
    );
    assert_eq!(
        library.skipped,
        [
            "PR.AC-3.4 (R.AC-3.4) has no Dutch text",
            "PR.AC-3.4 (R.AC-3.4) has no French text",
            "RS.MI-1.1 (IMPORTANT_RS.MI-1.1) has no English text",
            "RS.MI-1.1 (IMPORTANT_RS.MI-1.1) has no Dutch text",
            "RS.MI-1.1 (IMPORTANT_RS.MI-1.1) has no French text",
            "assessable node 5 (urn:x:no-id) has no ref_id",
            "assessable node 6 (urn:x:bad-id) has the ref_id \"Section 4\", which is not a CyFun requirement id",
            "assessable node 7 (urn:x:again) repeats the requirement ID.AM-1.1; the first one was kept",
            "requirement node 8 is text, not a mapping",
            "assessable node 9 has the ref_id \"12\", which is not a CyFun requirement id",
        ]
    );
}

fn library_2025(nodes: &str) -> String {
    format!(
        "urn: urn:intuitem:risk:library:ccb-cyfun2025\nref_id: cyfun2025\nname: Made up\n\
         objects:\n  framework:\n    name: The framework\n    requirement_nodes:\n{nodes}"
    )
}

#[test]
fn a_2025_library_is_recognised_by_urn_or_ref_id() {
    let nodes = "    - {assessable: true, ref_id: GV.OC-01.1, description: Know the context.}\n";
    let library = parse_ciso_library(library_2025(nodes).as_bytes()).expect("parses");
    assert_eq!(library.framework, LibraryFramework::Cyfun2025);
    assert_eq!(library.version, None);
    assert_eq!(library.texts.len(), 1);
    assert_eq!(library.texts[0].requirement_id, "GV.OC-01.1");

    let without_urn = library_2025(nodes).replace("urn: urn:intuitem:risk:library:ccb-cyfun2025\n", "");
    let library = parse_ciso_library(without_urn.as_bytes()).expect("parses");
    assert_eq!(library.framework, LibraryFramework::Cyfun2025);
}

#[test]
fn the_name_falls_back_to_the_framework_then_to_the_kind() {
    let nodes = "    - {assessable: true, ref_id: GV.OC-01.1, description: Know the context.}\n";
    let no_name = library_2025(nodes).replace("name: Made up\n", "");
    assert_eq!(parse_ciso_library(no_name.as_bytes()).expect("parses").name, "The framework");
    let no_names = no_name.replace("    name: The framework\n", "");
    assert_eq!(parse_ciso_library(no_names.as_bytes()).expect("parses").name, "CyFun 2025");
}

#[test]
fn a_library_in_another_language_reads_its_own_texts_in_that_language() {
    let yaml = library_2025(
        "    - assessable: true\n      ref_id: GV.OC-01.1\n      description: Ken de context.\n      \
         translations: {en: {description: Know the context.}, fr: {description: Connaître.}}\n",
    )
    .replace("ref_id: cyfun2025\n", "ref_id: cyfun2025\nlocale: NL\n");
    let library = parse_ciso_library(yaml.as_bytes()).expect("parses");
    let got: Vec<_> = library.texts.iter().map(|t| (t.language.as_str(), t.text.as_str())).collect();
    assert_eq!(got, [("en", "Know the context."), ("nl", "Ken de context."), ("fr", "Connaître.")]);
    assert!(library.skipped.is_empty(), "{:?}", library.skipped);
}

#[test]
fn not_utf8() {
    let err = parse_ciso_library(b"urn: \xff\xfe").expect_err("refused");
    assert_eq!(err, LibraryError::NotUtf8 { offset: 5 });
    assert_eq!(err.to_string(), "the file is not UTF-8 text (invalid byte at offset 5)");
}

#[test]
fn not_yaml_names_line_and_column() {
    let err = parse_ciso_library(b"urn: x\nobjects: [unclosed\n  - a: b\n").expect_err("refused");
    let LibraryError::NotYaml { line, column, .. } = &err else { panic!("{err:?}") };
    assert!(line.is_some() && column.is_some(), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with("the file is not valid YAML: "), "{message}");
    assert!(message.contains("(line "), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn tabs_and_stray_quotes_are_not_yaml() {
    for bad in ["a: 'open\n", "key: [1, 2\n", "a:\n\tb: c\n", "- a\nb: c\n", "a: b: c\n"] {
        let err = parse_ciso_library(bad.as_bytes()).expect_err(bad);
        assert!(matches!(err, LibraryError::NotYaml { .. }), "{bad:?} gave {err:?}");
    }
}

#[test]
fn empty_input() {
    for empty in ["", "   \n\n", "\u{feff}"] {
        assert_eq!(parse_ciso_library(empty.as_bytes()), Err(LibraryError::Empty), "{empty:?}");
    }
    assert_eq!(LibraryError::Empty.to_string(), "the file is empty");
}

#[test]
fn yaml_that_is_not_a_library() {
    for (yaml, reason) in [
        ("# only a comment\n", "the file holds no YAML mapping, only comments or null"),
        ("~\n", "the file holds no YAML mapping, only comments or null"),
        ("- a\n- b\n", "the document is a list, not a mapping"),
        ("just text\n", "the document is text, not a mapping"),
        ("42\n", "the document is a number, not a mapping"),
        ("urn: x\n", "it has no objects section"),
        ("urn: x\nobjects: 3\n", "objects is a number, not a mapping"),
        ("urn: x\nobjects:\n  risk_matrix: []\n", "it has no objects.framework (it holds no framework)"),
        ("objects:\n  framework: {}\n", "it has neither a urn nor a ref_id"),
        (
            "urn: urn:intuitem:risk:library:ccb-cyfun2025\nobjects:\n  framework:\n    requirement_nodes: {a: b}\n",
            "objects.framework.requirement_nodes is a mapping, not a list",
        ),
    ] {
        let err = parse_ciso_library(yaml.as_bytes()).expect_err(yaml);
        assert_eq!(err, LibraryError::NotALibrary { reason: reason.into() }, "{yaml:?}");
        assert_eq!(err.to_string(), format!("the file is not a CISO Assistant framework library: {reason}"));
    }
}

#[test]
fn another_framework_is_named() {
    let yaml = "urn: urn:intuitem:risk:library:iso27001-2022\nref_id: ISO27001-2022\nobjects:\n  \
                framework:\n    requirement_nodes:\n    - {assessable: true, ref_id: A.5.1, description: Policies}\n";
    let err = parse_ciso_library(yaml.as_bytes()).expect_err("refused");
    assert_eq!(
        err,
        LibraryError::UnknownFramework { found: "urn:intuitem:risk:library:iso27001-2022".into() }
    );
    let message = err.to_string();
    assert!(
        message.starts_with("unknown framework \"urn:intuitem:risk:library:iso27001-2022\""),
        "{message}"
    );

    let by_ref_id = "ref_id: NIST-CSF-2.0\nobjects:\n  framework: {}\n";
    assert_eq!(
        parse_ciso_library(by_ref_id.as_bytes()),
        Err(LibraryError::UnknownFramework { found: "NIST-CSF-2.0".into() })
    );
}

#[test]
fn a_urn_and_ref_id_that_disagree_are_refused() {
    let yaml = "urn: urn:intuitem:risk:library:ccb-cyfun2025\nref_id: CCB-CFF-2023-03-01\nobjects:\n  framework: {}\n";
    let err = parse_ciso_library(yaml.as_bytes()).expect_err("refused");
    assert_eq!(
        err,
        LibraryError::ConflictingFramework {
            by_urn: LibraryFramework::Cyfun2025,
            by_ref_id: LibraryFramework::Cyfun2023
        }
    );
    assert_eq!(
        err.to_string(),
        "the library contradicts itself: its urn names CyFun 2025 but its ref_id names CyFun 2023"
    );
}

#[test]
fn no_requirements() {
    for nodes in [
        "",
        "      []\n",
        "    - {assessable: false, ref_id: GV, name: Govern}\n",
        "    - {assessable: true, ref_id: GV.OC-01.1}\n",
    ] {
        let yaml = library_2025(nodes);
        assert_eq!(parse_ciso_library(yaml.as_bytes()), Err(LibraryError::NoRequirements), "{nodes:?}");
    }
    assert_eq!(
        LibraryError::NoRequirements.to_string(),
        "no requirements found: the library has no assessable requirement with a text"
    );
}

#[test]
fn too_large_is_refused_before_reading() {
    let big = vec![b' '; MAX_INPUT_BYTES + 1];
    let err = parse_ciso_library(&big).expect_err("refused");
    assert_eq!(err, LibraryError::TooLarge { size: MAX_INPUT_BYTES + 1, limit: MAX_INPUT_BYTES });
    assert_eq!(
        err.to_string(),
        format!(
            "the file is too large: {} bytes, at most {} are accepted",
            MAX_INPUT_BYTES + 1,
            MAX_INPUT_BYTES
        )
    );
}

#[test]
fn duplicate_keys_are_refused() {
    let yaml = "urn: a\nurn: b\nobjects: {}\n";
    assert!(matches!(parse_ciso_library(yaml.as_bytes()), Err(LibraryError::NotYaml { .. })));
}

#[test]
fn several_documents_are_refused() {
    let yaml = library_2025("    - {assessable: true, ref_id: GV.OC-01.1, description: Know.}\n");
    let two = format!("{yaml}---\n{yaml}");
    assert!(matches!(parse_ciso_library(two.as_bytes()), Err(LibraryError::NotYaml { .. })));
}

/// The classic "billion laughs": nine levels of ten aliases each would expand to 10⁹ strings.
#[test]
fn a_billion_laughs_is_refused_without_expanding() {
    let mut yaml = String::from(
        "urn: urn:intuitem:risk:library:ccb-cyfun2025\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        let refs = vec![format!("*{prev}"); 10].join(",");
        yaml.push_str(&format!("{next}: &{next} [{refs}]\n"));
    }
    yaml.push_str("objects:\n  framework:\n    requirement_nodes: *i\n");
    let err = parse_ciso_library(yaml.as_bytes()).expect_err("refused");
    assert!(matches!(err, LibraryError::TooComplex { .. }), "{err:?}");
    assert!(err.to_string().starts_with("the file exceeds the limits Ward sets for YAML: "), "{err}");
}

/// A few aliases of one long text must not multiply it in memory.
#[test]
fn a_long_text_repeated_by_aliases_is_refused() {
    let long = "x".repeat(1024 * 1024);
    let mut yaml = format!(
        "urn: urn:intuitem:risk:library:ccb-cyfun2025\nobjects:\n  framework:\n    requirement_nodes:\n    \
         - {{assessable: true, ref_id: GV.OC-01.1, description: &t \"{long}\"}}\n"
    );
    for n in 2..200 {
        yaml.push_str(&format!("    - {{assessable: true, ref_id: GV.OC-01.{n}, description: *t}}\n"));
    }
    let err = parse_ciso_library(yaml.as_bytes()).expect_err("refused");
    assert!(matches!(err, LibraryError::TooComplex { .. }), "{err:?}");
}

/// Aliases as such are fine when they stay small.
#[test]
fn small_aliases_are_read() {
    let yaml = library_2025(
        "    - {assessable: true, ref_id: GV.OC-01.1, description: &d Same text., annotation: &g Same guidance.}\n    \
         - {assessable: true, ref_id: GV.OC-01.2, description: *d, annotation: *g}\n",
    );
    let library = parse_ciso_library(yaml.as_bytes()).expect("parses");
    assert_eq!(library.texts.len(), 2);
    assert!(
        library
            .texts
            .iter()
            .all(|t| t.text == "Same text." && t.guidance.as_deref() == Some("Same guidance."))
    );
}

#[test]
fn deep_nesting_is_refused() {
    let yaml = format!("urn: x\nobjects: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let err = parse_ciso_library(yaml.as_bytes()).expect_err("refused");
    assert!(matches!(err, LibraryError::TooComplex { .. } | LibraryError::NotYaml { .. }), "{err:?}");
}
