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
