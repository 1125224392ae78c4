//! Remediation tasks over the API.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use ward_app::AppError;

use crate::api::cyfun_model::CreatedId;
use crate::api::gaps_model::{TaskRequest, TaskView};
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

fn id_of(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError(AppError::NotFound("task")))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Include done and cancelled tasks
    #[serde(default)]
    all: bool,
    /// At most this many (default 100, at most 500)
    limit: Option<i64>,
    /// Skip this many
    offset: Option<i64>,
}

/// An organisation's tasks: open work first, soonest due first.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/tasks", tag = "plan", operation_id = "list_tasks",
    params(("slug" = String, Path, description = "The organisation's slug"), ListQuery),
    responses((status = 200, body = [TaskView])))]
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
    auth: Auth,
) -> Result<Json<Vec<TaskView>>, ApiError> {
    let tasks =
        state.ward.tasks(&auth.ctx, &slug, !q.all, q.limit.unwrap_or(100), q.offset.unwrap_or(0)).await?;
    Ok(Json(tasks.iter().map(TaskView::from).collect()))
}

/// One task.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/tasks/{id}", tag = "plan", operation_id = "show_task",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The task's id")),
    responses((status = 200, body = TaskView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<Json<TaskView>, ApiError> {
    let task = state.ward.task(&auth.ctx, &slug, id_of(&id)?).await?;
    Ok(Json(TaskView::from(&task)))
}

/// Create a task (for example from a gap: name its requirements and assessment).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/tasks", tag = "plan", operation_id = "create_task",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = TaskRequest,
    responses((status = 201, body = CreatedId), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Json(request): Json<TaskRequest>,
) -> Result<Response, ApiError> {
    let id = state.ward.create_task(&auth.ctx, &slug, &request.input()).await?;
    Ok((StatusCode::CREATED, Json(CreatedId { id })).into_response())
}

/// Change a task. Contributors may change the status and notes of tasks they own.
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/tasks/{id}", tag = "plan", operation_id = "update_task",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The task's id")),
    request_body = TaskRequest,
    responses((status = 200, body = TaskView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    Json(request): Json<TaskRequest>,
) -> Result<Json<TaskView>, ApiError> {
    let task = state.ward.update_task(&auth.ctx, &slug, id_of(&id)?, &request.input()).await?;
    Ok(Json(TaskView::from(&task)))
}

/// Delete a task.
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/tasks/{id}", tag = "plan", operation_id = "delete_task",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The task's id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<StatusCode, ApiError> {
    state.ward.delete_task(&auth.ctx, &slug, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
