//! API tokens: an organisation's automations act with a role, until an expiry date or revocation.
//! The secret is shown once; only its hash is stored.

use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use ward_crypto::token;
use ward_domain::{Permission, Role};
use ward_store::ApiTokenRecord;

use crate::actor::{Actor, Ctx};
use crate::auth::internal;
use crate::{AppError, Ward};

pub const MAX_TOKEN_DAYS: i64 = 366;

impl Ward {
    /// Creates a token; returns its record and the secret (shown once).
    pub async fn create_api_token(
        &self,
        ctx: &Ctx,
        slug: &str,
        name: &str,
        role: Role,
        days: i64,
    ) -> Result<(ApiTokenRecord, String), AppError> {
        let access = self.authorize(ctx, slug, Permission::ManageApiTokens).await?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(ward_domain::ValidationError::new(
                "name",
                "format",
                "must be 1 to 80 printable characters",
            )
            .into());
        }
        if !(1..=MAX_TOKEN_DAYS).contains(&days) {
            return Err(ward_domain::ValidationError::new(
                "days",
                "range",
                format!("must be between 1 and {MAX_TOKEN_DAYS}"),
            )
            .into());
        }
        let now = Self::now();
        let secret = token::new_token("ward_").map_err(internal)?;
        let created_by = match &ctx.actor {
            Actor::User(u) => u.email.to_string(),
            Actor::Cli { os_user } => format!("cli ({os_user})"),
            Actor::ApiToken(t) => format!("token {}", t.name),
            Actor::Anonymous => "anonymous".into(),
        };
        let record = ApiTokenRecord {
            id: Uuid::now_v7(),
            organisation_id: access.organisation.id,
            name: name.to_owned(),
            role,
            created_by,
            created_at: now,
            expires_at: now + Duration::days(days),
            revoked_at: None,
            last_used_at: None,
        };
        let mut tx = self.store.begin().await?;
        tx.insert_api_token(&record, &token::token_hash(&secret)).await?;
        tx.append_audit(ctx.audit(Some(record.organisation_id), "api_token.create", "api_token", Some(record.id.to_string()), format!("API token \"{}\" created with role {} for {days} days", record.name, role.code()), json!({"after": {"name": record.name, "role": role.code(), "expires_at": record.expires_at.unix_timestamp()}})), now).await?;
        tx.commit().await?;
        Ok((record, secret))
    }

    pub async fn api_tokens(&self, ctx: &Ctx, slug: &str) -> Result<Vec<ApiTokenRecord>, AppError> {
        let access = self.authorize(ctx, slug, Permission::ManageApiTokens).await?;
        Ok(self.store.api_tokens(access.organisation.id).await?)
    }

    pub async fn revoke_api_token(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::ManageApiTokens).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        if !tx.revoke_api_token(access.organisation.id, id, now).await? {
            return Err(AppError::NotFound("API token"));
        }
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "api_token.revoke",
                "api_token",
                Some(id.to_string()),
                "API token revoked".into(),
                json!({}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The actor behind a bearer token, if the token is known, unexpired and not revoked.
    pub async fn actor_for_api_token(&self, secret: &str) -> Result<Option<Actor>, AppError> {
        let Some(record) = self.store.api_token_by_hash(&token::token_hash(secret)).await? else {
            return Ok(None);
        };
        let now = OffsetDateTime::now_utc();
        if record.revoked_at.is_some() || record.expires_at <= now {
            return Ok(None);
        }
        self.store.touch_api_token(record.id, now).await?;
        Ok(Some(Actor::ApiToken(record)))
    }
}
