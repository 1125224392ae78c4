//! Reads the bill of materials (SBOM, HBOM) a manufacturer supplies with a medical device, so
//! that Ward can keep, for each device model in a hospital's inventory, what software and
//! hardware it is made of, and later match those parts against advisories.
//!
//! It is a parser of an outside format: bytes in, plain values or an [`SbomError`] out. It never
//! panics, does no I/O and knows no other Ward crate. The format is told by the content, never by
//! the file name: CycloneDX JSON (`"bomFormat": "CycloneDX"`, `specVersion` 1.2 to 1.6) and SPDX
//! JSON (`"spdxVersion": "SPDX-2.2"` or `"SPDX-2.3"`) are read; SPDX 3.0 JSON-LD, CycloneDX XML,
//! SPDX tag-value and RDF are recognised and refused with what to export instead; a CycloneDX
//! VEX document (statements about vulnerabilities, no components) is refused as not an SBOM.
//!
//! What is read, and what becomes of it (CycloneDX; SPDX 2.x):
//!
//! - [`Sbom::subject`]: `metadata.component`, with `metadata.supplier` and
//!   `metadata.manufacturer` (`manufacture` before 1.6) when it names neither; the one package
//!   the SPDX document `DESCRIBES`.
//! - [`Sbom::components`]: `components`, nested `components` flattened (those nested in
//!   `metadata.component` too); every other SPDX package.
//! - name, group, version: `name`, `group`, `version`; `name`, —, `versionInfo`.
//! - kind: `type`; `primaryPackagePurpose`.
//! - supplier: `supplier.name`, else `publisher`; `supplier` (`Organization: Name (mail)`).
//! - manufacturer: `manufacturer.name` (1.6); —.
//! - CPE, purl: `cpe`, `purl`; `externalRefs` of type `cpe23Type` (else `cpe22Type`) and `purl`.
//! - level and end of support (FDA premarket guidance): the `properties` named "Level of
//!   Support" and "End-of-Support"; —, `validUntilDate`.
//! - hashes: `hashes`; `checksums`.
//!
//! Strictness: a value Ward reads that has the wrong JSON type (a number where a version string
//! belongs) refuses the document with the path of the value, because guessing would put wrong
//! facts into the inventory. What Ward can do without is kept as a [`Warning`] on the result
//! instead: anything malformed in hashes, an unknown component type, a CPE or purl that is not
//! one. A `null` counts as absent, an empty or blank string too.
//!
//! Resource limits: at most [`MAX_INPUT_BYTES`] of input, [`MAX_JSON_VALUES`] JSON values and
//! [`MAX_COMPONENTS`] components; the JSON parser refuses nesting deeper than 128.

// Outside input must never crash Ward: no panicking shortcuts in this crate's own code.
#![deny(clippy::indexing_slicing, clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod cyclonedx;
mod fields;
mod json;
mod spdx;
mod tree;

use std::fmt;

use json::{Object, echo};
pub use tree::MAX_JSON_VALUES;

/// The largest document accepted, in bytes (50 MiB; a large medical-device SBOM is a few MB).
pub const MAX_INPUT_BYTES: usize = 50 * 1024 * 1024;

/// The most components accepted in one document, nested ones included.
pub const MAX_COMPONENTS: usize = 100_000;

/// The bill-of-materials standards Ward reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomFormat {
    CycloneDx,
    Spdx,
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SbomFormat::CycloneDx => "CycloneDX",
            SbomFormat::Spdx => "SPDX",
        })
    }
}

/// A bill of materials as Ward keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sbom {
    pub format: SbomFormat,
    /// The version of the standard, without prefix: `"1.4"` (CycloneDX), `"2.3"` (SPDX).
    pub spec_version: String,
    /// The device or product the document describes, when it names one.
    pub subject: Option<Subject>,
    /// What the subject is made of, in document order; a nested component follows its parent.
    /// The subject itself is not among them.
    pub components: Vec<Component>,
    /// What was passed over or could not be read, and where.
    pub warnings: Vec<Warning>,
}

/// The device or product a bill of materials describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub kind: Option<ComponentKind>,
    /// Who supplies it: the component's supplier (or publisher), else the document's
    /// `metadata.supplier`.
    pub supplier: Option<String>,
    /// Who made it: the component's manufacturer, else the document's `metadata.manufacturer`
    /// (`metadata.manufacture` before CycloneDX 1.6). SPDX 2.x has no such field.
    pub manufacturer: Option<String>,
    pub cpe: Option<String>,
    pub purl: Option<String>,
}

impl Subject {
    /// The subject a component entry stands for: its identity, without the support facts and
    /// hashes that only parts carry in Ward.
    fn from_component(component: Component) -> Self {
        Subject {
            name: component.name,
            group: component.group,
            version: component.version,
            kind: component.kind,
            supplier: component.supplier,
            manufacturer: component.manufacturer,
            cpe: component.cpe,
            purl: component.purl,
        }
    }
}

/// One part of the subject: a piece of software, firmware or hardware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    /// The CycloneDX `group` (a Maven group id, an npm scope, a vendor); SPDX has none.
    pub group: Option<String>,
    pub version: Option<String>,
    /// `None` when the document gives no type or one Ward does not know (then with a warning).
    pub kind: Option<ComponentKind>,
    /// The supplier's name. CycloneDX: `supplier.name`, else `publisher`, where medical-device
    /// SBOMs often put the vendor. SPDX: the name in `Organization: Name (mail)`.
    pub supplier: Option<String>,
    /// The manufacturer's name (CycloneDX 1.6 `manufacturer.name`).
    pub manufacturer: Option<String>,
    /// A CPE 2.3 formatted string (`cpe:2.3:…`) or CPE 2.2 URI (`cpe:/…`), as written.
    pub cpe: Option<String>,
    /// A package URL (`pkg:…`), as written.
    pub purl: Option<String>,
    /// The FDA "level of support" as the manufacturer words it (`Actively maintained`).
    pub level_of_support: Option<String>,
    /// The FDA "end of support": a date when it is one, else the manufacturer's words.
    pub end_of_support: Option<EndOfSupport>,
    pub hashes: Vec<Hash>,
}

/// When support for a component ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndOfSupport {
    /// Written as an ISO 8601 date (`2027-12-31`) or an RFC 3339 date-time (its date is kept).
    Date(time::Date),
    /// Anything else, as written (`Until hardware support ends`, `Unknown`). Dates in other
    /// shapes stay text: `03/04/2027` is the 4th of March in one country and the 3rd of April
    /// in another.
    Text(String),
}

/// What a component is. The CycloneDX component types and SPDX package purposes, merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ComponentKind {
    Application,
    Framework,
    Library,
    Container,
    Platform,
    OperatingSystem,
    Device,
    DeviceDriver,
    Firmware,
    File,
    MachineLearningModel,
    Data,
    CryptographicAsset,
    /// SPDX only: a source-code package.
    Source,
    /// SPDX only: an archive (a tarball, a zip).
    Archive,
    /// SPDX only: an installer.
    Install,
    /// SPDX `OTHER`: the document says it is none of the above.
    Other,
}

impl ComponentKind {
    const ALL: [ComponentKind; 17] = [
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
        ComponentKind::Source,
        ComponentKind::Archive,
        ComponentKind::Install,
        ComponentKind::Other,
    ];

    /// The CycloneDX spelling (`operating-system`), and for the SPDX-only kinds the SPDX purpose
    /// in the same style (`source`).
    pub fn as_str(self) -> &'static str {
        match self {
            ComponentKind::Application => "application",
            ComponentKind::Framework => "framework",
            ComponentKind::Library => "library",
            ComponentKind::Container => "container",
            ComponentKind::Platform => "platform",
            ComponentKind::OperatingSystem => "operating-system",
            ComponentKind::Device => "device",
            ComponentKind::DeviceDriver => "device-driver",
            ComponentKind::Firmware => "firmware",
            ComponentKind::File => "file",
            ComponentKind::MachineLearningModel => "machine-learning-model",
            ComponentKind::Data => "data",
            ComponentKind::CryptographicAsset => "cryptographic-asset",
            ComponentKind::Source => "source",
            ComponentKind::Archive => "archive",
            ComponentKind::Install => "install",
            ComponentKind::Other => "other",
        }
    }

    /// The kind a CycloneDX `type` names (1.2 to 1.6).
    fn from_cyclonedx(value: &str) -> Option<Self> {
        let spdx_only = |kind: &ComponentKind| {
            matches!(
                kind,
                ComponentKind::Source
                    | ComponentKind::Archive
                    | ComponentKind::Install
                    | ComponentKind::Other
            )
        };
        Self::ALL.into_iter().filter(|kind| !spdx_only(kind)).find(|kind| kind.as_str() == value)
    }

    /// The kind an SPDX 2.3 `primaryPackagePurpose` names (`OPERATING-SYSTEM`).
    fn from_spdx(value: &str) -> Option<Self> {
        use ComponentKind as K;
        let spdx_purposes = [
            K::Application,
            K::Framework,
            K::Library,
            K::Container,
            K::OperatingSystem,
            K::Device,
            K::Firmware,
            K::Source,
            K::Archive,
            K::File,
            K::Install,
            K::Other,
        ];
        let value = value.replace('_', "-");
        spdx_purposes.into_iter().find(|kind| kind.as_str().eq_ignore_ascii_case(&value))
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A digest of a component's artefact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hash {
    pub algorithm: HashAlgorithm,
    /// Lowercase hexadecimal, of the length the algorithm gives.
    pub value: String,
}

/// The digest algorithms of CycloneDX and SPDX, merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum HashAlgorithm {
    Md2,
    Md4,
    Md5,
    Md6,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Blake2b256,
    Blake2b384,
    Blake2b512,
    Blake3,
    Adler32,
}

impl HashAlgorithm {
    const ALL: [HashAlgorithm; 17] = [
        HashAlgorithm::Md2,
        HashAlgorithm::Md4,
        HashAlgorithm::Md5,
        HashAlgorithm::Md6,
        HashAlgorithm::Sha1,
        HashAlgorithm::Sha224,
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
        HashAlgorithm::Sha3_256,
        HashAlgorithm::Sha3_384,
        HashAlgorithm::Sha3_512,
        HashAlgorithm::Blake2b256,
        HashAlgorithm::Blake2b384,
        HashAlgorithm::Blake2b512,
        HashAlgorithm::Blake3,
        HashAlgorithm::Adler32,
    ];

    /// The CycloneDX spelling (`SHA-256`, `SHA3-256`, `BLAKE2b-256`); `MD2`, `MD4`, `MD6`, `SHA-224`
    /// and `ADLER32` exist in SPDX only.
    pub fn as_str(self) -> &'static str {
        match self {
            HashAlgorithm::Md2 => "MD2",
            HashAlgorithm::Md4 => "MD4",
            HashAlgorithm::Md5 => "MD5",
            HashAlgorithm::Md6 => "MD6",
            HashAlgorithm::Sha1 => "SHA-1",
            HashAlgorithm::Sha224 => "SHA-224",
            HashAlgorithm::Sha256 => "SHA-256",
            HashAlgorithm::Sha384 => "SHA-384",
            HashAlgorithm::Sha512 => "SHA-512",
            HashAlgorithm::Sha3_256 => "SHA3-256",
            HashAlgorithm::Sha3_384 => "SHA3-384",
            HashAlgorithm::Sha3_512 => "SHA3-512",
            HashAlgorithm::Blake2b256 => "BLAKE2b-256",
            HashAlgorithm::Blake2b384 => "BLAKE2b-384",
            HashAlgorithm::Blake2b512 => "BLAKE2b-512",
            HashAlgorithm::Blake3 => "BLAKE3",
            HashAlgorithm::Adler32 => "ADLER32",
        }
    }

    /// The algorithm either standard names: `SHA-256` (CycloneDX) and `SHA256` (SPDX) alike.
    fn parse(name: &str) -> Option<Self> {
        let folded = |text: &str| -> String {
            text.chars().filter(|c| !matches!(c, '-' | '_')).flat_map(char::to_uppercase).collect()
        };
        let wanted = folded(name);
        Self::ALL.into_iter().find(|algorithm| folded(algorithm.as_str()) == wanted)
    }

    /// How many hexadecimal digits the digest has; `None` for the variable-length ones.
    fn hex_len(self) -> Option<usize> {
        match self {
            HashAlgorithm::Md2 | HashAlgorithm::Md4 | HashAlgorithm::Md5 => Some(32),
            HashAlgorithm::Sha1 => Some(40),
            HashAlgorithm::Sha224 => Some(56),
            HashAlgorithm::Sha256 | HashAlgorithm::Sha3_256 | HashAlgorithm::Blake2b256 => Some(64),
            HashAlgorithm::Sha384 | HashAlgorithm::Sha3_384 | HashAlgorithm::Blake2b384 => Some(96),
            HashAlgorithm::Sha512 | HashAlgorithm::Sha3_512 | HashAlgorithm::Blake2b512 => Some(128),
            HashAlgorithm::Adler32 => Some(8),
            HashAlgorithm::Md6 | HashAlgorithm::Blake3 => None,
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something in the document that Ward passed over, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The JSON path (`components[3].hashes[0].content`); empty for the document as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Bill-of-materials formats Ward recognises but does not read, each with what to export instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsupportedFormat {
    Spdx3JsonLd,
    SpdxTagValue,
    SpdxRdfXml,
    CycloneDxXml,
}

impl fmt::Display for UnsupportedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnsupportedFormat::Spdx3JsonLd => "SPDX 3.0 JSON-LD is not supported yet; export SPDX 2.3 JSON",
            UnsupportedFormat::SpdxTagValue => "SPDX tag-value is not supported; export SPDX 2.3 JSON",
            UnsupportedFormat::SpdxRdfXml => "SPDX RDF/XML is not supported; export SPDX 2.3 JSON",
            UnsupportedFormat::CycloneDxXml => {
                "CycloneDX XML is not supported yet; export CycloneDX JSON (1.2 to 1.6)"
            }
        })
    }
}

/// Why a document could not be read. The messages are plain English for the person who chose
/// the file, and name the place at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SbomError {
    #[error("the file is too large: {size} bytes, at most {limit} are accepted")]
    TooLarge { size: usize, limit: usize },
    #[error("the file is empty")]
    Empty,
    #[error("the file is not valid JSON: {message}{}", location(*.line, *.column))]
    NotJson { message: String, line: Option<usize>, column: Option<usize> },
    #[error("{0}")]
    UnsupportedFormat(UnsupportedFormat),
    #[error("the file is not an SBOM: {reason}")]
    NotAnSbom { reason: String },
    #[error(
        "the file is a CycloneDX VEX document ({vulnerabilities} vulnerability statement(s) and no \
         components), not an SBOM: choose the device's SBOM instead"
    )]
    VexDocument { vulnerabilities: usize },
    #[error("{format} version {found} is not supported; Ward reads {supported}")]
    UnsupportedVersion { format: SbomFormat, found: String, supported: &'static str },
    #[error("{path}: expected {expected}, found {found}")]
    WrongType { path: String, expected: &'static str, found: &'static str },
    #[error("{path}: missing")]
    Missing { path: String },
    #[error("{path}: {reason}")]
    InvalidValue { path: String, reason: String },
    #[error("the document has more than {limit} components, more than Ward accepts")]
    TooManyComponents { limit: usize },
    #[error("the document holds more than {limit} JSON values, more than Ward accepts")]
    TooComplex { limit: usize },
}

impl SbomError {
    /// The JSON path at fault, for the errors that have one.
    pub fn path(&self) -> Option<&str> {
        match self {
            SbomError::WrongType { path, .. }
            | SbomError::Missing { path }
            | SbomError::InvalidValue { path, .. } => Some(path),
            _ => None,
        }
    }
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(" (line {line}, column {column})"),
        (Some(line), None) => format!(" (line {line})"),
        _ => String::new(),
    }
}

/// Reads a CycloneDX or SPDX JSON bill of materials, the format told by its content.
pub fn parse_sbom(bytes: &[u8]) -> Result<Sbom, SbomError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(SbomError::TooLarge { size: bytes.len(), limit: MAX_INPUT_BYTES });
    }
    // Windows tools like to start UTF-8 with a byte-order mark; JSON does not allow one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(SbomError::Empty);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(SbomError::NotJson {
            message: "it is UTF-16 text; save it as UTF-8".to_owned(),
            line: None,
            column: None,
        });
    }
    if let Some(format) = fields::recognise_other_format(bytes) {
        return Err(SbomError::UnsupportedFormat(format));
    }
    let document = tree::parse(bytes).map_err(|error| match error {
        tree::ParseError::Json(error) => json_error(error),
        tree::ParseError::TooManyValues => SbomError::TooComplex { limit: MAX_JSON_VALUES },
    })?;
    let Ok(root) = Object::at(&document, String::new()) else {
        return Err(not_an_sbom(format!("the document is {}, not a JSON object", document.kind())));
    };
    match detect(&root)? {
        Detected::CycloneDx(version) => cyclonedx::read(&root, version),
        Detected::Spdx(version) => spdx::read(&root, version),
    }
}

enum Detected {
    CycloneDx(String),
    Spdx(String),
}

const CYCLONEDX_VERSIONS: [&str; 5] = ["1.2", "1.3", "1.4", "1.5", "1.6"];
const SPDX_VERSIONS: [&str; 2] = ["2.2", "2.3"];

/// Which standard and version the top-level object follows.
fn detect(root: &Object<'_>) -> Result<Detected, SbomError> {
    if fields::is_spdx3(root) {
        return Err(SbomError::UnsupportedFormat(UnsupportedFormat::Spdx3JsonLd));
    }
    let spdx = root.string("spdxVersion")?;
    let cyclonedx = root.string("bomFormat")?;
    match (cyclonedx, spdx) {
        (Some(_), Some(_)) => {
            Err(not_an_sbom("it has both bomFormat (CycloneDX) and spdxVersion (SPDX); it can only be one"))
        }
        (Some(bom_format), None) => {
            if !bom_format.trim().eq_ignore_ascii_case("CycloneDX") {
                return Err(SbomError::InvalidValue {
                    path: "bomFormat".to_owned(),
                    reason: format!("{} is not \"CycloneDX\"", echo(bom_format)),
                });
            }
            let version = root
                .string("specVersion")?
                .ok_or_else(|| SbomError::Missing { path: "specVersion".to_owned() })?
                .trim();
            match CYCLONEDX_VERSIONS.into_iter().find(|known| *known == version) {
                Some(known) => Ok(Detected::CycloneDx(known.to_owned())),
                None => Err(SbomError::UnsupportedVersion {
                    format: SbomFormat::CycloneDx,
                    found: echo(version),
                    supported: "CycloneDX JSON 1.2 to 1.6",
                }),
            }
        }
        (None, Some(spdx_version)) => {
            let version = spdx_version.trim();
            let number = version.strip_prefix("SPDX-").unwrap_or(version);
            if number.starts_with("3.") {
                return Err(SbomError::UnsupportedFormat(UnsupportedFormat::Spdx3JsonLd));
            }
            match SPDX_VERSIONS.into_iter().find(|known| *known == number) {
                Some(known) => Ok(Detected::Spdx(known.to_owned())),
                None => Err(SbomError::UnsupportedVersion {
                    format: SbomFormat::Spdx,
                    found: echo(version),
                    supported: "SPDX JSON 2.2 and 2.3",
                }),
            }
        }
        (None, None) => {
            Err(not_an_sbom("it has neither bomFormat (CycloneDX) nor spdxVersion (SPDX) at the top level"))
        }
    }
}

fn not_an_sbom(reason: impl Into<String>) -> SbomError {
    SbomError::NotAnSbom { reason: reason.into() }
}

fn json_error(error: serde_json::Error) -> SbomError {
    let (line, column) = (error.line(), error.column());
    let full = error.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_owned();
    SbomError::NotJson {
        message,
        line: (line > 0).then_some(line),
        column: (line > 0 && column > 0).then_some(column),
    }
}
