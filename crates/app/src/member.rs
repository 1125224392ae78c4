//! Users and memberships: created by administrators (or the command line), members managed by an
//! organisation's owners, and the organisation's MFA policy.

use serde_json::json;
use time::OffsetDateTime;
use ward_crypto::token;
use ward_domain::{Email, Membership, Permission, Role, User, check_new_password, parse_display_name};
use ward_store::NewUser;

use crate::actor::Ctx;
use crate::auth::{hash_password, internal};
use crate::{AppError, Ward};

/// A member as listed on the members page.
#[derive(Debug, Clone)]
pub struct Member {
    pub user: User,
    pub membership: Membership,
}

/// Input for a new account.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub email: String,
    pub display_name: Option<String>,
    /// `None`: Ward generates a one-time password and returns it.
    pub password: Option<String>,
    pub admin: bool,
}

/// A created account and, when Ward chose the password, that password (shown once).
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub user: User,
    pub generated_password: Option<String>,
}

pub fn generated_password() -> Result<String, AppError> {
    // Four groups of five: ~100 bits, easy to read out over the phone.
    token::new_human_code(4).map_err(internal)
}

impl Ward {
    /// Creates an account (administrators and the command line only).
    pub async fn create_account(&self, ctx: &Ctx, input: &NewAccount) -> Result<CreatedAccount, AppError> {
        self.require_admin(ctx)?;
        let email = Email::parse(&input.email)?;
        let name = match input.display_name.as_deref() {
            Some(n) => parse_display_name(n)?,
            None => email.as_str().split('@').next().unwrap_or("user").to_owned(),
        };
        let (password, generated) = match &input.password {
            Some(p) => {
                check_new_password(p, Some(&email))?;
                (p.clone(), None)
            }
            None => {
                let p = generated_password()?;
                (p.clone(), Some(p))
            }
        };
        let hash = hash_password(&password).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let user = tx
            .insert_user(
                &NewUser {
                    email,
                    display_name: name,
                    password_hash: Some(hash),
                    is_admin: input.admin,
                    oidc: None,
                },
                now,
            )
            .await?;
        tx.append_audit(
            ctx.audit(
                None,
                "user.create",
                "user",
                Some(user.id.to_string()),
                format!("account {} created", user.email),
                json!({"after": {"email": user.email, "admin": user.is_admin}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedAccount { user, generated_password: generated })
    }

    pub async fn users(&self, ctx: &Ctx) -> Result<Vec<User>, AppError> {
        self.require_admin(ctx)?;
        Ok(self.store.users().await?)
    }

    async fn account(&self, email: &str) -> Result<User, AppError> {
        let email = Email::parse(email).map_err(|_| AppError::NotFound("user"))?;
        Ok(self.store.credentials_by_email(&email).await?.ok_or(AppError::NotFound("user"))?.user)
    }

    /// Sets a new one-time password and ends the user's sessions. Returns the password.
    pub async fn reset_password(&self, ctx: &Ctx, email: &str) -> Result<String, AppError> {
        self.require_admin(ctx)?;
        let user = self.account(email).await?;
        let password = generated_password()?;
        let hash = hash_password(&password).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(user.id, Some(&hash)).await?;
        let ended = tx.delete_sessions_of(user.id).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "user.password_reset",
                "user",
                Some(user.id.to_string()),
                format!("password of {} reset; {ended} session(s) ended", user.email),
                json!({}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(password)
    }

    /// Turns off a user's two-step verification (a lost phone and no recovery codes left): clears
    /// the TOTP secret and recovery codes and ends the account's sessions. The person sets it up
    /// again at their next sign-in if an organisation requires it.
    pub async fn reset_mfa(&self, ctx: &Ctx, email: &str) -> Result<User, AppError> {
        self.require_admin(ctx)?;
        let user = self.account(email).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.set_totp(user.id, None, None).await?;
        tx.replace_recovery_codes(user.id, &[]).await?;
        let ended = tx.delete_sessions_of(user.id).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "user.mfa_reset",
                "user",
                Some(user.id.to_string()),
                format!(
                    "two-step verification of {} turned off by an administrator; {ended} session(s) ended",
                    user.email
                ),
                json!({"before": {"totp": user.totp_enabled}, "after": {"totp": false}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(User { totp_enabled: false, ..user })
    }

    /// Disables (or re-enables) an account; disabling ends its sessions at once.
    pub async fn set_account_disabled(
        &self,
        ctx: &Ctx,
        email: &str,
        disabled: bool,
    ) -> Result<User, AppError> {
        self.require_admin(ctx)?;
        let user = self.account(email).await?;
        if disabled && ctx.user().is_some_and(|me| me.id == user.id) {
            return Err(AppError::Conflict("you cannot disable your own account".into()));
        }
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.set_disabled(user.id, disabled.then_some(now)).await?;
        if disabled {
            tx.delete_sessions_of(user.id).await?;
        }
        let action = if disabled { "user.disable" } else { "user.enable" };
        tx.append_audit(
            ctx.audit(
                None,
                action,
                "user",
                Some(user.id.to_string()),
                format!("account {} {}", user.email, if disabled { "disabled" } else { "enabled" }),
                json!({"before": {"disabled": user.disabled}, "after": {"disabled": disabled}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(User { disabled, ..user })
    }

    /// Members of an organisation (any member may see who else is in it).
    pub async fn members(&self, ctx: &Ctx, slug: &str) -> Result<Vec<Member>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        Ok(self
            .store
            .members(access.organisation.id)
            .await?
            .into_iter()
            .map(|(user, membership)| Member { user, membership })
            .collect())
    }

    /// Adds a member or changes their role (owners; administrators through the command line).
    pub async fn set_member(
        &self,
        ctx: &Ctx,
        slug: &str,
        email: &str,
        role: Role,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<Member, AppError> {
        let access = self.authorize_members(ctx, slug).await?;
        let org = access.organisation;
        let user = self.account(email).await?;
        let now = Self::now();
        if expires_at.is_some_and(|e| e <= now) {
            return Err(
                ward_domain::ValidationError::new("expires_at", "past", "must be in the future").into()
            );
        }
        let membership = Membership { role, expires_at };
        let mut tx = self.store.begin().await?;
        let before = tx.upsert_membership(user.id, org.id, membership, now).await?;
        if before.is_some_and(|b| b.role == Role::Owner)
            && role != Role::Owner
            && tx.owner_count(org.id).await? == 0
        {
            return Err(AppError::Conflict("an organisation needs at least one owner".into()));
        }
        let summary = match before {
            Some(b) => format!("{} changed from {} to {}", user.email, b.role.code(), role.code()),
            None => format!("{} added as {}", user.email, role.code()),
        };
        let details = json!({
            "before": before.map(|b| json!({"role": b.role.code(), "expires_at": b.expires_at.map(|t| t.unix_timestamp())})),
            "after": {"role": role.code(), "expires_at": expires_at.map(|t| t.unix_timestamp())},
        });
        tx.append_audit(
            ctx.audit(
                Some(org.id),
                if before.is_some() { "member.change" } else { "member.add" },
                "user",
                Some(user.id.to_string()),
                summary,
                details,
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Member { user, membership })
    }

    pub async fn remove_member(&self, ctx: &Ctx, slug: &str, email: &str) -> Result<(), AppError> {
        let access = self.authorize_members(ctx, slug).await?;
        let org = access.organisation;
        let user = self.account(email).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let before = self.store.membership(user.id, org.id).await?;
        if !tx.remove_membership(user.id, org.id).await? {
            return Err(AppError::NotFound("member"));
        }
        if tx.owner_count(org.id).await? == 0 {
            return Err(AppError::Conflict("an organisation needs at least one owner".into()));
        }
        tx.append_audit(
            ctx.audit(
                Some(org.id),
                "member.remove",
                "user",
                Some(user.id.to_string()),
                format!("{} removed", user.email),
                json!({"before": before.map(|b| b.role.code())}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn authorize_members(&self, ctx: &Ctx, slug: &str) -> Result<crate::actor::OrgAccess, AppError> {
        self.authorize(ctx, slug, Permission::ManageMembers).await
    }

    /// Requires (or stops requiring) a second factor for every member of the organisation.
    pub async fn set_require_mfa(&self, ctx: &Ctx, slug: &str, required: bool) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::ManageOrganisation).await?;
        let org = access.organisation;
        if required && ctx.user().is_some_and(|u| !u.totp_enabled) {
            return Err(AppError::Conflict("turn on two-factor authentication for yourself first".into()));
        }
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.set_require_mfa(org.id, required, now).await?;
        tx.append_audit(
            ctx.audit(
                Some(org.id),
                "organisation.policy",
                "organisation",
                Some(org.id.to_string()),
                format!(
                    "two-factor authentication {}",
                    if required { "required" } else { "no longer required" }
                ),
                json!({"before": {"require_mfa": org.require_mfa}, "after": {"require_mfa": required}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
