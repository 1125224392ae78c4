//! Reading and verifying the audit log, and signing checkpoints.

use time::OffsetDateTime;
use ward_domain::{AuditEntry, ChainBreak, ChainReport, Permission};
use ward_store::AuditQuery;

use crate::actor::Ctx;
use crate::{AppError, Ward};

/// Filters a person can set on the audit log page, the API or the CLI.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub before_seq: Option<i64>,
    pub limit: Option<i64>,
}

impl AuditFilter {
    fn query(&self, organisation_id: Option<uuid::Uuid>) -> AuditQuery {
        AuditQuery {
            organisation_id,
            action_prefix: self.action.clone().filter(|s| !s.trim().is_empty()),
            actor: self.actor.clone().filter(|s| !s.trim().is_empty()),
            since: self.since,
            until: self.until,
            limit: self.limit.unwrap_or(100),
            before_seq: self.before_seq,
        }
    }
}

impl Ward {
    /// An organisation's audit log (owners and auditors).
    pub async fn audit_log(
        &self,
        ctx: &Ctx,
        slug: &str,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, AppError> {
        let access = self.authorize(ctx, slug, Permission::ViewAuditLog).await?;
        Ok(self.store.audit_entries(&filter.query(Some(access.organisation.id))).await?)
    }

    /// The whole installation's audit log (administrators).
    pub async fn installation_audit_log(
        &self,
        ctx: &Ctx,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, AppError> {
        self.require_admin(ctx)?;
        Ok(self.store.audit_entries(&filter.query(None)).await?)
    }

    /// Verifies the chain and every checkpoint; `Ok(Err(break))` names the first bad entry.
    pub async fn verify_audit_log(&self, ctx: &Ctx) -> Result<Result<ChainReport, ChainBreak>, AppError> {
        self.require_admin(ctx)?;
        Ok(self.store.verify_audit_log().await?)
    }

    /// Signs a checkpoint at the current end of the log.
    pub async fn audit_checkpoint(&self, ctx: &Ctx) -> Result<Option<i64>, AppError> {
        self.require_admin(ctx)?;
        let mut tx = self.store.begin().await?;
        let seq = tx.checkpoint_now(Self::now()).await?;
        tx.commit().await?;
        Ok(seq)
    }

    /// The public key that verifies checkpoints, hex-encoded, for auditors.
    pub fn checkpoint_public_key(&self) -> String {
        self.store.checkpoint_public_key().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Adds a data-encryption key and re-encrypts every sensitive value under it, while the
    /// service keeps running (other processes pick the new key up when they first meet it).
    pub async fn rotate_data_key(&self, ctx: &Ctx) -> Result<(u32, usize), AppError> {
        self.require_admin(ctx)?;
        let id = self.store.add_data_key().await?;
        let mut tx = self.store.begin().await?;
        let moved = tx.reencrypt_totp_secrets(&self.store).await?
            + tx.reencrypt_assessment_fields(&self.store).await?
            + tx.reencrypt_task_fields(&self.store).await?
            + tx.reencrypt_asset_imports(&self.store).await?;
        let now = Self::now();
        tx.append_audit(
            ctx.audit(
                None,
                "keys.rotate",
                "data_key",
                Some(id.to_string()),
                format!("data key {id} added; {moved} value(s) re-encrypted"),
                serde_json::json!({"key_id": id, "reencrypted": moved}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((id, moved))
    }
}
