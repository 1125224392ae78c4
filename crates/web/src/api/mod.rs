//! The JSON API under `/api/v1`, described by an OpenAPI document generated from the handlers
//! themselves (`utoipa`), served at `/api/v1/openapi.json` and snapshot-tested.

pub mod health;
pub mod model;
mod organisation;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{FieldProblem, Problem};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ward API",
        description = "Cybersecurity compliance and security posture for healthcare: CyberFundamentals, NIS2, GDPR.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    components(schemas(Problem, FieldProblem)),
    tags(
        (name = "organisations", description = "Organisations (tenants) and their sites"),
    )
)]
struct ApiDoc;

/// The API routes together with their OpenAPI description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(organisation::list))
        .routes(routes!(organisation::show))
}

/// The OpenAPI document, derived from the real routes.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    routes().split_for_parts().1
}

/// `GET /api/v1/openapi.json`
pub(crate) async fn openapi_json(State(state): State<AppState>) -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], state.openapi_json.as_str().to_owned())
}

/// Any other path under `/api`: a problem document, not an HTML page.
pub(crate) async fn not_found() -> Problem {
    Problem::new(axum::http::StatusCode::NOT_FOUND, Some("no such API endpoint".to_owned()))
}
