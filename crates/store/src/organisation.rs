//! Organisations and their sites.

use time::OffsetDateTime;
use uuid::Uuid;
use ward_domain::{
    EnterpriseNumber, Locale, NewOrganisation, NewSite, OrgKind, OrgName, OrgSlug, Organisation, Site,
    SiteKind,
};

use crate::db::{on_db, on_tx};
use crate::error::conflict_on_unique;
use crate::{Store, StoreError, Tx};

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    id: Uuid,
    slug: String,
    name: String,
    kind: String,
    enterprise_number: Option<String>,
    default_locale: String,
    require_mfa: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<OrganisationRow> for Organisation {
    type Error = StoreError;
    fn try_from(row: OrganisationRow) -> Result<Self, StoreError> {
        let corrupt =
            |e: ward_domain::ValidationError| StoreError::Corrupt(format!("organisation {}: {e}", row.id));
        Ok(Organisation {
            id: row.id,
            slug: OrgSlug::parse(&row.slug).map_err(corrupt)?,
            name: OrgName::parse(&row.name).map_err(corrupt)?,
            kind: OrgKind::parse(&row.kind).map_err(corrupt)?,
            enterprise_number: row
                .enterprise_number
                .as_deref()
                .map(EnterpriseNumber::parse)
                .transpose()
                .map_err(corrupt)?,
            default_locale: Locale::from_tag(&row.default_locale).ok_or_else(|| {
                StoreError::Corrupt(format!("organisation {}: locale {:?}", row.id, row.default_locale))
            })?,
            require_mfa: row.require_mfa,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SiteRow {
    id: Uuid,
    name: String,
    kind: String,
    city: String,
}

impl TryFrom<SiteRow> for Site {
    type Error = StoreError;
    fn try_from(row: SiteRow) -> Result<Self, StoreError> {
        Ok(Site {
            id: row.id,
            kind: SiteKind::parse(&row.kind)
                .map_err(|e| StoreError::Corrupt(format!("site {}: {e}", row.id)))?,
            name: row.name,
            city: row.city,
        })
    }
}

/// The columns every organisation query returns, in `OrganisationRow` order.
macro_rules! org_columns {
    () => {
        "id, slug, name, kind, enterprise_number, default_locale, require_mfa, created_at, updated_at"
    };
}

impl Store {
    pub async fn organisation_by_id(&self, id: Uuid) -> Result<Organisation, StoreError> {
        const SQL: &str = concat!("SELECT ", org_columns!(), " FROM organisations WHERE id = $1");
        let row: OrganisationRow = on_db!(&*self.db, p => sqlx::query_as(SQL).bind(id).fetch_one(p).await)?;
        row.try_into()
    }

    /// The organisations a user belongs to, with the raw membership values, by name: one query
    /// (every page's organisation switcher asks for this).
    pub(crate) async fn organisations_of_member(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<(Organisation, String, Option<OffsetDateTime>)>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            org_columns!(),
            ", m.role, m.expires_at FROM organisations JOIN (SELECT organisation_id, role, expires_at FROM memberships \
             WHERE user_id = $1) m ON m.organisation_id = organisations.id ORDER BY name, slug"
        );
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            organisation: OrganisationRow,
            role: String,
            expires_at: Option<OffsetDateTime>,
        }
        let rows: Vec<Row> = on_db!(&*self.db, p => sqlx::query_as(SQL).bind(user_id).fetch_all(p).await)?;
        rows.into_iter().map(|r| Ok((r.organisation.try_into()?, r.role, r.expires_at))).collect()
    }

    /// All organisations, by name.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        const SQL: &str = concat!("SELECT ", org_columns!(), " FROM organisations ORDER BY name, slug");
        let rows: Vec<OrganisationRow> = on_db!(&*self.db, p => sqlx::query_as(SQL).fetch_all(p).await)?;
        rows.into_iter().map(Organisation::try_from).collect()
    }

    pub async fn organisation_by_slug(&self, slug: &OrgSlug) -> Result<Organisation, StoreError> {
        const SQL: &str = concat!("SELECT ", org_columns!(), " FROM organisations WHERE slug = $1");
        let row: OrganisationRow =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(slug.as_str()).fetch_one(p).await)?;
        row.try_into()
    }

    /// Sites of one organisation, in the order they were given.
    pub async fn sites(&self, organisation_id: Uuid) -> Result<Vec<Site>, StoreError> {
        const SQL: &str =
            "SELECT id, name, kind, city FROM sites WHERE organisation_id = $1 ORDER BY position";
        let rows: Vec<SiteRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).fetch_all(p).await)?;
        rows.into_iter().map(Site::try_from).collect()
    }
}

impl Tx {
    /// Inserts an organisation; `Conflict` when the slug is taken.
    pub async fn insert_organisation(
        &mut self,
        new: &NewOrganisation,
        now: OffsetDateTime,
    ) -> Result<Organisation, StoreError> {
        const SQL: &str = concat!(
            "INSERT INTO organisations (",
            org_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7) RETURNING ",
            org_columns!()
        );
        let row: OrganisationRow = on_tx!(&mut self.inner, c => sqlx::query_as(SQL)
            .bind(Uuid::now_v7())
            .bind(new.slug.as_str())
            .bind(new.name.as_str())
            .bind(new.kind.code())
            .bind(new.enterprise_number.as_ref().map(EnterpriseNumber::digits))
            .bind(new.default_locale.tag())
            .bind(now)
            .fetch_one(c)
            .await)
        .map_err(conflict_on_unique("an organisation with this slug"))?;
        row.try_into()
    }

    /// Overwrites the profile of the organisation with `new.slug`; `NotFound` when there is none.
    pub async fn update_organisation(
        &mut self,
        new: &NewOrganisation,
        now: OffsetDateTime,
    ) -> Result<Organisation, StoreError> {
        const SQL: &str = concat!(
            "UPDATE organisations SET name = $2, kind = $3, enterprise_number = $4, default_locale = $5, \
             updated_at = $6 WHERE slug = $1 RETURNING ",
            org_columns!()
        );
        let row: OrganisationRow = on_tx!(&mut self.inner, c => sqlx::query_as(SQL)
            .bind(new.slug.as_str())
            .bind(new.name.as_str())
            .bind(new.kind.code())
            .bind(new.enterprise_number.as_ref().map(EnterpriseNumber::digits))
            .bind(new.default_locale.tag())
            .bind(now)
            .fetch_one(c)
            .await)?;
        row.try_into()
    }

    /// Turns the organisation's MFA requirement on or off.
    pub async fn set_require_mfa(
        &mut self,
        organisation_id: Uuid,
        required: bool,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE organisations SET require_mfa = $2, updated_at = $3 WHERE id = $1";
        let done = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(organisation_id).bind(required).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Looks an organisation up inside the transaction (sees its own uncommitted writes).
    pub async fn find_organisation(&mut self, slug: &OrgSlug) -> Result<Option<Organisation>, StoreError> {
        const SQL: &str = concat!("SELECT ", org_columns!(), " FROM organisations WHERE slug = $1");
        let row: Option<OrganisationRow> = on_tx!(&mut self.inner, c => sqlx::query_as(SQL)
            .bind(slug.as_str())
            .fetch_optional(c)
            .await)?;
        row.map(Organisation::try_from).transpose()
    }

    /// Replaces all sites of an organisation with `sites`, keeping their order.
    pub async fn replace_sites(
        &mut self,
        organisation_id: Uuid,
        sites: &[NewSite],
    ) -> Result<Vec<Site>, StoreError> {
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM sites WHERE organisation_id = $1")
            .bind(organisation_id)
            .execute(c)
            .await
            .map(|_| ()))?;
        let mut stored = Vec::with_capacity(sites.len());
        for (position, site) in (0i32..).zip(sites) {
            const SQL: &str = "INSERT INTO sites (id, organisation_id, position, name, kind, city) \
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, name, kind, city";
            let row: SiteRow = on_tx!(&mut self.inner, c => sqlx::query_as(SQL)
                .bind(Uuid::now_v7())
                .bind(organisation_id)
                .bind(position)
                .bind(&site.name)
                .bind(site.kind.code())
                .bind(&site.city)
                .fetch_one(c)
                .await)
            .map_err(conflict_on_unique("a site with this name"))?;
            stored.push(row.try_into()?);
        }
        Ok(stored)
    }
}
