//! The JSON shapes of the API. The CLI's `--json` output uses the same types, so a script sees
//! one shape whichever way it asks.

use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;
use ward_app::OrganisationProfile;
use ward_domain::{Organisation, Site};

/// An organisation (tenant).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    /// URL-safe identifier, used in paths and `--org`.
    #[schema(example = "az-voorbeeldstad")]
    pub slug: String,
    #[schema(example = "AZ Voorbeeldstad")]
    pub name: String,
    /// One of `hospital`, `hospital_network`, `clinic`, `medical_practice`, `care_home`,
    /// `laboratory`, `other`.
    #[schema(example = "hospital")]
    pub kind: String,
    /// Belgian enterprise number (KBO/BCE), as `0123.456.749`.
    #[schema(example = "0000.000.097")]
    pub enterprise_number: Option<String>,
    /// `en`, `nl` or `fr`.
    #[schema(example = "nl")]
    pub default_locale: String,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&Organisation> for OrganisationView {
    fn from(o: &Organisation) -> Self {
        Self {
            slug: o.slug.to_string(),
            name: o.name.to_string(),
            kind: o.kind.code().to_owned(),
            enterprise_number: o.enterprise_number.as_ref().map(|n| n.formatted()),
            default_locale: o.default_locale.tag().to_owned(),
            created_at: o.created_at,
            updated_at: o.updated_at,
        }
    }
}

/// A physical place an organisation runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteView {
    #[schema(example = "Campus Sint-Jan")]
    pub name: String,
    /// One of `campus`, `outpatient`, `laboratory`, `data_centre`, `office`.
    #[schema(example = "campus")]
    pub kind: String,
    #[schema(example = "Voorbeeldstad")]
    pub city: String,
}

impl From<&Site> for SiteView {
    fn from(s: &Site) -> Self {
        Self { name: s.name.clone(), kind: s.kind.code().to_owned(), city: s.city.clone() }
    }
}

/// An organisation with its sites.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDetail {
    pub organisation: OrganisationView,
    pub sites: Vec<SiteView>,
}

impl From<&OrganisationProfile> for OrganisationDetail {
    fn from(p: &OrganisationProfile) -> Self {
        Self { organisation: (&p.organisation).into(), sites: p.sites.iter().map(SiteView::from).collect() }
    }
}
