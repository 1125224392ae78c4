//! The demo: a fictitious Belgian hospital with realistic shape, created or refreshed in place.
//!
//! Every capability adds its part of the demo here, so `ward demo` always shows the whole product.
//! All names are invented; the enterprise number 0000.000.097 passes the mod-97 check but is
//! reserved-looking and belongs to no one.

use ward_domain::{NewOrganisation, NewSite, OrgSlug, Organisation};

use crate::{AppError, Ward};

pub const DEMO_ORG_SLUG: &str = "az-voorbeeldstad";

/// What the demo refresh did, for the CLI to report.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub organisation: Organisation,
    pub created: bool,
    pub sites: usize,
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

impl Ward {
    /// Creates the demo organisation, or puts an existing one back to its demo state. One
    /// transaction: a failure leaves the previous state intact.
    pub async fn refresh_demo(&self) -> Result<DemoSummary, AppError> {
        let new = demo_organisation()?;
        let sites = demo_sites()?;
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
        tx.commit().await?;
        tracing::info!(org = %organisation.slug, created, "demo refreshed");
        Ok(DemoSummary { organisation, created, sites: stored.len() })
    }
}
