//! Network segments, their zone types, and the placement policy a hospital network should hold:
//! medical devices only in medical-device zones, patient data never on guest or building networks,
//! building systems kept out of clinical zones.

use serde::Serialize;

use crate::ValidationError;
use crate::assets::{AssetDraft, AssetKind};

/// What a segment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneType {
    MedicalDevices,
    Clinical,
    Administrative,
    Servers,
    Guest,
    Building,
    Dmz,
    Management,
    Other,
}

impl ZoneType {
    pub const ALL: [ZoneType; 9] = [
        ZoneType::MedicalDevices,
        ZoneType::Clinical,
        ZoneType::Administrative,
        ZoneType::Servers,
        ZoneType::Guest,
        ZoneType::Building,
        ZoneType::Dmz,
        ZoneType::Management,
        ZoneType::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ZoneType::MedicalDevices => "medical_devices",
            ZoneType::Clinical => "clinical",
            ZoneType::Administrative => "administrative",
            ZoneType::Servers => "servers",
            ZoneType::Guest => "guest",
            ZoneType::Building => "building",
            ZoneType::Dmz => "dmz",
            ZoneType::Management => "management",
            ZoneType::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ZoneType> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        ZoneType::ALL.into_iter().find(|z| z.code() == t)
    }
}

/// A network segment (VLAN or subnet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub name: String,
    pub zone: ZoneType,
    pub vlan: Option<u16>,
    /// `10.20.0.0/16` or `fd00::/64`.
    pub cidr: Option<String>,
}

impl Segment {
    /// Checks a segment's typed values.
    pub fn check(
        name: &str,
        zone: &str,
        vlan: Option<&str>,
        cidr: Option<&str>,
    ) -> Result<Segment, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(ValidationError::new(
                "name",
                "length",
                "give the segment a name of 1 to 100 characters",
            ));
        }
        let zone = ZoneType::parse(zone).unwrap_or_else(|| {
            errors.push(ValidationError::new(
                "zone",
                "unknown_value",
                format!("\"{zone}\" is not one of {}", ZoneType::ALL.map(ZoneType::code).join(", ")),
            ));
            ZoneType::Other
        });
        let vlan = match vlan.map(str::trim).filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => match v.parse::<u16>() {
                Ok(n) if (1..=4094).contains(&n) => Some(n),
                _ => {
                    errors.push(ValidationError::new(
                        "vlan",
                        "range",
                        format!("\"{v}\" is not a VLAN id (1 to 4094)"),
                    ));
                    None
                }
            },
        };
        let cidr = match cidr.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                if parse_cidr(c).is_none() {
                    errors.push(ValidationError::new(
                        "cidr",
                        "network",
                        format!("\"{c}\" is not a network (e.g. 10.20.0.0/16)"),
                    ));
                }
                Some(c.to_owned())
            }
        };
        if errors.is_empty() { Ok(Segment { name: name.to_owned(), zone, vlan, cidr }) } else { Err(errors) }
    }

    /// Whether an address lies in this segment's network.
    pub fn contains(&self, ip: &str) -> bool {
        let (Some((net, bits)), Ok(ip)) =
            (self.cidr.as_deref().and_then(parse_cidr), ip.parse::<std::net::IpAddr>())
        else {
            return false;
        };
        match (net, ip) {
            (std::net::IpAddr::V4(n), std::net::IpAddr::V4(a)) => {
                let mask = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits)) };
                u32::from(n) & mask == u32::from(a) & mask
            }
            (std::net::IpAddr::V6(n), std::net::IpAddr::V6(a)) => {
                let mask = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits)) };
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

fn parse_cidr(text: &str) -> Option<(std::net::IpAddr, u8)> {
    let (addr, bits) = text.split_once('/')?;
    let addr: std::net::IpAddr = addr.trim().parse().ok()?;
    let bits: u8 = bits.trim().parse().ok()?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((addr, bits))
}

/// Why an asset's placement breaks the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Medical devices belong in medical-device zones, where vendors' access and protocols can be
    /// fenced off from the rest.
    MedicalDeviceOutsideMedicalZone,
    /// Systems holding patient data never sit on guest or building networks.
    PatientDataOnOpenNetwork,
    /// Building and IoT systems (HVAC, cameras, access control) stay out of clinical and
    /// medical-device zones.
    BuildingSystemInClinicalZone,
    /// A server or application on the guest network.
    ServerOnGuestNetwork,
    /// The asset names a segment nobody described.
    UnknownSegment,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::MedicalDeviceOutsideMedicalZone => "medical_device_outside_medical_zone",
            Rule::PatientDataOnOpenNetwork => "patient_data_on_open_network",
            Rule::BuildingSystemInClinicalZone => "building_system_in_clinical_zone",
            Rule::ServerOnGuestNetwork => "server_on_guest_network",
            Rule::UnknownSegment => "unknown_segment",
        }
    }

    /// The rule in words (English; pages translate the code).
    pub fn explain(self) -> &'static str {
        match self {
            Rule::MedicalDeviceOutsideMedicalZone => {
                "medical devices belong in a medical-device zone, fenced off from office and guest traffic"
            }
            Rule::PatientDataOnOpenNetwork => {
                "systems holding patient data never sit on guest or building networks"
            }
            Rule::BuildingSystemInClinicalZone => {
                "building and IoT systems stay out of clinical and medical-device zones"
            }
            Rule::ServerOnGuestNetwork => "servers and applications never sit on the guest network",
            Rule::UnknownSegment => "the segment is not described: give it a zone type",
        }
    }
}

/// One asset placed where the policy does not allow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub asset: String,
    pub name: String,
    pub segment: String,
    pub zone: Option<ZoneType>,
    pub rule: Rule,
}

/// The segment an asset is in: the one it names, else the one whose network holds its address.
pub fn segment_of<'a>(segments: &'a [Segment], asset: &AssetDraft) -> Option<&'a Segment> {
    match (&asset.fields.segment, &asset.fields.ip) {
        (Some(name), _) => segments.iter().find(|s| s.name.eq_ignore_ascii_case(name)),
        (None, Some(ip)) => segments.iter().find(|s| s.contains(ip)),
        _ => None,
    }
}

/// Every policy violation, asset by asset.
pub fn check_segments<'a>(
    segments: &[Segment],
    assets: impl IntoIterator<Item = (&'a str, &'a AssetDraft)>,
) -> Vec<Violation> {
    let mut out = Vec::new();
    for (id, a) in assets {
        let segment = segment_of(segments, a);
        let violation = |rule: Rule, s: Option<&Segment>| Violation {
            asset: id.to_owned(),
            name: a.name.clone(),
            segment: s.map_or_else(|| a.fields.segment.clone().unwrap_or_default(), |s| s.name.clone()),
            zone: s.map(|s| s.zone),
            rule,
        };
        let Some(s) = segment else {
            if a.fields.segment.is_some() {
                out.push(violation(Rule::UnknownSegment, None));
            }
            continue;
        };
        let open = matches!(s.zone, ZoneType::Guest | ZoneType::Building);
        if a.kind == AssetKind::MedicalDevice && s.zone != ZoneType::MedicalDevices {
            out.push(violation(Rule::MedicalDeviceOutsideMedicalZone, Some(s)));
        }
        if a.fields.patient_data == Some(true) && open {
            out.push(violation(Rule::PatientDataOnOpenNetwork, Some(s)));
        }
        if a.kind == AssetKind::BuildingIot && matches!(s.zone, ZoneType::Clinical | ZoneType::MedicalDevices)
        {
            out.push(violation(Rule::BuildingSystemInClinicalZone, Some(s)));
        }
        if matches!(a.kind, AssetKind::Server | AssetKind::Application) && s.zone == ZoneType::Guest {
            out.push(violation(Rule::ServerOnGuestNetwork, Some(s)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::assets::check_asset;

    fn asset(pairs: &[(&str, &str)]) -> AssetDraft {
        let v: BTreeMap<String, String> =
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        check_asset(&v).unwrap()
    }

    #[test]
    fn placement_follows_the_policy() {
        let segments = vec![
            Segment::check("MED", "medical devices", Some("20"), Some("10.20.0.0/16")).unwrap(),
            Segment::check("OFFICE", "administrative", Some("30"), Some("10.30.0.0/16")).unwrap(),
            Segment::check("GUEST", "guest", None, Some("192.168.100.0/24")).unwrap(),
        ];
        let pump_ok = asset(&[("kind", "medical_device"), ("name", "pump 1"), ("ip", "10.20.1.5")]);
        let pump_office = asset(&[("kind", "medical_device"), ("name", "pump 2"), ("ip", "10.30.1.5")]);
        let epd_guest =
            asset(&[("kind", "server"), ("name", "epd"), ("segment", "GUEST"), ("patient_data", "yes")]);
        let lost = asset(&[("name", "x"), ("segment", "LAB")]);
        let v = check_segments(
            &segments,
            [("1", &pump_ok), ("2", &pump_office), ("3", &epd_guest), ("4", &lost)],
        );
        let rules: Vec<(&str, Rule)> = v.iter().map(|x| (x.asset.as_str(), x.rule)).collect();
        assert_eq!(
            rules,
            [
                ("2", Rule::MedicalDeviceOutsideMedicalZone),
                ("3", Rule::PatientDataOnOpenNetwork),
                ("3", Rule::ServerOnGuestNetwork),
                ("4", Rule::UnknownSegment)
            ]
        );
    }

    #[test]
    fn segments_are_checked() {
        let e = Segment::check("", "mall", Some("5000"), Some("10.0.0.0/40")).unwrap_err();
        assert_eq!(e.iter().map(|x| x.field).collect::<Vec<_>>(), ["name", "zone", "vlan", "cidr"]);
        let s = Segment::check("v6", "clinical", None, Some("fd00:1::/64")).unwrap();
        assert!(s.contains("fd00:1::42") && !s.contains("fd00:2::1") && !s.contains("10.0.0.1"));
    }
}
