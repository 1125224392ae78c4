//! The gap plan, the minimum path and the dashboards over the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use ward_app::AppError;
use ward_domain::cyfun::Level;

use crate::api::gaps_model::{DashboardView, GapsView, PlanView};
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

fn id_of(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError(AppError::NotFound("assessment")))
}

fn level_of(raw: Option<&str>) -> Result<Option<Level>, ApiError> {
    raw.map(|l| Level::parse(l).map_err(|e| ApiError(e.into()))).transpose()
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LevelQuery {
    /// `basic`, `important` or `essential` (default: the assessment's target level)
    level: Option<String>,
}

/// The gap plan: every requirement below what the level's verdict needs, ranked (what blocks the
/// verdict, patient safety, effort, contradicting signals), each with why; and the minimum path.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments/{id}/gaps", tag = "plan", operation_id = "assessment_gaps",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id"), LevelQuery),
    responses((status = 200, body = GapsView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn gaps(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<LevelQuery>,
    auth: Auth,
) -> Result<Json<GapsView>, ApiError> {
    let report = state.ward.gap_report(&auth.ctx, &slug, id_of(&id)?, level_of(q.level.as_deref())?).await?;
    Ok(Json(GapsView::from(&report)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TargetQuery {
    /// `basic`, `important` or `essential` (default: the assessment's target level)
    target: Option<String>,
}

/// The minimum path to pass a level: the cheapest score increases by effort, exact, with the
/// verdict they reach.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments/{id}/plan", tag = "plan", operation_id = "assessment_plan",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id"), TargetQuery),
    responses((status = 200, body = PlanView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn plan(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<TargetQuery>,
    auth: Auth,
) -> Result<Json<PlanView>, ApiError> {
    let report = state.ward.gap_report(&auth.ctx, &slug, id_of(&id)?, level_of(q.target.as_deref())?).await?;
    Ok(Json(PlanView::from(&report)))
}

/// An organisation's dashboard: verdicts, maturity by function, trend, top gaps, tasks, deadlines.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/dashboard", tag = "plan", operation_id = "organisation_dashboard",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = DashboardView)))]
pub async fn dashboard(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
) -> Result<Json<DashboardView>, ApiError> {
    let d = state.ward.dashboard(&auth.ctx, &slug).await?;
    Ok(Json(DashboardView::from(&d)))
}

/// The dashboards of every organisation the caller can see (roll-up).
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "plan", operation_id = "dashboard_rollup",
    responses((status = 200, body = [DashboardView])))]
pub async fn rollup(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<DashboardView>>, ApiError> {
    let all = state.ward.dashboards(&auth.ctx).await?;
    Ok(Json(all.iter().map(DashboardView::from).collect()))
}
