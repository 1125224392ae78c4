//! The asset register over the API: list, edit, import (with a dry run), segments and their policy.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use ward_app::AssetQuery;
use ward_app::{AppError, ImportFormat};

use crate::api::assets_model::{AssetPageView, AssetView, ImportView, SegmentView, ViolationView};
use crate::api::cyfun_model::CreatedId;
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

fn id_of(raw: &str, what: &'static str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError(AppError::NotFound(what)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this kind, e.g. `medical_device`
    kind: Option<String>,
    /// Only this clinical criticality, e.g. `life_sustaining`
    criticality: Option<String>,
    /// Only this segment
    segment: Option<String>,
    /// Words in the name, vendor, model, serial, IP, MAC or hostname
    q: Option<String>,
    /// At most this many (default 100, at most 500)
    limit: Option<i64>,
    offset: Option<i64>,
}

impl ListQuery {
    pub fn query(&self) -> AssetQuery {
        let keep = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        AssetQuery {
            kind: keep(&self.kind),
            criticality: keep(&self.criticality),
            segment: keep(&self.segment),
            text: keep(&self.q),
            limit: self.limit.unwrap_or(100),
            offset: self.offset.unwrap_or(0),
        }
    }
}

/// The register, filtered and paginated, by name.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assets", tag = "assets", operation_id = "list_assets",
    params(("slug" = String, Path, description = "The organisation's slug"), ListQuery),
    responses((status = 200, body = AssetPageView)))]
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
    auth: Auth,
) -> Result<Json<AssetPageView>, ApiError> {
    let page = state.ward.assets(&auth.ctx, &slug, &q.query()).await?;
    Ok(Json(AssetPageView { total: page.total, assets: page.assets.iter().map(AssetView::from).collect() }))
}

/// One asset.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assets/{id}", tag = "assets", operation_id = "show_asset",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The asset's id")),
    responses((status = 200, body = AssetView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<Json<AssetView>, ApiError> {
    let asset = state.ward.asset(&auth.ctx, &slug, id_of(&id, "asset")?).await?;
    Ok(Json(AssetView::from(&asset)))
}

/// Add an asset: field name → value (`kind`, `name`, `vendor`, `model`, `ip`, `mac`, …).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assets", tag = "assets", operation_id = "create_asset",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body(content = Object, description = "Field name → value"),
    responses((status = 201, body = CreatedId), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Json(values): Json<BTreeMap<String, String>>,
) -> Result<Response, ApiError> {
    let id = state.ward.save_asset(&auth.ctx, &slug, None, &values).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })).into_response())
}

/// Replace an asset's fields.
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/assets/{id}", tag = "assets", operation_id = "update_asset",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The asset's id")),
    request_body(content = Object, description = "Field name → value"),
    responses((status = 200, body = AssetView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    Json(values): Json<BTreeMap<String, String>>,
) -> Result<Json<AssetView>, ApiError> {
    let id = id_of(&id, "asset")?;
    state.ward.save_asset(&auth.ctx, &slug, Some(id), &values).await?;
    Ok(Json(AssetView::from(&state.ward.asset(&auth.ctx, &slug, id).await?)))
}

/// Remove an asset.
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/assets/{id}", tag = "assets", operation_id = "delete_asset",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The asset's id")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<StatusCode, ApiError> {
    state.ward.delete_asset(&auth.ctx, &slug, id_of(&id, "asset")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    /// `csv` or `nmap` (default: from the content)
    format: Option<String>,
    /// The file's name, for the register's sources
    name: Option<String>,
    /// Only show what would happen (default true); apply with `false`
    dry_run: Option<bool>,
    /// With bad rows: import the valid ones and skip the others (default false: nothing is written)
    #[serde(default)]
    keep_valid: bool,
}

/// Import an inventory file (CSV with guessed columns, or nmap XML) sent as the request body.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assets/import", tag = "assets", operation_id = "import_assets",
    params(("slug" = String, Path, description = "The organisation's slug"), ImportQuery),
    request_body(content = String, description = "The file", content_type = "application/octet-stream"),
    responses((status = 200, body = ImportView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ImportQuery>,
    auth: Auth,
    body: Bytes,
) -> Result<Json<ImportView>, ApiError> {
    let format = match q.format.as_deref() {
        None => None,
        Some(f) => Some(ImportFormat::parse(f).ok_or_else(|| {
            ApiError(AppError::Validation(vec![ward_domain::ValidationError::new(
                "format",
                "unknown_format",
                "use csv or nmap",
            )]))
        })?),
    };
    let name = q.name.as_deref().unwrap_or("upload");
    let preview = state.ward.preview_asset_import(&auth.ctx, &slug, format, name, &body, None).await?;
    if q.dry_run.unwrap_or(true) {
        return Ok(Json(ImportView::from(&preview)));
    }
    let (_, report) = state.ward.apply_asset_import(&auth.ctx, &slug, preview.id, None, q.keep_valid).await?;
    Ok(Json(ImportView::applied(&preview, &report)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ConfirmQuery {
    #[serde(default)]
    keep_valid: bool,
}

/// Apply an import previewed with `dry_run`.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assets/imports/{id}", tag = "assets", operation_id = "confirm_asset_import",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The pending import"), ConfirmQuery),
    responses((status = 200, body = ImportView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<ConfirmQuery>,
    auth: Auth,
) -> Result<Json<ImportView>, ApiError> {
    let (preview, report) =
        state.ward.apply_asset_import(&auth.ctx, &slug, id_of(&id, "import")?, None, q.keep_valid).await?;
    Ok(Json(ImportView::applied(&preview, &report)))
}

/// The organisation's network segments.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/segments", tag = "assets", operation_id = "list_segments",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = [SegmentView])))]
pub async fn segments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
) -> Result<Json<Vec<SegmentView>>, ApiError> {
    Ok(Json(state.ward.segments(&auth.ctx, &slug).await?.iter().map(SegmentView::from).collect()))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SegmentRequest {
    pub name: String,
    pub zone: String,
    pub vlan: Option<String>,
    pub cidr: Option<String>,
}

/// Add or change a segment (by name).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/segments", tag = "assets", operation_id = "save_segment",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = SegmentRequest,
    responses((status = 204, description = "Saved"), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn save_segment(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Json(r): Json<SegmentRequest>,
) -> Result<StatusCode, ApiError> {
    state.ward.save_segment(&auth.ctx, &slug, &r.name, &r.zone, r.vlan.as_deref(), r.cidr.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Assets placed where the segment policy does not allow it, each with the rule in words.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/segments/violations", tag = "assets", operation_id = "segment_violations",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = [ViolationView])))]
pub async fn violations(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
) -> Result<Json<Vec<ViolationView>>, ApiError> {
    Ok(Json(state.ward.segment_violations(&auth.ctx, &slug).await?.iter().map(ViolationView::from).collect()))
}
