//! How errors become responses.
//!
//! Policy: the API answers RFC 9457 `application/problem+json`; pages answer a friendly page in the
//! reader's language. A client sees the kind of failure and, for validation, which field and why;
//! it never sees internal error text. Internal errors are logged once, here, with the request id,
//! and the client gets the request id to quote.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use ward_app::AppError;

use crate::i18n::Tr;
use crate::middleware::current_request_id;
use crate::pages::ErrorPage;

fn status_of(error: &AppError) -> StatusCode {
    match error {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
        AppError::Forbidden | AppError::MfaRequired => StatusCode::FORBIDDEN,
        AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::Unavailable(_) | AppError::SchemaTooNew(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log(error: &AppError, request_id: &str) {
    match error {
        AppError::Internal(source) => tracing::error!(request_id, error = %source, "internal error"),
        AppError::Unavailable(msg) | AppError::SchemaTooNew(msg) => {
            tracing::error!(request_id, error = %msg, "database unavailable")
        }
        _ => {}
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status and title say what happened.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Quote this when reporting a problem; it is in the server log too.
    pub request_id: String,
    /// For validation errors: each field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    /// Stable code, e.g. `length`, `checksum`.
    pub code: String,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, detail: Option<String>) -> Self {
        Self {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            request_id: current_request_id(),
            errors: Vec::new(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, "application/problem+json")], body).into_response()
    }
}

/// An error from an API handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let mut problem = Problem::new(status, None);
        log(&self.0, &problem.request_id);
        match &self.0 {
            AppError::NotFound(what) => problem.detail = Some(format!("{what} not found")),
            AppError::Conflict(msg) => problem.detail = Some(msg.clone()),
            AppError::Validation(errors) => {
                problem.detail = Some("the request has invalid fields".to_owned());
                problem.errors = errors
                    .iter()
                    .map(|e| FieldProblem {
                        field: e.field.to_owned(),
                        code: e.code.to_owned(),
                        message: e.reason.clone(),
                    })
                    .collect();
            }
            AppError::Unavailable(_) | AppError::SchemaTooNew(_) => {
                problem.detail = Some("the database is not available".to_owned())
            }
            AppError::Unauthenticated => {
                problem.detail = Some("sign in or send a valid API token".to_owned())
            }
            AppError::InvalidCredentials => problem.detail = Some(self.0.to_string()),
            AppError::Forbidden => problem.detail = Some("your role does not allow this".to_owned()),
            AppError::MfaRequired | AppError::TooManyAttempts => problem.detail = Some(self.0.to_string()),
            AppError::Internal(_) => {}
        }
        problem.into_response()
    }
}

/// An error from a page handler: rendered as a page in the reader's language.
#[derive(Debug)]
pub struct PageError {
    pub tr: Tr,
    pub error: AppError,
}

pub trait OrPage<T> {
    fn or_page(self, tr: Tr) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, AppError> {
    fn or_page(self, tr: Tr) -> Result<T, PageError> {
        self.map_err(|error| PageError { tr, error })
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = status_of(&self.error);
        let request_id = current_request_id();
        log(&self.error, &request_id);
        let detail = match &self.error {
            AppError::Validation(errors) => {
                errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            }
            AppError::Conflict(msg) => msg.clone(),
            _ => String::new(),
        };
        ErrorPage::for_status(self.tr, status, request_id, detail).into_response()
    }
}
