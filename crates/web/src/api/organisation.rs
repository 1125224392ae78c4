use axum::Json;
use axum::extract::{Path, State};

use crate::api::model::{OrganisationDetail, OrganisationView};
use crate::error::{ApiError, Problem};
use crate::state::AppState;

/// List organisations.
#[utoipa::path(
    get,
    path = "/api/v1/orgs",
    tag = "organisations",
    operation_id = "list_organisations",
    responses(
        (status = 200, description = "All organisations, by name", body = Vec<OrganisationView>),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<OrganisationView>>, ApiError> {
    let orgs = state.ward.organisations().await?;
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
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<OrganisationDetail>, ApiError> {
    let profile = state.ward.organisation(&slug).await?;
    Ok(Json((&profile).into()))
}
