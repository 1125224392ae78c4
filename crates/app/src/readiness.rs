//! What `/readyz` reports: the database answers and its schema is the one this binary expects.

use ward_store::SchemaStatus;

use crate::{AppError, Ward};

#[derive(Debug, Clone)]
pub struct Readiness {
    pub backend: &'static str,
    pub schema: SchemaStatus,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.schema.is_current()
    }
}

impl Ward {
    /// Errors when the database does not answer; otherwise reports the schema state.
    pub async fn readiness(&self) -> Result<Readiness, AppError> {
        self.store.ping().await?;
        let schema = self.store.schema_status().await?;
        Ok(Readiness { backend: self.store.target().backend(), schema })
    }
}
