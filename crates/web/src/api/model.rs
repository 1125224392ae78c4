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
    /// Members must use two-step verification.
    pub require_mfa: bool,
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
            require_mfa: o.require_mfa,
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

/// Who is calling.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    /// `user` or `api_token`.
    pub kind: String,
    pub email: Option<String>,
    pub name: String,
    pub admin: bool,
    pub mfa: bool,
}

impl MeView {
    pub fn from_actor(actor: &ward_app::Actor) -> Option<MeView> {
        match actor {
            ward_app::Actor::User(u) => Some(MeView {
                kind: "user".into(),
                email: Some(u.email.to_string()),
                name: u.display_name.clone(),
                admin: u.is_admin,
                mfa: u.totp_enabled,
            }),
            ward_app::Actor::ApiToken(t) => Some(MeView {
                kind: "api_token".into(),
                email: None,
                name: t.name.clone(),
                admin: false,
                mfa: false,
            }),
            _ => None,
        }
    }
}

/// A member of an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub email: String,
    pub name: String,
    /// `owner`, `security_officer`, `contributor`, `auditor` or `viewer`.
    pub role: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<OffsetDateTime>,
    pub mfa: bool,
}

impl From<&ward_app::Member> for MemberView {
    fn from(m: &ward_app::Member) -> Self {
        Self {
            email: m.user.email.to_string(),
            name: m.user.display_name.clone(),
            role: m.membership.role.code().to_owned(),
            expires_at: m.membership.expires_at,
            mfa: m.user.totp_enabled,
        }
    }
}

/// One audit log entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// `user`, `api_token`, `cli`, `system` or `anonymous`.
    pub actor_kind: String,
    pub actor: String,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    /// JSON text with `before`/`after`.
    pub details: String,
    pub request_id: Option<String>,
}

impl From<&ward_domain::AuditEntry> for AuditEntryView {
    fn from(e: &ward_domain::AuditEntry) -> Self {
        Self {
            seq: e.seq,
            at: e.at,
            actor_kind: e.entry.actor_kind.code().to_owned(),
            actor: e.entry.actor_label.clone(),
            action: e.entry.action.clone(),
            target_type: e.entry.target_type.clone(),
            target_id: e.entry.target_id.clone(),
            summary: e.entry.summary.clone(),
            details: e.entry.details.clone(),
            request_id: e.entry.request_id.clone(),
        }
    }
}
