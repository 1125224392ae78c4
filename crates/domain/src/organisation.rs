//! Organisations (tenants) and their sites.
//!
//! An organisation is one legal entity that assesses itself: a hospital, clinic, practice, lab or
//! care home. A hospital network or a consultant holds several in one installation. Sites are the
//! physical places an organisation runs (campuses, practices, labs); later modules hang assets,
//! continuity plans and incidents off them.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{Locale, ValidationError};

/// URL-safe identifier of an organisation: `az-voorbeeldstad`.
///
/// 2–48 characters of `a-z`, `0-9` and single hyphens, starting with a letter, so that it can never
/// be mistaken for a number or collide with a reserved path segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgSlug(String);

impl OrgSlug {
    pub const MAX_LEN: usize = 48;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let s = input.trim();
        let err = |code, reason: &str| ValidationError::new("slug", code, reason);
        if s.len() < 2 || s.len() > Self::MAX_LEN {
            return Err(err("length", "must be 2 to 48 characters"));
        }
        if !s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(err("charset", "may only contain a-z, 0-9 and hyphens"));
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(err("start", "must start with a letter"));
        }
        if s.ends_with('-') || s.contains("--") {
            return Err(err("hyphens", "may not end with a hyphen or contain two in a row"));
        }
        Ok(Self(s.to_owned()))
    }

    /// Derives a slug from a display name: `Clinique Saint-Élooi` → `clinique-saint-elooi`.
    pub fn from_name(name: &OrgName) -> Result<Self, ValidationError> {
        let mut slug = String::new();
        for c in name.as_str().chars().flat_map(fold_accent) {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let trimmed: String = slug
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
            .chars()
            .take(Self::MAX_LEN)
            .collect();
        Self::parse(trimmed.trim_end_matches('-')).map_err(|_| {
            ValidationError::new("slug", "derive", "cannot be derived from the name; give one explicitly")
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Folds the accented letters common in Belgian names to ASCII; anything else passes through.
fn fold_accent(c: char) -> impl Iterator<Item = char> {
    let folded: &[char] = match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => &['a'],
        'ç' | 'Ç' => &['c'],
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => &['e'],
        'ì' | 'í' | 'î' | 'ï' | 'Î' | 'Ï' => &['i'],
        'ñ' => &['n'],
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ô' | 'Ö' => &['o'],
        'ù' | 'ú' | 'û' | 'ü' | 'Û' | 'Ü' => &['u'],
        'ÿ' => &['y'],
        'œ' | 'Œ' => &['o', 'e'],
        'æ' | 'Æ' => &['a', 'e'],
        'ß' => &['s', 's'],
        _ => &[],
    };
    let passthrough = folded.is_empty().then_some(c);
    folded.iter().copied().chain(passthrough)
}

impl TryFrom<String> for OrgSlug {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgSlug> for String {
    fn from(value: OrgSlug) -> Self {
        value.0
    }
}

impl fmt::Display for OrgSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Display name of an organisation: 1–120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgName(String);

impl OrgName {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        parse_label(input, "name", Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OrgName> for String {
    fn from(value: OrgName) -> Self {
        value.0
    }
}

impl fmt::Display for OrgName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A trimmed, non-empty, bounded label without control characters.
fn parse_label(input: &str, field: &'static str, max: usize) -> Result<String, ValidationError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(ValidationError::new(field, "required", "must not be empty"));
    }
    if s.chars().count() > max {
        return Err(ValidationError::new(field, "length", format!("must be at most {max} characters")));
    }
    if s.chars().any(char::is_control) {
        return Err(ValidationError::new(field, "control", "must not contain control characters"));
    }
    Ok(s.to_owned())
}

/// Belgian enterprise number (KBO/BCE), e.g. `0123.456.749`.
///
/// Ten digits starting with 0 or 1; the last two are 97 − (first eight mod 97). Stored as the ten
/// bare digits, shown in the official `0123.456.749` grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EnterpriseNumber(String);

impl EnterpriseNumber {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let field = "enterprise_number";
        let trimmed = input.trim();
        let without_prefix =
            trimmed.strip_prefix("BE").or_else(|| trimmed.strip_prefix("be")).unwrap_or(trimmed);
        if without_prefix.chars().any(|c| !(c.is_ascii_digit() || matches!(c, '.' | ' '))) {
            return Err(ValidationError::new(field, "charset", "may only contain digits, dots and spaces"));
        }
        let digits: String = without_prefix.chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 10 {
            return Err(ValidationError::new(field, "length", "must have 10 digits"));
        }
        if !digits.starts_with(['0', '1']) {
            return Err(ValidationError::new(field, "prefix", "must start with 0 or 1"));
        }
        let (body, check) = digits.split_at(8);
        let body: u64 = body.parse().map_err(|_| ValidationError::new(field, "charset", "must be digits"))?;
        let check: u64 =
            check.parse().map_err(|_| ValidationError::new(field, "charset", "must be digits"))?;
        if 97 - body % 97 != check {
            return Err(ValidationError::new(field, "checksum", "check digits do not match (mod 97)"));
        }
        Ok(Self(digits))
    }

    /// The official grouping `0123.456.749`.
    pub fn formatted(&self) -> String {
        let d = &self.0;
        format!("{}.{}.{}", &d[..4], &d[4..7], &d[7..])
    }

    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EnterpriseNumber {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EnterpriseNumber> for String {
    fn from(value: EnterpriseNumber) -> Self {
        value.0
    }
}

/// What kind of care organisation this is; it drives defaults in scoping and guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    #[default]
    Hospital,
    HospitalNetwork,
    Clinic,
    MedicalPractice,
    CareHome,
    Laboratory,
    Other,
}

impl OrgKind {
    pub const ALL: [OrgKind; 7] = [
        OrgKind::Hospital,
        OrgKind::HospitalNetwork,
        OrgKind::Clinic,
        OrgKind::MedicalPractice,
        OrgKind::CareHome,
        OrgKind::Laboratory,
        OrgKind::Other,
    ];

    /// The stable code stored in the database and used in the API and CLI.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Hospital => "hospital",
            OrgKind::HospitalNetwork => "hospital_network",
            OrgKind::Clinic => "clinic",
            OrgKind::MedicalPractice => "medical_practice",
            OrgKind::CareHome => "care_home",
            OrgKind::Laboratory => "laboratory",
            OrgKind::Other => "other",
        }
    }

    pub fn parse(code: &str) -> Result<Self, ValidationError> {
        let wanted = code.trim().replace('-', "_").to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.code() == wanted).ok_or_else(|| {
            ValidationError::new(
                "kind",
                "unknown",
                format!(
                    "unknown kind {code:?}; expected one of: {}",
                    Self::ALL.map(OrgKind::code).join(", ")
                ),
            )
        })
    }
}

/// What a site is: it tells later modules what to expect there (a campus has a data centre and
/// hundreds of devices; a practice has a handful).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    #[default]
    Campus,
    Outpatient,
    Laboratory,
    DataCentre,
    Office,
}

impl SiteKind {
    pub const ALL: [SiteKind; 5] = [
        SiteKind::Campus,
        SiteKind::Outpatient,
        SiteKind::Laboratory,
        SiteKind::DataCentre,
        SiteKind::Office,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SiteKind::Campus => "campus",
            SiteKind::Outpatient => "outpatient",
            SiteKind::Laboratory => "laboratory",
            SiteKind::DataCentre => "data_centre",
            SiteKind::Office => "office",
        }
    }

    pub fn parse(code: &str) -> Result<Self, ValidationError> {
        let wanted = code.trim().replace('-', "_").to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.code() == wanted).ok_or_else(|| {
            ValidationError::new(
                "site_kind",
                "unknown",
                format!(
                    "unknown site kind {code:?}; expected one of: {}",
                    Self::ALL.map(SiteKind::code).join(", ")
                ),
            )
        })
    }
}

/// The validated input to create (or, for the demo, refresh) an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrganisation {
    pub slug: OrgSlug,
    pub name: OrgName,
    pub kind: OrgKind,
    pub enterprise_number: Option<EnterpriseNumber>,
    pub default_locale: Locale,
}

impl NewOrganisation {
    /// Validates raw input; the slug is derived from the name when none is given.
    pub fn parse(
        name: &str,
        slug: Option<&str>,
        kind: Option<&str>,
        enterprise_number: Option<&str>,
        default_locale: Option<&str>,
    ) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let name = OrgName::parse(name).map_err(|e| errors.push(e)).ok();
        let slug = match (slug.filter(|s| !s.trim().is_empty()), &name) {
            (Some(s), _) => OrgSlug::parse(s).map_err(|e| errors.push(e)).ok(),
            (None, Some(n)) => OrgSlug::from_name(n).map_err(|e| errors.push(e)).ok(),
            (None, None) => None,
        };
        let kind = match kind {
            Some(k) => OrgKind::parse(k).map_err(|e| errors.push(e)).ok(),
            None => Some(OrgKind::default()),
        };
        let enterprise_number = match enterprise_number.filter(|s| !s.trim().is_empty()) {
            Some(e) => EnterpriseNumber::parse(e).map(Some).map_err(|e| errors.push(e)).ok(),
            None => Some(None),
        };
        let default_locale = match default_locale {
            Some(l) => Locale::from_tag(l)
                .ok_or_else(|| ValidationError::new("default_locale", "unknown", "must be en, nl or fr"))
                .map_err(|e| errors.push(e))
                .ok(),
            None => Some(Locale::default()),
        };
        match (name, slug, kind, enterprise_number, default_locale) {
            (Some(name), Some(slug), Some(kind), Some(enterprise_number), Some(default_locale))
                if errors.is_empty() =>
            {
                Ok(Self { slug, name, kind, enterprise_number, default_locale })
            }
            _ => Err(errors),
        }
    }
}

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: Uuid,
    pub slug: OrgSlug,
    pub name: OrgName,
    pub kind: OrgKind,
    pub enterprise_number: Option<EnterpriseNumber>,
    pub default_locale: Locale,
    /// Members must use a second factor to open this organisation.
    pub require_mfa: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A site to create: validated name and city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSite {
    pub name: String,
    pub kind: SiteKind,
    pub city: String,
}

impl NewSite {
    pub fn parse(name: &str, kind: &str, city: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            name: parse_label(name, "site_name", 120)?,
            kind: SiteKind::parse(kind)?,
            city: parse_label(city, "city", 80)?,
        })
    }
}

/// A stored site of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub id: Uuid,
    pub name: String,
    pub kind: SiteKind,
    pub city: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_follow_the_rules() {
        assert!(OrgSlug::parse("az-voorbeeldstad").is_ok());
        assert!(OrgSlug::parse("a1").is_ok());
        for bad in ["a", "-az", "az-", "a--b", "AZ", "1az", "az_b", "é-az", &"a".repeat(49)] {
            assert!(OrgSlug::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn slugs_derive_from_names() {
        let name = OrgName::parse("Clinique Saint-Élooi (Liège)").unwrap();
        assert_eq!(OrgSlug::from_name(&name).unwrap().as_str(), "clinique-saint-elooi-liege");
        let name = OrgName::parse("2 Huisartsen & Co").unwrap();
        assert_eq!(OrgSlug::from_name(&name).unwrap().as_str(), "huisartsen-co");
        let name = OrgName::parse("!!!").unwrap();
        assert_eq!(OrgSlug::from_name(&name).unwrap_err().code, "derive");
    }

    #[test]
    fn enterprise_numbers_check_mod_97() {
        let n = EnterpriseNumber::parse("0000.000.097").unwrap();
        assert_eq!(n.formatted(), "0000.000.097");
        assert_eq!(EnterpriseNumber::parse("BE 0123.456.749").unwrap().digits(), "0123456749");
        assert_eq!(EnterpriseNumber::parse("0123.456.748").unwrap_err().code, "checksum");
        assert_eq!(EnterpriseNumber::parse("2123.456.749").unwrap_err().code, "prefix");
        assert_eq!(EnterpriseNumber::parse("123").unwrap_err().code, "length");
        assert_eq!(EnterpriseNumber::parse("0123-456-749").unwrap_err().code, "charset");
    }

    #[test]
    fn new_organisation_collects_every_error() {
        let errors =
            NewOrganisation::parse("", Some("-x"), Some("castle"), Some("12"), Some("de")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "slug", "kind", "enterprise_number", "default_locale"]);
    }

    #[test]
    fn new_organisation_defaults() {
        let org = NewOrganisation::parse("AZ Voorbeeldstad", None, None, None, None).unwrap();
        assert_eq!(org.slug.as_str(), "az-voorbeeldstad");
        assert_eq!(org.kind, OrgKind::Hospital);
        assert_eq!(org.default_locale, Locale::En);
    }

    #[test]
    fn kinds_round_trip() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.code()).unwrap(), kind);
        }
        for kind in SiteKind::ALL {
            assert_eq!(SiteKind::parse(kind.code()).unwrap(), kind);
        }
        assert_eq!(OrgKind::parse("Care-Home").unwrap(), OrgKind::CareHome);
    }

    proptest! {
        #[test]
        fn derived_slugs_are_valid_or_a_clear_error(name in "\\PC{1,120}") {
            if let Ok(name) = OrgName::parse(&name) {
                match OrgSlug::from_name(&name) {
                    Ok(slug) => prop_assert!(OrgSlug::parse(slug.as_str()).is_ok()),
                    Err(e) => prop_assert_eq!(e.code, "derive"),
                }
            }
        }

        #[test]
        fn enterprise_number_parse_never_panics(s in ".{0,40}") {
            let _ = EnterpriseNumber::parse(&s);
        }

        #[test]
        fn valid_enterprise_numbers_are_accepted(body in 0u64..20_000_000) {
            let digits = format!("{:08}{:02}", body, 97 - body % 97);
            prop_assert_eq!(EnterpriseNumber::parse(&digits).map(|n| n.formatted().replace('.', "")), Ok(digits));
        }
    }
}
