//! The asset register's pages: the list with filters and pages, one asset, an import's preview
//! before it is written, and the network segments with what breaks their policy.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::{AppError, AssetQuery, ImportFormat, ImportPreview, RowAction};
use ward_domain::assets::{AssetKind, Criticality, FIELD_NAMES};
use ward_domain::segments::ZoneType;

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::assessment::{messages, parse_uuid, read_upload};
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::state::AppState;

const PAGE: i64 = 50;

pub struct AssetRow {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub vendor_model: String,
    pub ip: String,
    pub mac: String,
    pub segment: String,
    pub owner: String,
    pub criticality: &'static str,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    criticality: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "assets.html")]
pub struct AssetsPage {
    layout: Layout,
    slug: String,
    rows: Vec<AssetRow>,
    total: i64,
    from: i64,
    to: i64,
    previous: Option<String>,
    next: Option<String>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    criticalities: Vec<(&'static str, &'static str, bool)>,
    q: String,
    can_edit: bool,
    errors: Vec<String>,
}

fn link(slug: &str, q: &ListQuery, offset: i64) -> String {
    let enc = |s: &str| s.replace('%', "%25").replace('&', "%26").replace('#', "%23").replace(' ', "+");
    format!(
        "/orgs/{slug}/assets?kind={}&criticality={}&q={}&offset={offset}",
        enc(&q.kind),
        enc(&q.criticality),
        enc(&q.q)
    )
}

async fn render_list(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    q: ListQuery,
    errors: Vec<String>,
) -> Result<AssetsPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let keep = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let query = AssetQuery {
        kind: keep(&q.kind),
        criticality: keep(&q.criticality),
        segment: None,
        text: keep(&q.q),
        limit: PAGE,
        offset: q.offset.max(0),
    };
    let page = state.ward.assets(&auth.ctx, slug, &query).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "assets.title", Section::Assets).await?;
    let offset = query.offset;
    let shown = page.assets.len() as i64;
    Ok(AssetsPage {
        layout,
        slug: slug.to_owned(),
        rows: page
            .assets
            .iter()
            .map(|a| {
                let f = &a.draft.fields;
                AssetRow {
                    id: a.id.to_string(),
                    name: a.draft.name.clone(),
                    kind: tr.label("asset_kind", a.draft.kind.code()),
                    vendor_model: [f.vendor.as_deref(), f.model.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" "),
                    ip: f.ip.clone().unwrap_or_default(),
                    mac: f.mac.clone().unwrap_or_default(),
                    segment: f.segment.clone().unwrap_or_default(),
                    owner: f.owner.clone().unwrap_or_default(),
                    criticality: f.criticality.map(|c| tr.label("criticality", c.code())).unwrap_or(""),
                }
            })
            .collect(),
        total: page.total,
        from: if shown == 0 { 0 } else { offset + 1 },
        to: offset + shown,
        previous: (offset > 0).then(|| link(slug, &q, (offset - PAGE).max(0))),
        next: (offset + shown < page.total).then(|| link(slug, &q, offset + PAGE)),
        kinds: AssetKind::ALL
            .iter()
            .map(|k| (k.code(), tr.label("asset_kind", k.code()), q.kind == k.code()))
            .collect(),
        criticalities: Criticality::ALL
            .iter()
            .map(|c| (c.code(), tr.label("criticality", c.code()), q.criticality == c.code()))
            .collect(),
        q: q.q.clone(),
        can_edit: profile.role.is_none_or(|r| r.allows(ward_domain::Permission::EditAny)),
        errors,
    })
}

/// `GET /orgs/{slug}/assets`
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<AssetsPage, PageError> {
    render_list(&state, &auth, tr, ctx, &slug, q, Vec::new()).await
}

/// `POST /orgs/{slug}/assets`: a new asset from the form.
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Response {
    let values: BTreeMap<String, String> =
        form.into_iter().filter(|(k, _)| FIELD_NAMES.contains(&k.as_str())).collect();
    match state.ward.save_asset(&auth.ctx, &slug, None, &values).await {
        Ok(id) => redirect_with_flash(&format!("/orgs/{slug}/assets/{id}"), "asset_saved", &[]),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_list(&state, &auth, tr, ctx, &slug, ListQuery::default(), messages(&errors)).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "asset.html")]
pub struct AssetPage {
    layout: Layout,
    slug: String,
    id: String,
    name: String,
    /// (field, label, value, source)
    fields: Vec<(&'static str, &'static str, String, String)>,
    observed: Option<String>,
    can_edit: bool,
    errors: Vec<String>,
}

async fn render_asset(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    id: &str,
    errors: Vec<String>,
) -> Result<AssetPage, PageError> {
    let asset_id = parse_uuid(id, "asset").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let asset = state.ward.asset(&auth.ctx, slug, asset_id).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "assets.asset", Section::Assets).await?;
    let value = serde_json::to_value(&asset.draft).unwrap_or_default();
    let fields = FIELD_NAMES
        .iter()
        .map(|f| {
            let v = match *f {
                "kind" | "name" => value.get(*f),
                _ => value.get("fields").and_then(|x| x.get(*f)),
            };
            let text = match v {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(serde_json::Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
                Some(serde_json::Value::Null) | None => String::new(),
                Some(other) => other.to_string(),
            };
            (*f, tr.label("asset_field", f), text, asset.sources.get(*f).cloned().unwrap_or_default())
        })
        .collect();
    Ok(AssetPage {
        layout,
        slug: slug.to_owned(),
        id: id.to_owned(),
        name: asset.draft.name.clone(),
        fields,
        observed: asset.observed.as_ref().and_then(|o| serde_json::to_string_pretty(o).ok()),
        can_edit: profile.role.is_none_or(|r| r.allows(ward_domain::Permission::EditAny)),
        errors,
    })
}

/// `GET /orgs/{slug}/assets/{id}`
pub async fn show(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<AssetPage, PageError> {
    render_asset(&state, &auth, tr, ctx, &slug, &id, Vec::new()).await
}

/// `POST /orgs/{slug}/assets/{id}`
pub async fn save(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Response {
    let values: BTreeMap<String, String> =
        form.into_iter().filter(|(k, _)| FIELD_NAMES.contains(&k.as_str())).collect();
    let result = async {
        let asset_id = parse_uuid(&id, "asset")?;
        state.ward.save_asset(&auth.ctx, &slug, Some(asset_id), &values).await
    }
    .await;
    match result {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/assets/{id}"), "asset_saved", &[]),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_asset(&state, &auth, tr, ctx, &slug, &id, messages(&errors)).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `POST /orgs/{slug}/assets/{id}/delete`
pub async fn delete(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
) -> Response {
    let result = async { state.ward.delete_asset(&auth.ctx, &slug, parse_uuid(&id, "asset")?).await }.await;
    match result {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/assets"), "asset_deleted", &[]),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `POST /orgs/{slug}/assets/import`: keeps the file and shows what it will do.
pub async fn import(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    multipart: Multipart,
) -> Response {
    let (fields, file) = match read_upload(multipart).await {
        Ok(x) => x,
        Err(e) => {
            return crate::pages::unprocessable(
                render_list(&state, &auth, tr, ctx, &slug, ListQuery::default(), vec![e]).await,
            );
        }
    };
    let Some((name, _, bytes)) = file else {
        let errors = vec![tr.t("cyfun.choose_file").to_owned()];
        return crate::pages::unprocessable(
            render_list(&state, &auth, tr, ctx, &slug, ListQuery::default(), errors).await,
        );
    };
    let format = fields.get("format").and_then(|f| ImportFormat::parse(f));
    match state.ward.preview_asset_import(&auth.ctx, &slug, format, &name, &bytes, None).await {
        Ok(p) => {
            axum::response::Redirect::to(&format!("/orgs/{slug}/assets/imports/{}", p.id)).into_response()
        }
        Err(AppError::Validation(errors)) => {
            let mut lines = vec![format!("{name}:")];
            lines.extend(messages(&errors));
            crate::pages::unprocessable(
                render_list(&state, &auth, tr, ctx, &slug, ListQuery::default(), lines).await,
            )
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// A CSV column: its position, header, and the fields it may feed (field, label, chosen).
pub type ColumnChoice = (usize, String, Vec<(&'static str, &'static str, bool)>);

pub struct PreviewRow {
    pub line: usize,
    pub name: String,
    pub action: &'static str,
    pub action_label: &'static str,
    pub detail: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "asset_import.html")]
pub struct ImportPage {
    layout: Layout,
    slug: String,
    id: String,
    file_name: String,
    format: &'static str,
    columns: Vec<ColumnChoice>,
    notes: Vec<String>,
    rows: Vec<PreviewRow>,
    add: usize,
    change: usize,
    unchanged: usize,
    errors: usize,
    problems: Vec<String>,
}

/// Column mapping from a form: `map_0=name`, `map_1=` (ignored) …
fn mapping_of(form: &BTreeMap<String, String>) -> Option<Vec<Option<String>>> {
    let mut out: Vec<Option<String>> = Vec::new();
    for (k, v) in form {
        if let Some(i) = k.strip_prefix("map_").and_then(|i| i.parse::<usize>().ok())
            && i < 1000
        {
            if out.len() <= i {
                out.resize(i + 1, None);
            }
            out[i] = Some(v.clone()).filter(|v| !v.is_empty());
        }
    }
    (!out.is_empty()).then_some(out)
}

fn render_preview(
    layout: Layout,
    slug: &str,
    p: &ImportPreview,
    tr: Tr,
    problems: Vec<String>,
) -> ImportPage {
    ImportPage {
        layout,
        slug: slug.to_owned(),
        id: p.id.to_string(),
        file_name: p.file_name.clone(),
        format: p.format.code(),
        columns: p
            .columns
            .iter()
            .enumerate()
            .map(|(i, (header, chosen))| {
                let options = FIELD_NAMES
                    .iter()
                    .map(|f| (*f, tr.label("asset_field", f), *chosen == Some(*f)))
                    .collect();
                (i, header.clone(), options)
            })
            .collect(),
        notes: p.notes.clone(),
        rows: p
            .rows
            .iter()
            .filter(|r| !matches!(r.action, RowAction::Unchanged { .. }))
            .take(1000)
            .map(|r| {
                let (action, detail) = match &r.action {
                    RowAction::Add => ("add", String::new()),
                    RowAction::Change { rule, fields, .. } => (
                        "change",
                        format!(
                            "{} · {} {}",
                            fields.join(", "),
                            tr.t("assets.matched_by"),
                            tr.label("match_rule", rule.code())
                        ),
                    ),
                    RowAction::Unchanged { .. } => ("unchanged", String::new()),
                    RowAction::Error { errors } => ("error", errors.join("; ")),
                };
                PreviewRow {
                    line: r.line,
                    name: r.name.clone(),
                    action,
                    action_label: tr.label("import_action", action),
                    detail,
                }
            })
            .collect(),
        add: p.add,
        change: p.change,
        unchanged: p.unchanged,
        errors: p.errors,
        problems,
    }
}

/// `GET /orgs/{slug}/assets/imports/{id}`: the preview (with another column mapping when given).
pub async fn preview(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(form): Query<BTreeMap<String, String>>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<ImportPage, PageError> {
    let import_id = parse_uuid(&id, "import").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, &slug).await.or_page(tr)?;
    let mapping = mapping_of(&form);
    let refs: Option<Vec<Option<&str>>> = mapping.as_ref().map(|m| m.iter().map(|x| x.as_deref()).collect());
    let p =
        state.ward.asset_import_preview(&auth.ctx, &slug, import_id, refs.as_deref()).await.or_page(tr)?;
    let layout = org_layout(&state, &auth, tr, ctx, &profile, "assets.import_title", Section::Assets).await?;
    Ok(render_preview(layout, &slug, &p, tr, Vec::new()))
}

/// `POST /orgs/{slug}/assets/imports/{id}`: writes it (valid rows only when asked).
pub async fn confirm(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<BTreeMap<String, String>>,
) -> Response {
    let mapping = mapping_of(&form);
    let refs: Option<Vec<Option<&str>>> = mapping.as_ref().map(|m| m.iter().map(|x| x.as_deref()).collect());
    let keep_valid = form.contains_key("keep_valid");
    let result = async {
        let import_id = parse_uuid(&id, "import")?;
        state.ward.apply_asset_import(&auth.ctx, &slug, import_id, refs.as_deref(), keep_valid).await
    }
    .await;
    match result {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/assets"), "assets_imported", &[]),
        Err(AppError::Validation(errors)) => {
            let page = async {
                let import_id = parse_uuid(&id, "import").or_page(tr)?;
                let profile = state.ward.organisation(&auth.ctx, &slug).await.or_page(tr)?;
                let p = state
                    .ward
                    .asset_import_preview(&auth.ctx, &slug, import_id, refs.as_deref())
                    .await
                    .or_page(tr)?;
                let layout =
                    org_layout(&state, &auth, tr, ctx, &profile, "assets.import_title", Section::Assets)
                        .await?;
                let mut problems = vec![tr.t("assets.nothing_written").to_owned()];
                problems.extend(messages(&errors).into_iter().take(50));
                Ok(render_preview(layout, &slug, &p, tr, problems))
            }
            .await;
            crate::pages::unprocessable(page)
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

pub struct ViolationRow {
    pub asset: String,
    pub name: String,
    pub segment: String,
    pub zone: &'static str,
    pub rule: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "segments.html")]
pub struct SegmentsPage {
    layout: Layout,
    slug: String,
    segments: Vec<(String, &'static str, String, String)>,
    zones: Vec<(&'static str, &'static str)>,
    violations: Vec<ViolationRow>,
    can_edit: bool,
    errors: Vec<String>,
}

async fn render_segments(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    errors: Vec<String>,
) -> Result<SegmentsPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let segments = state.ward.segments(&auth.ctx, slug).await.or_page(tr)?;
    let violations = state.ward.segment_violations(&auth.ctx, slug).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "assets.segments", Section::Assets).await?;
    Ok(SegmentsPage {
        layout,
        slug: slug.to_owned(),
        segments: segments
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    tr.label("zone", s.zone.code()),
                    s.vlan.map(|v| v.to_string()).unwrap_or_default(),
                    s.cidr.clone().unwrap_or_default(),
                )
            })
            .collect(),
        zones: ZoneType::ALL.iter().map(|z| (z.code(), tr.label("zone", z.code()))).collect(),
        violations: violations
            .iter()
            .map(|v| ViolationRow {
                asset: v.asset.clone(),
                name: v.name.clone(),
                segment: v.segment.clone(),
                zone: v.zone.map(|z| tr.label("zone", z.code())).unwrap_or(""),
                rule: tr.label("segment_rule", v.rule.code()),
            })
            .collect(),
        can_edit: profile.role.is_none_or(|r| r.allows(ward_domain::Permission::EditAny)),
        errors,
    })
}

/// `GET /orgs/{slug}/segments`
pub async fn segments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<SegmentsPage, PageError> {
    render_segments(&state, &auth, tr, ctx, &slug, Vec::new()).await
}

#[derive(Deserialize)]
pub struct SegmentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    vlan: String,
    #[serde(default)]
    cidr: String,
}

/// `POST /orgs/{slug}/segments`
pub async fn save_segment(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(f): axum::Form<SegmentForm>,
) -> Response {
    match state.ward.save_segment(&auth.ctx, &slug, &f.name, &f.zone, Some(&f.vlan), Some(&f.cidr)).await {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/segments"), "segment_saved", &[]),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_segments(&state, &auth, tr, ctx, &slug, messages(&errors)).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}
