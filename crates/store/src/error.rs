use thiserror::Error;

/// Everything storage can report. Messages name the thing and what to do; they never include
/// credentials (database URLs are redacted before they get here).
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("{what} already exists")]
    Conflict { what: &'static str },
    #[error("{0}")]
    Unavailable(String),
    #[error(
        "the database schema is at version {found}, newer than this ward binary knows ({known}); \
         upgrade ward before using this database"
    )]
    SchemaTooNew { found: i64, known: i64 },
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("encryption: {0}")]
    Crypto(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
                StoreError::Unavailable(format!("the database does not answer ({error})"))
            }
            _ => StoreError::Database(error),
        }
    }
}

/// Maps a unique-constraint violation to a `Conflict` naming the thing that already exists.
pub(crate) fn conflict_on_unique(what: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |error| match error.as_database_error() {
        Some(db) if db.is_unique_violation() => StoreError::Conflict { what },
        _ => StoreError::from(error),
    }
}
