//! Ward's use cases: the single path every transport (web pages, JSON API, CLI) takes to read and
//! change data.
//!
//! A use case validates input with `ward-domain`, reads or writes through `ward-store` (every write
//! in one transaction), and returns domain values or an [`AppError`]. It knows nothing about HTTP,
//! HTML or terminals. Authorisation and the audit record join each write here (Ward's security
//! module), so no transport can skip them.

mod demo;
mod error;
mod organisation;
mod readiness;

pub use demo::{DEMO_ORG_SLUG, DemoSummary};
pub use error::AppError;
pub use organisation::{OrganisationInput, OrganisationProfile};
pub use readiness::Readiness;
pub use ward_store::{DatabaseTarget, SchemaStatus};

use time::OffsetDateTime;
use ward_store::Store;

/// The application: one per process, shared by every request and command.
#[derive(Clone, Debug)]
pub struct Ward {
    store: Store,
}

impl Ward {
    /// Connects to the database without touching its schema.
    pub async fn connect(target: &DatabaseTarget) -> Result<Self, AppError> {
        Ok(Self { store: Store::connect(target).await? })
    }

    /// Connects and brings the schema up to date: what `ward serve` does at start.
    pub async fn open(target: &DatabaseTarget) -> Result<Self, AppError> {
        let ward = Self::connect(target).await?;
        ward.migrate().await?;
        Ok(ward)
    }

    /// Applies pending migrations; refuses a schema from a newer ward without changing anything.
    pub async fn migrate(&self) -> Result<SchemaStatus, AppError> {
        Ok(self.store.migrate().await?)
    }

    pub fn database(&self) -> &DatabaseTarget {
        self.store.target()
    }

    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Now, to the microsecond: PostgreSQL keeps microseconds, so both backends return equal times.
    fn now() -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
    }
}
