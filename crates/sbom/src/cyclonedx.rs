//! CycloneDX JSON, spec versions 1.2 to 1.6. The fields Ward reads have kept their names and
//! shapes across these versions; `manufacturer` (component and metadata) is new in 1.6 and
//! replaces `metadata.manufacture`, so both are read.

use crate::fields::{self, folded_name};
use crate::json::{Array, Object, Warnings, echo};
use crate::{Component, ComponentKind, MAX_COMPONENTS, Sbom, SbomError, SbomFormat, Subject};

/// The FDA premarket fields, as property names fold (see [`folded_name`]).
const LEVEL_OF_SUPPORT: &str = "level of support";
const END_OF_SUPPORT: &str = "end of support";

pub(crate) fn read(root: &Object<'_>, spec_version: String) -> Result<Sbom, SbomError> {
    let metadata = root.object("metadata")?;
    let described = match &metadata {
        Some(metadata) => metadata.object("component")?,
        None => None,
    };
    let top_level = root.array("components")?;
    let inside_subject = match &described {
        Some(described) => described.array("components")?,
        None => None,
    };
    let listed = |list: &Option<Array<'_>>| list.as_ref().is_some_and(|list| !list.is_empty());
    let has_components = listed(&top_level) || listed(&inside_subject);
    let vulnerabilities = root.lenient_array("vulnerabilities").map_or(0, |list| list.len());
    if !has_components && vulnerabilities > 0 {
        return Err(SbomError::VexDocument { vulnerabilities });
    }

    let mut reader = Reader { components: Vec::new(), warnings: Warnings::default() };
    let subject = match (&described, &metadata) {
        (Some(described), Some(metadata)) => Some(reader.subject(described, metadata)?),
        _ => None,
    };
    // The parts of the subject nested in it belong to it as much as the top-level list does.
    if let Some(list) = &inside_subject {
        reader.flatten(list)?;
    }
    if let Some(list) = &top_level {
        reader.flatten(list)?;
    }
    if reader.components.is_empty() {
        reader.warnings.push("components", "the document lists no components");
    }
    if vulnerabilities > 0 {
        reader.warnings.push(
            "vulnerabilities",
            format!("{vulnerabilities} vulnerability statement(s) beside the components were not read"),
        );
    }
    Ok(Sbom {
        format: SbomFormat::CycloneDx,
        spec_version,
        subject,
        components: reader.components,
        warnings: reader.warnings.finish(),
    })
}

struct Reader {
    components: Vec<Component>,
    warnings: Warnings,
}

impl Reader {
    /// Reads every component of `list` and, after each, the components nested in it.
    fn flatten(&mut self, list: &Array<'_>) -> Result<(), SbomError> {
        for item in list.objects() {
            let item = item?;
            if self.components.len() >= MAX_COMPONENTS {
                return Err(SbomError::TooManyComponents { limit: MAX_COMPONENTS });
            }
            let component = self.component(&item)?;
            self.components.push(component);
            if let Some(nested) = item.array("components")? {
                self.flatten(&nested)?;
            }
        }
        Ok(())
    }

    /// The device or product from `metadata.component`, with the document's supplier and
    /// manufacturer when the component does not name its own.
    fn subject(&mut self, described: &Object<'_>, metadata: &Object<'_>) -> Result<Subject, SbomError> {
        let component = self.component(described)?;
        let supplier = organisation_name(metadata, "supplier")?;
        let manufacturer = organisation_name(metadata, "manufacturer")?;
        let manufacture = organisation_name(metadata, "manufacture")?;
        let mut subject = Subject::from_component(component);
        subject.supplier = subject.supplier.or(supplier);
        subject.manufacturer = subject.manufacturer.or(manufacturer).or(manufacture);
        Ok(subject)
    }

    fn component(&mut self, item: &Object<'_>) -> Result<Component, SbomError> {
        let name = item.required_text("name")?;
        let kind = match item.string("type")? {
            Some(written) => {
                let kind = ComponentKind::from_cyclonedx(written.trim());
                if kind.is_none() {
                    self.warnings.push(
                        item.path_of("type"),
                        format!("unknown component type {}; its kind is left unknown", echo(written)),
                    );
                }
                kind
            }
            None => {
                self.warnings.push(item.path_of("type"), "missing; the component's kind is left unknown");
                None
            }
        };
        let supplier = organisation_name(item, "supplier")?;
        let publisher = item.text("publisher")?;
        let cpe = fields::cpe(item.text("cpe")?, item.path_of("cpe"), &mut self.warnings);
        let purl = fields::purl(item.text("purl")?, item.path_of("purl"), &mut self.warnings);
        let support = self.support(item)?;
        Ok(Component {
            name,
            group: item.text("group")?,
            version: item.text("version")?,
            kind,
            supplier: supplier.or(publisher),
            manufacturer: organisation_name(item, "manufacturer")?,
            cpe,
            purl,
            level_of_support: support.level,
            end_of_support: support.end.map(fields::end_of_support),
            hashes: fields::hashes(item, "hashes", "alg", "content", &mut self.warnings),
        })
    }

    /// The FDA level and end of support from the component's properties, whose names are
    /// compared without regard to case or separators.
    fn support(&mut self, item: &Object<'_>) -> Result<Support, SbomError> {
        let mut support = Support::default();
        let Some(properties) = item.array("properties")? else { return Ok(support) };
        for property in properties.objects() {
            let property = property?;
            let Some(name) = property.string("name")? else { continue };
            let slot = match folded_name(name).as_str() {
                LEVEL_OF_SUPPORT => &mut support.level,
                END_OF_SUPPORT => &mut support.end,
                _ => continue,
            };
            let Some(value) = property.text("value")? else { continue };
            if slot.is_some() {
                self.warnings.push(
                    property.path(),
                    format!("a second {} property; the first one is kept", echo(name)),
                );
                continue;
            }
            *slot = Some(value);
        }
        Ok(support)
    }
}

#[derive(Default)]
struct Support {
    level: Option<String>,
    end: Option<String>,
}

/// The name of the organizational entity in member `key` (`supplier`, `manufacturer`).
fn organisation_name(owner: &Object<'_>, key: &str) -> Result<Option<String>, SbomError> {
    match owner.object(key)? {
        Some(entity) => entity.text("name"),
        None => Ok(None),
    }
}
