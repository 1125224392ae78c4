use axum::Json;

use crate::api::model::{ScopingRequest, ScopingResponse};
use crate::error::{ApiError, Problem};

/// Scope an organisation: NIS2 status, CyFun level, obligations with due dates, and why.
#[utoipa::path(post, path = "/api/v1/scoping", tag = "scoping", operation_id = "scope",
    request_body = ScopingRequest,
    responses((status = 200, body = ScopingResponse), (status = 422, description = "Invalid answers, each naming its field", body = Problem, content_type = "application/problem+json")))]
pub async fn evaluate(Json(request): Json<ScopingRequest>) -> Result<Json<ScopingResponse>, ApiError> {
    let input = request.to_input().map_err(|e| ApiError(e.into()))?;
    let result = ward_domain::scoping::scope(ward_domain::scoping::Rules::embedded(), &input)
        .map_err(|e| ApiError(e.into()))?;
    Ok(Json(ScopingResponse::from(&result)))
}

/// An organisation's saved scoping.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SavedScoping {
    pub result: ScopingResponse,
    /// The CyFun level the organisation targets: the recommendation or an override.
    pub target_level: String,
    pub override_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: time::OffsetDateTime,
    pub updated_by: String,
}

impl From<&ward_app::ScopingView> for SavedScoping {
    fn from(v: &ward_app::ScopingView) -> Self {
        SavedScoping {
            result: ScopingResponse::from(&v.result),
            target_level: v.target_level.code().to_owned(),
            override_reason: v.override_reason.clone(),
            updated_at: v.updated_at,
            updated_by: v.updated_by.clone(),
        }
    }
}

/// Answers to save for an organisation, with an optional target level override.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct SaveScopingRequest {
    pub answers: ScopingRequest,
    /// `basic`, `important` or `essential`; omit to follow the recommendation.
    pub target_level: Option<String>,
    /// Required when `target_level` differs from the recommendation.
    pub override_reason: Option<String>,
}

/// Read an organisation's saved scoping.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/scoping", tag = "scoping", operation_id = "organisation_scoping",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = SavedScoping), (status = 404, description = "Not answered yet, or no such organisation", body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    auth: crate::auth::Auth,
) -> Result<Json<SavedScoping>, ApiError> {
    let saved = state
        .ward
        .scoping(&auth.ctx, &slug)
        .await?
        .ok_or(ApiError(ward_app::AppError::NotFound("scoping")))?;
    Ok(Json(SavedScoping::from(&saved)))
}

/// Save an organisation's scoping (owners and security officers).
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/scoping", tag = "scoping", operation_id = "save_organisation_scoping",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = SaveScopingRequest,
    responses((status = 200, body = SavedScoping), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
    auth: crate::auth::Auth,
    Json(request): Json<SaveScopingRequest>,
) -> Result<Json<SavedScoping>, ApiError> {
    let input = request.answers.to_input().map_err(|e| ApiError(e.into()))?;
    let target = match request.target_level.as_deref() {
        None | Some("") => None,
        Some(code) => Some((
            ward_domain::scoping::CyfunLevel::parse(code).map_err(|e| ApiError(e.into()))?,
            request.override_reason.clone().unwrap_or_default(),
        )),
    };
    let saved = state.ward.save_scoping(&auth.ctx, &slug, &input, target).await?;
    Ok(Json(SavedScoping::from(&saved)))
}
