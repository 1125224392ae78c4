//! Single sign-on with OpenID Connect (authorization code flow with PKCE, nonce and state), for
//! hospitals that sign people in through Entra ID, Keycloak or another provider.
//!
//! The flow's state lives in the database, so the provider's answer may reach any `ward serve`
//! process. People are matched by the provider's stable subject (never by e-mail alone); group
//! rules from the configuration give, change and take away roles at each sign-in.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, reqwest,
};
use serde_json::json;
use time::Duration;
use ward_crypto::token;
use ward_domain::{Email, GroupRole, Membership, User, roles_from_groups};
use ward_store::{NewUser, OidcFlow};

use crate::actor::{Actor, Ctx};
use crate::auth::SignedIn;
use crate::{AppError, Ward};

/// How long a person has to finish signing in at the provider.
const FLOW_LIFETIME: Duration = Duration::minutes(10);

/// The identity provider and the rules that turn its groups into roles.
#[derive(Debug, Clone)]
pub struct SsoConfig {
    /// The provider's issuer, e.g. `https://login.microsoftonline.com/<tenant>/v2.0`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    /// Where the provider sends people back: `<public URL>/login/oidc/callback`.
    pub redirect_url: String,
    /// The button's text, e.g. "Sign in with Entra ID".
    pub label: String,
    /// The claim holding group names or ids (`groups` for Entra ID and Keycloak).
    pub groups_claim: String,
    /// Members of this group administer the installation.
    pub admin_group: Option<String>,
    pub rules: Vec<GroupRole>,
    /// Create an account at the first sign-in (otherwise an administrator creates it first).
    pub create_accounts: bool,
    /// Scopes to ask for besides `openid email profile` (Keycloak: `groups` when a client scope
    /// carries the group mapper; Entra ID sends groups without one).
    pub extra_scopes: Vec<String>,
}

fn provider_error(e: impl std::fmt::Display) -> AppError {
    tracing::warn!(security_event = "sso_failed", error = %e, "single sign-on failed");
    AppError::Unavailable(format!("the identity provider could not be used ({e})"))
}

fn refused(e: impl std::fmt::Display) -> AppError {
    tracing::warn!(security_event = "sso_refused", error = %e, "single sign-on answer refused");
    AppError::InvalidCredentials
}

impl Ward {
    pub fn with_sso(mut self, config: SsoConfig) -> Ward {
        self.sso = Some(std::sync::Arc::new(config));
        self
    }

    /// The sign-in button's text, when single sign-on is configured.
    pub fn sso_label(&self) -> Option<&str> {
        self.sso.as_deref().map(|s| s.label.as_str())
    }

    fn sso_config(&self) -> Result<&SsoConfig, AppError> {
        self.sso.as_deref().ok_or(AppError::NotFound("single sign-on"))
    }

    async fn sso_client(&self) -> Result<(SsoClient, reqwest::Client), AppError> {
        let config = self.sso_config()?;
        // No redirects: following them would let a provider's answer make Ward call elsewhere.
        let http = reqwest::ClientBuilder::new()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(provider_error)?;
        let issuer = IssuerUrl::new(config.issuer.clone()).map_err(provider_error)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http).await.map_err(provider_error)?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            Some(ClientSecret::new(config.client_secret.clone())),
        )
        .set_redirect_uri(RedirectUrl::new(config.redirect_url.clone()).map_err(provider_error)?);
        Ok((client, http))
    }

    /// Starts a sign-in: returns the provider's URL to send the browser to.
    pub async fn sso_start(&self, next_path: &str) -> Result<String, AppError> {
        let (client, _) = self.sso_client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let scopes = ["email", "profile"]
            .into_iter()
            .map(str::to_owned)
            .chain(self.sso_config()?.extra_scopes.iter().cloned());
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(scopes.map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        let now = Self::now();
        let flow = OidcFlow {
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next_path: next_path.to_owned(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_oidc_flow(&token::token_hash(state.secret()), &flow, now + FLOW_LIFETIME).await?;
        tx.commit().await?;
        Ok(url.to_string())
    }

    /// Finishes a sign-in with the provider's answer; returns the session and where to go next.
    pub async fn sso_finish(
        &self,
        ctx: &Ctx,
        code: &str,
        state: &str,
        user_agent: Option<&str>,
    ) -> Result<(SignedIn, String), AppError> {
        let config = self.sso_config()?.clone();
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let flow = tx
            .take_oidc_flow(&token::token_hash(state), now)
            .await?
            .ok_or_else(|| refused("unknown or expired state"))?;
        tx.commit().await?;

        let (client, http) = self.sso_client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(provider_error)?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
            .request_async(&http)
            .await
            .map_err(refused)?;
        let id_token = response.id_token().ok_or_else(|| refused("no ID token"))?;
        let claims =
            id_token.claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone())).map_err(refused)?;
        let subject = claims.subject().to_string();
        let email = claims.email().map(|e| e.to_string()).ok_or_else(|| refused("no e-mail claim"))?;
        let email = Email::parse(&email).map_err(refused)?;
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string())
            .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("user").to_owned());
        // Groups are not a standard claim: read them from the (now verified) token's payload.
        let groups = groups_from_jwt(&id_token.to_string(), &config.groups_claim);

        let user = self.sso_user(ctx, &config, &subject, &email, &name).await?;
        if user.disabled {
            return Err(refused("account disabled"));
        }
        let user = self.sso_sync(ctx, &config, user, &groups).await?;
        let signed_in = self.start_sso_session(ctx, user, user_agent).await?;
        Ok((signed_in, flow.next_path))
    }

    async fn sso_user(
        &self,
        ctx: &Ctx,
        config: &SsoConfig,
        subject: &str,
        email: &Email,
        name: &str,
    ) -> Result<User, AppError> {
        if let Some(user) = self.store.user_by_oidc(&config.issuer, subject).await? {
            return Ok(user);
        }
        if !config.create_accounts {
            return Err(refused("no account for this person, and accounts are not created automatically"));
        }
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        if tx.find_user_by_email(email).await?.is_some() {
            // Linking by e-mail would let whoever controls that address at the provider take over a
            // local account; an administrator decides instead.
            return Err(AppError::Conflict(format!(
                "a local account with {email} exists already; ask an administrator to sign you in with it"
            )));
        }
        let new = NewUser {
            email: email.clone(),
            display_name: ward_domain::parse_display_name(name).unwrap_or_else(|_| email.to_string()),
            password_hash: None,
            is_admin: false,
            oidc: Some((config.issuer.clone(), subject.to_owned())),
        };
        let user = tx.insert_user(&new, now).await?;
        let actor = Ctx { actor: Actor::User(user.clone()), ..ctx.clone() };
        tx.append_audit(
            actor.audit(
                None,
                "user.create",
                "user",
                Some(user.id.to_string()),
                format!("account {} created at first single sign-on", user.email),
                json!({"after": {"email": user.email, "sso": true}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Applies the group rules: administrator flag and one role per mapped organisation.
    async fn sso_sync(
        &self,
        ctx: &Ctx,
        config: &SsoConfig,
        user: User,
        groups: &[String],
    ) -> Result<User, AppError> {
        let now = Self::now();
        let actor = Ctx { actor: Actor::User(user.clone()), ..ctx.clone() };
        let mut tx = self.store.begin().await?;
        let admin = config.admin_group.as_ref().is_some_and(|g| groups.contains(g));
        if admin != user.is_admin {
            tx.set_admin(user.id, admin).await?;
            tx.append_audit(
                actor.audit(
                    None,
                    "user.admin_changed",
                    "user",
                    Some(user.id.to_string()),
                    format!("administrator: {admin} (from the identity provider's groups)"),
                    json!({"before": user.is_admin, "after": admin}),
                ),
                now,
            )
            .await?;
        }
        for (slug, role) in roles_from_groups(groups, &config.rules) {
            let Some(org) = tx.find_organisation(&slug).await? else {
                tracing::warn!(org = %slug, "a single sign-on rule names an organisation that does not exist");
                continue;
            };
            let before = self.store.membership(user.id, org.id).await?;
            match role {
                Some(role) if before.map(|b| b.role) != Some(role) => {
                    tx.upsert_membership(user.id, org.id, Membership { role, expires_at: None }, now).await?;
                    tx.append_audit(
                        actor.audit(
                            Some(org.id),
                            "member.sso_sync",
                            "user",
                            Some(user.id.to_string()),
                            format!(
                                "{} is {} (from the identity provider's groups)",
                                user.email,
                                role.code()
                            ),
                            json!({"before": before.map(|b| b.role.code()), "after": role.code()}),
                        ),
                        now,
                    )
                    .await?;
                }
                None if before.is_some() => {
                    tx.remove_membership(user.id, org.id).await?;
                    tx.append_audit(
                        actor.audit(
                            Some(org.id),
                            "member.sso_sync",
                            "user",
                            Some(user.id.to_string()),
                            format!("{} removed (no longer in a mapped group)", user.email),
                            json!({"before": before.map(|b| b.role.code()), "after": null}),
                        ),
                        now,
                    )
                    .await?;
                }
                _ => {}
            }
        }
        tx.commit().await?;
        Ok(User { is_admin: admin, ..user })
    }
}

type SsoClient = openidconnect::Client<
    openidconnect::EmptyAdditionalClaims,
    openidconnect::core::CoreAuthDisplay,
    openidconnect::core::CoreGenderClaim,
    openidconnect::core::CoreJweContentEncryptionAlgorithm,
    openidconnect::core::CoreJsonWebKey,
    openidconnect::core::CoreAuthPrompt,
    openidconnect::StandardErrorResponse<openidconnect::core::CoreErrorResponseType>,
    openidconnect::core::CoreTokenResponse,
    openidconnect::core::CoreTokenIntrospectionResponse,
    openidconnect::core::CoreRevocableToken,
    openidconnect::core::CoreRevocationErrorResponse,
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The string array under `claim` in a JWT's payload (already verified by the caller).
fn groups_from_jwt(jwt: &str, claim: &str) -> Vec<String> {
    let Some(payload) = jwt.split('.').nth(1) else { return Vec::new() };
    let Ok(bytes) = data_encoding::BASE64URL_NOPAD.decode(payload.trim_end_matches('=').as_bytes()) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else { return Vec::new() };
    value
        .get(claim)
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|g| g.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::groups_from_jwt;

    #[test]
    fn groups_are_read_from_the_payload() {
        let payload =
            data_encoding::BASE64URL_NOPAD.encode(br#"{"sub":"1","groups":["ward-ciso","x"],"roles":"no"}"#);
        let jwt = format!("e30.{payload}.sig");
        assert_eq!(groups_from_jwt(&jwt, "groups"), ["ward-ciso", "x"]);
        assert!(groups_from_jwt(&jwt, "roles").is_empty());
        assert!(groups_from_jwt("garbage", "groups").is_empty());
    }
}
