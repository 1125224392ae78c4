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

/// Answers to the scoping questionnaire.
#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct ScopingRequest {
    /// Sector slugs (see `ward scope --list-sectors`), e.g. `healthcare-provider`.
    pub sectors: Vec<String>,
    /// Staff in annual work units.
    pub employees: f64,
    pub turnover_eur: f64,
    pub balance_eur: f64,
    /// Linked enterprises, counted in full.
    #[serde(default)]
    pub linked: Vec<EnterpriseFigures>,
    /// Partner enterprises, counted in proportion to `share_percent`.
    #[serde(default)]
    pub partners: Vec<EnterpriseFigures>,
    #[serde(default = "yes")]
    pub established_in_belgium: bool,
    #[serde(default)]
    pub public_entity: bool,
    #[serde(default)]
    pub sole_provider: bool,
    /// `essential` or `important` when designated by the authority.
    pub designated: Option<String>,
    /// Date of designation or identification (`YYYY-MM-DD`).
    pub entry_date: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct EnterpriseFigures {
    pub employees: f64,
    pub turnover_eur: f64,
    pub balance_eur: f64,
    /// For partners: the share held, in %.
    pub share_percent: Option<f64>,
}

/// One step of the reasoning.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    pub rule: String,
    pub text: String,
    pub source: String,
}

/// An obligation and its due date (`null`: ongoing).
#[derive(Debug, Serialize, ToSchema)]
pub struct DueView {
    pub id: String,
    pub what: String,
    /// `YYYY-MM-DD`
    pub due: Option<String>,
    pub source: String,
    /// Ward's advice rather than a legal duty.
    pub advice: bool,
}

/// The scoping answer; `ward scope --json` prints the same shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScopingResponse {
    /// `essential`, `important`, `check_designation` or `out_of_scope`.
    pub nis2: String,
    /// `basic`, `important` or `essential`.
    pub cyfun_level: String,
    /// `small`, `medium` or `large` (Recommendation 2003/361/EC).
    pub size: String,
    pub reasons: Vec<ReasonView>,
    pub obligations: Vec<DueView>,
    pub gdpr: Vec<DueView>,
}

impl ScopingRequest {
    /// The domain's input; a malformed date or designation is a field error.
    pub fn to_input(&self) -> Result<ward_domain::scoping::ScopingInput, Vec<ward_domain::ValidationError>> {
        use ward_domain::ValidationError;
        use ward_domain::scoping::{Enterprise, Nis2Status, Partner, ScopingInput};
        let mut errors = Vec::new();
        let designated = match self.designated.as_deref() {
            None | Some("") => None,
            Some("essential") => Some(Nis2Status::Essential),
            Some("important") => Some(Nis2Status::Important),
            Some(_) => {
                errors.push(ValidationError::new("designated", "unknown", "must be essential or important"));
                None
            }
        };
        let entry_into_scope = match self.entry_date.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => {
                match time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")) {
                    Ok(d) => Some(d),
                    Err(_) => {
                        errors.push(ValidationError::new(
                            "entry_date",
                            "format",
                            "must be a date like 2025-03-01",
                        ));
                        None
                    }
                }
            }
        };
        let figures = |e: &EnterpriseFigures| Enterprise {
            staff: e.employees,
            turnover_eur: e.turnover_eur,
            balance_eur: e.balance_eur,
        };
        let input = ScopingInput {
            sectors: self.sectors.clone(),
            own: Enterprise {
                staff: self.employees,
                turnover_eur: self.turnover_eur,
                balance_eur: self.balance_eur,
            },
            linked: self.linked.iter().map(figures).collect(),
            partners: self
                .partners
                .iter()
                .map(|p| Partner { enterprise: figures(p), share_percent: p.share_percent.unwrap_or(0.0) })
                .collect(),
            established_in_belgium: self.established_in_belgium,
            public_entity: self.public_entity,
            sole_provider: self.sole_provider,
            designated,
            entry_into_scope,
        };
        if errors.is_empty() { Ok(input) } else { Err(errors) }
    }
}

impl From<&ward_domain::scoping::ScopingResult> for ScopingResponse {
    fn from(r: &ward_domain::scoping::ScopingResult) -> Self {
        let day = |d: time::Date| {
            d.format(time::macros::format_description!("[year]-[month]-[day]")).unwrap_or_default()
        };
        let due = |o: &ward_domain::scoping::Obligation| DueView {
            id: o.id.to_owned(),
            what: o.what.clone(),
            due: o.due.map(day),
            source: o.source.clone(),
            advice: o.advice,
        };
        ScopingResponse {
            nis2: r.nis2.code().to_owned(),
            cyfun_level: r.cyfun_level.code().to_owned(),
            size: match r.size {
                ward_domain::scoping::SizeClass::Small => "small",
                ward_domain::scoping::SizeClass::Medium => "medium",
                ward_domain::scoping::SizeClass::Large => "large",
            }
            .to_owned(),
            reasons: r
                .reasons
                .iter()
                .map(|x| ReasonView {
                    rule: x.rule.to_owned(),
                    text: x.text.clone(),
                    source: x.source.clone(),
                })
                .collect(),
            obligations: r.obligations.iter().map(due).collect(),
            gdpr: r.gdpr.iter().map(due).collect(),
        }
    }
}
