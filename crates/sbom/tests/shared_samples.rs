//! Published SBOMs, HBOMs and VEX documents (CycloneDX bom-examples, SPDX examples, and a
//! medical-device case study with the FDA fields). They are not in the repository: the tests
//! read them from the project's shared data folder and are skipped when it is absent, unless
//! `CI` or `WARD_TEST_REQUIRE_WORKBOOK` is set, which makes its absence a failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ward_sbom::{
    Component, ComponentKind, EndOfSupport, HashAlgorithm, Sbom, SbomError, SbomFormat, UnsupportedFormat,
    parse_sbom,
};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/sbom");

/// The folder, or `None` (the test is skipped) when it is absent and not required.
fn samples() -> Option<PathBuf> {
    let folder = Path::new(SAMPLES);
    if folder.is_dir() {
        return Some(folder.to_path_buf());
    }
    let required = ["CI", "WARD_TEST_REQUIRE_WORKBOOK"]
        .iter()
        .find(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()));
    if let Some(name) = required {
        panic!("{SAMPLES} is required ({name} is set) but is not a folder");
    }
    eprintln!("skipped: {SAMPLES} is absent (set CI or WARD_TEST_REQUIRE_WORKBOOK to make this fail)");
    None
}

fn read(name: &str) -> Option<Result<Sbom, SbomError>> {
    let path = samples()?.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
    Some(parse_sbom(&bytes))
}

fn sbom(name: &str) -> Option<Sbom> {
    read(name).map(|result| result.unwrap_or_else(|e| panic!("{name} should read, but: {e}")))
}

fn named<'a>(sbom: &'a Sbom, name: &str) -> &'a Component {
    sbom.components.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no component named {name}"))
}

fn count_kinds(sbom: &Sbom) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for component in &sbom.components {
        *counts.entry(component.kind.map_or("?", ComponentKind::as_str)).or_default() += 1;
    }
    counts
}

fn text(value: &str) -> Option<EndOfSupport> {
    Some(EndOfSupport::Text(value.to_owned()))
}

/// What each file in the folder gives: the number of components, or the refusal. A file that
/// appears in the folder without an entry here fails the test, so that it is looked at.
const EXPECTED: &[(&str, Result<usize, &str>)] = &[
    ("cdx12_sbom_laravel-7.12.0.json", Ok(62)),
    ("cdx14_sbom_laravel-7.12.0.json", Ok(62)),
    ("cdx_hbom_pcie-sata-adapter-board.json", Ok(6)),
    ("cdx_meddevice_casestudy_extended.json", Ok(65)),
    ("cdx_meddevice_casestudy_narrow.json", Ok(55)),
    ("cdx_sbom_cern-lhc-vdm-editor.json", Ok(43)),
    ("cdx_sbom_dropwizard-1.3.15.json", Ok(167)),
    ("cdx_sbom_proton-bridge-v1.8.0.json", Ok(201)),
    ("cdx_vex_cisa_case1_affected.json", Err("vex 1")),
    ("cdx_vex_cisa_case1_fixed.json", Err("vex 1")),
    ("cdx_vex_cisa_case1_not_affected.json", Err("vex 1")),
    ("cdx_vex_cisa_case1_under_investigation.json", Err("vex 1")),
    ("cdx_vex_cisa_case7_bom-1.json", Ok(0)),
    ("cdx_vex_cisa_case7_vex.json", Err("vex 4")),
    ("cdx_vex_example_bom.json", Ok(3)),
    ("cdx_vex_example_vex.json", Err("vex 1")),
    ("spdx23_acme.json", Ok(3)),
    ("spdx23_example11_rust-hello-server.json", Ok(3)),
    ("spdx23_example14_maven-enriched.json", Ok(5)),
    ("spdx23_oss-na-2023_sbom-with-security.json", Ok(1)),
    ("spdx30_example11_rust-hello-server.json", Err("spdx3")),
];

#[test]
fn every_sample_reads_or_is_refused_for_its_reason() {
    let Some(folder) = samples() else { return };
    let mut seen = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let expected = EXPECTED
            .iter()
            .find(|(file, _)| *file == name)
            .unwrap_or_else(|| panic!("{name} is new in the folder: add it to EXPECTED"))
            .1;
        let result = parse_sbom(&std::fs::read(&path).unwrap());
        match (expected, result) {
            (Ok(count), Ok(sbom)) => {
                assert_eq!(sbom.components.len(), count, "{name}");
                for component in &sbom.components {
                    assert!(!component.name.is_empty(), "{name}");
                }
            }
            (Err(reason), Err(error)) => {
                let wanted = match reason {
                    "spdx3" => SbomError::UnsupportedFormat(UnsupportedFormat::Spdx3JsonLd),
                    "vex 1" => SbomError::VexDocument { vulnerabilities: 1 },
                    "vex 4" => SbomError::VexDocument { vulnerabilities: 4 },
                    other => unreachable!("{other}"),
                };
                assert_eq!(error, wanted, "{name}");
            }
            (expected, result) => panic!("{name}: expected {expected:?}, got {result:?}"),
        }
        seen += 1;
    }
    assert_eq!(seen, EXPECTED.len(), "every file listed in EXPECTED is in the folder");
}

#[test]
fn the_medical_device_case_study_keeps_the_fda_fields() {
    let Some(sbom) = sbom("cdx_meddevice_casestudy_extended.json") else { return };
    assert_eq!((sbom.format, sbom.spec_version.as_str()), (SbomFormat::CycloneDx, "1.4"));
    let subject = sbom.subject.as_ref().unwrap();
    assert_eq!((subject.name.as_str(), subject.kind), ("REDACTED", Some(ComponentKind::Device)));
    assert_eq!(subject.version, None);
    assert_eq!(sbom.warnings, vec![], "{:?}", sbom.warnings);

    assert_eq!(
        count_kinds(&sbom),
        BTreeMap::from([
            ("application", 1),
            ("device", 2),
            ("firmware", 9),
            ("library", 52),
            ("operating-system", 1)
        ])
    );
    // Every component carries both FDA fields, spelt "Level of Support" and "End-of-Support".
    assert!(sbom.components.iter().all(|c| c.level_of_support.is_some() && c.end_of_support.is_some()));
    let mut levels = BTreeMap::new();
    for component in &sbom.components {
        *levels.entry(component.level_of_support.as_deref().unwrap()).or_insert(0) += 1;
    }
    assert_eq!(
        levels,
        BTreeMap::from([("Actively maintained", 55), ("Deprecated", 2), ("Inactive", 7), ("Unknown", 1)])
    );
    // The case study writes its end-of-support as words, not dates.
    assert!(sbom.components.iter().all(|c| matches!(c.end_of_support, Some(EndOfSupport::Text(_)))));

    let unifi = named(&sbom, "UniFi Network Application");
    assert_eq!(unifi.version.as_deref(), Some("8.3.32"));
    assert_eq!(unifi.kind, Some(ComponentKind::Application));
    assert_eq!(unifi.supplier.as_deref(), Some("Ubiquiti"), "the publisher stands in for the supplier");
    assert_eq!(
        unifi.cpe.as_deref(),
        Some("cpe:2.3:a:ubiquiti:unifi_network_application:8.3.32:*:*:*:*:*:*:*")
    );
    assert_eq!(unifi.purl.as_deref(), Some("pkg:generic/unifi_network_application@8.3.32"));
    assert_eq!(unifi.level_of_support.as_deref(), Some("Actively maintained"));
    assert_eq!(unifi.end_of_support, text("Until hardware support ends"));

    let edgeos = named(&sbom, "EdgeOS");
    assert_eq!(edgeos.kind, Some(ComponentKind::OperatingSystem));
    assert_eq!(edgeos.version.as_deref(), Some("2.0.9-hotfix.7"));
    assert_eq!(edgeos.cpe.as_deref(), Some("cpe:2.3:o:ubiquiti:edgeos:2.0.9-hotfix.7:*:*:*:*:*:*:*"));

    let fluent = named(&sbom, "FluentValidationNA");
    assert_eq!(fluent.level_of_support.as_deref(), Some("Deprecated"));
    assert_eq!(fluent.end_of_support, text("No longer supported"));
    assert_eq!(fluent.supplier.as_deref(), Some("Nathan Arnott"));

    // Hardware without a version: the file writes "", Ward keeps no version.
    let chip = named(&sbom, "Qualcomm Atheros QCA9563");
    assert_eq!((chip.kind, chip.version.as_deref()), (Some(ComponentKind::Device), None));
    assert_eq!(chip.purl.as_deref(), Some("pkg:generic/qualcomm_atheros_qca9563"));
    assert_eq!(sbom.components.iter().filter(|c| c.version.is_none()).count(), 6);
}

#[test]
fn the_narrow_case_study_is_the_extended_one_without_some_parts() {
    let (Some(narrow), Some(extended)) =
        (sbom("cdx_meddevice_casestudy_narrow.json"), sbom("cdx_meddevice_casestudy_extended.json"))
    else {
        return;
    };
    assert_eq!(count_kinds(&narrow), BTreeMap::from([("device", 1), ("firmware", 3), ("library", 51)]));
    let wolfssl = named(&narrow, "WolfSSL");
    assert_eq!(wolfssl.kind, Some(ComponentKind::Firmware));
    assert_eq!(wolfssl.cpe.as_deref(), Some("cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*"));
    assert_eq!(wolfssl.purl.as_deref(), Some("pkg:github/wolfssl/wolfssl"));
    assert_eq!(wolfssl.end_of_support, text("Open source"));
    assert_eq!(
        narrow.components.iter().filter(|c| c.level_of_support.as_deref() == Some("Inactive")).count(),
        7
    );
    let qm = named(&narrow, "QMScoringAPI");
    assert_eq!((qm.level_of_support.as_deref(), &qm.end_of_support), (Some("Unknown"), &text("Unknown")));
    // The same library is read the same way from both files.
    assert_eq!(named(&narrow, "BouncyCastle"), named(&extended, "BouncyCastle"));
}

#[test]
fn the_hardware_bom_names_the_board_and_its_suppliers() {
    let Some(sbom) = sbom("cdx_hbom_pcie-sata-adapter-board.json") else { return };
    let board = sbom.subject.as_ref().unwrap();
    assert_eq!(board.name, "pcie-sata-adaptor-board");
    assert_eq!(board.version.as_deref(), Some("rev-1"));
    assert_eq!(board.group.as_deref(), Some("uk.ac.cam.cl"));
    assert_eq!(board.kind, Some(ComponentKind::Device));
    assert!(sbom.components.iter().all(|c| c.kind == Some(ComponentKind::Device)));
    let connector = named(&sbom, "PCIE-098-02-F-D-EMS2");
    assert_eq!(connector.supplier.as_deref(), Some("Samtec"));
    assert_eq!(connector.version.as_deref(), Some("2.9.10"));
    assert_eq!(named(&sbom, "47155-4001").supplier.as_deref(), Some("Molex"));
    assert!(sbom.components.iter().all(|c| c.supplier.is_some()));
}

#[test]
fn the_same_bom_in_cyclonedx_1_2_and_1_4_reads_the_same() {
    let (Some(v12), Some(v14)) =
        (sbom("cdx12_sbom_laravel-7.12.0.json"), sbom("cdx14_sbom_laravel-7.12.0.json"))
    else {
        return;
    };
    assert_eq!((v12.spec_version.as_str(), v14.spec_version.as_str()), ("1.2", "1.4"));
    assert_eq!(v12.components, v14.components);
    assert_eq!(v12.subject, v14.subject);
    let subject = v14.subject.as_ref().unwrap();
    assert_eq!(
        (subject.name.as_str(), subject.group.as_deref(), subject.version.as_deref()),
        ("cyclonedx-php-composer-demo", Some("cyclonedx"), Some("dev-master"))
    );
    let cors = named(&v14, "stack-cors");
    assert_eq!(cors.group.as_deref(), Some("asm89"));
    assert_eq!(cors.purl.as_deref(), Some("pkg:composer/asm89/stack-cors@1.3.0"));
    assert_eq!(cors.level_of_support, None, "composer properties are not FDA fields");
}

#[test]
fn hashes_are_read_with_their_algorithms() {
    let (Some(cern), Some(dropwizard), Some(proton)) = (
        sbom("cdx_sbom_cern-lhc-vdm-editor.json"),
        sbom("cdx_sbom_dropwizard-1.3.15.json"),
        sbom("cdx_sbom_proton-bridge-v1.8.0.json"),
    ) else {
        return;
    };
    let algorithms = |sbom: &Sbom| {
        let mut counts = BTreeMap::new();
        for hash in sbom.components.iter().flat_map(|c| &c.hashes) {
            *counts.entry(hash.algorithm).or_insert(0) += 1;
        }
        counts
    };
    assert_eq!(algorithms(&cern), BTreeMap::from([(HashAlgorithm::Sha1, 26), (HashAlgorithm::Sha512, 17)]));
    assert_eq!(algorithms(&dropwizard).len(), 8);
    assert!(algorithms(&dropwizard).values().all(|count| *count == 167));
    assert_eq!(algorithms(&proton), BTreeMap::from([(HashAlgorithm::Sha256, 201)]));
    for sbom in [&cern, &dropwizard, &proton] {
        assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    }

    let subject = cern.subject.as_ref().unwrap();
    assert_eq!(subject.purl.as_deref(), Some("pkg:npm/lhc-vdm-editor@0.0.1"));
    let puppeteer = named(&cern, "puppeteer");
    assert_eq!(puppeteer.version.as_deref(), Some("1.19.0"));
    assert!(puppeteer.hashes[0].value.starts_with("d92e84eb2829"));

    let annotations = named(&dropwizard, "jackson-annotations");
    assert_eq!(annotations.supplier.as_deref(), Some("FasterXML"));
    assert_eq!(annotations.group.as_deref(), Some("com.fasterxml.jackson.core"));
    assert_eq!(annotations.hashes[0].algorithm, HashAlgorithm::Md5);
    assert_eq!(annotations.hashes[0].value, "26c2b6f7bc704ccadc64c83995e0ff7f");
    assert_eq!(dropwizard.subject.as_ref().unwrap().name, "dropwizard-parent");

    let bridge = proton.subject.as_ref().unwrap();
    assert_eq!(bridge.kind, Some(ComponentKind::Application));
    assert_eq!(bridge.version.as_deref(), Some("v1.8.0"));
}

#[test]
fn vex_documents_are_refused_but_their_bom_reads() {
    let Some(result) = read("cdx_vex_cisa_case1_affected.json") else { return };
    let error = result.unwrap_err();
    assert_eq!(error, SbomError::VexDocument { vulnerabilities: 1 });
    assert!(error.to_string().contains("VEX document"), "{error}");
    assert!(error.to_string().contains("not an SBOM"), "{error}");

    let bom = sbom("cdx_vex_example_bom.json").unwrap();
    assert_eq!(bom.spec_version, "1.3");
    assert_eq!(
        bom.components.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["jackson-databind", "jackson-annotations", "jackson-core"]
    );
    assert_eq!(bom.subject.as_ref().unwrap().name, "example-app");

    // A BOM that names only its product: read, with nothing in it, and said so.
    let product_only = sbom("cdx_vex_cisa_case7_bom-1.json").unwrap();
    assert_eq!(product_only.subject.as_ref().unwrap().name, "ABC");
    assert!(product_only.components.is_empty());
    assert_eq!(product_only.warnings.len(), 1);
    assert_eq!(product_only.warnings[0].to_string(), "components: the document lists no components");
}

#[test]
fn spdx_packages_are_the_components_and_the_described_one_the_subject() {
    let Some(acme) = sbom("spdx23_acme.json") else { return };
    assert_eq!((acme.format, acme.spec_version.as_str()), (SbomFormat::Spdx, "2.3"));
    let subject = acme.subject.as_ref().unwrap();
    assert_eq!(subject.name, "Acme Applcation");
    assert_eq!(subject.version.as_deref(), Some("2.3"));
    assert_eq!(subject.supplier.as_deref(), Some("Jane Doe"));
    assert_eq!(subject.kind, Some(ComponentKind::Application));
    let elliptic = named(&acme, "elliptic");
    assert_eq!(elliptic.version.as_deref(), Some("6.5.2"));
    assert_eq!(elliptic.purl.as_deref(), Some("pkg:npm/elliptic@6.5.2"));
    assert_eq!(named(&acme, "OpenSSL").purl.as_deref(), Some("pkg:alpine/openssl@3.0.4"));
    assert_eq!(named(&acme, "alpine").version.as_deref(), Some("latest"));

    // Described through a DESCRIBES relationship instead of documentDescribes.
    let tools = sbom("spdx23_oss-na-2023_sbom-with-security.json").unwrap();
    let subject = tools.subject.as_ref().unwrap();
    assert_eq!((subject.name.as_str(), subject.supplier.as_deref()), ("tools-java", Some("SPDX")));
    let xlsx = named(&tools, "xlsx");
    assert_eq!(xlsx.supplier.as_deref(), Some("Webjar"));
    assert_eq!(xlsx.purl.as_deref(), Some("pkg:maven/org.webjars.npm/xlsx@0.16.6"));
    assert_eq!(xlsx.hashes[0].algorithm, HashAlgorithm::Sha1);

    let maven = sbom("spdx23_example14_maven-enriched.json").unwrap();
    let subject = maven.subject.as_ref().unwrap();
    assert_eq!((subject.name.as_str(), subject.kind), ("examplemaven", Some(ComponentKind::Library)));
    assert_eq!(named(&maven, "JUnit").version.as_deref(), Some("3.8.1"));

    // It describes a package and a file: the package is the subject.
    let rust = sbom("spdx23_example11_rust-hello-server.json").unwrap();
    assert_eq!(rust.subject.as_ref().unwrap().name, "hello-server-src");
    let tokio = named(&rust, "tokio");
    assert_eq!(tokio.purl.as_deref(), Some("pkg:cargo/tokio@1.19.2"));
    assert_eq!(tokio.hashes[0].algorithm, HashAlgorithm::Sha256);
    for sbom in [&acme, &tools, &maven, &rust] {
        assert!(sbom.warnings.is_empty(), "{:?}", sbom.warnings);
    }
}

#[test]
fn spdx_3_json_ld_is_refused_with_what_to_export() {
    let Some(result) = read("spdx30_example11_rust-hello-server.json") else { return };
    assert_eq!(
        result.unwrap_err().to_string(),
        "SPDX 3.0 JSON-LD is not supported yet; export SPDX 2.3 JSON"
    );
}
