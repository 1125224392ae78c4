//! JSON shapes of the asset register (also printed by `ward assets … --json`).

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use ward_app::{Asset, ImportPreview, ImportReport, RowAction};
use ward_domain::segments::{Segment, Violation};

/// An asset and where each field came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetView {
    pub id: Uuid,
    /// `medical_device`, `clinical_workstation`, `server`, `network_device`, `building_iot`, `application`, `other`.
    pub kind: &'static str,
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
    pub owner_team: Option<&'static str>,
    pub owner: Option<String>,
    pub criticality: Option<&'static str>,
    pub patient_data: Option<bool>,
    pub patchability: Option<&'static str>,
    #[schema(value_type = Option<String>, format = Date)]
    pub support_end: Option<String>,
    pub edr: Option<&'static str>,
    pub os: Option<String>,
    /// Field → source (`csv inventory.csv (2026-11-29)`, `entered by …`).
    pub sources: BTreeMap<String, String>,
    /// Services and CPEs a scan saw.
    #[schema(value_type = Option<Object>)]
    pub observed: Option<serde_json::Value>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_seen: Option<String>,
}

impl From<&Asset> for AssetView {
    fn from(a: &Asset) -> Self {
        let f = &a.draft.fields;
        AssetView {
            id: a.id,
            kind: a.draft.kind.code(),
            name: a.draft.name.clone(),
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
            owner_team: f.owner_team.map(|v| v.code()),
            owner: f.owner.clone(),
            criticality: f.criticality.map(|v| v.code()),
            patient_data: f.patient_data,
            patchability: f.patchability.map(|v| v.code()),
            support_end: f.support_end.map(|d| d.to_string()),
            edr: f.edr.map(|v| v.code()),
            os: f.os.clone(),
            sources: a.sources.clone(),
            observed: a.observed.clone(),
            last_seen: a
                .last_seen
                .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok()),
        }
    }
}

/// A page of the register.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetPageView {
    /// How many assets match the filters in all.
    pub total: i64,
    pub assets: Vec<AssetView>,
}

/// One row of an import preview.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRowView {
    pub line: usize,
    pub name: String,
    /// `add`, `change`, `unchanged` or `error`.
    pub action: &'static str,
    /// The matched asset, for `change` and `unchanged`.
    pub asset: Option<Uuid>,
    /// How it was matched: `serial`, `mac`, `ip_and_hostname` or `ip_only`.
    pub rule: Option<&'static str>,
    /// Fields a `change` sets.
    pub fields: Vec<&'static str>,
    pub errors: Vec<String>,
}

/// What an import will do (`dry_run`), or did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    /// The pending import (confirm it with `POST …/assets/imports/{id}`).
    pub id: Option<Uuid>,
    pub format: &'static str,
    pub applied: bool,
    pub add: usize,
    pub change: usize,
    pub unchanged: usize,
    pub errors: usize,
    /// CSV: each column and the field it feeds (`null`: ignored).
    #[schema(value_type = Object)]
    pub columns: Vec<(String, Option<&'static str>)>,
    pub notes: Vec<String>,
    pub rows: Vec<ImportRowView>,
}

impl From<&ImportPreview> for ImportView {
    fn from(p: &ImportPreview) -> Self {
        ImportView {
            id: Some(p.id),
            format: p.format.code(),
            applied: false,
            add: p.add,
            change: p.change,
            unchanged: p.unchanged,
            errors: p.errors,
            columns: p.columns.clone(),
            notes: p.notes.clone(),
            rows: p
                .rows
                .iter()
                .map(|r| {
                    let (action, asset, rule, fields, errors) = match &r.action {
                        RowAction::Add => ("add", None, None, Vec::new(), Vec::new()),
                        RowAction::Change { asset, rule, fields } => {
                            ("change", Some(*asset), Some(rule.code()), fields.clone(), Vec::new())
                        }
                        RowAction::Unchanged { asset, rule } => {
                            ("unchanged", Some(*asset), Some(rule.code()), Vec::new(), Vec::new())
                        }
                        RowAction::Error { errors } => ("error", None, None, Vec::new(), errors.clone()),
                    };
                    ImportRowView { line: r.line, name: r.name.clone(), action, asset, rule, fields, errors }
                })
                .collect(),
        }
    }
}

impl ImportView {
    /// The preview after it was applied.
    pub fn applied(preview: &ImportPreview, report: &ImportReport) -> Self {
        let mut view = ImportView::from(preview);
        view.applied = true;
        view.id = None;
        view.add = report.added;
        view.change = report.changed;
        view.unchanged = report.unchanged;
        view.errors = report.skipped;
        view
    }
}

/// A network segment.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentView {
    pub name: String,
    /// `medical_devices`, `clinical`, `administrative`, `servers`, `guest`, `building`, `dmz`, `management`, `other`.
    pub zone: &'static str,
    pub vlan: Option<u16>,
    pub cidr: Option<String>,
}

impl From<&Segment> for SegmentView {
    fn from(s: &Segment) -> Self {
        SegmentView { name: s.name.clone(), zone: s.zone.code(), vlan: s.vlan, cidr: s.cidr.clone() }
    }
}

/// An asset placed where the segment policy does not allow it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationView {
    pub asset: String,
    pub name: String,
    pub segment: String,
    pub zone: Option<&'static str>,
    pub rule: &'static str,
    /// The rule in words.
    pub explanation: &'static str,
}

impl From<&Violation> for ViolationView {
    fn from(v: &Violation) -> Self {
        ViolationView {
            asset: v.asset.clone(),
            name: v.name.clone(),
            segment: v.segment.clone(),
            zone: v.zone.map(|z| z.code()),
            rule: v.rule.code(),
            explanation: v.rule.explain(),
        }
    }
}
