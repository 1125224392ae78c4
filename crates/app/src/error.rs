use thiserror::Error;
use ward_domain::ValidationError;
use ward_store::StoreError;

/// The one error type transports see. Each variant maps to one answer (HTTP status, exit code);
/// `Internal` carries detail for the log only, never for the client.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("sign-in required")]
    Unauthenticated,
    /// Wrong e-mail, password, code or token: deliberately one message for all of them.
    #[error("the e-mail address, password or code is not right")]
    InvalidCredentials,
    #[error("not allowed")]
    Forbidden,
    #[error("this organisation requires two-factor authentication; set it up first")]
    MfaRequired,
    #[error("too many attempts; wait a few minutes and try again")]
    TooManyAttempts,
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Validation(Vec<ValidationError>),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    SchemaTooNew(String),
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound("record"),
            StoreError::Conflict { what } => AppError::Conflict(format!("{what} already exists")),
            StoreError::Unavailable(msg) => AppError::Unavailable(msg),
            e @ StoreError::SchemaTooNew { .. } => AppError::SchemaTooNew(e.to_string()),
            other => AppError::Internal(Box::new(other)),
        }
    }
}

impl From<Vec<ValidationError>> for AppError {
    fn from(errors: Vec<ValidationError>) -> Self {
        AppError::Validation(errors)
    }
}

impl From<ValidationError> for AppError {
    fn from(error: ValidationError) -> Self {
        AppError::Validation(vec![error])
    }
}
