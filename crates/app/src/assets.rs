//! The asset register: list, edit, and imports that show what they will add, change or leave
//! before anything is written; network segments and their policy.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;
use ward_domain::Permission;
use ward_domain::ValidationError;
use ward_domain::assets::{
    AssetDraft, AssetFields, AssetKind, Criticality, Edr, FIELD_NAMES, Identity, IdentityIndex, MatchRule,
    OwnerTeam, Patchability, changes, check_asset, merged, read_asset_csv,
};
use ward_domain::segments::{Segment, Violation, ZoneType, check_segments};
use ward_store::{AssetQuery, AssetRecord, PendingImport, SegmentRecord};

use crate::{AppError, Ctx, OrgAccess, Ward};

/// An asset as the transports see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    pub id: Uuid,
    #[serde(flatten)]
    pub draft: AssetDraft,
    /// Field → where its value came from.
    pub sources: BTreeMap<String, String>,
    /// Services and CPEs a scan saw.
    pub observed: Option<serde_json::Value>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_seen: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

fn opt<T: Copy>(raw: &Option<String>, parse: fn(&str) -> Option<T>) -> Option<T> {
    raw.as_deref().and_then(parse)
}

impl Asset {
    pub(crate) fn of(r: &AssetRecord) -> Asset {
        Asset {
            id: r.id,
            draft: draft_of(r),
            sources: serde_json::from_str(&r.sources).unwrap_or_default(),
            observed: r.observed.as_deref().and_then(|o| serde_json::from_str(o).ok()),
            last_seen: r.last_seen,
            updated_at: r.updated_at,
            updated_by: r.updated_by.clone(),
        }
    }
}

pub(crate) fn draft_of(r: &AssetRecord) -> AssetDraft {
    AssetDraft {
        kind: AssetKind::parse(&r.kind).unwrap_or(AssetKind::Other),
        name: r.name.clone(),
        fields: AssetFields {
            vendor: r.vendor.clone(),
            model: r.model.clone(),
            version: r.version.clone(),
            serial: r.serial.clone(),
            site: r.site.clone(),
            building: r.building.clone(),
            room: r.room.clone(),
            ip: r.ip.clone(),
            mac: r.mac.clone(),
            hostname: r.hostname.clone(),
            segment: r.segment.clone(),
            owner_team: opt(&r.owner_team, OwnerTeam::parse),
            owner: r.owner.clone(),
            criticality: opt(&r.criticality, Criticality::parse),
            patient_data: r.patient_data,
            patchability: opt(&r.patchability, Patchability::parse),
            support_end: r.support_end,
            edr: opt(&r.edr, Edr::parse),
            os: r.os.clone(),
        },
    }
}

fn record_of(
    id: Uuid,
    organisation_id: Uuid,
    d: &AssetDraft,
    ctx: &Ctx,
    now: OffsetDateTime,
    before: Option<&AssetRecord>,
) -> AssetRecord {
    let f = &d.fields;
    AssetRecord {
        id,
        organisation_id,
        kind: d.kind.code().to_owned(),
        name: d.name.clone(),
        vendor: f.vendor.clone(),
        model: f.model.clone(),
        version: f.version.clone(),
        serial: f.serial.clone(),
        site: f.site.clone(),
        building: f.building.clone(),
        room: f.room.clone(),
        ip: f.ip.clone(),
        mac: f.mac.clone(),
        hostname: f.hostname.clone(),
        segment: f.segment.clone(),
        owner_team: f.owner_team.map(|v| v.code().to_owned()),
        owner: f.owner.clone(),
        criticality: f.criticality.map(|v| v.code().to_owned()),
        patient_data: f.patient_data,
        patchability: f.patchability.map(|v| v.code().to_owned()),
        support_end: f.support_end,
        edr: f.edr.map(|v| v.code().to_owned()),
        os: f.os.clone(),
        observed: before.and_then(|b| b.observed.clone()),
        sources: before.map_or_else(|| "{}".to_owned(), |b| b.sources.clone()),
        last_seen: before.and_then(|b| b.last_seen),
        created_at: before.map_or(now, |b| b.created_at),
        created_by: before.map_or_else(|| ctx.label(), |b| b.created_by.clone()),
        updated_at: now,
        updated_by: ctx.label(),
    }
}

/// A new asset's record, its fields marked as coming from the demo.
pub(crate) fn record_for_demo(
    organisation_id: Uuid,
    d: &AssetDraft,
    ctx: &Ctx,
    now: OffsetDateTime,
) -> AssetRecord {
    let mut record = record_of(Uuid::now_v7(), organisation_id, d, ctx, now, None);
    note_sources(&mut record, &set_fields(d), "demo");
    record
}

/// Records where the given fields came from.
fn note_sources(record: &mut AssetRecord, fields: &[&str], source: &str) {
    let mut map: BTreeMap<String, String> = serde_json::from_str(&record.sources).unwrap_or_default();
    for f in fields {
        map.insert((*f).to_owned(), source.to_owned());
    }
    record.sources = serde_json::to_string(&map).unwrap_or_else(|_| "{}".into());
}

/// The fields a draft sets.
fn set_fields(d: &AssetDraft) -> Vec<&'static str> {
    let empty = AssetDraft { kind: AssetKind::Other, name: String::new(), fields: AssetFields::default() };
    let mut f = changes(&empty, d);
    f.push("name");
    f
}

/// A page of the register.
#[derive(Debug, Clone, Serialize)]
pub struct AssetPage {
    pub assets: Vec<Asset>,
    pub total: i64,
}

/// The formats an inventory file can come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Csv,
    Nmap,
}

impl ImportFormat {
    pub fn code(self) -> &'static str {
        match self {
            ImportFormat::Csv => "csv",
            ImportFormat::Nmap => "nmap",
        }
    }

    pub fn parse(text: &str) -> Option<ImportFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ImportFormat::Csv),
            "nmap" | "xml" => Some(ImportFormat::Nmap),
            _ => None,
        }
    }

    /// From the file's first bytes: nmap XML starts with `<?xml` or `<nmaprun`.
    pub fn detect(bytes: &[u8]) -> ImportFormat {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).trim_start().to_ascii_lowercase();
        if head.starts_with("<?xml") || head.starts_with("<nmaprun") || head.starts_with("<!doctype nmaprun")
        {
            ImportFormat::Nmap
        } else {
            ImportFormat::Csv
        }
    }
}

/// What one row of an import will do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum RowAction {
    Add,
    Change { asset: Uuid, rule: MatchRule, fields: Vec<&'static str> },
    Unchanged { asset: Uuid, rule: MatchRule },
    Error { errors: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowPreview {
    /// Line in the file (CSV row, or where the nmap host starts).
    pub line: usize,
    pub name: String,
    #[serde(flatten)]
    pub action: RowAction,
}

/// What an import will do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportPreview {
    /// The pending import to confirm.
    pub id: Uuid,
    pub format: ImportFormat,
    pub file_name: String,
    /// CSV: the columns and the field each feeds.
    pub columns: Vec<(String, Option<&'static str>)>,
    pub notes: Vec<String>,
    pub rows: Vec<RowPreview>,
    pub add: usize,
    pub change: usize,
    pub unchanged: usize,
    pub errors: usize,
}

/// What an applied import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: usize,
}

/// One incoming asset, with what a scan saw and when.
pub(crate) struct Incoming {
    pub line: usize,
    pub asset: Result<AssetDraft, Vec<ValidationError>>,
    pub observed: Option<serde_json::Value>,
    pub seen: Option<OffsetDateTime>,
}

/// A planned write of one row.
struct Planned {
    line: usize,
    name: String,
    action: RowAction,
    record: Option<AssetRecord>,
}

/// Pending imports older than this are dropped.
const PENDING_FOR: Duration = Duration::days(1);

impl Ward {
    async fn load_asset(&self, access: &OrgAccess, id: Uuid) -> Result<AssetRecord, AppError> {
        match self.store.asset(id).await? {
            Some(a) if a.organisation_id == access.organisation.id => Ok(a),
            _ => Err(AppError::NotFound("asset")),
        }
    }

    /// A page of the register, filtered.
    pub async fn assets(&self, ctx: &Ctx, slug: &str, query: &AssetQuery) -> Result<AssetPage, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let q = AssetQuery { limit: query.limit.clamp(1, 500), offset: query.offset.max(0), ..query.clone() };
        let (rows, total) = self.store.assets_of(access.organisation.id, &q).await?;
        Ok(AssetPage { assets: rows.iter().map(Asset::of).collect(), total })
    }

    pub async fn asset(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<Asset, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        Ok(Asset::of(&self.load_asset(&access, id).await?))
    }

    /// Creates (`id` None) or replaces an asset from typed values (field name → text).
    pub async fn save_asset(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Option<Uuid>,
        values: &BTreeMap<String, String>,
    ) -> Result<Uuid, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let draft = check_asset(values).map_err(AppError::Validation)?;
        let before = match id {
            Some(id) => Some(self.load_asset(&access, id).await?),
            None => None,
        };
        let now = Self::now();
        let id = id.unwrap_or_else(Uuid::now_v7);
        let mut record = record_of(id, access.organisation.id, &draft, ctx, now, before.as_ref());
        let touched = match &before {
            Some(b) => changes(&draft_of(b), &draft),
            None => set_fields(&draft),
        };
        note_sources(&mut record, &touched, &format!("entered by {}", ctx.label()));
        let mut tx = self.store.begin().await?;
        tx.save_asset(&record).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                if before.is_some() { "asset.update" } else { "asset.create" },
                "asset",
                Some(id.to_string()),
                format!("asset \"{}\" {}", draft.name, if before.is_some() { "changed" } else { "added" }),
                json!({"fields": touched}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn delete_asset(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let before = self.load_asset(&access, id).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.delete_asset(id).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "asset.delete",
                "asset",
                Some(id.to_string()),
                format!("asset \"{}\" removed", before.name),
                json!({"kind": before.kind}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reads an inventory file and keeps it, encrypted, until the person confirms the preview.
    pub async fn preview_asset_import(
        &self,
        ctx: &Ctx,
        slug: &str,
        format: Option<ImportFormat>,
        file_name: &str,
        bytes: &[u8],
        mapping: Option<&[Option<&str>]>,
    ) -> Result<ImportPreview, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let format = format.unwrap_or_else(|| ImportFormat::detect(bytes));
        // Read it once now, so a file that cannot be read at all is refused at upload.
        let (incoming, columns, notes) = read_inventory(format, bytes, mapping)?;
        let pending = PendingImport {
            id: Uuid::now_v7(),
            organisation_id: access.organisation.id,
            format: format.code().to_owned(),
            file_name: file_name.chars().take(200).collect(),
            content: bytes.to_vec(),
            created_at: Self::now(),
            created_by: ctx.label(),
        };
        let mut tx = self.store.begin().await?;
        tx.delete_pending_imports(pending.id, pending.created_at - PENDING_FOR).await?;
        tx.insert_pending_import(&pending).await?;
        tx.commit().await?;
        self.preview_of(&access, &pending, incoming, columns, notes, ctx).await.map(|(p, _)| p)
    }

    /// The preview of a pending import (with another column mapping, for CSV).
    pub async fn asset_import_preview(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        mapping: Option<&[Option<&str>]>,
    ) -> Result<ImportPreview, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let pending = self.load_pending(&access, id).await?;
        let format = ImportFormat::parse(&pending.format).unwrap_or(ImportFormat::Csv);
        let (incoming, columns, notes) = read_inventory(format, &pending.content, mapping)?;
        self.preview_of(&access, &pending, incoming, columns, notes, ctx).await.map(|(p, _)| p)
    }

    async fn load_pending(&self, access: &OrgAccess, id: Uuid) -> Result<PendingImport, AppError> {
        match self.store.pending_import(id).await? {
            Some(p) if p.organisation_id == access.organisation.id => Ok(p),
            _ => Err(AppError::NotFound("import")),
        }
    }

    async fn preview_of(
        &self,
        access: &OrgAccess,
        pending: &PendingImport,
        incoming: Vec<Incoming>,
        columns: Vec<(String, Option<&'static str>)>,
        notes: Vec<String>,
        ctx: &Ctx,
    ) -> Result<(ImportPreview, Vec<Planned>), AppError> {
        let known = self.store.all_assets_of(access.organisation.id).await?;
        let format = ImportFormat::parse(&pending.format).unwrap_or(ImportFormat::Csv);
        let planned =
            plan(format, &pending.file_name, access.organisation.id, &known, incoming, ctx, Self::now());
        let count = |f: fn(&RowAction) -> bool| planned.iter().filter(|p| f(&p.action)).count();
        let preview = ImportPreview {
            id: pending.id,
            format,
            file_name: pending.file_name.clone(),
            columns,
            notes,
            add: count(|a| matches!(a, RowAction::Add)),
            change: count(|a| matches!(a, RowAction::Change { .. })),
            unchanged: count(|a| matches!(a, RowAction::Unchanged { .. })),
            errors: count(|a| matches!(a, RowAction::Error { .. })),
            rows: planned
                .iter()
                .map(|p| RowPreview { line: p.line, name: p.name.clone(), action: p.action.clone() })
                .collect(),
        };
        Ok((preview, planned))
    }

    /// Writes a previewed import in one transaction, and says what the preview was when written.
    /// With bad rows, nothing is written unless `keep_valid` says to import the valid rows and
    /// skip the others.
    pub async fn apply_asset_import(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        mapping: Option<&[Option<&str>]>,
        keep_valid: bool,
    ) -> Result<(ImportPreview, ImportReport), AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let pending = self.load_pending(&access, id).await?;
        let format = ImportFormat::parse(&pending.format).unwrap_or(ImportFormat::Csv);
        let (incoming, columns, notes) = read_inventory(format, &pending.content, mapping)?;
        let (preview, planned) = self.preview_of(&access, &pending, incoming, columns, notes, ctx).await?;
        if preview.errors > 0 && !keep_valid {
            let mut errors = Vec::new();
            for row in &preview.rows {
                if let RowAction::Error { errors: e } = &row.action {
                    errors.extend(
                        e.iter()
                            .map(|m| ValidationError::new("file", "row", format!("line {}: {m}", row.line))),
                    );
                }
            }
            return Err(AppError::Validation(errors));
        }
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        for p in &planned {
            if let Some(record) = &p.record {
                tx.save_asset(record).await?;
            }
        }
        tx.delete_pending_imports(pending.id, now - PENDING_FOR).await?;
        let report = ImportReport {
            added: preview.add,
            changed: preview.change,
            unchanged: preview.unchanged,
            skipped: preview.errors,
        };
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "asset.import",
                "asset",
                None,
                format!(
                    "{} file \"{}\": {} added, {} changed, {} unchanged, {} skipped",
                    format.code(),
                    pending.file_name,
                    report.added,
                    report.changed,
                    report.unchanged,
                    report.skipped
                ),
                json!({"format": format.code(), "added": report.added, "changed": report.changed, "skipped": report.skipped}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((preview, report))
    }

    pub async fn segments(&self, ctx: &Ctx, slug: &str) -> Result<Vec<Segment>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        Ok(self.store.segments_of(access.organisation.id).await?.iter().map(segment_of).collect())
    }

    /// Adds or changes a segment (matched by name).
    pub async fn save_segment(
        &self,
        ctx: &Ctx,
        slug: &str,
        name: &str,
        zone: &str,
        vlan: Option<&str>,
        cidr: Option<&str>,
    ) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let segment = Segment::check(name, zone, vlan, cidr).map_err(AppError::Validation)?;
        let existing = self.store.segments_of(access.organisation.id).await?;
        let id = existing
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(&segment.name))
            .map_or_else(Uuid::now_v7, |s| s.id);
        let now = Self::now();
        let record = SegmentRecord {
            id,
            organisation_id: access.organisation.id,
            name: segment.name.clone(),
            zone: segment.zone.code().to_owned(),
            vlan: segment.vlan.map(i32::from),
            cidr: segment.cidr.clone(),
            updated_at: now,
            updated_by: ctx.label(),
        };
        let mut tx = self.store.begin().await?;
        tx.save_segment(&record).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "segment.save",
                "segment",
                Some(id.to_string()),
                format!("segment \"{}\" is a {} zone", segment.name, segment.zone.code()),
                json!({"zone": segment.zone.code(), "vlan": segment.vlan, "cidr": segment.cidr}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every asset placed where the segment policy does not allow it, explained.
    pub async fn segment_violations(&self, ctx: &Ctx, slug: &str) -> Result<Vec<Violation>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let segments: Vec<Segment> =
            self.store.segments_of(access.organisation.id).await?.iter().map(segment_of).collect();
        let assets = self.store.all_assets_of(access.organisation.id).await?;
        let drafts: Vec<(String, AssetDraft)> =
            assets.iter().map(|a| (a.id.to_string(), draft_of(a))).collect();
        Ok(check_segments(&segments, drafts.iter().map(|(id, d)| (id.as_str(), d))))
    }
}

fn segment_of(r: &SegmentRecord) -> Segment {
    Segment {
        name: r.name.clone(),
        zone: ZoneType::parse(&r.zone).unwrap_or(ZoneType::Other),
        vlan: r.vlan.and_then(|v| u16::try_from(v).ok()),
        cidr: r.cidr.clone(),
    }
}

/// Incoming assets, the file's columns and the field each feeds (CSV), and notes on the file.
pub(crate) type Inventory = (Vec<Incoming>, Vec<(String, Option<&'static str>)>, Vec<String>);

/// Reads a file into incoming assets (each with its line), its columns and notes.
fn read_inventory(
    format: ImportFormat,
    bytes: &[u8],
    mapping: Option<&[Option<&str>]>,
) -> Result<Inventory, AppError> {
    let refuse = |m: String| AppError::Validation(vec![ValidationError::new("file", "unreadable", m)]);
    match format {
        ImportFormat::Csv => {
            let file = read_asset_csv(bytes, mapping).map_err(|e| refuse(e.0))?;
            let columns = file.headers.iter().cloned().zip(file.mapping.iter().copied()).collect();
            let incoming = file
                .rows
                .into_iter()
                .map(|r| Incoming { line: r.line, asset: r.asset, observed: None, seen: None })
                .collect();
            Ok((incoming, columns, file.encoding_note.into_iter().collect()))
        }
        ImportFormat::Nmap => crate::inventory_scan::read_nmap(bytes).map_err(refuse),
    }
}

/// Decides, for each incoming asset, whether it adds, changes or leaves an asset: matched by
/// serial, then MAC, then IP with hostname, against the register and the file's earlier rows.
fn plan(
    format: ImportFormat,
    file_name: &str,
    organisation_id: Uuid,
    known: &[AssetRecord],
    incoming: Vec<Incoming>,
    ctx: &Ctx,
    now: OffsetDateTime,
) -> Vec<Planned> {
    let source = format!("{} {file_name} ({})", format.code(), now.date());
    let mut records: Vec<AssetRecord> = known.to_vec();
    let mut index = IdentityIndex::default();
    for (k, r) in known.iter().enumerate() {
        index.insert(k, &Identity::from(&draft_of(r).fields));
    }
    let mut planned = Vec::with_capacity(incoming.len());
    for row in incoming {
        let mut asset = match row.asset {
            Ok(a) => a,
            Err(errors) => {
                planned.push(Planned {
                    line: row.line,
                    name: String::new(),
                    action: RowAction::Error { errors: errors.iter().map(ToString::to_string).collect() },
                    record: None,
                });
                continue;
            }
        };
        let identity = Identity::from(&asset.fields);
        match index.find(&identity) {
            Some((i, rule)) => {
                let before = draft_of(&records[i]);
                if format == ImportFormat::Nmap && before.fields.vendor.is_some() {
                    // A scan's vendor is the network card's maker: never over a known vendor.
                    asset.fields.vendor = None;
                }
                let fields = changes(&before, &asset);
                let seen_changes = row.seen.is_some() || row.observed.is_some();
                let id = records[i].id;
                if fields.is_empty() && !seen_changes {
                    planned.push(Planned {
                        line: row.line,
                        name: before.name.clone(),
                        action: RowAction::Unchanged { asset: id, rule },
                        record: None,
                    });
                    continue;
                }
                let mut record =
                    record_of(id, organisation_id, &merged(&before, &asset), ctx, now, Some(&records[i]));
                note_sources(&mut record, &fields, &source);
                if let Some(o) = &row.observed {
                    record.observed = Some(o.to_string());
                }
                record.last_seen = row.seen.or(record.last_seen);
                index.insert(i, &Identity::from(&draft_of(&record).fields));
                records[i] = record.clone();
                let action = if fields.is_empty() {
                    RowAction::Unchanged { asset: id, rule }
                } else {
                    RowAction::Change { asset: id, rule, fields }
                };
                planned.push(Planned { line: row.line, name: before.name, action, record: Some(record) });
            }
            None => {
                let mut record = record_of(Uuid::now_v7(), organisation_id, &asset, ctx, now, None);
                note_sources(&mut record, &set_fields(&asset), &source);
                record.observed = row.observed.as_ref().map(ToString::to_string);
                record.last_seen = row.seen;
                index.insert(records.len(), &identity);
                records.push(record.clone());
                planned.push(Planned {
                    line: row.line,
                    name: asset.name.clone(),
                    action: RowAction::Add,
                    record: Some(record),
                });
            }
        }
    }
    planned
}

/// The field names an asset file can map columns to.
pub fn asset_fields() -> &'static [&'static str] {
    &FIELD_NAMES
}
