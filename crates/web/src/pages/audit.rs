//! The audit log of an organisation (owners, auditors) and of the installation (administrators),
//! with filters and CSV export.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use ward_app::AuditFilter;
use ward_domain::AuditEntry;
use ward_domain::spreadsheet::csv_field;

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::state::AppState;

const PAGE: i64 = 100;

pub struct EntryRow {
    pub seq: i64,
    pub at: String,
    pub at_iso: String,
    pub actor: String,
    pub action: String,
    pub summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    layout: Layout,
    base: String,
    action: String,
    actor: String,
    entries: Vec<EntryRow>,
    older: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct AuditQueryForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    actor: String,
    before: Option<i64>,
}

impl AuditQueryForm {
    fn filter(&self, limit: i64) -> AuditFilter {
        AuditFilter {
            action: Some(self.action.clone()),
            actor: Some(self.actor.clone()),
            before_seq: self.before,
            limit: Some(limit),
            ..Default::default()
        }
    }
}

fn rows(entries: &[AuditEntry]) -> Vec<EntryRow> {
    let shown = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    entries
        .iter()
        .map(|e| EntryRow {
            seq: e.seq,
            at: e.at.format(&shown).unwrap_or_default(),
            at_iso: e.at.format(&Rfc3339).unwrap_or_default(),
            actor: e.entry.actor_label.clone(),
            action: e.entry.action.clone(),
            summary: e.entry.summary.clone(),
        })
        .collect()
}

/// `GET /orgs/{slug}/audit`
pub async fn org_log(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Query(q): Query<AuditQueryForm>,
) -> Result<AuditPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, &slug).await.or_page(tr)?;
    let entries = state.ward.audit_log(&auth.ctx, &slug, &q.filter(PAGE)).await.or_page(tr)?;
    let layout = org_layout(&state, &auth, tr, ctx, &profile, "audit.title", Section::Audit).await?;
    let older = (entries.len() as i64 == PAGE).then(|| entries.last().map(|e| e.seq)).flatten();
    Ok(AuditPage {
        layout,
        base: format!("/orgs/{slug}/audit"),
        action: q.action,
        actor: q.actor,
        entries: rows(&entries),
        older,
    })
}

/// `GET /admin/audit`
pub async fn installation_log(
    State(state): State<AppState>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    Query(q): Query<AuditQueryForm>,
) -> Result<AuditPage, PageError> {
    let entries = state.ward.installation_audit_log(&auth.ctx, &q.filter(PAGE)).await.or_page(tr)?;
    let layout = Layout::build(&state.ward, &auth, tr, ctx, tr.t("audit.title"), None).await.or_page(tr)?;
    let older = (entries.len() as i64 == PAGE).then(|| entries.last().map(|e| e.seq)).flatten();
    Ok(AuditPage {
        layout,
        base: "/admin/audit".into(),
        action: q.action,
        actor: q.actor,
        entries: rows(&entries),
        older,
    })
}

/// `GET /orgs/{slug}/audit.csv`: the filtered log (up to 10 000 entries) for spreadsheets.
pub async fn org_log_csv(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    Query(q): Query<AuditQueryForm>,
) -> Result<Response, PageError> {
    let entries = state.ward.audit_log(&auth.ctx, &slug, &q.filter(10_000)).await.or_page(tr)?;
    let mut out = String::from(
        "seq,at,actor_kind,actor,action,target_type,target_id,summary,details,request_id,ip\r\n",
    );
    for e in &entries {
        let fields = [
            e.seq.to_string(),
            e.at.format(&Rfc3339).unwrap_or_default(),
            e.entry.actor_kind.code().to_owned(),
            e.entry.actor_label.clone(),
            e.entry.action.clone(),
            e.entry.target_type.clone(),
            e.entry.target_id.clone().unwrap_or_default(),
            e.entry.summary.clone(),
            e.entry.details.clone(),
            e.entry.request_id.clone().unwrap_or_default(),
            e.entry.ip.clone().unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"ward-audit-{slug}.csv\"")),
        ],
        out,
    )
        .into_response())
}
