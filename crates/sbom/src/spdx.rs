//! SPDX JSON, versions 2.2 and 2.3. Packages are the components; the package the document
//! describes is the subject. `primaryPackagePurpose` and `validUntilDate` exist from 2.3 on and
//! are read whenever they are there.

use std::collections::HashSet;

use crate::fields::{self, is_spdx_none, spdx_party};
use crate::json::{Object, Warnings, echo};
use crate::{Component, ComponentKind, MAX_COMPONENTS, Sbom, SbomError, SbomFormat, Subject};

/// The identifier SPDX 2.x requires the document itself to have.
const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";

pub(crate) fn read(root: &Object<'_>, spec_version: String) -> Result<Sbom, SbomError> {
    let mut warnings = Warnings::default();
    let packages = root.array("packages")?;
    if packages.as_ref().is_some_and(|list| list.len() > MAX_COMPONENTS) {
        return Err(SbomError::TooManyComponents { limit: MAX_COMPONENTS });
    }
    let described = described_ids(root)?;

    let mut read = Vec::new();
    if let Some(packages) = &packages {
        for package in packages.objects() {
            let package = package?;
            let id = package.text("SPDXID")?;
            let is_described = id.as_ref().is_some_and(|id| described.contains(id.as_str()));
            read.push((is_described, self::package(&package, &mut warnings)?));
        }
    }

    // One described package is the device or product; with several, the document is about
    // more than one product and Ward does not guess which one is the device.
    let described_packages = read.iter().filter(|(is_described, _)| *is_described).count();
    if described_packages > 1 {
        warnings.push(
            "",
            format!(
                "the document describes {described_packages} packages; none is taken as the device, \
                 all are kept as components"
            ),
        );
    }
    let mut subject = None;
    let mut components = Vec::with_capacity(read.len());
    for (is_described, component) in read {
        if is_described && described_packages == 1 {
            subject = Some(Subject::from_component(component));
        } else {
            components.push(component);
        }
    }
    if components.is_empty() {
        let message = match subject {
            Some(_) => "the document lists no packages besides the one it describes",
            None => "the document lists no packages",
        };
        warnings.push("packages", message);
    }
    Ok(Sbom { format: SbomFormat::Spdx, spec_version, subject, components, warnings: warnings.finish() })
}

/// The SPDX ids the document describes: `documentDescribes`, and the `DESCRIBES` (and
/// `DESCRIBED_BY`) relationships of the document itself, which replace it from 2.3 on.
fn described_ids(root: &Object<'_>) -> Result<HashSet<String>, SbomError> {
    let mut ids = HashSet::new();
    if let Some(list) = root.array("documentDescribes")? {
        for (path, item) in list.items() {
            match item.as_str() {
                Some(id) => ids.insert(id.trim().to_owned()),
                None => return Err(crate::json::wrong_type(path, "a string", item)),
            };
        }
    }
    let document = root.text("SPDXID")?.unwrap_or_else(|| DOCUMENT_ID.to_owned());
    if let Some(list) = root.array("relationships")? {
        for relationship in list.objects() {
            let relationship = relationship?;
            let kind = relationship.text("relationshipType")?;
            let element = relationship.text("spdxElementId")?;
            let related = relationship.text("relatedSpdxElement")?;
            match (kind.as_deref(), element, related) {
                (Some("DESCRIBES"), Some(element), Some(related)) if element == document => {
                    ids.insert(related);
                }
                (Some("DESCRIBED_BY"), Some(element), Some(related)) if related == document => {
                    ids.insert(element);
                }
                _ => {}
            }
        }
    }
    Ok(ids)
}

fn package(package: &Object<'_>, warnings: &mut Warnings) -> Result<Component, SbomError> {
    let name = package.required_text("name")?;
    let version = package.text("versionInfo")?.filter(|version| !is_spdx_none(version));
    let supplier = package.string("supplier")?.and_then(spdx_party);
    let kind = match package.string("primaryPackagePurpose")? {
        Some(written) => {
            let kind = ComponentKind::from_spdx(written.trim());
            if kind.is_none() {
                warnings.push(
                    package.path_of("primaryPackagePurpose"),
                    format!("unknown package purpose {}; its kind is left unknown", echo(written)),
                );
            }
            kind
        }
        None => None,
    };
    let references = references(package, warnings)?;
    let end_of_support = package.text("validUntilDate")?.map(fields::end_of_support);
    Ok(Component {
        name,
        group: None,
        version,
        kind,
        supplier,
        manufacturer: None,
        cpe: references.cpe23.or(references.cpe22),
        purl: references.purl,
        level_of_support: None,
        end_of_support,
        hashes: fields::hashes(package, "checksums", "algorithm", "checksumValue", warnings),
    })
}

#[derive(Default)]
struct References {
    cpe23: Option<String>,
    cpe22: Option<String>,
    purl: Option<String>,
}

/// The first well-formed CPE 2.3, CPE 2.2 and purl among the package's external references.
fn references(package: &Object<'_>, warnings: &mut Warnings) -> Result<References, SbomError> {
    let mut found = References::default();
    let Some(list) = package.array("externalRefs")? else { return Ok(found) };
    for reference in list.objects() {
        let reference = reference?;
        let Some(written_type) = reference.string("referenceType")? else { continue };
        // Some tools write the type as its URI (`http://spdx.org/rdf/references/cpe23Type`).
        let short_type = written_type.rsplit(['/', '#']).next().unwrap_or(written_type).trim();
        let (slot, what) = if short_type.eq_ignore_ascii_case("cpe23Type") {
            (&mut found.cpe23, "CPE 2.3")
        } else if short_type.eq_ignore_ascii_case("cpe22Type") {
            (&mut found.cpe22, "CPE 2.2")
        } else if short_type.eq_ignore_ascii_case("purl") {
            (&mut found.purl, "package URL")
        } else {
            continue;
        };
        let locator = reference.text("referenceLocator")?;
        let path = reference.path_of("referenceLocator");
        let checked = if what == "package URL" {
            fields::purl(locator, path.clone(), warnings)
        } else {
            fields::cpe(locator, path.clone(), warnings)
        };
        let Some(value) = checked else { continue };
        if slot.is_some() {
            warnings.push(path, format!("a further {what} is not kept; Ward keeps the first one"));
        } else {
            *slot = Some(value);
        }
    }
    Ok(found)
}
