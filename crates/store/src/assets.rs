//! The asset register, network segments, and uploaded inventory files waiting for confirmation.
//! Asset columns are plain so that filters and pages run on indexes; the uploaded files (whole
//! network maps) are encrypted.

use time::{Date, OffsetDateTime};
use uuid::Uuid;
use ward_crypto::field::Place;

use crate::db::{on_db, on_tx};
use crate::error::conflict_on_unique;
use crate::{Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssetRecord {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub kind: String,
    pub name: String,
    pub vendor: Option<String>,
    pub model: Option<String>,
    pub version: Option<String>,
    pub serial: Option<String>,
    pub site: Option<String>,
    pub building: Option<String>,
    pub room: Option<String>,
    pub ip: Option<String>,
    pub mac: Option<String>,
    pub hostname: Option<String>,
    pub segment: Option<String>,
    pub owner_team: Option<String>,
    pub owner: Option<String>,
    pub criticality: Option<String>,
    pub patient_data: Option<bool>,
    pub patchability: Option<String>,
    pub support_end: Option<Date>,
    pub edr: Option<String>,
    pub os: Option<String>,
    /// Services and CPEs a scan saw (JSON).
    pub observed: Option<String>,
    /// Field → where its value came from (JSON).
    pub sources: String,
    pub last_seen: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SegmentRecord {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub zone: String,
    pub vlan: Option<i32>,
    pub cidr: Option<String>,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub format: String,
    pub file_name: String,
    pub content: Vec<u8>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

/// Which assets a list shows.
#[derive(Debug, Clone, Default)]
pub struct AssetQuery {
    pub kind: Option<String>,
    pub criticality: Option<String>,
    pub segment: Option<String>,
    /// Matched against name, vendor, model, serial, IP, MAC and hostname (case-insensitive prefix
    /// or infix).
    pub text: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A pending import's row: id, organisation, format, file name, encrypted content, when, who.
type ImportRow = (Uuid, Uuid, String, String, Vec<u8>, OffsetDateTime, String);

const COLUMNS: &str = "id, organisation_id, kind, name, vendor, model, version, serial, site, building, room, ip, mac, \
     hostname, segment, owner_team, owner, criticality, patient_data, patchability, support_end, edr, os, observed, \
     sources, last_seen, created_at, created_by, updated_at, updated_by";

const IMPORT_CONTENT: (&str, &str) = ("asset_imports", "content");

/// Every encrypted column of this module, for key rotation.
pub(crate) const ENCRYPTED_COLUMNS: [(&str, &str); 1] = [IMPORT_CONTENT];

fn place(row: &Uuid) -> Place<'_> {
    Place { table: IMPORT_CONTENT.0, column: IMPORT_CONTENT.1, row: row.as_bytes() }
}

/// The WHERE clause of a query, with its parameters from `$2` on (`$1` is the organisation).
fn filter(q: &AssetQuery) -> (String, Vec<String>) {
    let mut clause = String::from("organisation_id = $1");
    let mut params = Vec::new();
    for (column, value) in [("kind", &q.kind), ("criticality", &q.criticality), ("segment", &q.segment)] {
        if let Some(v) = value {
            params.push(v.clone());
            clause.push_str(&format!(" AND {column} = ${}", params.len() + 1));
        }
    }
    if let Some(t) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        params.push(format!("%{}%", t.to_lowercase().replace(['%', '_'], "")));
        clause.push_str(&format!(" AND search LIKE ${}", params.len() + 1));
    }
    (clause, params)
}

/// Counts over the register, for readiness signals (aggregate queries: fast at any size).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AssetFacts {
    pub assets: i64,
    pub medical_devices: i64,
    pub medical_devices_with_owner: i64,
    pub medical_devices_in_medical_zone: i64,
    /// Assets where EDR is installed or could be.
    pub edr_capable: i64,
    pub edr_installed: i64,
    /// Assets with a support end date.
    pub with_support_end: i64,
    /// Of those, past it.
    pub unsupported: i64,
}

impl Store {
    pub async fn asset_facts(&self, organisation_id: Uuid, today: Date) -> Result<AssetFacts, StoreError> {
        const SQL: &str = "SELECT COUNT(*), \
            COALESCE(SUM(CASE WHEN kind = 'medical_device' THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN kind = 'medical_device' AND owner IS NOT NULL THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN kind = 'medical_device' AND EXISTS (SELECT 1 FROM network_segments s \
                WHERE s.organisation_id = assets.organisation_id AND LOWER(s.name) = LOWER(assets.segment) \
                AND s.zone = 'medical_devices') THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN edr IN ('installed', 'possible') THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN edr = 'installed' THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN support_end IS NOT NULL THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN support_end < $2 THEN 1 ELSE 0 END), 0) \
            FROM assets WHERE organisation_id = $1";
        let row: (i64, i64, i64, i64, i64, i64, i64, i64) =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).bind(today).fetch_one(p).await)?;
        Ok(AssetFacts {
            assets: row.0,
            medical_devices: row.1,
            medical_devices_with_owner: row.2,
            medical_devices_in_medical_zone: row.3,
            edr_capable: row.4,
            edr_installed: row.5,
            with_support_end: row.6,
            unsupported: row.7,
        })
    }

    /// A page of an organisation's assets by name, and how many match in all (one scan: the
    /// count rides along with the page as a window).
    pub async fn assets_of(
        &self,
        organisation_id: Uuid,
        q: &AssetQuery,
    ) -> Result<(Vec<AssetRecord>, i64), StoreError> {
        #[derive(sqlx::FromRow)]
        struct Counted {
            #[sqlx(flatten)]
            record: AssetRecord,
            matching: i64,
        }
        let (clause, params) = filter(q);
        let n = params.len();
        // A text search scans every row anyway: the count rides along as a window. Otherwise the
        // page walks the name index and stops early, and the count is a separate index count.
        let searching = q.text.as_deref().is_some_and(|t| !t.trim().is_empty());
        let matching = if searching { "COUNT(*) OVER ()" } else { "CAST(0 AS BIGINT)" };
        let list = format!(
            "SELECT {COLUMNS}, {matching} AS matching FROM assets WHERE {clause} ORDER BY name, id LIMIT ${} OFFSET ${}",
            n + 2,
            n + 3
        );
        let rows: Vec<Counted> = on_db!(&*self.db, p => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(list.as_str())).bind(organisation_id);
            for v in &params { query = query.bind(v); }
            query.bind(q.limit).bind(q.offset).fetch_all(p).await
        })?;
        let total = match rows.first() {
            Some(r) if searching => r.matching,
            // Past the last page the window has no row to ride on: count on its own.
            None if searching && q.offset == 0 => 0,
            _ => {
                let count = format!("SELECT COUNT(*) FROM assets WHERE {clause}");
                let (total,): (i64,) = on_db!(&*self.db, p => {
                    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(count.as_str())).bind(organisation_id);
                    for v in &params { query = query.bind(v); }
                    query.fetch_one(p).await
                })?;
                total
            }
        };
        Ok((rows.into_iter().map(|r| r.record).collect(), total))
    }

    /// Every asset of an organisation (imports match against all of them).
    pub async fn all_assets_of(&self, organisation_id: Uuid) -> Result<Vec<AssetRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM assets WHERE organisation_id = $1 ORDER BY name, id");
        Ok(
            on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(organisation_id).fetch_all(p).await)?,
        )
    }

    pub async fn asset(&self, id: Uuid) -> Result<Option<AssetRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM assets WHERE id = $1");
        Ok(
            on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?,
        )
    }

    pub async fn segments_of(&self, organisation_id: Uuid) -> Result<Vec<SegmentRecord>, StoreError> {
        const SQL: &str = "SELECT id, organisation_id, name, zone, vlan, cidr, updated_at, updated_by FROM network_segments \
                           WHERE organisation_id = $1 ORDER BY name";
        Ok(on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).fetch_all(p).await)?)
    }

    pub async fn pending_import(&self, id: Uuid) -> Result<Option<PendingImport>, StoreError> {
        const SQL: &str = "SELECT id, organisation_id, format, file_name, content, created_at, created_by FROM asset_imports WHERE id = $1";
        let row: Option<ImportRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(id).fetch_optional(p).await)?;
        let Some((id, organisation_id, format, file_name, envelope, created_at, created_by)) = row else {
            return Ok(None);
        };
        let content = self.decrypt(place(&id), &envelope).await?.to_vec();
        Ok(Some(PendingImport { id, organisation_id, format, file_name, content, created_at, created_by }))
    }
}

impl Tx {
    /// Inserts or replaces an asset.
    pub async fn save_asset(&mut self, a: &AssetRecord) -> Result<(), StoreError> {
        let search = [
            Some(&a.name),
            a.vendor.as_ref(),
            a.model.as_ref(),
            a.serial.as_ref(),
            a.ip.as_ref(),
            a.mac.as_ref(),
            a.hostname.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(|v| v.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
        let sql = format!(
            "INSERT INTO assets ({COLUMNS}, search) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31) \
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, vendor = excluded.vendor, \
             model = excluded.model, version = excluded.version, serial = excluded.serial, site = excluded.site, \
             building = excluded.building, room = excluded.room, ip = excluded.ip, mac = excluded.mac, \
             hostname = excluded.hostname, segment = excluded.segment, owner_team = excluded.owner_team, \
             owner = excluded.owner, criticality = excluded.criticality, patient_data = excluded.patient_data, \
             patchability = excluded.patchability, support_end = excluded.support_end, edr = excluded.edr, os = excluded.os, \
             observed = excluded.observed, sources = excluded.sources, last_seen = excluded.last_seen, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by, search = excluded.search"
        );
        on_tx!(&mut self.inner, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(a.id).bind(a.organisation_id).bind(&a.kind).bind(&a.name).bind(&a.vendor).bind(&a.model)
            .bind(&a.version).bind(&a.serial).bind(&a.site).bind(&a.building).bind(&a.room).bind(&a.ip).bind(&a.mac)
            .bind(&a.hostname).bind(&a.segment).bind(&a.owner_team).bind(&a.owner).bind(&a.criticality)
            .bind(a.patient_data).bind(&a.patchability).bind(a.support_end).bind(&a.edr).bind(&a.os).bind(&a.observed)
            .bind(&a.sources).bind(a.last_seen).bind(a.created_at).bind(&a.created_by).bind(a.updated_at).bind(&a.updated_by)
            .bind(&search)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_asset(&mut self, id: Uuid) -> Result<(), StoreError> {
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM assets WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn save_segment(&mut self, s: &SegmentRecord) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO network_segments (id, organisation_id, name, zone, vlan, cidr, updated_at, updated_by) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                           zone = excluded.zone, vlan = excluded.vlan, cidr = excluded.cidr, updated_at = excluded.updated_at, \
                           updated_by = excluded.updated_by";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(s.id).bind(s.organisation_id).bind(&s.name).bind(&s.zone).bind(s.vlan).bind(&s.cidr)
            .bind(s.updated_at).bind(&s.updated_by)
            .execute(c).await.map(|_| ()).map_err(conflict_on_unique("segment")))?;
        Ok(())
    }

    pub async fn delete_segment(&mut self, id: Uuid) -> Result<(), StoreError> {
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM network_segments WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_pending_import(&mut self, i: &PendingImport) -> Result<(), StoreError> {
        let envelope = self.encrypt(place(&i.id), &i.content)?;
        const SQL: &str = "INSERT INTO asset_imports (id, organisation_id, format, file_name, content, created_at, created_by) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(i.id).bind(i.organisation_id).bind(&i.format).bind(&i.file_name).bind(envelope).bind(i.created_at).bind(&i.created_by)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Removes a pending import, and any older than `before` (abandoned previews).
    pub async fn delete_pending_imports(
        &mut self,
        id: Uuid,
        before: OffsetDateTime,
    ) -> Result<(), StoreError> {
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM asset_imports WHERE id = $1 OR created_at < $2")
            .bind(id).bind(before).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn reencrypt_asset_imports(&mut self, store: &Store) -> Result<usize, StoreError> {
        self.reencrypt_columns(store, &ENCRYPTED_COLUMNS).await
    }
}
