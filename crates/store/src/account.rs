//! Users, memberships, sessions, sign-in throttling, recovery codes, setup tokens and API tokens.

use time::OffsetDateTime;
use uuid::Uuid;
use ward_crypto::field::Place;
use ward_domain::{Email, Locale, Membership, Organisation, Role, User};

use crate::db::{on_db, on_tx};
use crate::error::conflict_on_unique;
use crate::keys::Secret;
use crate::{Store, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    display_name: String,
    password_hash: Option<String>,
    is_admin: bool,
    disabled_at: Option<OffsetDateTime>,
    locale: Option<String>,
    totp_enabled_at: Option<OffsetDateTime>,
    totp_last_step: Option<i64>,
    oidc_subject: Option<String>,
    created_at: OffsetDateTime,
}

macro_rules! user_columns {
    () => {
        "u.id, u.email, u.display_name, u.password_hash, u.is_admin, u.disabled_at, u.locale, \
         u.totp_enabled_at, u.totp_last_step, u.oidc_subject, u.created_at"
    };
}

/// A user with what sign-in needs and pages never show.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
    pub totp_last_step: Option<i64>,
}

impl UserRow {
    fn into_credentials(self) -> Result<Credentials, StoreError> {
        let email =
            Email::parse(&self.email).map_err(|e| StoreError::Corrupt(format!("user {}: {e}", self.id)))?;
        Ok(Credentials {
            user: User {
                id: self.id,
                email,
                display_name: self.display_name,
                is_admin: self.is_admin,
                disabled: self.disabled_at.is_some(),
                locale: self.locale.as_deref().and_then(Locale::from_tag),
                totp_enabled: self.totp_enabled_at.is_some(),
                sso: self.oidc_subject.is_some(),
                created_at: self.created_at,
            },
            password_hash: self.password_hash,
            totp_last_step: self.totp_last_step,
        })
    }
}

/// The fields of a new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    /// `(issuer, subject)` for users created by single sign-on.
    pub oidc: Option<(String, String)>,
}

/// A signed-in session, looked up by the hash of its cookie.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    /// Password accepted, second factor still due.
    pub mfa_pending: bool,
    pub csrf_secret: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub token_hash: Vec<u8>,
    pub user_id: Uuid,
    pub now: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub mfa_pending: bool,
    pub csrf_secret: Vec<u8>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub role: Role,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub last_used_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct ApiTokenRow {
    id: Uuid,
    organisation_id: Uuid,
    name: String,
    role: String,
    created_by: String,
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    revoked_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
}

impl TryFrom<ApiTokenRow> for ApiTokenRecord {
    type Error = StoreError;
    fn try_from(r: ApiTokenRow) -> Result<Self, StoreError> {
        Ok(ApiTokenRecord {
            role: Role::parse(&r.role)
                .map_err(|e| StoreError::Corrupt(format!("api token {}: {e}", r.id)))?,
            id: r.id,
            organisation_id: r.organisation_id,
            name: r.name,
            created_by: r.created_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        })
    }
}

const TOTP_PLACE: (&str, &str) = ("users", "totp_secret");

fn membership(role: &str, expires_at: Option<OffsetDateTime>) -> Result<Membership, StoreError> {
    Ok(Membership { role: Role::parse(role).map_err(|e| StoreError::Corrupt(e.to_string()))?, expires_at })
}

impl Store {
    pub async fn user_count(&self) -> Result<i64, StoreError> {
        Ok(on_db!(&*self.db, p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await)?)
    }

    pub async fn credentials_by_email(&self, email: &Email) -> Result<Option<Credentials>, StoreError> {
        const SQL: &str = concat!("SELECT ", user_columns!(), " FROM users u WHERE u.email = $1");
        let row: Option<UserRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(email.as_str()).fetch_optional(p).await)?;
        row.map(UserRow::into_credentials).transpose()
    }

    pub async fn credentials_by_id(&self, id: Uuid) -> Result<Option<Credentials>, StoreError> {
        const SQL: &str = concat!("SELECT ", user_columns!(), " FROM users u WHERE u.id = $1");
        let row: Option<UserRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(id).fetch_optional(p).await)?;
        row.map(UserRow::into_credentials).transpose()
    }

    pub async fn user_by_oidc(&self, issuer: &str, subject: &str) -> Result<Option<User>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            " FROM users u WHERE u.oidc_issuer = $1 AND u.oidc_subject = $2"
        );
        let row: Option<UserRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(issuer).bind(subject).fetch_optional(p).await)?;
        Ok(row.map(UserRow::into_credentials).transpose()?.map(|c| c.user))
    }

    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        const SQL: &str = concat!("SELECT ", user_columns!(), " FROM users u ORDER BY u.email");
        let rows: Vec<UserRow> = on_db!(&*self.db, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        rows.into_iter().map(|r| r.into_credentials().map(|c| c.user)).collect()
    }

    /// The decrypted TOTP secret of a user, if one is stored.
    pub async fn totp_secret(&self, user_id: Uuid) -> Result<Option<Secret>, StoreError> {
        const SQL: &str = "SELECT totp_secret FROM users WHERE id = $1";
        let stored: Option<Option<Vec<u8>>> =
            on_db!(&*self.db, p => sqlx::query_scalar(SQL).bind(user_id).fetch_optional(p).await)?;
        match stored.flatten() {
            Some(env) => {
                let place = Place { table: TOTP_PLACE.0, column: TOTP_PLACE.1, row: user_id.as_bytes() };
                Ok(Some(self.decrypt(place, &env).await?))
            }
            None => Ok(None),
        }
    }

    /// Organisations the user belongs to, with the membership (expired ones included; callers
    /// check `is_active`).
    pub async fn memberships_of(&self, user_id: Uuid) -> Result<Vec<(Organisation, Membership)>, StoreError> {
        self.organisations_of_member(user_id)
            .await?
            .into_iter()
            .map(|(organisation, role, expires_at)| Ok((organisation, membership(&role, expires_at)?)))
            .collect()
    }

    pub async fn membership(
        &self,
        user_id: Uuid,
        organisation_id: Uuid,
    ) -> Result<Option<Membership>, StoreError> {
        const SQL: &str =
            "SELECT role, expires_at FROM memberships WHERE user_id = $1 AND organisation_id = $2";
        let row: Option<(String, Option<OffsetDateTime>)> = on_db!(&*self.db, p => sqlx::query_as(SQL).bind(user_id).bind(organisation_id).fetch_optional(p).await)?;
        row.map(|(role, expires)| membership(&role, expires)).transpose()
    }

    pub async fn members(&self, organisation_id: Uuid) -> Result<Vec<(User, Membership)>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            ", m.role, m.expires_at FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE m.organisation_id = $1 ORDER BY u.email"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            role: String,
            expires_at: Option<OffsetDateTime>,
        }
        let rows: Vec<Row> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| Ok((r.user.into_credentials()?.user, membership(&r.role, r.expires_at)?)))
            .collect()
    }

    pub async fn session(&self, token_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            ", s.created_at AS s_created_at, s.last_seen_at, s.expires_at, s.mfa_pending, s.csrf_secret \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            user: UserRow,
            s_created_at: OffsetDateTime,
            last_seen_at: OffsetDateTime,
            expires_at: OffsetDateTime,
            mfa_pending: bool,
            csrf_secret: Vec<u8>,
        }
        let row: Option<Row> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(token_hash).fetch_optional(p).await)?;
        row.map(|r| {
            Ok(SessionRecord {
                user: r.user.into_credentials()?.user,
                created_at: r.s_created_at,
                last_seen_at: r.last_seen_at,
                expires_at: r.expires_at,
                mfa_pending: r.mfa_pending,
                csrf_secret: r.csrf_secret,
            })
        })
        .transpose()
    }

    /// Records activity, at most once a minute per session (to spare the database).
    pub async fn touch_session(&self, token_hash: &[u8], now: OffsetDateTime) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $3";
        let threshold = now - time::Duration::minutes(1);
        on_db!(&*self.db, p => sqlx::query(SQL).bind(token_hash).bind(now).bind(threshold).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Sign-in failures for `subject` since `since`.
    pub async fn login_failures(
        &self,
        scope: &str,
        subject: &str,
        since: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        const SQL: &str =
            "SELECT COUNT(*) FROM login_failures WHERE scope = $1 AND subject = $2 AND at >= $3";
        Ok(
            on_db!(&*self.db, p => sqlx::query_scalar(SQL).bind(scope).bind(subject).bind(since).fetch_one(p).await)?,
        )
    }

    pub async fn api_token_by_hash(&self, token_hash: &[u8]) -> Result<Option<ApiTokenRecord>, StoreError> {
        const SQL: &str = "SELECT id, organisation_id, name, role, created_by, created_at, expires_at, revoked_at, \
                           last_used_at FROM api_tokens WHERE token_hash = $1";
        let row: Option<ApiTokenRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(token_hash).fetch_optional(p).await)?;
        row.map(ApiTokenRecord::try_from).transpose()
    }

    pub async fn api_tokens(&self, organisation_id: Uuid) -> Result<Vec<ApiTokenRecord>, StoreError> {
        const SQL: &str = "SELECT id, organisation_id, name, role, created_by, created_at, expires_at, revoked_at, \
                           last_used_at FROM api_tokens WHERE organisation_id = $1 ORDER BY created_at DESC";
        let rows: Vec<ApiTokenRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).fetch_all(p).await)?;
        rows.into_iter().map(ApiTokenRecord::try_from).collect()
    }

    pub async fn touch_api_token(&self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)";
        let threshold = now - time::Duration::minutes(1);
        on_db!(&*self.db, p => sqlx::query(SQL).bind(id).bind(now).bind(threshold).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

impl Tx {
    pub async fn insert_user(&mut self, new: &NewUser, now: OffsetDateTime) -> Result<User, StoreError> {
        const SQL: &str = "INSERT INTO users (id, email, display_name, password_hash, is_admin, oidc_issuer, oidc_subject, \
                           created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
        let id = Uuid::now_v7();
        let (issuer, subject) = new.oidc.clone().unzip();
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(id)
            .bind(new.email.as_str())
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(new.is_admin)
            .bind(issuer)
            .bind(subject)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ()))
        .map_err(conflict_on_unique("a user with this e-mail address"))?;
        Ok(User {
            id,
            email: new.email.clone(),
            display_name: new.display_name.clone(),
            is_admin: new.is_admin,
            disabled: false,
            locale: None,
            totp_enabled: false,
            sso: new.oidc.is_some(),
            created_at: now,
        })
    }

    async fn update_user(
        &mut self,
        sql: &'static str,
        id: Uuid,
        apply: UserChange<'_>,
    ) -> Result<(), StoreError> {
        let rows = on_tx!(&mut self.inner, c => {
            let q = sqlx::query(sql).bind(id);
            let q = match apply {
                UserChange::Text(v) => q.bind(v),
                UserChange::Time(v) => q.bind(v),
                UserChange::Bool(v) => q.bind(v),
                UserChange::Int(v) => q.bind(v),
            };
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        if rows == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn set_password_hash(&mut self, id: Uuid, hash: Option<&str>) -> Result<(), StoreError> {
        self.update_user("UPDATE users SET password_hash = $2 WHERE id = $1", id, UserChange::Text(hash))
            .await
    }

    pub async fn set_disabled(&mut self, id: Uuid, at: Option<OffsetDateTime>) -> Result<(), StoreError> {
        self.update_user("UPDATE users SET disabled_at = $2 WHERE id = $1", id, UserChange::Time(at)).await
    }

    pub async fn set_user_locale(&mut self, id: Uuid, locale: Option<&str>) -> Result<(), StoreError> {
        self.update_user("UPDATE users SET locale = $2 WHERE id = $1", id, UserChange::Text(locale)).await
    }

    pub async fn set_admin(&mut self, id: Uuid, admin: bool) -> Result<(), StoreError> {
        self.update_user("UPDATE users SET is_admin = $2 WHERE id = $1", id, UserChange::Bool(admin)).await
    }

    pub async fn set_totp_last_step(&mut self, id: Uuid, step: i64) -> Result<(), StoreError> {
        self.update_user(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1",
            id,
            UserChange::Int(Some(step)),
        )
        .await
    }

    /// Stores (encrypted) or clears a TOTP secret; `enabled_at` marks it confirmed.
    pub async fn set_totp(
        &mut self,
        id: Uuid,
        secret: Option<&[u8]>,
        enabled_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let envelope = match secret {
            Some(s) => Some(
                self.encrypt(Place { table: TOTP_PLACE.0, column: TOTP_PLACE.1, row: id.as_bytes() }, s)?,
            ),
            None => None,
        };
        const SQL: &str =
            "UPDATE users SET totp_secret = $2, totp_enabled_at = $3, totp_last_step = NULL WHERE id = $1";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(id).bind(&envelope).bind(enabled_at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Re-encrypts TOTP secrets that are not under the current data key. Returns how many.
    pub async fn reencrypt_totp_secrets(&mut self, store: &Store) -> Result<usize, StoreError> {
        self.reencrypt_columns(store, &[TOTP_PLACE]).await
    }

    pub async fn upsert_membership(
        &mut self,
        user_id: Uuid,
        organisation_id: Uuid,
        m: Membership,
        now: OffsetDateTime,
    ) -> Result<Option<Membership>, StoreError> {
        const OLD: &str =
            "SELECT role, expires_at FROM memberships WHERE user_id = $1 AND organisation_id = $2";
        let old: Option<(String, Option<OffsetDateTime>)> = on_tx!(&mut self.inner, c => sqlx::query_as(OLD).bind(user_id).bind(organisation_id).fetch_optional(c).await)?;
        const SQL: &str = "INSERT INTO memberships (user_id, organisation_id, role, expires_at, created_at) \
                           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, organisation_id) \
                           DO UPDATE SET role = excluded.role, expires_at = excluded.expires_at";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(user_id).bind(organisation_id).bind(m.role.code()).bind(m.expires_at).bind(now)
            .execute(c).await.map(|_| ()))?;
        old.map(|(role, expires)| membership(&role, expires)).transpose()
    }

    pub async fn remove_membership(
        &mut self,
        user_id: Uuid,
        organisation_id: Uuid,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2";
        let n = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(user_id).bind(organisation_id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn owner_count(&mut self, organisation_id: Uuid) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM memberships WHERE organisation_id = $1 AND role = 'owner'";
        Ok(on_tx!(&mut self.inner, c => sqlx::query_scalar(SQL).bind(organisation_id).fetch_one(c).await)?)
    }

    pub async fn insert_session(&mut self, s: &NewSession) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, mfa_pending, \
                           csrf_secret, ip, user_agent) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(&s.token_hash).bind(s.user_id).bind(s.now).bind(s.expires_at).bind(s.mfa_pending)
            .bind(&s.csrf_secret).bind(&s.ip).bind(&s.user_agent)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_session(&mut self, token_hash: &[u8]) -> Result<bool, StoreError> {
        const SQL: &str = "DELETE FROM sessions WHERE token_hash = $1";
        let n = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(token_hash).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    /// Ends every session of a user ("sign out everywhere", disabling, password reset).
    pub async fn delete_sessions_of(&mut self, user_id: Uuid) -> Result<u64, StoreError> {
        const SQL: &str = "DELETE FROM sessions WHERE user_id = $1";
        Ok(
            on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }

    pub async fn delete_expired_sessions(
        &mut self,
        now: OffsetDateTime,
        idle_since: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        const SQL: &str = "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2";
        Ok(
            on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(now).bind(idle_since).execute(c).await.map(|r| r.rows_affected()))?,
        )
    }

    pub async fn record_login_failure(
        &mut self,
        scope: &str,
        subject: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO login_failures (scope, subject, at) VALUES ($1, $2, $3)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(scope).bind(subject).bind(at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn clear_login_failures(&mut self, scope: &str, subject: &str) -> Result<(), StoreError> {
        const SQL: &str = "DELETE FROM login_failures WHERE scope = $1 AND subject = $2";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(scope).bind(subject).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn replace_recovery_codes(
        &mut self,
        user_id: Uuid,
        hashes: &[Vec<u8>],
    ) -> Result<(), StoreError> {
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(c).await.map(|_| ()))?;
        for hash in hashes {
            const SQL: &str = "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)";
            on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(user_id).bind(hash).execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Marks an unused recovery code used; false when there is no such unused code.
    pub async fn use_recovery_code(
        &mut self,
        user_id: Uuid,
        hash: &[u8],
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";
        let n = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(user_id).bind(hash).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn mark_session_mfa_done(&mut self, token_hash: &[u8]) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE sessions SET mfa_pending = FALSE WHERE token_hash = $1";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(token_hash).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_setup_token(
        &mut self,
        hash: &[u8],
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(hash).bind(now).bind(expires_at).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Uses a setup token once; false when unknown, used or expired.
    pub async fn consume_setup_token(
        &mut self,
        hash: &[u8],
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2";
        let n = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(hash).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    pub async fn user_count(&mut self) -> Result<i64, StoreError> {
        Ok(on_tx!(&mut self.inner, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)?)
    }

    pub async fn insert_api_token(
        &mut self,
        t: &ApiTokenRecord,
        token_hash: &[u8],
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO api_tokens (id, organisation_id, name, token_hash, role, created_by, created_at, \
                           expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(t.id).bind(t.organisation_id).bind(&t.name).bind(token_hash).bind(t.role.code())
            .bind(&t.created_by).bind(t.created_at).bind(t.expires_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn revoke_api_token(
        &mut self,
        organisation_id: Uuid,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // Revoking twice is not an error: the token stays revoked since the first time.
        const SQL: &str = "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND organisation_id = $2";
        let n = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(id).bind(organisation_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}

enum UserChange<'a> {
    Text(Option<&'a str>),
    Time(Option<OffsetDateTime>),
    Bool(bool),
    Int(Option<i64>),
}

/// An OpenID Connect sign-in in progress.
#[derive(Debug, Clone)]
pub struct OidcFlow {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
}

impl Tx {
    pub async fn insert_oidc_flow(
        &mut self,
        state_hash: &[u8],
        flow: &OidcFlow,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO oidc_flows (state_hash, nonce, pkce_verifier, next_path, expires_at) VALUES ($1, $2, $3, $4, $5)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(state_hash).bind(&flow.nonce).bind(&flow.pkce_verifier).bind(&flow.next_path).bind(expires_at)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Takes a flow out (it works once); `None` when unknown or expired. Expired flows are removed.
    pub async fn take_oidc_flow(
        &mut self,
        state_hash: &[u8],
        now: OffsetDateTime,
    ) -> Result<Option<OidcFlow>, StoreError> {
        const SQL: &str = "DELETE FROM oidc_flows WHERE state_hash = $1 RETURNING nonce, pkce_verifier, next_path, expires_at";
        let row: Option<(String, String, String, OffsetDateTime)> =
            on_tx!(&mut self.inner, c => sqlx::query_as(SQL).bind(state_hash).fetch_optional(c).await)?;
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM oidc_flows WHERE expires_at <= $1").bind(now).execute(c).await.map(|_| ()))?;
        Ok(row.filter(|r| r.3 > now).map(|(nonce, pkce_verifier, next_path, _)| OidcFlow {
            nonce,
            pkce_verifier,
            next_path,
        }))
    }

    pub async fn find_user_by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError> {
        const SQL: &str = concat!("SELECT ", user_columns!(), " FROM users u WHERE u.email = $1");
        let row: Option<UserRow> =
            on_tx!(&mut self.inner, c => sqlx::query_as(SQL).bind(email.as_str()).fetch_optional(c).await)?;
        Ok(row.map(UserRow::into_credentials).transpose()?.map(|c| c.user))
    }
}
