//! Ward's storage: one interface over embedded SQLite (the default) and PostgreSQL.
//!
//! Both backends run the same SQL text (`$n` placeholders, `RETURNING`, `ON CONFLICT`) through the
//! concrete sqlx drivers, dispatched by [`on_db!`]; only the DDL differs, in
//! `migrations/{sqlite,postgres}`. Reads go through [`Store`]; every write goes through a [`Tx`] so a
//! change and its audit record (Ward's security module) commit together or not at all.
//!
//! This crate never decides policy (who may do what): that is `ward-app`'s job.

mod account;
mod assessment;
mod assets;
mod audit;
mod db;
mod error;
mod keys;
mod organisation;
mod schema;
mod scoping;
mod tasks;

pub use account::{ApiTokenRecord, Credentials, NewSession, NewUser, OidcFlow, SessionRecord};
pub use assessment::{AnswerRecord, AssessmentRecord, CatalogText, EvidenceRecord, SnapshotMeta};
pub use assets::{AssetFacts, AssetQuery, AssetRecord, PendingImport, SegmentRecord};
pub use audit::{AuditQuery, CHECKPOINT_EVERY};
pub use db::{DatabaseTarget, Store, Tx, redact_url};
pub use error::StoreError;
pub use keys::Secret;
pub use schema::SchemaStatus;
pub use scoping::StoredScoping;
pub use tasks::{TaskCounts, TaskRecord, TaskState};
pub use ward_crypto::keys::MasterKey;
