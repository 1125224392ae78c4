use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use ward_app::AuditFilter;
use ward_domain::Role;

use crate::api::model::{AuditEntryView, MeView, MemberView, OrganisationDetail, OrganisationView};
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// The caller: a signed-in person or an API token.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", operation_id = "me",
    responses((status = 200, body = MeView), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(auth: Auth) -> Result<Json<MeView>, ApiError> {
    Ok(Json(MeView::from_actor(&auth.ctx.actor).ok_or(ApiError(ward_app::AppError::Unauthenticated))?))
}

/// List the organisations the caller may open.
#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    tag = "organisations",
    operation_id = "list_organisations",
    responses(
        (status = 200, description = "The caller's organisations, by name", body = Vec<OrganisationView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<OrganisationView>>, ApiError> {
    let orgs = state.ward.organisations(&auth.ctx).await?;
    Ok(Json(orgs.iter().map(OrganisationView::from).collect()))
}

/// Show one organisation with its sites.
#[utoipa::path(
    get,
    path = "/api/v1/orgs/{slug}",
    tag = "organisations",
    operation_id = "show_organisation",
    params(("slug" = String, Path, description = "The organisation's slug", example = "az-voorbeeldstad")),
    responses(
        (status = 200, description = "The organisation", body = OrganisationDetail),
        (status = 404, description = "No such organisation, or not the caller's", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
) -> Result<Json<OrganisationDetail>, ApiError> {
    let profile = state.ward.organisation(&auth.ctx, &slug).await?;
    Ok(Json((&profile).into()))
}

/// List the members of an organisation.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/members", tag = "members", operation_id = "list_members",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = Vec<MemberView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn members(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    let members = state.ward.members(&auth.ctx, &slug).await?;
    Ok(Json(members.iter().map(MemberView::from).collect()))
}

/// A membership to add or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberInput {
    #[schema(example = "lotte.janssens@az-voorbeeldstad.example")]
    pub email: String,
    /// `owner`, `security_officer`, `contributor`, `auditor` or `viewer`.
    #[schema(example = "auditor")]
    pub role: String,
    /// Access ends at this moment (RFC 3339); omit for no end.
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<time::OffsetDateTime>,
}

/// Add a member or change their role (owners).
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/members", tag = "members", operation_id = "set_member",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = MemberInput,
    responses((status = 200, body = MemberView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn set_member(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Json(input): Json<MemberInput>,
) -> Result<Json<MemberView>, ApiError> {
    let role = Role::parse(&input.role).map_err(|e| ApiError(e.into()))?;
    let member = state.ward.set_member(&auth.ctx, &slug, &input.email, role, input.expires_at).await?;
    Ok(Json(MemberView::from(&member)))
}

/// Remove a member (owners).
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/members/{email}", tag = "members", operation_id = "remove_member",
    params(("slug" = String, Path, description = "The organisation's slug"), ("email" = String, Path, description = "The member's e-mail")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn remove_member(
    State(state): State<AppState>,
    Path((slug, email)): Path<(String, String)>,
    auth: Auth,
) -> Result<StatusCode, ApiError> {
    state.ward.remove_member(&auth.ctx, &slug, &email).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Entries whose action starts with this, e.g. `member.`
    action: Option<String>,
    /// Entries whose actor contains this
    actor: Option<String>,
    /// Only entries before this sequence number (paging)
    before: Option<i64>,
    /// At most this many entries (default 100, at most 10 000)
    limit: Option<i64>,
}

/// Read an organisation's audit log, newest first (owners and auditors).
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/audit", tag = "audit", operation_id = "organisation_audit_log",
    params(("slug" = String, Path, description = "The organisation's slug"), AuditParams),
    responses((status = 200, body = Vec<AuditEntryView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn audit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<AuditEntryView>>, ApiError> {
    let filter = AuditFilter {
        action: p.action,
        actor: p.actor,
        before_seq: p.before,
        limit: p.limit,
        ..Default::default()
    };
    let entries = state.ward.audit_log(&auth.ctx, &slug, &filter).await?;
    Ok(Json(entries.iter().map(AuditEntryView::from).collect()))
}

/// An organisation's security policy.
#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
pub struct PolicyInput {
    /// Members must use two-step verification (accounts from single sign-on get it from the provider).
    pub require_mfa: bool,
}

/// Change the organisation's security policy (owners).
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/policy", tag = "organisations", operation_id = "set_policy",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = PolicyInput,
    responses((status = 200, body = PolicyInput), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Turn on two-step verification for yourself first", body = Problem, content_type = "application/problem+json")))]
pub async fn set_policy(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Json(input): Json<PolicyInput>,
) -> Result<Json<PolicyInput>, ApiError> {
    state.ward.set_require_mfa(&auth.ctx, &slug, input.require_mfa).await?;
    Ok(Json(input))
}
