//! CyFun assessments over the API: list, create, read, answer, score, snapshots, the official
//! workbook in and out, and the built-in catalogs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;
use ward_app::{AppError, AssessmentInput, ScoreReport};
use ward_domain::cyfun::{Framework, Level};

use crate::api::cyfun_model::{
    AnswerRequest, AssessmentDetail, AssessmentView, CatalogView, ComparisonView, CreateAssessmentRequest,
    CreatedId, EvidenceRequest, ScoreReportView, SnapshotRequest, SnapshotView,
};
use crate::auth::Auth;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn id_of(raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError(AppError::NotFound("assessment")))
}

/// A built-in CyFun catalog: ids, levels, key measures, management aspects, Ward's titles.
#[utoipa::path(get, path = "/api/v1/cyfun/catalogs/{framework}", tag = "cyfun", operation_id = "cyfun_catalog",
    params(("framework" = String, Path, description = "`cyfun-2025` or `cyfun-2023`")),
    responses((status = 200, body = CatalogView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn catalog(Path(framework): Path<String>) -> Result<Json<CatalogView>, ApiError> {
    let f = Framework::parse(&framework).ok_or(ApiError(AppError::NotFound("framework")))?;
    Ok(Json(CatalogView::from(f)))
}

/// An organisation's assessments, newest first.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments", tag = "cyfun", operation_id = "list_assessments",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, body = [AssessmentView])))]
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
) -> Result<Json<Vec<AssessmentView>>, ApiError> {
    let list = state.ward.assessments(&auth.ctx, &slug).await?;
    Ok(Json(list.iter().map(AssessmentView::from).collect()))
}

/// Start an assessment.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assessments", tag = "cyfun", operation_id = "create_assessment",
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = CreateAssessmentRequest,
    responses((status = 201, body = CreatedId), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    Json(request): Json<CreateAssessmentRequest>,
) -> Result<Response, ApiError> {
    let framework = match request.framework.as_deref() {
        None | Some("") => Framework::Cyfun2025,
        Some(code) => Framework::parse(code).ok_or_else(|| {
            ApiError(
                ward_domain::ValidationError::new("framework", "unknown", "must be cyfun-2025 or cyfun-2023")
                    .into(),
            )
        })?,
    };
    let target_level = match request.target_level.as_deref() {
        None | Some("") => None,
        Some(code) => Some(Level::parse(code).map_err(|e| ApiError(e.into()))?),
    };
    let input = AssessmentInput {
        name: request.name,
        framework,
        target_level,
        scope: request.scope.unwrap_or_default(),
    };
    let id = state.ward.create_assessment(&auth.ctx, &slug, &input).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CreatedId { id })).into_response())
}

/// An assessment with every answer and its score report.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments/{id}", tag = "cyfun", operation_id = "assessment",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    responses((status = 200, body = AssessmentDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<Json<AssessmentDetail>, ApiError> {
    let (_, a) = state.ward.assessment(&auth.ctx, &slug, id_of(&id)?).await?;
    Ok(Json(AssessmentDetail::from(&a)))
}

/// Scores per function, category and key measure, and the verdict of each level.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments/{id}/score", tag = "cyfun", operation_id = "assessment_score",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    responses((status = 200, body = ScoreReportView)))]
pub async fn score(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<Json<ScoreReportView>, ApiError> {
    let report = state.ward.score_report(&auth.ctx, &slug, id_of(&id)?).await?;
    Ok(Json(ScoreReportView::from(&report)))
}

/// Change one requirement's answer; returns the new score report. Contributors may change the
/// requirements they own.
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/assessments/{id}/answers/{requirement}", tag = "cyfun", operation_id = "save_answer",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id"),
           ("requirement" = String, Path, description = "The requirement id, e.g. PR.AA-03.2")),
    request_body = AnswerRequest,
    responses((status = 200, body = ScoreReportView), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn answer(
    State(state): State<AppState>,
    Path((slug, id, requirement)): Path<(String, String, String)>,
    auth: Auth,
    Json(request): Json<AnswerRequest>,
) -> Result<Json<ScoreReportView>, ApiError> {
    let input = request.to_input().map_err(|e| ApiError(e.into()))?;
    let a = state.ward.save_answer(&auth.ctx, &slug, id_of(&id)?, &requirement, &input).await?;
    Ok(Json(ScoreReportView::from(&ScoreReport::of(&a))))
}

/// The snapshots of an assessment, oldest first.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments/{id}/snapshots", tag = "cyfun", operation_id = "list_snapshots",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    responses((status = 200, body = [SnapshotView])))]
pub async fn snapshots(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<Json<Vec<SnapshotView>>, ApiError> {
    let list = state.ward.snapshots(&auth.ctx, &slug, id_of(&id)?).await?;
    Ok(Json(list.iter().map(SnapshotView::from).collect()))
}

/// Freeze the assessment as it is now.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assessments/{id}/snapshots", tag = "cyfun", operation_id = "take_snapshot",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    request_body = SnapshotRequest,
    responses((status = 201, body = CreatedId)))]
pub async fn take_snapshot(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    Json(request): Json<SnapshotRequest>,
) -> Result<Response, ApiError> {
    let snapshot = state.ward.take_snapshot(&auth.ctx, &slug, id_of(&id)?, &request.label).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CreatedId { id: snapshot })).into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// A name for the new assessment.
    pub name: Option<String>,
}

/// Read a filled official CCB workbook (the request body, .xlsx) into a new assessment.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assessments/workbook", tag = "cyfun", operation_id = "import_workbook",
    params(("slug" = String, Path, description = "The organisation's slug"), ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 201, body = CreatedId), (status = 422, description = "Each problem names its sheet and cell", body = Problem, content_type = "application/problem+json")))]
pub async fn import_workbook(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<ImportQuery>,
    auth: Auth,
    body: Bytes,
) -> Result<Response, ApiError> {
    let name = query.name.unwrap_or_else(|| "Imported workbook".into());
    let id = state.ward.import_workbook(&auth.ctx, &slug, &body, &name).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CreatedId { id })).into_response())
}

/// Fill a blank official CCB workbook (the request body) with the assessment; returns the .xlsx.
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assessments/{id}/workbook", tag = "cyfun", operation_id = "export_workbook",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, description = "The filled workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn export_workbook(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    body: Bytes,
) -> Result<Response, ApiError> {
    let bytes = state.ward.export_workbook(&auth.ctx, &slug, id_of(&id)?, &body).await?;
    Ok((
        [
            (CONTENT_TYPE, XLSX.to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"cyfun-2025-{slug}.xlsx\"")),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct CompareQuery {
    /// The later snapshot; omit to compare with the assessment as it is now.
    pub to: Option<String>,
}

/// Compare a snapshot with a later one, or with now: score deltas per category, changed answers.
#[utoipa::path(get, path = "/api/v1/orgs/{slug}/assessments/{id}/snapshots/{snapshot}/compare", tag = "cyfun", operation_id = "compare_snapshots",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id"),
           ("snapshot" = String, Path, description = "The earlier snapshot's id"), CompareQuery),
    responses((status = 200, body = ComparisonView), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn compare(
    State(state): State<AppState>,
    Path((slug, id, snapshot)): Path<(String, String, String)>,
    Query(query): Query<CompareQuery>,
    auth: Auth,
) -> Result<Json<ComparisonView>, ApiError> {
    let from = Uuid::parse_str(&snapshot).map_err(|_| ApiError(AppError::NotFound("snapshot")))?;
    let to = match query.to.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(Uuid::parse_str(raw).map_err(|_| ApiError(AppError::NotFound("snapshot")))?),
    };
    let c = state.ward.compare_snapshots(&auth.ctx, &slug, id_of(&id)?, from, to).await?;
    Ok(Json(ComparisonView::from(&c)))
}

/// Add evidence as a link (with an optional review-by date).
#[utoipa::path(post, path = "/api/v1/orgs/{slug}/assessments/{id}/evidence", tag = "cyfun", operation_id = "add_evidence",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    request_body = EvidenceRequest,
    responses((status = 201, body = CreatedId), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_evidence(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    Json(request): Json<EvidenceRequest>,
) -> Result<Response, ApiError> {
    let review_by = match request.review_by.as_deref() {
        None | Some("") => None,
        Some(d) => {
            Some(time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).map_err(
                |_| {
                    ApiError(
                        ward_domain::ValidationError::new("review_by", "date", "use a date like 2027-03-31")
                            .into(),
                    )
                },
            )?)
        }
    };
    let input =
        ward_app::EvidenceInput { title: request.title, link: Some(request.link), file: None, review_by };
    let evidence =
        state.ward.add_evidence(&auth.ctx, &slug, id_of(&id)?, &request.requirement, input).await?;
    Ok((axum::http::StatusCode::CREATED, Json(CreatedId { id: evidence })).into_response())
}

/// Change an assessment's name, target level or scope.
#[utoipa::path(put, path = "/api/v1/orgs/{slug}/assessments/{id}", tag = "cyfun", operation_id = "update_assessment",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    request_body = CreateAssessmentRequest,
    responses((status = 200, body = AssessmentDetail), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    Json(request): Json<CreateAssessmentRequest>,
) -> Result<Json<AssessmentDetail>, ApiError> {
    let id = id_of(&id)?;
    let (_, current) = state.ward.assessment(&auth.ctx, &slug, id).await?;
    let target_level = match request.target_level.as_deref() {
        None | Some("") => None,
        Some(code) => Some(Level::parse(code).map_err(|e| ApiError(e.into()))?),
    };
    let input = AssessmentInput {
        name: request.name,
        framework: current.framework,
        target_level,
        scope: request.scope.unwrap_or(current.record.scope.clone()),
    };
    state.ward.update_assessment(&auth.ctx, &slug, id, &input).await?;
    let (_, a) = state.ward.assessment(&auth.ctx, &slug, id).await?;
    Ok(Json(AssessmentDetail::from(&a)))
}

/// Delete an assessment with its answers, evidence and snapshots (owners).
#[utoipa::path(delete, path = "/api/v1/orgs/{slug}/assessments/{id}", tag = "cyfun", operation_id = "delete_assessment",
    params(("slug" = String, Path, description = "The organisation's slug"), ("id" = String, Path, description = "The assessment's id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
) -> Result<axum::http::StatusCode, ApiError> {
    state.ward.delete_assessment(&auth.ctx, &slug, id_of(&id)?).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
