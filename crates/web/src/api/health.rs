//! Probes for load balancers and orchestrators: `/healthz` (the process answers) and `/readyz`
//! (the database answers and its schema is current).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

#[derive(Serialize)]
struct ReadyBody {
    status: &'static str,
    database: &'static str,
    schema_version: Option<i64>,
    schema_expected: i64,
    pending_migrations: usize,
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.ward.readiness().await {
        Ok(r) => {
            let status = if r.is_ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
            let body = ReadyBody {
                status: if r.is_ready() { "ready" } else { "schema not current" },
                database: r.backend,
                schema_version: r.schema.applied,
                schema_expected: r.schema.known,
                pending_migrations: r.schema.pending,
            };
            (status, Json(body)).into_response()
        }
        Err(e) => ApiError(e).into_response(),
    }
}
