//! Ward's use cases: the single path every transport (web pages, JSON API, CLI) takes to read and
//! change data.
//!
//! A use case validates input with `ward-domain`, reads or writes through `ward-store` (every write
//! in one transaction), and returns domain values or an [`AppError`]. It knows nothing about HTTP,
//! HTML or terminals. Authorisation and the audit record join each write here (Ward's security
//! module), so no transport can skip them.

mod actor;
mod api_token;
mod assessment;
mod assets;
mod audit_log;
mod auth;
mod demo;
mod error;
mod gaps;
mod inventory_scan;
mod member;
mod organisation;
mod readiness;
mod scoping;
mod sso;
mod tasks;
mod workbook;

pub use actor::{Actor, Ctx, OrgAccess};
pub use api_token::MAX_TOKEN_DAYS;
pub use assessment::{
    AnswerInput, AnswerStatus, Assessment, AssessmentInput, AssessmentSummary, CatalogImport, CategoryDelta,
    ChangedAnswer, Comparison, EvidenceInput, Figures, LevelVerdict, MAX_EVIDENCE_BYTES, ScoreReport,
    TrendPoint,
};
pub use assets::{
    Asset, AssetPage, ImportFormat, ImportPreview, ImportReport, RowAction, RowPreview, asset_fields,
};
pub use audit_log::AuditFilter;
pub use auth::{ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, MAX_FAILURES_PER_ACCOUNT, Session, SignedIn, TotpEnrollment};
pub use demo::{DEMO_ORG_SLUG, DemoAccount, DemoSummary};
pub use error::AppError;
pub use gaps::{AssessmentHeadline, Dashboard, GapReport, SignalView, TaskCountsView};
pub use member::{CreatedAccount, Member, NewAccount};
pub use organisation::{OrganisationInput, OrganisationProfile};
pub use readiness::Readiness;
pub use scoping::ScopingView;
pub use sso::SsoConfig;
pub use tasks::{MAX_TASK_PAGE, Reminder, ReminderReport, Task, TaskImport, TaskInput};
pub use ward_store::{
    AnswerRecord, ApiTokenRecord, AssessmentRecord, AssetQuery, CatalogText, DatabaseTarget, EvidenceRecord,
    MasterKey, SchemaStatus, SnapshotMeta,
};

use time::OffsetDateTime;
use ward_store::Store;

/// The application: one per process, shared by every request and command.
#[derive(Clone, Debug)]
pub struct Ward {
    store: Store,
    master: MasterKey,
    sso: Option<std::sync::Arc<SsoConfig>>,
}

/// Where Ward's keys and the copy of audit checkpoints live.
#[derive(Debug, Clone)]
pub struct KeySource {
    pub master: MasterKey,
    /// Audit checkpoints are appended here too (outside the database).
    pub checkpoint_file: Option<std::path::PathBuf>,
}

impl Ward {
    /// Connects to the database without touching its schema.
    pub async fn connect(target: &DatabaseTarget, keys: KeySource) -> Result<Self, AppError> {
        let store = Store::connect(target, keys.master.clone(), keys.checkpoint_file).await?;
        Ok(Self { store, master: keys.master, sso: None })
    }

    /// Connects, brings the schema up to date and unlocks the data keys: what `ward serve` and
    /// every data command do first.
    pub async fn open(target: &DatabaseTarget, keys: KeySource) -> Result<Self, AppError> {
        let ward = Self::connect(target, keys).await?;
        ward.migrate().await?;
        ward.unlock().await?;
        Ok(ward)
    }

    /// Loads the data-encryption keys (creating the first on a new installation); fails when the
    /// master key does not belong to this database.
    pub async fn unlock(&self) -> Result<(), AppError> {
        Ok(self.store.load_data_keys().await?)
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
