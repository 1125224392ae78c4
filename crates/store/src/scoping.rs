//! An organisation's scoping answers and target CyFun level.

use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{on_db, on_tx};
use crate::{Store, StoreError, Tx};

/// The stored scoping of an organisation. `answers` is the questionnaire as JSON.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredScoping {
    pub answers: String,
    pub target_level: String,
    pub override_reason: Option<String>,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

impl Store {
    pub async fn scoping(&self, organisation_id: Uuid) -> Result<Option<StoredScoping>, StoreError> {
        const SQL: &str = "SELECT answers, target_level, override_reason, updated_at, updated_by FROM scopings WHERE organisation_id = $1";
        Ok(on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).fetch_optional(p).await)?)
    }
}

impl Tx {
    /// Saves the scoping; returns what was there before (for the audit log).
    pub async fn save_scoping(
        &mut self,
        organisation_id: Uuid,
        s: &StoredScoping,
    ) -> Result<Option<StoredScoping>, StoreError> {
        const OLD: &str = "SELECT answers, target_level, override_reason, updated_at, updated_by FROM scopings WHERE organisation_id = $1";
        let before: Option<StoredScoping> =
            on_tx!(&mut self.inner, c => sqlx::query_as(OLD).bind(organisation_id).fetch_optional(c).await)?;
        const SQL: &str = "INSERT INTO scopings (organisation_id, answers, target_level, override_reason, updated_at, updated_by) \
                           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organisation_id) DO UPDATE SET answers = excluded.answers, \
                           target_level = excluded.target_level, override_reason = excluded.override_reason, \
                           updated_at = excluded.updated_at, updated_by = excluded.updated_by";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(organisation_id).bind(&s.answers).bind(&s.target_level).bind(&s.override_reason).bind(s.updated_at).bind(&s.updated_by)
            .execute(c).await.map(|_| ()))?;
        Ok(before)
    }
}
