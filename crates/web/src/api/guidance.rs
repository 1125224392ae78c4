//! Ward's guidance over the API: per requirement, search, quick-start plans, challenge pages.

use axum::Json;
use axum::extract::{Path, Query};
use serde::Deserialize;
use utoipa::IntoParams;
use ward_app::AppError;
use ward_domain::cyfun::Framework;
use ward_domain::guidance::Guidance;
use ward_domain::{Locale, ValidationError};

use crate::api::guidance_model::{self, ChallengeView, PlanView, RequirementGuidanceView, SearchHitView};
use crate::error::{ApiError, Problem};

#[derive(Debug, Deserialize, IntoParams)]
pub struct LangQuery {
    /// `en` (default), `nl` or `fr`
    lang: Option<String>,
}

fn locale(lang: Option<&str>) -> Result<Locale, ApiError> {
    match lang {
        None => Ok(Locale::En),
        Some(tag) => Locale::from_tag(tag).ok_or_else(|| {
            ApiError(AppError::Validation(vec![ValidationError::new(
                "lang",
                "unknown_language",
                "use en, nl or fr",
            )]))
        }),
    }
}

/// Every requirement of a CyFun version with Ward's title and healthcare guidance.
#[utoipa::path(get, path = "/api/v1/guidance/{framework}/requirements", tag = "guidance", operation_id = "guidance_requirements",
    params(("framework" = String, Path, description = "`cyfun-2025` or `cyfun-2023`"), LangQuery),
    responses((status = 200, body = [RequirementGuidanceView]),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn requirements(
    Path(framework): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Json<Vec<RequirementGuidanceView>>, ApiError> {
    let framework = Framework::parse(&framework).ok_or(ApiError(AppError::NotFound("framework")))?;
    Ok(Json(guidance_model::requirements(framework, locale(q.lang.as_deref())?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// The words to look for, in any of the three languages, or a requirement id
    #[serde(default)]
    q: String,
    /// The language of the titles and summaries returned: `en` (default), `nl` or `fr`
    lang: Option<String>,
    /// At most this many results (default 20, at most 200)
    limit: Option<usize>,
}

/// Search the guidance (requirements, plans, challenge pages) in all three languages.
#[utoipa::path(get, path = "/api/v1/guidance/search", tag = "guidance", operation_id = "guidance_search",
    params(SearchQuery),
    responses((status = 200, body = [SearchHitView]), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn search(Query(q): Query<SearchQuery>) -> Result<Json<Vec<SearchHitView>>, ApiError> {
    let locale = locale(q.lang.as_deref())?;
    let limit = q.limit.unwrap_or(20).clamp(1, 200);
    let query: String = q.q.chars().take(200).collect();
    let hits = Guidance::builtin().search(&query, limit);
    Ok(Json(hits.iter().map(|h| SearchHitView::new(h, locale)).collect()))
}

/// The quick-start plans: the four priority areas and the first 90 days after being scoped in.
#[utoipa::path(get, path = "/api/v1/guidance/plans", tag = "guidance", operation_id = "guidance_plans",
    params(LangQuery),
    responses((status = 200, body = [PlanView]), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn plans(Query(q): Query<LangQuery>) -> Result<Json<Vec<PlanView>>, ApiError> {
    let locale = locale(q.lang.as_deref())?;
    Ok(Json(Guidance::builtin().plans.iter().map(|p| PlanView::new(p, locale)).collect()))
}

/// The pages on common healthcare challenges.
#[utoipa::path(get, path = "/api/v1/guidance/challenges", tag = "guidance", operation_id = "guidance_challenges",
    params(LangQuery),
    responses((status = 200, body = [ChallengeView]), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn challenges(Query(q): Query<LangQuery>) -> Result<Json<Vec<ChallengeView>>, ApiError> {
    let locale = locale(q.lang.as_deref())?;
    Ok(Json(Guidance::builtin().challenges.iter().map(|c| ChallengeView::new(c, locale)).collect()))
}
