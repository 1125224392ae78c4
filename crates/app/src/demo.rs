//! The demo: a fictitious Belgian hospital with realistic shape and a team with every role,
//! created or refreshed in place.
//!
//! Every capability adds its part of the demo here, so `ward demo` always shows the whole product.
//! All names are invented; the enterprise number 0000.000.097 passes the mod-97 check but belongs
//! to no one; the e-mail addresses use the reserved `.example` domain.

use serde_json::json;
use time::Duration;
use ward_domain::{Email, Membership, NewOrganisation, NewSite, OrgSlug, Organisation, Role};
use ward_store::NewUser;

use crate::actor::Ctx;
use crate::auth::hash_password;
use crate::member::generated_password;
use crate::{AppError, Ward};

pub const DEMO_ORG_SLUG: &str = "az-voorbeeldstad";

/// One demo account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub email: String,
    pub name: String,
    /// `None` for the installation administrator.
    pub role: Option<Role>,
}

/// What the demo refresh did, for the CLI to report.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub organisation: Organisation,
    pub created: bool,
    pub sites: usize,
    pub accounts: Vec<DemoAccount>,
    /// The password of every demo account, new at each refresh.
    pub password: String,
}

fn demo_organisation() -> Result<NewOrganisation, AppError> {
    Ok(NewOrganisation::parse(
        "AZ Voorbeeldstad",
        Some(DEMO_ORG_SLUG),
        Some("hospital"),
        Some("0000.000.097"),
        Some("nl"),
    )?)
}

fn demo_sites() -> Result<Vec<NewSite>, AppError> {
    [
        ("Campus Sint-Jan", "campus", "Voorbeeldstad"),
        ("Campus Heilig Hart", "campus", "Voorbeeldstad-Zuid"),
        ("Polikliniek De Linde", "outpatient", "Kleinbeek"),
        ("Klinisch Labo Noord", "laboratory", "Voorbeeldstad"),
        ("Datacenter Campus Sint-Jan", "data_centre", "Voorbeeldstad"),
    ]
    .into_iter()
    .map(|(name, kind, city)| NewSite::parse(name, kind, city).map_err(AppError::from))
    .collect()
}

/// The demo team: one person per role, and an administrator.
fn demo_accounts() -> Vec<DemoAccount> {
    [
        ("admin@az-voorbeeldstad.example", "Ward Beheer", None),
        ("an.peeters@az-voorbeeldstad.example", "An Peeters (CISO)", Some(Role::Owner)),
        (
            "karim.elamrani@az-voorbeeldstad.example",
            "Karim El Amrani (IT security)",
            Some(Role::SecurityOfficer),
        ),
        (
            "lotte.janssens@az-voorbeeldstad.example",
            "Lotte Janssens (clinical engineering)",
            Some(Role::Contributor),
        ),
        ("auditor@cab-voorbeeld.example", "Sophie Dubois (certification body)", Some(Role::Auditor)),
        ("directie@az-voorbeeldstad.example", "Marc Willems (board)", Some(Role::Viewer)),
    ]
    .into_iter()
    .map(|(email, name, role)| DemoAccount { email: email.into(), name: name.into(), role })
    .collect()
}

impl Ward {
    /// Creates the demo organisation and team, or puts them back to their demo state with a new
    /// password (ending the demo accounts' sessions). One transaction: a failure leaves the
    /// previous state intact.
    pub async fn refresh_demo(&self, ctx: &Ctx) -> Result<DemoSummary, AppError> {
        self.require_admin(ctx)?;
        let new = demo_organisation()?;
        let sites = demo_sites()?;
        let accounts = demo_accounts();
        let password = generated_password()?;
        let hash = hash_password(&password).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        let slug = OrgSlug::parse(DEMO_ORG_SLUG)?;
        let created = tx.find_organisation(&slug).await?.is_none();
        let organisation = if created {
            tx.insert_organisation(&new, now).await?
        } else {
            tx.update_organisation(&new, now).await?
        };
        let stored = tx.replace_sites(organisation.id, &sites).await?;
        for account in &accounts {
            let email = Email::parse(&account.email)?;
            let user_id = match self.store.credentials_by_email(&email).await? {
                Some(c) => {
                    tx.set_password_hash(c.user.id, Some(&hash)).await?;
                    tx.set_disabled(c.user.id, None).await?;
                    tx.delete_sessions_of(c.user.id).await?;
                    c.user.id
                }
                None => {
                    let is_admin = account.role.is_none();
                    tx.insert_user(
                        &NewUser {
                            email,
                            display_name: account.name.clone(),
                            password_hash: Some(hash.clone()),
                            is_admin,
                            oidc: None,
                        },
                        now,
                    )
                    .await?
                    .id
                }
            };
            if let Some(role) = account.role {
                // The certification body's access ends with the audit.
                let expires_at = (role == Role::Auditor).then(|| now + Duration::days(90));
                tx.upsert_membership(user_id, organisation.id, Membership { role, expires_at }, now).await?;
            }
        }
        // Scoped as the large hospital it is: an essential entity in scope since the law's start.
        let answers = ward_domain::scoping::ScopingInput {
            sectors: vec!["healthcare-provider".into()],
            own: ward_domain::scoping::Enterprise {
                staff: 1850.0,
                turnover_eur: 262_000_000.0,
                balance_eur: 310_000_000.0,
            },
            established_in_belgium: true,
            ..Default::default()
        };
        let scoped = ward_domain::scoping::scope(ward_domain::scoping::Rules::embedded(), &answers)
            .map_err(AppError::Validation)?;
        tx.save_scoping(
            organisation.id,
            &ward_store::StoredScoping {
                answers: serde_json::to_string(&answers).map_err(|e| AppError::Internal(Box::new(e)))?,
                target_level: scoped.cyfun_level.code().to_owned(),
                override_reason: None,
                updated_at: now,
                updated_by: "demo".into(),
            },
        )
        .await?;
        let summary = format!(
            "demo {} with {} sites and {} accounts",
            if created { "created" } else { "refreshed" },
            stored.len(),
            accounts.len()
        );
        tx.append_audit(
            ctx.audit(
                Some(organisation.id),
                "demo.refresh",
                "organisation",
                Some(organisation.id.to_string()),
                summary,
                json!({"sites": stored.len(), "accounts": accounts.len()}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(org = %organisation.slug, created, "demo refreshed");
        Ok(DemoSummary { organisation, created, sites: stored.len(), accounts, password })
    }
}
