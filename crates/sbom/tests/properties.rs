//! Whatever the bytes, reading them returns a bill of materials or an error, never a panic;
//! generated CycloneDX and SPDX documents give back the values written into them; and a value of
//! the wrong JSON type is refused with its path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};
use time::Date;
use ward_sbom::{Component, ComponentKind, EndOfSupport, Hash, HashAlgorithm, Sbom, SbomError, parse_sbom};

// ---------------------------------------------------------------------------------------------
// Any input

/// Pieces of JSON and of both formats, to build inputs that get past the JSON parser more often
/// than random bytes do.
const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "7",
    "-1.5e3",
    "\"\"",
    " ",
    "\n",
    "\\u0000",
    "\u{feff}",
    "\"bomFormat\"",
    "\"CycloneDX\"",
    "\"specVersion\"",
    "\"1.4\"",
    "\"1.6\"",
    "\"components\"",
    "\"metadata\"",
    "\"component\"",
    "\"name\"",
    "\"version\"",
    "\"type\"",
    "\"library\"",
    "\"device\"",
    "\"properties\"",
    "\"Level of Support\"",
    "\"End-of-Support\"",
    "\"value\"",
    "\"2027-12-31\"",
    "\"hashes\"",
    "\"alg\"",
    "\"SHA-256\"",
    "\"content\"",
    "\"cpe\"",
    "\"purl\"",
    "\"pkg:npm/a@1\"",
    "\"supplier\"",
    "\"vulnerabilities\"",
    "\"spdxVersion\"",
    "\"SPDX-2.3\"",
    "\"packages\"",
    "\"versionInfo\"",
    "\"externalRefs\"",
    "\"referenceType\"",
    "\"cpe23Type\"",
    "\"referenceLocator\"",
    "\"documentDescribes\"",
    "\"SPDXID\"",
    "\"@context\"",
    "\"@graph\"",
    "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">",
    "SPDXVersion: ",
];

/// A document that reads, for byte mutations to start from.
const VALID: &str = concat!(
    r#"{"bomFormat":"CycloneDX","specVersion":"1.4","metadata":{"component":{"type":"device","#,
    r#""name":"Pump"}},"components":[{"type":"firmware","name":"fw","version":"1","#,
    r#""cpe":"cpe:2.3:o:a:b:1:*:*:*:*:*:*:*","purl":"pkg:generic/fw@1","properties":["#,
    r#"{"name":"Level of Support","value":"Actively maintained"},"#,
    r#"{"name":"End-of-Support","value":"2027-12-31"}],"#,
    r#""hashes":[{"alg":"MD5","content":"26c2b6f7bc704ccadc64c83995e0ff7f"}],"#,
    r#""components":[{"type":"library","name":"tls"}]}]}"#
);

fn check(bytes: &[u8]) {
    match parse_sbom(bytes) {
        Ok(sbom) => keeps_its_promises(&sbom),
        Err(error) => assert!(!error.to_string().is_empty()),
    }
}

fn keeps_its_promises(sbom: &Sbom) {
    for component in &sbom.components {
        assert!(!component.name.is_empty() && component.name == component.name.trim());
        assert!(component.version.as_deref().is_none_or(|v| !v.is_empty()));
        assert!(component.cpe.as_deref().is_none_or(|cpe| cpe.to_ascii_lowercase().starts_with("cpe:")));
        assert!(component.purl.as_deref().is_none_or(|purl| purl.to_ascii_lowercase().starts_with("pkg:")));
        for hash in &component.hashes {
            assert!(hash.value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        }
    }
    if let Some(subject) = &sbom.subject {
        assert!(!subject.name.is_empty());
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,512}") {
        check(text.as_bytes());
    }

    #[test]
    fn pieces_of_json_never_panic(pieces in proptest::collection::vec(select(PIECES), 0..80)) {
        check(pieces.concat().as_bytes());
    }

    #[test]
    fn a_valid_document_mutated_never_panics(
        edits in proptest::collection::vec((any::<proptest::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<proptest::sample::Index>(),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte) in edits {
            let at = at.index(bytes.len());
            bytes[at] = byte;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        check(&bytes);
    }

    #[test]
    fn arbitrary_json_values_never_panic(value in json_value()) {
        check(value.to_string().as_bytes());
        for top in [
            json!({ "bomFormat": "CycloneDX", "specVersion": "1.5", "components": [value.clone()] }),
            json!({ "bomFormat": "CycloneDX", "specVersion": "1.5", "metadata": value.clone() }),
            json!({ "spdxVersion": "SPDX-2.3", "packages": [value.clone()] }),
            json!({ "spdxVersion": "SPDX-2.3", "packages": [], "relationships": value.clone() }),
        ] {
            check(top.to_string().as_bytes());
        }
    }
}

/// Any JSON value, with the keys both formats use more often than chance would.
fn json_value() -> impl Strategy<Value = Value> {
    let keys = select(vec![
        "name",
        "version",
        "type",
        "components",
        "properties",
        "value",
        "hashes",
        "alg",
        "content",
        "cpe",
        "purl",
        "supplier",
        "versionInfo",
        "externalRefs",
        "referenceType",
        "referenceLocator",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        select(vec!["library", "firmware", "Level of Support", "End-of-Support", "MD5", "cpe23Type", "purl"])
            .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((keys.clone(), inner), 0..6).prop_map(|members| {
                Value::Object(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

// ---------------------------------------------------------------------------------------------
// Generated documents

const CYCLONEDX_KINDS: [ComponentKind; 13] = [
    ComponentKind::Application,
    ComponentKind::Framework,
    ComponentKind::Library,
    ComponentKind::Container,
    ComponentKind::Platform,
    ComponentKind::OperatingSystem,
    ComponentKind::Device,
    ComponentKind::DeviceDriver,
    ComponentKind::Firmware,
    ComponentKind::File,
    ComponentKind::MachineLearningModel,
    ComponentKind::Data,
    ComponentKind::CryptographicAsset,
];

/// The SPDX purposes with the kind each gives.
const SPDX_PURPOSES: [(&str, ComponentKind); 12] = [
    ("APPLICATION", ComponentKind::Application),
    ("FRAMEWORK", ComponentKind::Framework),
    ("LIBRARY", ComponentKind::Library),
    ("CONTAINER", ComponentKind::Container),
    ("OPERATING-SYSTEM", ComponentKind::OperatingSystem),
    ("DEVICE", ComponentKind::Device),
    ("FIRMWARE", ComponentKind::Firmware),
    ("SOURCE", ComponentKind::Source),
    ("ARCHIVE", ComponentKind::Archive),
    ("FILE", ComponentKind::File),
    ("INSTALL", ComponentKind::Install),
    ("OTHER", ComponentKind::Other),
];

/// Algorithms with the CycloneDX name, the SPDX name and the digest length in hex digits.
const ALGORITHMS: [(HashAlgorithm, &str, &str, usize); 7] = [
    (HashAlgorithm::Md5, "MD5", "MD5", 32),
    (HashAlgorithm::Sha1, "SHA-1", "SHA1", 40),
    (HashAlgorithm::Sha256, "SHA-256", "SHA256", 64),
    (HashAlgorithm::Sha512, "SHA-512", "SHA512", 128),
    (HashAlgorithm::Sha3_256, "SHA3-256", "SHA3-256", 64),
    (HashAlgorithm::Blake2b256, "BLAKE2b-256", "BLAKE2b-256", 64),
    (HashAlgorithm::Blake3, "BLAKE3", "BLAKE3", 64),
];

/// Text as the formats hold it: trimmed, not blank, printable, any script; no parentheses, which
/// SPDX parties give a meaning.
fn words() -> impl Strategy<Value = String> {
    "[^\\s\\pC()]([^\\pC()]{0,14}[^\\s\\pC()])?"
        .prop_filter("SPDX's NOASSERTION and NONE mean absent", |text| {
            !text.eq_ignore_ascii_case("NOASSERTION") && !text.eq_ignore_ascii_case("NONE")
        })
}

fn date() -> impl Strategy<Value = Date> {
    (1990..2100i32, 1..=12u8, 1..=28u8).prop_map(|(year, month, day)| {
        Date::from_calendar_date(year, time::Month::try_from(month).unwrap(), day).unwrap()
    })
}

fn end_of_support() -> impl Strategy<Value = EndOfSupport> {
    prop_oneof![
        date().prop_map(EndOfSupport::Date),
        // A letter first: never a date.
        ("[A-Za-z]", proptest::option::of(words())).prop_map(|(first, rest)| EndOfSupport::Text(format!(
            "{first}{}",
            rest.map_or(String::new(), |r| format!(" {r}"))
        ))),
    ]
}

fn hash() -> impl Strategy<Value = (Hash, &'static str, &'static str, String)> {
    select(ALGORITHMS.to_vec()).prop_flat_map(|(algorithm, cyclonedx_name, spdx_name, length)| {
        proptest::string::string_regex(&format!("[0-9a-fA-F]{{{length}}}")).unwrap().prop_map(
            move |written| {
                (Hash { algorithm, value: written.to_ascii_lowercase() }, cyclonedx_name, spdx_name, written)
            },
        )
    })
}

fn cpe() -> impl Strategy<Value = String> {
    ("[aoh]", "[a-z0-9_]{1,10}", "[a-z0-9_]{1,10}", "[0-9][0-9.]{0,5}").prop_map(
        |(part, vendor, product, version)| {
            format!("cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*")
        },
    )
}

fn purl() -> impl Strategy<Value = String> {
    ("[a-z]{2,8}", "[a-z0-9._-]{1,12}", "[0-9][0-9.]{0,5}")
        .prop_map(|(kind, name, version)| format!("pkg:{kind}/{name}@{version}"))
}

/// A component as it should come back, with what is needed to write it.
#[derive(Debug, Clone)]
struct Generated {
    expected: Component,
    /// CycloneDX: whether the supplier is written as `publisher` rather than `supplier.name`.
    supplier_as_publisher: bool,
    /// The hashes as written: CycloneDX name, SPDX name, digest as written.
    written_hashes: Vec<(&'static str, &'static str, String)>,
}

fn component(kinds: Vec<ComponentKind>, with_level: bool) -> impl Strategy<Value = Generated> {
    let names = (words(), proptest::option::of(words()), proptest::option::of(words()), select(kinds));
    let parties = (
        proptest::option::of(words()),
        any::<bool>(),
        proptest::option::of(cpe()),
        proptest::option::of(purl()),
    );
    let support = (
        proptest::option::of(words()).prop_map(move |level| level.filter(|_| with_level)),
        proptest::option::of(end_of_support()),
        proptest::collection::vec(hash(), 0..3),
    );
    (names, parties, support).prop_map(
        |(
            (name, group, version, kind),
            (supplier, supplier_as_publisher, cpe, purl),
            (level, end, hashes),
        )| {
            Generated {
                expected: Component {
                    name,
                    group,
                    version,
                    kind: Some(kind),
                    supplier,
                    manufacturer: None,
                    cpe,
                    purl,
                    level_of_support: level,
                    end_of_support: end,
                    hashes: hashes.iter().map(|(hash, ..)| hash.clone()).collect(),
                },
                supplier_as_publisher,
                written_hashes: hashes
                    .into_iter()
                    .map(|(_, cdx, spdx, written)| (cdx, spdx, written))
                    .collect(),
            }
        },
    )
}

fn written_end(end: &EndOfSupport) -> String {
    match end {
        EndOfSupport::Date(date) => date.to_string(),
        EndOfSupport::Text(text) => text.clone(),
    }
}

fn cyclonedx_component(generated: &Generated, children: Vec<Value>) -> Value {
    let c = &generated.expected;
    let mut object = Map::new();
    object.insert("type".into(), c.kind.unwrap().as_str().into());
    object.insert("name".into(), c.name.clone().into());
    let mut optional = |key: &str, value: &Option<String>| {
        if let Some(value) = value {
            object.insert(key.into(), value.clone().into());
        }
    };
    optional("group", &c.group);
    optional("version", &c.version);
    optional("cpe", &c.cpe);
    optional("purl", &c.purl);
    if let Some(supplier) = &c.supplier {
        if generated.supplier_as_publisher {
            object.insert("publisher".into(), supplier.clone().into());
        } else {
            object.insert("supplier".into(), json!({ "name": supplier, "url": ["https://example.com"] }));
        }
    }
    let mut properties = vec![json!({ "name": "cdx:other", "value": "not an FDA field" })];
    if let Some(level) = &c.level_of_support {
        properties.push(json!({ "name": "Level of Support", "value": level }));
    }
    if let Some(end) = &c.end_of_support {
        properties.push(json!({ "name": "End-of-Support", "value": written_end(end) }));
    }
    object.insert("properties".into(), properties.into());
    let hashes: Vec<Value> = generated
        .written_hashes
        .iter()
        .map(|(alg, _, content)| json!({ "alg": alg, "content": content }))
        .collect();
    object.insert("hashes".into(), hashes.into());
    if !children.is_empty() {
        object.insert("components".into(), children.into());
    }
    Value::Object(object)
}

/// The components nested as their depths say (each at most one deeper than the one before), with
/// the JSON path of each, in document order.
fn nest(items: &[(Generated, usize)], path: &str, paths: &mut Vec<String>) -> Vec<Value> {
    let mut out = Vec::new();
    let mut index = 0;
    while let Some((generated, depth)) = items.get(index) {
        let own = items[index + 1..].iter().take_while(|(_, d)| d > depth).count();
        let own_path = format!("{path}[{}]", out.len());
        paths.push(own_path.clone());
        let children = nest(&items[index + 1..index + 1 + own], &format!("{own_path}.components"), paths);
        out.push(cyclonedx_component(generated, children));
        index += 1 + own;
    }
    out
}

/// Depths for `count` components: the first at 0, each next at most one deeper, at most 4 deep.
fn depths(steps: Vec<u8>) -> Vec<usize> {
    let mut depths = Vec::with_capacity(steps.len());
    let mut depth = 0usize;
    for (index, step) in steps.into_iter().enumerate() {
        depth = match (index, step % 3) {
            (0, _) => 0,
            (_, 0) => (depth + 1).min(4),
            (_, 1) => depth,
            _ => depth.saturating_sub(1),
        };
        depths.push(depth);
    }
    depths
}

fn cyclonedx_document() -> impl Strategy<Value = (Value, Vec<Generated>, Vec<String>, String)> {
    let components =
        proptest::collection::vec((component(CYCLONEDX_KINDS.to_vec(), true), any::<u8>()), 1..8);
    (components, select(vec!["1.2", "1.3", "1.4", "1.5", "1.6"])).prop_map(|(items, version)| {
        let levels = depths(items.iter().map(|(_, step)| *step).collect());
        let items: Vec<(Generated, usize)> = items.into_iter().map(|(g, _)| g).zip(levels).collect();
        let mut paths = Vec::new();
        let tree = nest(&items, "components", &mut paths);
        let document = json!({
            "bomFormat": "CycloneDX", "specVersion": version, "version": 1,
            "metadata": { "component": { "type": "device", "name": "Infusion pump", "version": "4.2" } },
            "components": tree
        });
        (document, items.into_iter().map(|(g, _)| g).collect(), paths, version.to_owned())
    })
}

fn spdx_document() -> impl Strategy<Value = (Value, Vec<Generated>)> {
    let kinds: Vec<ComponentKind> = SPDX_PURPOSES.iter().map(|(_, kind)| *kind).collect();
    let packages = proptest::collection::vec(component(kinds, false), 1..8);
    (packages, select(vec!["SPDX-2.2", "SPDX-2.3"])).prop_map(|(mut generated, version)| {
        let device = json!({ "SPDXID": "SPDXRef-device", "name": "Infusion pump", "versionInfo": "4.2" });
        let mut packages = vec![device];
        for (index, g) in generated.iter_mut().enumerate() {
            // SPDX has no groups.
            g.expected.group = None;
            packages.push(spdx_package(index, g));
        }
        let document = json!({
            "spdxVersion": version, "SPDXID": "SPDXRef-DOCUMENT", "name": "pump", "dataLicense": "CC0-1.0",
            "documentNamespace": "https://example.com/pump", "documentDescribes": ["SPDXRef-device"],
            "packages": packages
        });
        (document, generated)
    })
}

fn spdx_package(index: usize, generated: &Generated) -> Value {
    let c = &generated.expected;
    let purpose = SPDX_PURPOSES.iter().find(|(_, kind)| Some(*kind) == c.kind).unwrap().0;
    let checksums: Vec<Value> = generated
        .written_hashes
        .iter()
        .map(|(_, algorithm, value)| json!({ "algorithm": algorithm, "checksumValue": value }))
        .collect();
    let mut references = vec![reference("SECURITY", "advisory", "https://example.com")];
    if let Some(cpe) = &c.cpe {
        references.push(reference("SECURITY", "cpe23Type", cpe));
    }
    if let Some(purl) = &c.purl {
        references.push(reference("PACKAGE-MANAGER", "purl", purl));
    }
    let supplier =
        c.supplier.as_ref().map_or("NOASSERTION".to_owned(), |s| format!("Organization: {s} (a@b.c)"));
    let mut package = json!({
        "SPDXID": format!("SPDXRef-{index}"), "name": c.name, "primaryPackagePurpose": purpose,
        "downloadLocation": "NOASSERTION", "checksums": checksums, "externalRefs": references,
        "versionInfo": c.version.as_deref().unwrap_or("NOASSERTION"), "supplier": supplier,
    });
    if let Some(end) = &c.end_of_support {
        package["validUntilDate"] = match end {
            EndOfSupport::Date(date) => format!("{date}T00:00:00Z").into(),
            EndOfSupport::Text(text) => text.clone().into(),
        };
    }
    package
}

fn reference(category: &str, kind: &str, locator: &str) -> Value {
    json!({ "referenceCategory": category, "referenceType": kind, "referenceLocator": locator })
}

/// A value of another JSON type than `value` has, and not null (which counts as absent).
fn other_type(value: &Value, choice: u8) -> Value {
    let candidates = [json!(7), json!(true), json!(["x"]), json!({ "x": 1 }), json!("text")];
    let same = |candidate: &Value| std::mem::discriminant(candidate) == std::mem::discriminant(value);
    let others: Vec<&Value> = candidates.iter().filter(|c| !same(c)).collect();
    others[usize::from(choice) % others.len()].clone()
}

/// The value at a path like `components[2].components[0].version` (keys and indices only).
fn value_at<'a>(document: &'a mut Value, path: &str) -> &'a mut Value {
    let mut current = document;
    for step in path.split('.') {
        let (key, indices) = step.split_once('[').map_or((step, ""), |(key, rest)| (key, rest));
        current = &mut current[key];
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            current = &mut current[index.trim_end_matches(']').parse::<usize>().unwrap()];
        }
    }
    current
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn cyclonedx_components_come_back_as_written((document, generated, _, version) in cyclonedx_document()) {
        let sbom = parse_sbom(document.to_string().as_bytes()).unwrap();
        prop_assert_eq!(&sbom.spec_version, &version);
        prop_assert_eq!(sbom.subject.as_ref().map(|s| s.name.as_str()), Some("Infusion pump"));
        let expected: Vec<Component> = generated.into_iter().map(|g| g.expected).collect();
        prop_assert_eq!(sbom.components, expected);
        prop_assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    }

    #[test]
    fn spdx_packages_come_back_as_written((document, generated) in spdx_document()) {
        let sbom = parse_sbom(document.to_string().as_bytes()).unwrap();
        prop_assert_eq!(sbom.subject.as_ref().map(|s| s.name.as_str()), Some("Infusion pump"));
        let expected: Vec<Component> = generated.into_iter().map(|g| g.expected).collect();
        prop_assert_eq!(sbom.components, expected);
        prop_assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    }

    #[test]
    fn a_cyclonedx_field_of_the_wrong_type_is_refused_naming_it(
        (document, _, paths, _) in cyclonedx_document(),
        which in any::<proptest::sample::Index>(),
        field in select(vec![
            "name", "version", "group", "type", "cpe", "purl", "supplier", "supplier.name", "properties",
            "properties[0]", "properties[0].name", "hashes", "components",
        ]),
        choice in any::<u8>(),
    ) {
        let mut document = document;
        let component = which.get(&paths).clone();
        // The fields the generator may have left out are added first.
        let target = value_at(&mut document, &component);
        for (key, value) in [("version", json!("1")), ("group", json!("g")), ("cpe", json!("cpe:/a:b:c")),
                             ("purl", json!("pkg:a/b")), ("supplier", json!({ "name": "s" }))] {
            if target.get(key).is_none() {
                target[key] = value;
            }
        }
        let path = format!("{component}.{field}");
        let slot = value_at(&mut document, &path);
        let replacement = other_type(slot, choice);
        // An array of strings where child components belong: its first item is at fault.
        let wanted_path =
            if field == "components" && replacement.is_array() { format!("{path}[0]") } else { path.clone() };
        *slot = replacement;
        // Hashes are the part Ward can do without: a wrong type there is a warning.
        let warns_only = field == "hashes";
        let result = parse_sbom(document.to_string().as_bytes());
        if warns_only {
            let sbom = result.unwrap();
            prop_assert!(sbom.warnings.iter().any(|w| w.path == path), "{:?}", sbom.warnings);
        } else {
            let error = result.unwrap_err();
            prop_assert_eq!(error.path(), Some(wanted_path.as_str()), "{}", error);
            prop_assert!(matches!(error, SbomError::WrongType { .. }), "{}", error);
        }
    }

    #[test]
    fn an_spdx_field_of_the_wrong_type_is_refused_naming_it(
        (document, generated) in spdx_document(),
        which in any::<proptest::sample::Index>(),
        field in select(vec![
            "name", "versionInfo", "supplier", "primaryPackagePurpose", "SPDXID", "externalRefs",
            "externalRefs[0]", "externalRefs[0].referenceType",
        ]),
        choice in any::<u8>(),
    ) {
        let mut document = document;
        // Package 0 is the device; the generated ones follow.
        let package = format!("packages[{}]", which.index(generated.len()) + 1);
        let path = format!("{package}.{field}");
        let slot = value_at(&mut document, &path);
        *slot = other_type(slot, choice);
        let error = parse_sbom(document.to_string().as_bytes()).unwrap_err();
        prop_assert_eq!(error.path(), Some(path.as_str()), "{}", error);
    }
}
