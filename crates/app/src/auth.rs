//! Signing in and staying signed in: first-run setup, password sign-in with throttling, sessions
//! with idle and absolute expiry, TOTP with recovery codes, password changes.

use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use ward_crypto::{password, token, totp};
use ward_domain::{Email, Locale, User, check_new_password, parse_display_name};
use ward_store::{NewSession, NewUser};

use crate::actor::{Actor, Ctx};
use crate::{AppError, Ward};

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// …and in any case this long after sign-in.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Failures counted over this window for throttling.
const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// Failed sign-ins per account (any address) before the account is throttled.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed sign-ins per address (any account) before the address is throttled.
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
const SETUP_TOKEN_LIFETIME: Duration = Duration::hours(24);
const RECOVERY_CODES: usize = 10;

/// What a successful password check gives: a session cookie value, maybe still awaiting MFA.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub mfa_pending: bool,
    pub user: User,
}

/// A live session, as the web layer needs it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub token_hash: Vec<u8>,
    pub mfa_pending: bool,
    pub csrf_secret: Vec<u8>,
}

/// A TOTP secret being enrolled.
#[derive(Debug, Clone)]
pub struct TotpEnrollment {
    pub secret_base32: String,
    pub uri: String,
}

fn invalid_credentials() -> AppError {
    AppError::InvalidCredentials
}

impl Ward {
    /// True until the first account exists.
    pub async fn setup_needed(&self) -> Result<bool, AppError> {
        Ok(self.store.user_count().await? == 0)
    }

    /// A one-time token for creating the first administrator; printed at first start.
    pub async fn issue_setup_token(&self) -> Result<String, AppError> {
        let secret = token::new_token("setup_").map_err(internal)?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.insert_setup_token(&token::token_hash(&secret), now, now + SETUP_TOKEN_LIFETIME).await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Creates the first administrator with a setup token. Works once.
    pub async fn complete_setup(
        &self,
        ctx: &Ctx,
        setup_token: &str,
        email: &str,
        name: &str,
        password: &str,
    ) -> Result<User, AppError> {
        let email = Email::parse(email)?;
        let display_name = parse_display_name(name)?;
        check_new_password(password, Some(&email))?;
        let hash = hash_password(password).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        if tx.user_count().await? > 0 || !tx.consume_setup_token(&token::token_hash(setup_token), now).await?
        {
            return Err(AppError::InvalidCredentials);
        }
        let user = tx
            .insert_user(
                &NewUser { email, display_name, password_hash: Some(hash), is_admin: true, oidc: None },
                now,
            )
            .await?;
        let entry = ctx.audit(
            None,
            "user.create",
            "user",
            Some(user.id.to_string()),
            format!("first administrator {} created at setup", user.email),
            json!({"after": {"email": user.email, "admin": true}}),
        );
        tx.append_audit(entry, now).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Checks e-mail and password. The same error, and the same work, whether the account exists
    /// or not; failures are counted per account and per address and recorded in the audit log.
    pub async fn sign_in(
        &self,
        ctx: &Ctx,
        email: &str,
        password: &str,
        user_agent: Option<&str>,
    ) -> Result<SignedIn, AppError> {
        let now = Self::now();
        let since = now - THROTTLE_WINDOW;
        let account_key = email.trim().to_lowercase();
        let address_key = ctx.ip.clone().unwrap_or_else(|| "-".into());
        if self.store.login_failures("account", &account_key, since).await? >= MAX_FAILURES_PER_ACCOUNT
            || self.store.login_failures("address", &address_key, since).await? >= MAX_FAILURES_PER_ADDRESS
        {
            self.record_failure(ctx, &account_key, &address_key, "throttled", false).await?;
            return Err(AppError::TooManyAttempts);
        }
        let credentials = match Email::parse(email) {
            Ok(e) => self.store.credentials_by_email(&e).await?,
            Err(_) => None,
        };
        let usable = credentials.filter(|c| !c.user.disabled && c.password_hash.is_some());
        let Some(c) = usable else {
            let pw = password.to_owned();
            let _ = tokio::task::spawn_blocking(move || password::verify_dummy(&pw)).await;
            self.record_failure(
                ctx,
                &account_key,
                &address_key,
                "unknown account, disabled, or no password",
                true,
            )
            .await?;
            return Err(invalid_credentials());
        };
        let phc = c.password_hash.clone().unwrap_or_default();
        let pw = password.to_owned();
        let ok =
            tokio::task::spawn_blocking(move || password::verify_password(&pw, &phc)).await.unwrap_or(false);
        if !ok {
            self.record_failure(ctx, &account_key, &address_key, "wrong password", true).await?;
            return Err(invalid_credentials());
        }
        let user = c.user;
        let rehash = c.password_hash.as_deref().is_some_and(password::needs_rehash);
        let new_hash = if rehash { Some(hash_password(password).await?) } else { None };
        let (token, session) = new_session(user.id, now, user.totp_enabled, ctx, user_agent)?;
        let mut tx = self.store.begin().await?;
        tx.clear_login_failures("account", &account_key).await?;
        if let Some(h) = &new_hash {
            tx.set_password_hash(user.id, Some(h)).await?;
        }
        tx.insert_session(&session).await?;
        let ctx_user = Ctx { actor: Actor::User(user.clone()), ..ctx.clone() };
        let summary = if user.totp_enabled { "password accepted; second factor due" } else { "signed in" };
        tx.append_audit(
            ctx_user.audit(
                None,
                "session.sign_in",
                "user",
                Some(user.id.to_string()),
                summary.to_owned(),
                json!({"mfa_pending": user.totp_enabled}),
            ),
            now,
        )
        .await?;
        tx.delete_expired_sessions(now, now - IDLE_TIMEOUT).await?;
        tx.commit().await?;
        Ok(SignedIn { token, mfa_pending: user.totp_enabled, user })
    }

    /// Records a refused sign-in. `count` is false for attempts refused by the throttle, so that
    /// waiting really ends the lock.
    async fn record_failure(
        &self,
        ctx: &Ctx,
        account: &str,
        address: &str,
        reason: &str,
        count: bool,
    ) -> Result<(), AppError> {
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        if count {
            tx.record_login_failure("account", account, now).await?;
            tx.record_login_failure("address", address, now).await?;
        }
        // Only something shaped like an e-mail address goes into the log: a password typed into
        // the wrong field must not be kept.
        let shown = if Email::parse(account).is_ok() {
            account.to_owned()
        } else {
            "(not an e-mail address)".to_owned()
        };
        let entry = ctx.audit(
            None,
            "session.sign_in_failed",
            "account",
            Some(shown.clone()),
            format!("sign-in refused: {reason}"),
            json!({"account": shown}),
        );
        tx.append_audit(entry, now).await?;
        tx.commit().await?;
        tracing::warn!(
            security_event = "sign_in_failed",
            reason,
            request_id = ctx.request_id.as_deref().unwrap_or("-"),
            "sign-in refused"
        );
        Ok(())
    }

    /// The session behind a cookie value, if it is live; expired sessions are removed.
    pub async fn session(&self, session_token: &str) -> Result<Option<Session>, AppError> {
        let hash = token::token_hash(session_token);
        let Some(record) = self.store.session(&hash).await? else { return Ok(None) };
        let now = Self::now();
        if record.expires_at <= now || record.last_seen_at + IDLE_TIMEOUT <= now || record.user.disabled {
            let mut tx = self.store.begin().await?;
            tx.delete_session(&hash).await?;
            tx.commit().await?;
            return Ok(None);
        }
        self.store.touch_session(&hash, now).await?;
        Ok(Some(Session {
            user: record.user,
            token_hash: hash,
            mfa_pending: record.mfa_pending,
            csrf_secret: record.csrf_secret,
        }))
    }

    /// Completes sign-in with a TOTP code or a recovery code. The session gets a new token (the
    /// old one stops working) so a token seen before the second factor is worthless after it.
    pub async fn verify_second_factor(
        &self,
        ctx: &Ctx,
        session: &Session,
        code: &str,
        user_agent: Option<&str>,
    ) -> Result<String, AppError> {
        let now = Self::now();
        let user = &session.user;
        let account_key = format!("mfa:{}", user.id);
        if self.store.login_failures("account", &account_key, now - THROTTLE_WINDOW).await?
            >= MAX_FAILURES_PER_ACCOUNT
        {
            return Err(AppError::TooManyAttempts);
        }
        let credentials = self.store.credentials_by_id(user.id).await?.ok_or(AppError::Unauthenticated)?;
        let secret = self.store.totp_secret(user.id).await?;
        let totp_step = secret
            .as_ref()
            .and_then(|s| totp::verify(s, code, now.unix_timestamp(), credentials.totp_last_step));
        let mut tx = self.store.begin().await?;
        let method = if let Some(step) = totp_step {
            tx.set_totp_last_step(user.id, step).await?;
            "authenticator code"
        } else if tx.use_recovery_code(user.id, &token::token_hash(&normalise_recovery(code)), now).await? {
            "recovery code"
        } else {
            tx.record_login_failure("account", &account_key, now).await?;
            let actor = Ctx { actor: Actor::User(user.clone()), ..ctx.clone() };
            tx.append_audit(
                actor.audit(
                    None,
                    "session.mfa_failed",
                    "user",
                    Some(user.id.to_string()),
                    "wrong second-factor code".into(),
                    json!({}),
                ),
                now,
            )
            .await?;
            tx.commit().await?;
            tracing::warn!(
                security_event = "mfa_failed",
                request_id = ctx.request_id.as_deref().unwrap_or("-"),
                "second factor refused"
            );
            return Err(AppError::InvalidCredentials);
        };
        tx.delete_session(&session.token_hash).await?;
        let (new_token, fresh) = new_session(user.id, now, false, ctx, user_agent)?;
        tx.insert_session(&fresh).await?;
        tx.clear_login_failures("account", &account_key).await?;
        let actor = Ctx { actor: Actor::User(user.clone()), ..ctx.clone() };
        tx.append_audit(
            actor.audit(
                None,
                "session.mfa_verified",
                "user",
                Some(user.id.to_string()),
                format!("signed in with {method}"),
                json!({"method": method}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(new_token)
    }

    pub async fn sign_out(&self, ctx: &Ctx, session: &Session) -> Result<(), AppError> {
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.delete_session(&session.token_hash).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "session.sign_out",
                "user",
                Some(session.user.id.to_string()),
                "signed out".into(),
                json!({}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of the signed-in user, on every device.
    pub async fn sign_out_everywhere(&self, ctx: &Ctx) -> Result<u64, AppError> {
        let user = ctx.user().ok_or(AppError::Unauthenticated)?.clone();
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let n = tx.delete_sessions_of(user.id).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "session.sign_out_everywhere",
                "user",
                Some(user.id.to_string()),
                format!("{n} session(s) ended"),
                json!({"sessions": n}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Starts TOTP enrolment: a new secret, stored encrypted, not yet required at sign-in.
    pub async fn begin_totp(&self, ctx: &Ctx) -> Result<TotpEnrollment, AppError> {
        let user = ctx.user().ok_or(AppError::Unauthenticated)?.clone();
        if user.totp_enabled {
            return Err(AppError::Conflict("two-factor authentication is already on".into()));
        }
        let secret = totp::new_secret().map_err(internal)?;
        let mut tx = self.store.begin().await?;
        tx.set_totp(user.id, Some(&secret), None).await?;
        tx.commit().await?;
        Ok(TotpEnrollment {
            secret_base32: totp::secret_base32(&secret),
            uri: totp::provisioning_uri(&secret, user.email.as_str(), "Ward"),
        })
    }

    /// The enrolment in progress, if any (to show the same secret again).
    pub async fn pending_totp(&self, ctx: &Ctx) -> Result<Option<TotpEnrollment>, AppError> {
        let user = ctx.user().ok_or(AppError::Unauthenticated)?;
        if user.totp_enabled {
            return Ok(None);
        }
        Ok(self.store.totp_secret(user.id).await?.map(|s| TotpEnrollment {
            secret_base32: totp::secret_base32(&s),
            uri: totp::provisioning_uri(&s, user.email.as_str(), "Ward"),
        }))
    }

    /// Confirms enrolment with a first code; returns the recovery codes, shown once.
    pub async fn confirm_totp(&self, ctx: &Ctx, code: &str) -> Result<Vec<String>, AppError> {
        let user = ctx.user().ok_or(AppError::Unauthenticated)?.clone();
        let secret = self
            .store
            .totp_secret(user.id)
            .await?
            .ok_or(AppError::Conflict("start the set-up first".into()))?;
        let now = Self::now();
        let Some(step) = totp::verify(&secret, code, now.unix_timestamp(), None) else {
            return Err(AppError::Validation(vec![ward_domain::ValidationError::new(
                "code",
                "mismatch",
                "the code does not match; check the time on your phone and try the next code",
            )]));
        };
        let codes: Vec<String> = (0..RECOVERY_CODES)
            .map(|_| token::new_human_code(2))
            .collect::<Result<_, _>>()
            .map_err(internal)?;
        let hashes: Vec<Vec<u8>> = codes.iter().map(|c| token::token_hash(c)).collect();
        let mut tx = self.store.begin().await?;
        tx.set_totp(user.id, Some(&secret), Some(now)).await?;
        tx.set_totp_last_step(user.id, step).await?;
        tx.replace_recovery_codes(user.id, &hashes).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "user.mfa_enabled",
                "user",
                Some(user.id.to_string()),
                "two-factor authentication turned on".into(),
                json!({"before": {"totp": false}, "after": {"totp": true}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    pub async fn change_password(&self, ctx: &Ctx, current: &str, new: &str) -> Result<(), AppError> {
        let user = ctx.user().ok_or(AppError::Unauthenticated)?.clone();
        let c = self.store.credentials_by_id(user.id).await?.ok_or(AppError::Unauthenticated)?;
        let phc = c.password_hash.unwrap_or_default();
        let cur = current.to_owned();
        let account_key = user.email.to_string();
        if self.store.login_failures("account", &account_key, Self::now() - THROTTLE_WINDOW).await?
            >= MAX_FAILURES_PER_ACCOUNT
        {
            return Err(AppError::TooManyAttempts);
        }
        if !tokio::task::spawn_blocking(move || password::verify_password(&cur, &phc)).await.unwrap_or(false)
        {
            let address_key = ctx.ip.clone().unwrap_or_else(|| "-".into());
            self.record_failure(
                ctx,
                &account_key,
                &address_key,
                "wrong current password when changing it",
                true,
            )
            .await?;
            return Err(AppError::InvalidCredentials);
        }
        check_new_password(new, Some(&user.email))?;
        let hash = hash_password(new).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.set_password_hash(user.id, Some(&hash)).await?;
        // Whoever knew the old password may hold a session: end them all, this one included.
        let ended = tx.delete_sessions_of(user.id).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "user.password_changed",
                "user",
                Some(user.id.to_string()),
                format!("password changed; {ended} session(s) ended"),
                json!({}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Remembers the user's language for every page they open.
    pub async fn set_user_locale(&self, ctx: &Ctx, locale: Locale) -> Result<(), AppError> {
        let user = ctx.user().ok_or(AppError::Unauthenticated)?.clone();
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.set_user_locale(user.id, Some(locale.tag())).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "user.locale_changed",
                "user",
                Some(user.id.to_string()),
                format!("language set to {}", locale.tag()),
                json!({"before": user.locale.map(|l| l.tag()), "after": locale.tag()}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Opens a session for someone the identity provider vouched for (it enforces their MFA).
    pub(crate) async fn start_sso_session(
        &self,
        ctx: &Ctx,
        user: User,
        user_agent: Option<&str>,
    ) -> Result<SignedIn, AppError> {
        let now = Self::now();
        let (token, session) = new_session(user.id, now, false, ctx, user_agent)?;
        let mut tx = self.store.begin().await?;
        tx.insert_session(&session).await?;
        let actor = Ctx { actor: Actor::User(user.clone()), ..ctx.clone() };
        tx.append_audit(
            actor.audit(
                None,
                "session.sign_in",
                "user",
                Some(user.id.to_string()),
                "signed in through single sign-on".into(),
                json!({"sso": true}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(SignedIn { token, mfa_pending: false, user })
    }

    /// The HMAC key for CSRF tokens (derived from the master key: the same in every process).
    pub fn csrf_key(&self) -> [u8; 32] {
        self.master.mac_key("csrf")
    }
}

/// Accepts a recovery code typed with or without dashes, in any case: `abcde-fghjk-…`.
fn normalise_recovery(code: &str) -> String {
    let compact: Vec<char> =
        code.trim().to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    compact.chunks(5).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

fn new_session(
    user_id: Uuid,
    now: OffsetDateTime,
    mfa_pending: bool,
    ctx: &Ctx,
    user_agent: Option<&str>,
) -> Result<(String, NewSession), AppError> {
    let secret = token::new_token("").map_err(internal)?;
    let csrf = ward_crypto::random_bytes::<32>().map_err(internal)?;
    Ok((
        secret.clone(),
        NewSession {
            token_hash: token::token_hash(&secret),
            user_id,
            now,
            expires_at: now + ABSOLUTE_TIMEOUT,
            mfa_pending,
            csrf_secret: csrf.to_vec(),
            ip: ctx.ip.clone(),
            user_agent: user_agent.map(|u| u.chars().take(200).collect()),
        },
    ))
}

pub(crate) async fn hash_password(password: &str) -> Result<String, AppError> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || password::hash_password(&pw))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))?
        .map_err(internal)
}

pub(crate) fn internal(e: impl std::error::Error + Send + Sync + 'static) -> AppError {
    AppError::Internal(Box::new(e))
}
