//! Creating, listing and showing organisations.

use serde::Deserialize;
use ward_domain::{NewOrganisation, OrgSlug, Organisation, Site};
use ward_store::StoreError;

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
}

impl Ward {
    pub async fn organisations(&self) -> Result<Vec<Organisation>, AppError> {
        Ok(self.store.organisations().await?)
    }

    /// Looks an organisation up by its slug as written in a URL or flag.
    pub async fn organisation(&self, slug: &str) -> Result<OrganisationProfile, AppError> {
        // An invalid slug cannot name an organisation: answer "not found", not a validation error,
        // so URLs behave the same whether the slug is malformed or unknown.
        let slug = OrgSlug::parse(slug).map_err(|_| AppError::NotFound("organisation"))?;
        let organisation = self.store.organisation_by_slug(&slug).await.map_err(not_found("organisation"))?;
        let sites = self.store.sites(organisation.id).await?;
        Ok(OrganisationProfile { organisation, sites })
    }

    pub async fn create_organisation(&self, input: &OrganisationInput) -> Result<Organisation, AppError> {
        let new = NewOrganisation::parse(
            &input.name,
            input.slug.as_deref(),
            input.kind.as_deref(),
            input.enterprise_number.as_deref(),
            input.default_locale.as_deref(),
        )?;
        let mut tx = self.store.begin().await?;
        let organisation = tx.insert_organisation(&new, Self::now()).await?;
        tx.commit().await?;
        tracing::info!(org = %organisation.slug, "organisation created");
        Ok(organisation)
    }
}

fn not_found(what: &'static str) -> impl FnOnce(StoreError) -> AppError {
    move |e| match e {
        StoreError::NotFound => AppError::NotFound(what),
        other => other.into(),
    }
}
