//! Small documents written here: each reading rule, each refusal and the place it names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};
use time::macros::date;
use ward_sbom::{
    ComponentKind, EndOfSupport, HashAlgorithm, MAX_COMPONENTS, MAX_INPUT_BYTES, MAX_JSON_VALUES, Sbom,
    SbomError, SbomFormat, UnsupportedFormat, parse_sbom,
};

fn cyclonedx(version: &str, components: Value) -> Value {
    json!({ "bomFormat": "CycloneDX", "specVersion": version, "version": 1, "components": components })
}

fn read(document: &Value) -> Result<Sbom, SbomError> {
    parse_sbom(document.to_string().as_bytes())
}

fn ok(document: &Value) -> Sbom {
    read(document).unwrap_or_else(|e| panic!("should read, but: {e}"))
}

fn err(document: &Value) -> SbomError {
    read(document).expect_err("should be refused")
}

fn warnings(sbom: &Sbom) -> Vec<String> {
    sbom.warnings.iter().map(ToString::to_string).collect()
}

#[test]
fn every_supported_cyclonedx_version_reads() {
    for version in ["1.2", "1.3", "1.4", "1.5", "1.6"] {
        let sbom =
            ok(&cyclonedx(version, json!([{ "type": "library", "name": "zlib", "version": "1.3.1" }])));
        assert_eq!((sbom.format, sbom.spec_version.as_str()), (SbomFormat::CycloneDx, version));
        assert_eq!(sbom.components[0].name, "zlib");
    }
}

#[test]
fn unsupported_versions_are_refused_with_what_is_read() {
    for version in ["1.0", "1.1", "1.7", "2.0", ""] {
        let error = err(&cyclonedx(version, json!([])));
        assert!(matches!(error, SbomError::UnsupportedVersion { format: SbomFormat::CycloneDx, .. }));
        assert_eq!(
            error.to_string(),
            format!("CycloneDX version \"{version}\" is not supported; Ward reads CycloneDX JSON 1.2 to 1.6")
        );
    }
    let error = err(&json!({ "spdxVersion": "SPDX-2.1", "packages": [] }));
    assert_eq!(
        error.to_string(),
        "SPDX version \"SPDX-2.1\" is not supported; Ward reads SPDX JSON 2.2 and 2.3"
    );
    // An SPDX 3 document mislabelled as 2.x-style JSON is still SPDX 3.
    let error = err(&json!({ "spdxVersion": "SPDX-3.0", "packages": [] }));
    assert_eq!(error, SbomError::UnsupportedFormat(UnsupportedFormat::Spdx3JsonLd));
    let error = err(&json!({ "@context": ["https://spdx.org/rdf/3.0.1/spdx-context.jsonld"], "@graph": [] }));
    assert_eq!(error.to_string(), "SPDX 3.0 JSON-LD is not supported yet; export SPDX 2.3 JSON");
}

#[test]
fn the_format_is_told_by_the_content_and_other_formats_are_named() {
    let xml = r#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"></bom>"#;
    let error = parse_sbom(xml.as_bytes()).unwrap_err();
    assert_eq!(error, SbomError::UnsupportedFormat(UnsupportedFormat::CycloneDxXml));
    assert!(error.to_string().starts_with("CycloneDX XML is not supported yet; export CycloneDX JSON"));

    let tag_value = "## a comment\nSPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n";
    assert_eq!(
        parse_sbom(tag_value.as_bytes()).unwrap_err(),
        SbomError::UnsupportedFormat(UnsupportedFormat::SpdxTagValue)
    );
    let rdf = r#"<rdf:RDF xmlns:spdx="http://spdx.org/rdf/terms#"></rdf:RDF>"#;
    assert_eq!(
        parse_sbom(rdf.as_bytes()).unwrap_err(),
        SbomError::UnsupportedFormat(UnsupportedFormat::SpdxRdfXml)
    );
}

#[test]
fn what_is_not_an_sbom_is_refused_saying_why() {
    let reason = |document: Value| match err(&document) {
        SbomError::NotAnSbom { reason } => reason,
        other => panic!("expected NotAnSbom, got {other:?}"),
    };
    assert_eq!(reason(json!([])), "the document is an array, not a JSON object");
    assert_eq!(reason(json!("CycloneDX")), "the document is a string, not a JSON object");
    assert_eq!(
        reason(json!({})),
        "it has neither bomFormat (CycloneDX) nor spdxVersion (SPDX) at the top level"
    );
    assert!(
        reason(json!({ "bomFormat": "CycloneDX", "specVersion": "1.4", "spdxVersion": "SPDX-2.3" }))
            .contains("both")
    );
    assert_eq!(
        err(&json!({ "bomFormat": "SPDX", "specVersion": "1.4" })).to_string(),
        "bomFormat: \"SPDX\" is not \"CycloneDX\""
    );
    assert_eq!(err(&json!({ "bomFormat": "CycloneDX" })).to_string(), "specVersion: missing");
    assert_eq!(
        err(&json!({ "bomFormat": "CycloneDX", "specVersion": 1.4 })).to_string(),
        "specVersion: expected a string, found a number"
    );
    assert_eq!(
        err(&json!({ "spdxVersion": 2.3 })).to_string(),
        "spdxVersion: expected a string, found a number"
    );
}

#[test]
fn invalid_json_is_refused_with_line_and_column() {
    let error = parse_sbom(b"{\n  \"bomFormat\": \"CycloneDX\",\n  oops\n}").unwrap_err();
    assert_eq!(
        error,
        SbomError::NotJson { message: "key must be a string".to_owned(), line: Some(3), column: Some(3) }
    );
    assert_eq!(error.to_string(), "the file is not valid JSON: key must be a string (line 3, column 3)");
    let truncated = parse_sbom(b"{\"bomFormat\": \"Cyclo").unwrap_err();
    assert!(matches!(truncated, SbomError::NotJson { line: Some(1), .. }), "{truncated:?}");
    assert_eq!(parse_sbom(b"").unwrap_err(), SbomError::Empty);
    assert_eq!(parse_sbom(b" \n\t ").unwrap_err(), SbomError::Empty);
    assert!(parse_sbom(b"\xFF\xFE{\0}\0").unwrap_err().to_string().contains("UTF-16"));
    // Nesting beyond the JSON parser's limit is an error, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(matches!(parse_sbom(deep.as_bytes()).unwrap_err(), SbomError::NotJson { .. }));
}

#[test]
fn a_byte_order_mark_is_allowed() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(cyclonedx("1.5", json!([{ "type": "library", "name": "a" }])).to_string().bytes());
    assert_eq!(parse_sbom(&bytes).unwrap().components.len(), 1);
}

#[test]
fn nested_components_are_flattened_after_their_parent() {
    let sbom = ok(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": { "component": {
            "type": "device", "name": "Infusion pump", "version": "4.2",
            "components": [{ "type": "firmware", "name": "pump firmware", "version": "4.2.0" }]
        } },
        "components": [
            { "type": "operating-system", "name": "RTOS", "components": [
                { "type": "library", "name": "TCP/IP stack", "components": [
                    { "type": "library", "name": "TLS library" }
                ] },
                { "type": "device-driver", "name": "Wi-Fi driver" }
            ] },
            { "type": "device", "name": "Wi-Fi module" }
        ]
    }));
    let names: Vec<&str> = sbom.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        ["pump firmware", "RTOS", "TCP/IP stack", "TLS library", "Wi-Fi driver", "Wi-Fi module"]
    );
    assert_eq!(sbom.components[4].kind, Some(ComponentKind::DeviceDriver));
    assert_eq!(sbom.subject.unwrap().name, "Infusion pump");

    let wrong = err(&cyclonedx(
        "1.4",
        json!([{ "type": "library", "name": "a", "components": [
            { "type": "library", "name": "b" },
            { "type": "library", "name": "c", "version": 3 }
        ] }]),
    ));
    assert_eq!(wrong.to_string(), "components[0].components[1].version: expected a string, found a number");
}

#[test]
fn the_fda_fields_are_read_whatever_their_spelling() {
    let component = |level: &str, end: &str, end_value: &str| {
        json!({ "type": "library", "name": "x", "properties": [
            { "name": "cdx:other", "value": "ignored" },
            { "name": level, "value": "Actively maintained" },
            { "name": end, "value": end_value }
        ] })
    };
    let sbom = ok(&cyclonedx(
        "1.4",
        json!([
            component("Level of Support", "End-of-Support", "2027-12-31"),
            component("level-of-support", "end of support", "2028-06-30T12:00:00+02:00"),
            component("LEVEL_OF_SUPPORT", "END-OF-SUPPORT", "31/12/2027"),
            component("Level  of support", "End_of_Support", "Until hardware support ends"),
        ]),
    ));
    let ends: Vec<_> = sbom.components.iter().map(|c| c.end_of_support.clone().unwrap()).collect();
    assert_eq!(
        ends,
        [
            EndOfSupport::Date(date!(2027 - 12 - 31)),
            EndOfSupport::Date(date!(2028 - 06 - 30)),
            EndOfSupport::Text("31/12/2027".to_owned()),
            EndOfSupport::Text("Until hardware support ends".to_owned()),
        ]
    );
    assert!(sbom.components.iter().all(|c| c.level_of_support.as_deref() == Some("Actively maintained")));
    assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);

    let twice = ok(&cyclonedx(
        "1.4",
        json!([{ "type": "library", "name": "x", "properties": [
            { "name": "Level of Support", "value": "Inactive" },
            { "name": "level of support", "value": "Actively maintained" },
            { "name": "End-of-Support" }
        ] }]),
    ));
    assert_eq!(twice.components[0].level_of_support.as_deref(), Some("Inactive"));
    assert_eq!(twice.components[0].end_of_support, None);
    assert_eq!(
        warnings(&twice),
        ["components[0].properties[1]: a second \"level of support\" property; the first one is kept"]
    );
    let wrong = err(&cyclonedx(
        "1.4",
        json!([{ "type": "library", "name": "x",
                 "properties": [{ "name": "End-of-Support", "value": 2027 }] }]),
    ));
    assert_eq!(wrong.path(), Some("components[0].properties[0].value"));
}

#[test]
fn what_ward_can_do_without_becomes_a_warning() {
    let sbom = ok(&cyclonedx(
        "1.5",
        json!([
            { "type": "gadget", "name": "a", "cpe": "not a cpe", "purl": "npm:left-pad", "hashes": [
                { "alg": "SHA-256",
                  "content": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855" },
                { "alg": "SHA-256", "content": "abc" },
                { "alg": "CRC32", "content": "abcd1234" },
                { "alg": "MD5", "content": 5 },
                "not a hash"
            ] },
            { "name": "b", "hashes": { "alg": "MD5" } }
        ]),
    ));
    let a = &sbom.components[0];
    assert_eq!((a.kind, &a.cpe, &a.purl), (None, &None, &None));
    assert_eq!(a.hashes.len(), 1);
    assert_eq!(a.hashes[0].algorithm, HashAlgorithm::Sha256);
    assert_eq!(a.hashes[0].value, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(
        warnings(&sbom),
        [
            "components[0].type: unknown component type \"gadget\"; its kind is left unknown",
            "components[0].cpe: \"not a cpe\" is not a CPE (cpe:2.3:… or cpe:/…); ignored",
            "components[0].purl: \"npm:left-pad\" is not a package URL (pkg:type/name); ignored",
            "components[0].hashes[1].content: \"abc\" is not a SHA-256 digest (64 hexadecimal digits); \
             hash ignored",
            "components[0].hashes[2].alg: unknown algorithm \"CRC32\"; hash ignored",
            "components[0].hashes[3].content: expected a string, found a number; hash ignored",
            "components[0].hashes[4]: expected an object, found a string; hash ignored",
            "components[1].type: missing; the component's kind is left unknown",
            "components[1].hashes: expected an array, found an object; hashes ignored",
        ]
    );
}

#[test]
fn warnings_are_capped() {
    let bad_hash = json!({ "alg": "MD5", "content": "zz" });
    let component = json!({ "type": "library", "name": "a", "hashes": vec![bad_hash; 100] });
    let sbom = ok(&cyclonedx("1.4", Value::Array(vec![component; 20])));
    assert_eq!(sbom.warnings.len(), 1_001);
    assert_eq!(sbom.warnings[1_000].to_string(), "1000 more warnings are not listed");
}

#[test]
fn a_wrong_typed_field_is_refused_naming_its_path() {
    let mut components: Vec<Value> =
        (0..13).map(|i| json!({ "type": "library", "name": format!("c{i}"), "version": "1" })).collect();
    components[12]["version"] = json!(12);
    let error = err(&cyclonedx("1.4", Value::Array(components)));
    assert_eq!(
        error,
        SbomError::WrongType {
            path: "components[12].version".to_owned(),
            expected: "a string",
            found: "a number"
        }
    );
    assert_eq!(error.to_string(), "components[12].version: expected a string, found a number");

    let cases = [
        (
            json!({ "name": "a", "supplier": "Acme" }),
            "components[0].supplier: expected an object, found a string",
        ),
        (
            json!({ "name": "a", "supplier": { "name": 1 } }),
            "components[0].supplier.name: expected a string, found a number",
        ),
        (json!({ "name": "a", "type": 7 }), "components[0].type: expected a string, found a number"),
        (
            json!({ "name": "a", "cpe": ["cpe:2.3:a"] }),
            "components[0].cpe: expected a string, found an array",
        ),
        (
            json!({ "name": "a", "properties": {} }),
            "components[0].properties: expected an array, found an object",
        ),
        (
            json!({ "name": "a", "components": [true] }),
            "components[0].components[0]: expected an object, found a boolean",
        ),
        (json!({ "name": ["a"] }), "components[0].name: expected a string, found an array"),
        (json!({ "version": "1" }), "components[0].name: missing"),
        (json!({ "name": "  " }), "components[0].name: empty"),
        (json!("a"), "components[0]: expected an object, found a string"),
    ];
    for (component, message) in cases {
        assert_eq!(err(&cyclonedx("1.4", json!([component]))).to_string(), message);
    }
    assert_eq!(
        err(&cyclonedx("1.4", json!({ "a": 1 }))).to_string(),
        "components: expected an array, found an object"
    );
    assert_eq!(
        err(&json!({ "bomFormat": "CycloneDX", "specVersion": "1.4",
                     "metadata": { "component": { "name": 1 } } }))
        .to_string(),
        "metadata.component.name: expected a string, found a number"
    );
}

#[test]
fn null_and_blank_values_count_as_absent() {
    let sbom = ok(&cyclonedx(
        "1.4",
        json!([{ "type": "library", "name": "a", "version": null, "cpe": "", "purl": " ",
                 "supplier": null }]),
    ));
    let a = &sbom.components[0];
    assert_eq!((&a.version, &a.cpe, &a.purl, &a.supplier), (&None, &None, &None, &None));
    assert!(sbom.warnings.is_empty());
}

#[test]
fn suppliers_and_manufacturers_come_from_where_each_version_puts_them() {
    let sbom = ok(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.4",
        "metadata": {
            "component": { "type": "device", "name": "Monitor", "version": "7" },
            "supplier": { "name": "Distributor NV" },
            "manufacture": { "name": "Maker GmbH" }
        },
        "components": [
            { "type": "firmware", "name": "fw", "supplier": { "name": "Chip Inc" }, "publisher": "Someone" },
            { "type": "library", "name": "lib", "publisher": "Lib Project" }
        ]
    }));
    let subject = sbom.subject.as_ref().unwrap();
    assert_eq!(subject.supplier.as_deref(), Some("Distributor NV"));
    assert_eq!(subject.manufacturer.as_deref(), Some("Maker GmbH"));
    assert_eq!(sbom.components[0].supplier.as_deref(), Some("Chip Inc"));
    assert_eq!(sbom.components[1].supplier.as_deref(), Some("Lib Project"));

    let v16 = ok(&json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {
            "component": { "type": "device", "name": "Monitor", "manufacturer": { "name": "Own Maker" },
                           "cpe": "cpe:2.3:h:maker:monitor:7:*:*:*:*:*:*:*" },
            "manufacturer": { "name": "Maker GmbH" }
        },
        "components": [{ "type": "device", "name": "board", "manufacturer": { "name": "Board Ltd" } }]
    }));
    let subject = v16.subject.as_ref().unwrap();
    assert_eq!(subject.manufacturer.as_deref(), Some("Own Maker"));
    assert_eq!(subject.cpe.as_deref(), Some("cpe:2.3:h:maker:monitor:7:*:*:*:*:*:*:*"));
    assert_eq!(v16.components[0].manufacturer.as_deref(), Some("Board Ltd"));
}

#[test]
fn vex_is_not_an_sbom_but_an_sbom_with_vulnerabilities_is() {
    let vex = json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [],
        "vulnerabilities": [{ "id": "CVE-2021-44228" }, { "id": "CVE-2022-22965" }]
    });
    let error = err(&vex);
    assert_eq!(error, SbomError::VexDocument { vulnerabilities: 2 });
    assert_eq!(
        error.to_string(),
        "the file is a CycloneDX VEX document (2 vulnerability statement(s) and no components), not an SBOM: \
         choose the device's SBOM instead"
    );
    let mut both = vex;
    both["components"] = json!([{ "type": "library", "name": "log4j-core", "version": "2.14.1" }]);
    let sbom = ok(&both);
    assert_eq!(sbom.components.len(), 1);
    assert_eq!(
        warnings(&sbom),
        ["vulnerabilities: 2 vulnerability statement(s) beside the components were not read"]
    );
}

fn spdx(version: &str, packages: Value, extra: Value) -> Value {
    let mut document = json!({
        "spdxVersion": version, "SPDXID": "SPDXRef-DOCUMENT", "name": "doc", "dataLicense": "CC0-1.0",
        "packages": packages
    });
    for (key, value) in extra.as_object().unwrap() {
        document[key] = value.clone();
    }
    document
}

#[test]
fn spdx_packages_give_their_identifiers_and_support_date() {
    let sbom = ok(&spdx(
        "SPDX-2.3",
        json!([
            { "SPDXID": "SPDXRef-pump", "name": "Pump", "versionInfo": "3.1",
              "primaryPackagePurpose": "DEVICE",
              "supplier": "Organization: Medical Maker (Europe) (support@maker.example)" },
            { "SPDXID": "SPDXRef-os", "name": "Linux", "versionInfo": "NOASSERTION",
              "primaryPackagePurpose": "OPERATING_SYSTEM", "supplier": "NOASSERTION",
              "validUntilDate": "2029-01-31T00:00:00Z",
              "externalRefs": [
                { "referenceCategory": "SECURITY", "referenceType": "cpe22Type",
                  "referenceLocator": "cpe:/o:linux:linux_kernel:5.10" },
                { "referenceCategory": "SECURITY",
                  "referenceType": "http://spdx.org/rdf/references/cpe23Type",
                  "referenceLocator": "cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*" },
                { "referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                  "referenceLocator": "pkg:generic/linux@5.10" },
                { "referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                  "referenceLocator": "pkg:deb/debian/linux@5.10" },
                { "referenceCategory": "OTHER", "referenceType": "swh", "referenceLocator": 5 }
              ],
              "checksums": [{ "algorithm": "SHA1",
                              "checksumValue": "85ed0817af83a24ad8da68c2b5094de69833983c" }] },
            { "SPDXID": "SPDXRef-gadget", "name": "Gadget", "primaryPackagePurpose": "GIZMO",
              "supplier": "Person: Jane Doe ()" }
        ]),
        json!({ "relationships": [
            { "spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
              "relatedSpdxElement": "SPDXRef-pump" }
        ] }),
    ));
    assert_eq!((sbom.format, sbom.spec_version.as_str()), (SbomFormat::Spdx, "2.3"));
    let subject = sbom.subject.as_ref().unwrap();
    assert_eq!((subject.name.as_str(), subject.kind), ("Pump", Some(ComponentKind::Device)));
    assert_eq!(subject.supplier.as_deref(), Some("Medical Maker (Europe)"));
    let linux = &sbom.components[0];
    assert_eq!(linux.kind, Some(ComponentKind::OperatingSystem));
    assert_eq!((&linux.version, &linux.supplier), (&None, &None));
    assert_eq!(
        linux.cpe.as_deref(),
        Some("cpe:2.3:o:linux:linux_kernel:5.10:*:*:*:*:*:*:*"),
        "2.3 wins over 2.2"
    );
    assert_eq!(linux.purl.as_deref(), Some("pkg:generic/linux@5.10"));
    assert_eq!(linux.end_of_support, Some(EndOfSupport::Date(date!(2029 - 01 - 31))));
    assert_eq!(linux.hashes[0].algorithm, HashAlgorithm::Sha1);
    let gadget = &sbom.components[1];
    assert_eq!((gadget.kind, gadget.supplier.as_deref()), (None, Some("Jane Doe")));
    assert_eq!(
        warnings(&sbom),
        [
            "packages[1].externalRefs[3].referenceLocator: a further package URL is not kept; Ward keeps \
             the first one",
            "packages[2].primaryPackagePurpose: unknown package purpose \"GIZMO\"; its kind is left unknown",
        ]
    );
}

#[test]
fn spdx_subject_rules() {
    let packages = json!([
        { "SPDXID": "SPDXRef-a", "name": "a" },
        { "SPDXID": "SPDXRef-b", "name": "b" }
    ]);
    // SPDX 2.2 with documentDescribes.
    let sbom = ok(&spdx("SPDX-2.2", packages.clone(), json!({ "documentDescribes": ["SPDXRef-b"] })));
    assert_eq!(sbom.spec_version, "2.2");
    assert_eq!(sbom.subject.unwrap().name, "b");
    assert_eq!(sbom.components.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["a"]);

    let described_by = json!({ "relationships": [
        { "spdxElementId": "SPDXRef-a", "relationshipType": "DESCRIBED_BY",
          "relatedSpdxElement": "SPDXRef-DOCUMENT" }
    ] });
    assert_eq!(ok(&spdx("SPDX-2.3", packages.clone(), described_by)).subject.unwrap().name, "a");

    let both =
        ok(&spdx("SPDX-2.3", packages.clone(), json!({ "documentDescribes": ["SPDXRef-a", "SPDXRef-b"] })));
    assert_eq!((&both.subject, both.components.len()), (&None, 2));
    assert_eq!(
        warnings(&both),
        ["the document describes 2 packages; none is taken as the device, all are kept as components"]
    );

    let none = ok(&spdx("SPDX-2.3", packages.clone(), json!({})));
    assert_eq!((none.subject, none.components.len()), (None, 2));

    let wrong = err(&spdx("SPDX-2.3", packages, json!({ "documentDescribes": ["SPDXRef-a", 2] })));
    assert_eq!(wrong.to_string(), "documentDescribes[1]: expected a string, found a number");
}

#[test]
fn spdx_wrong_types_name_their_path() {
    let cases = [
        (
            json!({ "name": "a", "versionInfo": 1.0 }),
            "packages[0].versionInfo: expected a string, found a number",
        ),
        (
            json!({ "name": "a", "supplier": { "name": "x" } }),
            "packages[0].supplier: expected a string, found an object",
        ),
        (
            json!({ "name": "a", "externalRefs": [{ "referenceType": "purl", "referenceLocator": [] }] }),
            "packages[0].externalRefs[0].referenceLocator: expected a string, found an array",
        ),
        (
            json!({ "name": "a", "externalRefs": [{ "referenceType": 3 }] }),
            "packages[0].externalRefs[0].referenceType: expected a string, found a number",
        ),
        (
            json!({ "name": "a", "validUntilDate": 20290131 }),
            "packages[0].validUntilDate: expected a string, found a number",
        ),
        (json!({ "SPDXID": 1, "name": "a" }), "packages[0].SPDXID: expected a string, found a number"),
        (json!({ "versionInfo": "1" }), "packages[0].name: missing"),
    ];
    for (package, message) in cases {
        assert_eq!(err(&spdx("SPDX-2.3", json!([package]), json!({}))).to_string(), message);
    }
    assert_eq!(
        err(&spdx("SPDX-2.3", json!("none"), json!({}))).to_string(),
        "packages: expected an array, found a string"
    );
}

#[test]
fn the_size_and_the_number_of_components_are_capped() {
    let too_large = vec![b' '; MAX_INPUT_BYTES + 1];
    assert_eq!(
        parse_sbom(&too_large).unwrap_err(),
        SbomError::TooLarge { size: MAX_INPUT_BYTES + 1, limit: MAX_INPUT_BYTES }
    );

    // Values cost memory whether Ward reads them or not: past a budget the parse stops.
    let zeros = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES));
    let error = parse_sbom(zeros.as_bytes()).unwrap_err();
    assert_eq!(error, SbomError::TooComplex { limit: MAX_JSON_VALUES });
    assert_eq!(error.to_string(), "the document holds more than 3000000 JSON values, more than Ward accepts");
    let just_enough = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES - 2));
    assert!(matches!(parse_sbom(just_enough.as_bytes()).unwrap_err(), SbomError::NotAnSbom { .. }));

    let many = |count: usize| {
        let mut text = String::from(r#"{"bomFormat":"CycloneDX","specVersion":"1.4","components":["#);
        for i in 0..count {
            if i > 0 {
                text.push(',');
            }
            text.push_str(r#"{"type":"library","name":"a"}"#);
        }
        text.push_str("]}");
        text
    };
    assert_eq!(parse_sbom(many(MAX_COMPONENTS).as_bytes()).unwrap().components.len(), MAX_COMPONENTS);
    let error = parse_sbom(many(MAX_COMPONENTS + 1).as_bytes()).unwrap_err();
    assert_eq!(error, SbomError::TooManyComponents { limit: MAX_COMPONENTS });
    assert_eq!(error.to_string(), "the document has more than 100000 components, more than Ward accepts");

    // Nested ones count too.
    let nested = json!({ "bomFormat": "CycloneDX", "specVersion": "1.4", "components": [
        { "type": "library", "name": "parent",
          "components": vec![json!({ "type": "library", "name": "a" }); MAX_COMPONENTS] }
    ] });
    assert_eq!(err(&nested), SbomError::TooManyComponents { limit: MAX_COMPONENTS });

    let packages = vec![json!({ "name": "a" }); MAX_COMPONENTS + 1];
    assert_eq!(
        err(&spdx("SPDX-2.3", Value::Array(packages), json!({}))),
        SbomError::TooManyComponents { limit: MAX_COMPONENTS }
    );
}
