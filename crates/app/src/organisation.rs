//! Creating, listing and showing organisations.

use serde::Deserialize;
use serde_json::json;
use ward_domain::{Membership, NewOrganisation, Organisation, Permission, Role, Site};

use crate::actor::{Actor, Ctx, OrgAccess};
use crate::{AppError, Ward};

/// Raw input for a new organisation, as a form, a JSON body or CLI flags give it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrganisationInput {
    pub name: String,
    pub slug: Option<String>,
    pub kind: Option<String>,
    pub enterprise_number: Option<String>,
    pub default_locale: Option<String>,
}

/// An organisation with what its overview shows.
#[derive(Debug, Clone)]
pub struct OrganisationProfile {
    pub organisation: Organisation,
    pub sites: Vec<Site>,
    /// The role the asker holds there (`None` for the command line).
    pub role: Option<Role>,
}

impl Ward {
    /// The organisations the actor may open: members see theirs (active memberships only),
    /// administrators and the command line see all, an API token sees its own.
    pub async fn organisations(&self, ctx: &Ctx) -> Result<Vec<Organisation>, AppError> {
        let now = Self::now();
        match &ctx.actor {
            Actor::Cli { .. } => Ok(self.store.organisations().await?),
            Actor::User(u) if u.is_admin => Ok(self.store.organisations().await?),
            Actor::User(u) => Ok(self
                .store
                .memberships_of(u.id)
                .await?
                .into_iter()
                .filter(|(_, m)| m.is_active(now))
                .map(|(o, _)| o)
                .collect()),
            Actor::ApiToken(t) => Ok(vec![self.store.organisation_by_id(t.organisation_id).await?]),
            Actor::Anonymous => Err(AppError::Unauthenticated),
        }
    }

    /// One organisation with its sites, for anyone who may view it.
    pub async fn organisation(&self, ctx: &Ctx, slug: &str) -> Result<OrganisationProfile, AppError> {
        let OrgAccess { organisation, role } = self.authorize(ctx, slug, Permission::View).await?;
        let sites = self.store.sites(organisation.id).await?;
        Ok(OrganisationProfile { organisation, sites, role })
    }

    /// Creates an organisation (administrators). An administrator who creates one through the web
    /// becomes its first owner, so someone can manage it.
    pub async fn create_organisation(
        &self,
        ctx: &Ctx,
        input: &OrganisationInput,
    ) -> Result<Organisation, AppError> {
        self.require_admin(ctx)?;
        let new = NewOrganisation::parse(
            &input.name,
            input.slug.as_deref(),
            input.kind.as_deref(),
            input.enterprise_number.as_deref(),
            input.default_locale.as_deref(),
        )?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let organisation = tx.insert_organisation(&new, now).await?;
        tx.append_audit(
            ctx.audit(
                Some(organisation.id),
                "organisation.create",
                "organisation",
                Some(organisation.id.to_string()),
                format!("organisation {} created", organisation.slug),
                json!({"after": {"slug": organisation.slug, "name": organisation.name, "kind": organisation.kind.code()}}),
            ),
            now,
        )
        .await?;
        if let Some(user) = ctx.user() {
            tx.upsert_membership(
                user.id,
                organisation.id,
                Membership { role: Role::Owner, expires_at: None },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(org = %organisation.slug, "organisation created");
        Ok(organisation)
    }
}
