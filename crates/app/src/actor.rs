//! Who is asking, and whether they may: the one authorisation check every use case calls.

use time::OffsetDateTime;
use uuid::Uuid;
use ward_domain::{ActorKind, NewAuditEntry, Organisation, Permission, Role, User};
use ward_store::ApiTokenRecord;

use crate::{AppError, Ward};

/// The party behind a request or command.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A signed-in person.
    User(User),
    /// An automation with an organisation-scoped API token.
    ApiToken(ApiTokenRecord),
    /// Someone running `ward` on the server: they hold the database and the keys already, so the
    /// command line acts as the installation administrator (and is audited as such).
    Cli { os_user: String },
    /// Nobody signed in (first-run setup, sign-in attempts).
    Anonymous,
}

/// Who asks, plus what the audit log records about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

impl Ctx {
    pub fn cli() -> Ctx {
        let os_user = std::env::var("SUDO_USER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "unknown".into());
        Ctx { actor: Actor::Cli { os_user }, request_id: None, ip: None }
    }

    pub fn anonymous(request_id: Option<String>, ip: Option<String>) -> Ctx {
        Ctx { actor: Actor::Anonymous, request_id, ip }
    }

    pub fn user(&self) -> Option<&User> {
        match &self.actor {
            Actor::User(u) => Some(u),
            _ => None,
        }
    }

    /// Installation administrators and the command line.
    pub fn is_admin(&self) -> bool {
        match &self.actor {
            Actor::User(u) => u.is_admin,
            Actor::Cli { .. } => true,
            _ => false,
        }
    }

    /// The start of an audit entry for this actor.
    /// Who did it, in words (the "updated by" of stored records).
    pub fn label(&self) -> String {
        match &self.actor {
            Actor::User(u) => u.email.to_string(),
            Actor::ApiToken(t) => format!("token {}", t.name),
            Actor::Cli { os_user } => format!("cli ({os_user})"),
            Actor::Anonymous => "anonymous".into(),
        }
    }

    pub fn audit(
        &self,
        organisation_id: Option<Uuid>,
        action: &str,
        target_type: &str,
        target_id: Option<String>,
        summary: String,
        details: serde_json::Value,
    ) -> NewAuditEntry {
        let (actor_kind, actor_id, actor_label) = match &self.actor {
            Actor::User(u) => (ActorKind::User, Some(u.id), u.email.to_string()),
            Actor::ApiToken(t) => (ActorKind::ApiToken, Some(t.id), format!("token {}", t.name)),
            Actor::Cli { os_user } => (ActorKind::Cli, None, format!("cli ({os_user})")),
            Actor::Anonymous => (ActorKind::Anonymous, None, "anonymous".to_owned()),
        };
        NewAuditEntry {
            actor_kind,
            actor_id,
            actor_label,
            organisation_id,
            action: action.to_owned(),
            target_type: target_type.to_owned(),
            target_id,
            summary,
            details: details.to_string(),
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
        }
    }
}

/// An organisation the actor may act in, with the role they act as.
#[derive(Debug, Clone)]
pub struct OrgAccess {
    pub organisation: Organisation,
    /// `None` for administrators acting through the command line.
    pub role: Option<Role>,
}

impl OrgAccess {
    pub fn can(&self, permission: Permission) -> bool {
        self.role.is_none_or(|r| r.allows(permission))
    }
}

impl Ward {
    /// Opens `slug` for `permission`. Someone without an active membership is told the
    /// organisation does not exist (no hint that it does); a member without the permission is
    /// refused; an organisation that requires MFA refuses members who have not set it up.
    pub async fn authorize(
        &self,
        ctx: &Ctx,
        slug: &str,
        permission: Permission,
    ) -> Result<OrgAccess, AppError> {
        let hidden = AppError::NotFound("organisation");
        let slug = ward_domain::OrgSlug::parse(slug).map_err(|_| AppError::NotFound("organisation"))?;
        let organisation = match self.store.organisation_by_slug(&slug).await {
            Ok(o) => o,
            Err(ward_store::StoreError::NotFound) => return Err(hidden),
            Err(e) => return Err(e.into()),
        };
        let now = OffsetDateTime::now_utc();
        let role = match &ctx.actor {
            Actor::Cli { .. } => return Ok(OrgAccess { organisation, role: None }),
            Actor::Anonymous => return Err(AppError::Unauthenticated),
            Actor::ApiToken(token) => {
                if token.organisation_id != organisation.id {
                    return Err(hidden);
                }
                token.role
            }
            Actor::User(user) => {
                let membership = self.store.membership(user.id, organisation.id).await?;
                match membership {
                    Some(m) if m.is_active(now) => {
                        // Single sign-on accounts get their second factor from the identity
                        // provider (its conditional-access policy), not from Ward.
                        if organisation.require_mfa && !user.totp_enabled && !user.sso {
                            return Err(AppError::MfaRequired);
                        }
                        m.role
                    }
                    _ => return Err(hidden),
                }
            }
        };
        if !role.allows(permission) {
            return Err(AppError::Forbidden);
        }
        Ok(OrgAccess { organisation, role: Some(role) })
    }

    /// Refuses anyone but administrators.
    pub(crate) fn require_admin(&self, ctx: &Ctx) -> Result<(), AppError> {
        match (&ctx.actor, ctx.is_admin()) {
            (Actor::Anonymous, _) => Err(AppError::Unauthenticated),
            (_, true) => Ok(()),
            (_, false) => Err(AppError::Forbidden),
        }
    }
}
