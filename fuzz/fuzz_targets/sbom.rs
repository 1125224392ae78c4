//! An SBOM is a file a manufacturer sends and a user uploads: any bytes either fail with an
//! `SbomError` or give a bill of materials that keeps its promises, and never panic or blow up
//! memory.
//!
//! Seed the corpus with the shared samples for depth (they are not committed):
//! `mkdir -p corpus/sbom && cp ../../shared/data/sbom/*.json corpus/sbom/`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ward_sbom::{MAX_COMPONENTS, parse_sbom};

fuzz_target!(|data: &[u8]| {
    match parse_sbom(data) {
        Ok(sbom) => {
            assert!(sbom.components.len() <= MAX_COMPONENTS);
            assert!(!sbom.spec_version.is_empty());
            if let Some(subject) = &sbom.subject {
                assert!(!subject.name.is_empty() && subject.name == subject.name.trim());
            }
            for component in &sbom.components {
                assert!(!component.name.is_empty() && component.name == component.name.trim());
                assert!(component.version.as_deref().is_none_or(|v| !v.is_empty()));
                assert!(component.cpe.as_deref().is_none_or(|c| c.to_ascii_lowercase().starts_with("cpe:")));
                assert!(component.purl.as_deref().is_none_or(|p| p.to_ascii_lowercase().starts_with("pkg:")));
                for hash in &component.hashes {
                    assert!(!hash.value.is_empty());
                    assert!(hash.value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
                }
            }
            for warning in &sbom.warnings {
                assert!(!warning.message.is_empty());
            }
        }
        Err(error) => assert!(!error.to_string().is_empty()),
    }
});
