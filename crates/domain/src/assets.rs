//! The asset register: medical devices, clinical workstations, servers, network and building
//! devices, applications. What an asset is, how imported rows match known assets, and what the
//! register says about the CyFun requirements it evidences.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::ValidationError;

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                $name::ALL.iter().copied().find(|v| v.code() == t)
            }
        }
    };
}

code_enum!(
    /// What kind of thing an asset is.
    AssetKind {
        MedicalDevice = "medical_device",
        ClinicalWorkstation = "clinical_workstation",
        Server = "server",
        NetworkDevice = "network_device",
        BuildingIot = "building_iot",
        Application = "application",
        Other = "other",
    }
);

code_enum!(
    /// How much care depends on it.
    Criticality {
        LifeSustaining = "life_sustaining",
        Therapeutic = "therapeutic",
        Diagnostic = "diagnostic",
        Support = "support",
    }
);

code_enum!(
    /// Who may patch it.
    Patchability {
        Yes = "yes",
        VendorOnly = "vendor_only",
        No = "no",
    }
);

code_enum!(
    /// Endpoint detection and response on the asset.
    Edr {
        Installed = "installed",
        Possible = "possible",
        NotPossible = "not_possible",
    }
);

code_enum!(
    /// The team that looks after it.
    OwnerTeam {
        It = "it",
        ClinicalEngineering = "clinical_engineering",
    }
);

/// The fields of an asset, all optional but the name and kind (inventories are never complete).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetFields {
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
    pub site: Option<String>,
    pub building: Option<String>,
    pub room: Option<String>,
    pub ip: Option<String>,
    /// Lower-case, colon-separated.
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub segment: Option<String>,
    pub owner_team: Option<OwnerTeam>,
    pub owner: Option<String>,
    pub criticality: Option<Criticality>,
    pub patient_data: Option<bool>,
    pub patchability: Option<Patchability>,
    pub support_end: Option<Date>,
    pub edr: Option<Edr>,
    pub os: Option<String>,
}

/// An asset as typed or imported, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetDraft {
    pub kind: AssetKind,
    pub name: String,
    pub fields: AssetFields,
}

/// The names of the fields, in the order pages and files show them.
pub const FIELD_NAMES: [&str; 21] = [
    "kind",
    "name",
    "vendor",
    "model",
    "version",
    "serial",
    "site",
    "building",
    "room",
    "ip",
    "mac",
    "hostname",
    "segment",
    "owner_team",
    "owner",
    "criticality",
    "patient_data",
    "patchability",
    "support_end",
    "edr",
    "os",
];

/// `AA:BB:cc-dd-ee-ff`, `aabb.ccdd.eeff` → `aa:bb:cc:dd:ee:ff`.
pub fn normalise_mac(text: &str) -> Option<String> {
    let hex: String = text.chars().filter(char::is_ascii_hexdigit).collect::<String>().to_ascii_lowercase();
    let separators_only = text.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '-' | '.' | ' '));
    if hex.len() != 12 || !separators_only {
        return None;
    }
    Some(
        hex.as_bytes()
            .chunks(2)
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect::<Vec<_>>()
            .join(":"),
    )
}

fn list<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| code(*v)).collect()
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "ja" | "oui" | "x" => Some(true),
        "no" | "n" | "false" | "0" | "nee" | "non" | "" => Some(false),
        _ => None,
    }
}

/// Checks one asset's raw values (field name → text), as a form, the API or a mapped CSV row
/// gives them. Every bad field is named.
pub fn check_asset(values: &BTreeMap<String, String>) -> Result<AssetDraft, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let get = |f: &str| values.get(f).map(|v| v.trim()).filter(|v| !v.is_empty());
    let text = |f: &'static str, max: usize, errors: &mut Vec<ValidationError>| -> Option<String> {
        let v = get(f)?;
        if v.chars().count() > max || v.chars().any(char::is_control) {
            errors.push(ValidationError::new(f, "length", format!("at most {max} characters, on one line")));
            return None;
        }
        Some(v.to_owned())
    };
    fn coded<T: Copy>(
        f: &'static str,
        raw: Option<&str>,
        parse: fn(&str) -> Option<T>,
        all: &[&str],
        errors: &mut Vec<ValidationError>,
    ) -> Option<T> {
        let raw = raw?;
        let v = parse(raw);
        if v.is_none() {
            errors.push(ValidationError::new(
                f,
                "unknown_value",
                format!("\"{raw}\" is not one of {}", all.join(", ")),
            ));
        }
        v
    }
    let kind =
        coded("kind", get("kind"), AssetKind::parse, &list(AssetKind::ALL, AssetKind::code), &mut errors)
            .unwrap_or(AssetKind::Other);
    let name = text("name", 200, &mut errors)
        .or_else(|| get("hostname").map(str::to_owned))
        .or_else(|| get("ip").map(str::to_owned));
    if name.is_none() && !errors.iter().any(|e| e.field == "name") {
        errors.push(ValidationError::new(
            "name",
            "required",
            "give the asset a name (or a hostname or IP address)",
        ));
    }
    let ip = match get("ip") {
        None => None,
        Some(raw) => match raw.parse::<std::net::IpAddr>() {
            Ok(ip) => Some(ip.to_string()),
            Err(_) => {
                errors.push(ValidationError::new("ip", "address", format!("\"{raw}\" is not an IP address")));
                None
            }
        },
    };
    let mac = match get("mac") {
        None => None,
        Some(raw) => {
            let m = normalise_mac(raw);
            if m.is_none() {
                errors.push(ValidationError::new(
                    "mac",
                    "address",
                    format!("\"{raw}\" is not a MAC address"),
                ));
            }
            m
        }
    };
    let patient_data = get("patient_data").and_then(|raw| {
        let v = yes_no(raw);
        if v.is_none() {
            errors.push(ValidationError::new("patient_data", "yes_no", format!("\"{raw}\": use yes or no")));
        }
        v
    });
    let support_end = get("support_end").and_then(|raw| {
        let v = crate::tasks::parse_date(raw);
        if v.is_none() {
            errors.push(ValidationError::new(
                "support_end",
                "date",
                format!("\"{raw}\" is not a date (use YYYY-MM-DD)"),
            ));
        }
        v
    });
    let fields = AssetFields {
        vendor: text("vendor", 200, &mut errors),
        model: text("model", 200, &mut errors),
        version: text("version", 100, &mut errors),
        serial: text("serial", 100, &mut errors),
        site: text("site", 200, &mut errors),
        building: text("building", 200, &mut errors),
        room: text("room", 200, &mut errors),
        ip,
        mac,
        hostname: text("hostname", 253, &mut errors).map(|h| h.to_ascii_lowercase()),
        segment: text("segment", 100, &mut errors),
        owner_team: coded(
            "owner_team",
            get("owner_team"),
            OwnerTeam::parse,
            &list(OwnerTeam::ALL, OwnerTeam::code),
            &mut errors,
        ),
        owner: text("owner", 200, &mut errors),
        criticality: coded(
            "criticality",
            get("criticality"),
            Criticality::parse,
            &list(Criticality::ALL, Criticality::code),
            &mut errors,
        ),
        patient_data,
        patchability: coded(
            "patchability",
            get("patchability"),
            Patchability::parse,
            &list(Patchability::ALL, Patchability::code),
            &mut errors,
        ),
        support_end,
        edr: coded("edr", get("edr"), Edr::parse, &list(Edr::ALL, Edr::code), &mut errors),
        os: text("os", 200, &mut errors),
    };
    if errors.is_empty() {
        Ok(AssetDraft { kind, name: name.unwrap_or_default(), fields })
    } else {
        Err(errors)
    }
}

/// How an incoming row found its asset in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    Serial,
    Mac,
    IpAndHostname,
    /// Only when the incoming row has no other identifier and one known asset has the address
    /// (routed scans see no MAC; servers keep their addresses).
    IpOnly,
}

impl MatchRule {
    pub fn code(self) -> &'static str {
        match self {
            MatchRule::Serial => "serial",
            MatchRule::Mac => "mac",
            MatchRule::IpAndHostname => "ip_and_hostname",
            MatchRule::IpOnly => "ip_only",
        }
    }
}

/// What one's identifiers are, for matching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub serial: Option<String>,
    pub mac: Option<String>,
    pub ip: Option<String>,
    pub hostname: Option<String>,
}

impl From<&AssetFields> for Identity {
    fn from(f: &AssetFields) -> Self {
        Identity {
            serial: f.serial.clone(),
            mac: f.mac.clone(),
            ip: f.ip.clone(),
            hostname: f.hostname.clone(),
        }
    }
}

/// The register's identifiers, indexed, to find which known asset an incoming one is: by serial
/// number, then MAC address, then IP address with hostname, and by IP address alone only when the
/// incoming row has nothing else and one asset has that address (routed scans see no MAC). Hash
/// maps keep an import of 100,000 rows against 100,000 assets linear.
#[derive(Debug, Default)]
pub struct IdentityIndex {
    by_serial: std::collections::HashMap<String, usize>,
    by_mac: std::collections::HashMap<String, usize>,
    by_ip_host: std::collections::HashMap<(String, String), usize>,
    by_ip: std::collections::HashMap<String, Vec<usize>>,
}

impl IdentityIndex {
    /// Adds (or, after a change, re-adds) asset `k` under its identifiers.
    pub fn insert(&mut self, k: usize, id: &Identity) {
        if let Some(s) = &id.serial {
            self.by_serial.entry(s.clone()).or_insert(k);
        }
        if let Some(m) = &id.mac {
            self.by_mac.entry(m.clone()).or_insert(k);
        }
        if let Some(ip) = &id.ip {
            if let Some(h) = &id.hostname {
                self.by_ip_host.entry((ip.clone(), h.clone())).or_insert(k);
            }
            let list = self.by_ip.entry(ip.clone()).or_default();
            if !list.contains(&k) {
                list.push(k);
            }
        }
    }

    pub fn find(&self, incoming: &Identity) -> Option<(usize, MatchRule)> {
        if let Some(k) = incoming.serial.as_ref().and_then(|s| self.by_serial.get(s)) {
            return Some((*k, MatchRule::Serial));
        }
        if let Some(k) = incoming.mac.as_ref().and_then(|m| self.by_mac.get(m)) {
            return Some((*k, MatchRule::Mac));
        }
        if let (Some(ip), Some(host)) = (&incoming.ip, &incoming.hostname) {
            return self.by_ip_host.get(&(ip.clone(), host.clone())).map(|k| (*k, MatchRule::IpAndHostname));
        }
        if let (Some(ip), None, None) = (&incoming.ip, &incoming.serial, &incoming.mac)
            && let Some([k]) = self.by_ip.get(ip).map(Vec::as_slice)
        {
            return Some((*k, MatchRule::IpOnly));
        }
        None
    }
}

/// The fields an incoming value would change on a known asset: only those the incoming row
/// sets (an import never blanks what it does not know).
pub fn changes(known: &AssetDraft, incoming: &AssetDraft) -> Vec<&'static str> {
    let mut out = Vec::new();
    let (a, b) = (&known.fields, &incoming.fields);
    macro_rules! cmp {
        ($($f:ident),+) => { $( if b.$f.is_some() && a.$f != b.$f { out.push(stringify!($f)); } )+ };
    }
    cmp!(
        vendor,
        model,
        version,
        serial,
        site,
        building,
        room,
        ip,
        mac,
        hostname,
        segment,
        owner_team,
        owner,
        criticality,
        patient_data,
        patchability,
        support_end,
        edr,
        os
    );
    if incoming.kind != AssetKind::Other && incoming.kind != known.kind {
        out.push("kind");
    }
    out
}

/// The known asset with the incoming values laid over it.
pub fn merged(known: &AssetDraft, incoming: &AssetDraft) -> AssetDraft {
    let (a, b) = (&known.fields, &incoming.fields);
    macro_rules! over {
        ($($f:ident),+) => { AssetFields { $( $f: b.$f.clone().or_else(|| a.$f.clone()) ),+ } };
    }
    AssetDraft {
        kind: if incoming.kind == AssetKind::Other { known.kind } else { incoming.kind },
        name: known.name.clone(),
        fields: over!(
            vendor,
            model,
            version,
            serial,
            site,
            building,
            room,
            ip,
            mac,
            hostname,
            segment,
            owner_team,
            owner,
            criticality,
            patient_data,
            patchability,
            support_end,
            edr,
            os
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn assets_are_checked_field_by_field() {
        let a = check_asset(&values(&[
            ("kind", "Medical device"),
            ("name", "Infusion pump 12"),
            ("mac", "00-1A-2B-3C-4D-5E"),
            ("ip", "10.20.0.12"),
            ("patient_data", "ja"),
            ("support_end", "31/12/2027"),
        ]))
        .unwrap();
        assert_eq!(a.kind, AssetKind::MedicalDevice);
        assert_eq!(a.fields.mac.as_deref(), Some("00:1a:2b:3c:4d:5e"));
        assert_eq!(a.fields.patient_data, Some(true));
        let errors = check_asset(&values(&[
            ("kind", "toaster"),
            ("ip", "10.0.0.300"),
            ("mac", "zz"),
            ("criticality", "very"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "ip", "mac", "criticality"]);
    }

    #[test]
    fn matching_prefers_serial_then_mac_then_ip_with_hostname() {
        let known = [
            Identity { serial: Some("SN1".into()), ..Default::default() },
            Identity { mac: Some("aa:bb:cc:dd:ee:ff".into()), ..Default::default() },
            Identity { ip: Some("10.0.0.5".into()), hostname: Some("pacs01".into()), ..Default::default() },
        ];
        let mut index = IdentityIndex::default();
        for (k, id) in known.iter().enumerate() {
            index.insert(k, id);
        }
        let by = |i: Identity| index.find(&i);
        assert_eq!(
            by(Identity {
                serial: Some("SN1".into()),
                mac: Some("aa:bb:cc:dd:ee:ff".into()),
                ..Default::default()
            }),
            Some((0, MatchRule::Serial))
        );
        assert_eq!(
            by(Identity { mac: Some("aa:bb:cc:dd:ee:ff".into()), ..Default::default() }),
            Some((1, MatchRule::Mac))
        );
        assert_eq!(
            by(Identity {
                ip: Some("10.0.0.5".into()),
                hostname: Some("pacs01".into()),
                ..Default::default()
            }),
            Some((2, MatchRule::IpAndHostname))
        );
        assert_eq!(
            by(Identity {
                ip: Some("10.0.0.5".into()),
                hostname: Some("other".into()),
                ..Default::default()
            }),
            None,
            "a different name is another asset"
        );
        assert_eq!(
            by(Identity { ip: Some("10.0.0.5".into()), ..Default::default() }),
            Some((2, MatchRule::IpOnly)),
            "an address alone, as a routed scan sees it"
        );
        assert_eq!(
            by(Identity {
                ip: Some("10.0.0.5".into()),
                mac: Some("11:11:11:11:11:11".into()),
                ..Default::default()
            }),
            None,
            "a new MAC is a new device"
        );
    }

    #[test]
    fn imports_change_only_what_they_know() {
        let known = check_asset(&values(&[
            ("kind", "server"),
            ("name", "PACS"),
            ("owner", "it@az.example"),
            ("os", "Windows Server 2012"),
        ]))
        .unwrap();
        let incoming =
            check_asset(&values(&[("name", "10.0.0.5"), ("os", "Windows Server 2019"), ("ip", "10.0.0.5")]))
                .unwrap();
        assert_eq!(changes(&known, &incoming), ["ip", "os"]);
        let m = merged(&known, &incoming);
        assert_eq!(m.name, "PACS");
        assert_eq!(m.kind, AssetKind::Server);
        assert_eq!(m.fields.owner.as_deref(), Some("it@az.example"));
        assert_eq!(m.fields.os.as_deref(), Some("Windows Server 2019"));
    }
}

/// Column headers people use for each field, in English, Dutch and French (folded: lower case,
/// no accents, words separated by single spaces).
const HEADER_NAMES: [(&str, &[&str]); 21] = [
    ("kind", &["kind", "type", "soort", "asset type", "device type", "categorie", "category"]),
    ("name", &["name", "naam", "nom", "asset", "asset name", "device", "device name", "toestel", "appareil"]),
    (
        "vendor",
        &["vendor", "manufacturer", "fabrikant", "fabricant", "merk", "marque", "brand", "leverancier"],
    ),
    ("model", &["model", "modele", "type model", "product"]),
    ("version", &["version", "versie", "firmware", "software version", "firmware version"]),
    (
        "serial",
        &["serial", "serial number", "serial no", "sn", "serienummer", "numero de serie", "serial nr"],
    ),
    ("site", &["site", "campus", "locatie", "location", "lieu"]),
    ("building", &["building", "gebouw", "batiment"]),
    ("room", &["room", "kamer", "lokaal", "salle", "ward", "afdeling", "unit", "department", "dienst"]),
    ("ip", &["ip", "ip address", "ip adres", "ipadres", "adresse ip", "ipv4", "ip addr"]),
    ("mac", &["mac", "mac address", "mac adres", "adresse mac", "hardware address"]),
    ("hostname", &["hostname", "host", "host name", "dns name", "dns", "computer name", "fqdn"]),
    ("segment", &["segment", "vlan", "zone", "network", "netwerk", "reseau"]),
    ("owner_team", &["owner team", "team", "beheerder", "managed by", "gestionnaire"]),
    ("owner", &["owner", "eigenaar", "responsable", "contact", "responsible", "verantwoordelijke"]),
    ("criticality", &["criticality", "kritikaliteit", "criticite", "clinical criticality", "risk class"]),
    (
        "patient_data",
        &[
            "patient data",
            "patientgegevens",
            "donnees patients",
            "phi",
            "personal data",
            "stores patient data",
        ],
    ),
    ("patchability", &["patchability", "patchable", "patching", "patchbaar"]),
    (
        "support_end",
        &[
            "support end",
            "end of support",
            "eos",
            "end of life",
            "eol",
            "einde ondersteuning",
            "fin de support",
        ],
    ),
    ("edr", &["edr", "antivirus", "anti malware", "endpoint protection", "av"]),
    ("os", &["os", "operating system", "besturingssysteem", "systeme d exploitation", "platform"]),
];

/// The field a column header most likely holds, if any.
pub fn guess_field(header: &str) -> Option<&'static str> {
    let h = crate::locale::fold_words(header).join(" ");
    HEADER_NAMES.iter().find(|(_, names)| names.contains(&h.as_str())).map(|(f, _)| *f)
}

/// Windows-1252, which Excel on a Belgian Windows writes when "CSV" is chosen over "CSV UTF-8".
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|b| match b {
            0x80..=0x9f => HIGH[usize::from(b - 0x80)],
            _ => char::from(*b),
        })
        .collect()
}

/// A whole-file problem (not one row's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FileError(pub String);

/// One row of an asset file: its line and either a checked asset or the fields at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub line: usize,
    pub asset: Result<AssetDraft, Vec<ValidationError>>,
}

/// An asset file read with a column mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFile {
    pub headers: Vec<String>,
    /// The field each column feeds (`None`: ignored).
    pub mapping: Vec<Option<&'static str>>,
    /// Set when the file was not UTF-8 and was read as Windows-1252.
    pub encoding_note: Option<String>,
    pub rows: Vec<AssetRow>,
}

/// The largest asset file, in rows.
pub const ASSET_CSV_MAX_ROWS: usize = 200_000;

/// Reads an asset CSV (`,` or `;`, UTF-8 with or without BOM, or Windows-1252). `mapping` gives
/// the field of each column by position; when `None`, fields are guessed from the headers. The
/// file as a whole fails only when it cannot be read at all; each bad row carries its errors.
pub fn read_asset_csv(bytes: &[u8], mapping: Option<&[Option<&str>]>) -> Result<AssetFile, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, encoding_note) = match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_owned(), None),
        Err(_) => (
            decode_windows_1252(bytes),
            Some(
                "the file is not UTF-8; it was read as Windows-1252 (Excel's \"CSV\"): check accented names"
                    .to_owned(),
            ),
        ),
    };
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FileError(format!("cannot read the header row: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(FileError("the first row must name the columns".into()));
    }
    let mapping: Vec<Option<&'static str>> = match mapping {
        Some(m) => headers
            .iter()
            .enumerate()
            .map(|(i, _)| {
                m.get(i).copied().flatten().and_then(|f| FIELD_NAMES.iter().copied().find(|n| *n == f))
            })
            .collect(),
        None => headers.iter().map(|h| guess_field(h)).collect(),
    };
    if !mapping.iter().any(|m| matches!(m, Some("name" | "hostname" | "ip" | "serial" | "mac"))) {
        return Err(FileError(format!(
            "no column names the assets: map a column to name, hostname, IP, MAC or serial (columns: {})",
            headers.join(", ")
        )));
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        if n >= ASSET_CSV_MAX_ROWS {
            return Err(FileError(format!("more than {ASSET_CSV_MAX_ROWS} rows; split the file")));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                rows.push(AssetRow {
                    line,
                    asset: Err(vec![ValidationError::new("row", "csv", e.to_string())]),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let mut values = BTreeMap::new();
        for (field, value) in mapping.iter().zip(record.iter()) {
            if let Some(f) = field
                && !value.trim().is_empty()
            {
                values.insert((*f).to_owned(), value.to_owned());
            }
        }
        rows.push(AssetRow { line, asset: check_asset(&values) });
    }
    Ok(AssetFile { headers, mapping, encoding_note, rows })
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn headers_are_guessed_in_three_languages_and_bad_rows_named() {
        let text = "Naam;Fabrikant;Serienummer;IP-adres;MAC adres;Type\nPomp 1;B. Braun;SN-1;10.1.0.1;00:11:22:33:44:55;medical device\nPomp 2;;SN-2;999.1.0.1;;pump\n";
        let file = read_asset_csv(text.as_bytes(), None).unwrap();
        assert_eq!(
            file.mapping,
            [Some("name"), Some("vendor"), Some("serial"), Some("ip"), Some("mac"), Some("kind")]
        );
        assert!(file.rows[0].asset.is_ok());
        let errors = file.rows[1].asset.as_ref().unwrap_err();
        assert_eq!(file.rows[1].line, 3);
        assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["kind", "ip"]);
    }

    #[test]
    fn windows_1252_files_are_read_and_said_so() {
        let bytes = b"nom,b\xe2timent\nMoniteur \xe9tage 2,B\n";
        let file = read_asset_csv(bytes, None).unwrap();
        assert!(file.encoding_note.is_some());
        assert_eq!(file.rows[0].asset.as_ref().unwrap().name, "Moniteur étage 2");
        assert_eq!(file.rows[0].asset.as_ref().unwrap().fields.building.as_deref(), Some("B"));
    }

    #[test]
    fn a_file_without_identifying_columns_is_refused() {
        assert!(
            read_asset_csv(b"colour,weight\nred,3\n", None)
                .unwrap_err()
                .0
                .contains("no column names the assets")
        );
        let mapped = read_asset_csv(b"colour,weight\nred,3\n", Some(&[Some("name"), None])).unwrap();
        assert_eq!(mapped.rows[0].asset.as_ref().unwrap().name, "red");
    }
}
