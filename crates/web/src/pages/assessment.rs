//! The CyFun assessment workspace: the list of assessments, the scoring table with its filters and
//! verdict banner, a requirement's detail (guidance, comment, N/A, evidence), snapshots and the
//! trend, and the official workbook in and out.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::Date;
use time::macros::format_description;
use uuid::Uuid;
use ward_app::{
    AnswerInput, AnswerStatus, AppError, Assessment, AssessmentInput, AssessmentSummary, Comparison,
    EvidenceInput,
};
use ward_domain::cyfun::{Answer, Failing, Framework, Level};
use ward_domain::{Locale, Permission, ValidationError};

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::state::AppState;

pub(crate) fn figure(v: f64) -> String {
    format!("{v:.2}")
}

fn day(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

pub(crate) fn level_name(tr: Tr, level: Level) -> &'static str {
    tr.t(match level {
        Level::Basic => "cyfun.level_basic",
        Level::Important => "cyfun.level_important",
        Level::Essential => "cyfun.level_essential",
    })
}

pub(crate) fn parse_uuid(raw: &str, what: &'static str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| AppError::NotFound(what))
}

// ----- the list -----

#[derive(Template, WebTemplate)]
#[template(path = "assessments.html")]
pub struct ListPage {
    layout: Layout,
    slug: String,
    assessments: Vec<AssessmentSummary>,
    can_edit: bool,
    errors: Vec<String>,
    name: String,
}

impl ListPage {
    fn level(&self, level: &Level) -> &'static str {
        level_name(self.layout.tr, *level)
    }
    fn fig(&self, v: &f64) -> String {
        figure(*v)
    }
}

async fn render_list(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    errors: Vec<String>,
    name: String,
) -> Result<ListPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let assessments = state.ward.assessments(&auth.ctx, slug).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "cyfun.title", Section::Assessment).await?;
    Ok(ListPage {
        layout,
        slug: slug.to_owned(),
        assessments,
        can_edit: profile.role.is_none_or(|r| r.allows(Permission::EditAny)),
        errors,
        name,
    })
}

/// `GET /orgs/{slug}/assessments`
pub async fn list(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<ListPage, PageError> {
    render_list(&state, &auth, tr, ctx, &slug, Vec::new(), String::new()).await
}

#[derive(Deserialize)]
pub struct CreateForm {
    name: String,
    framework: String,
    #[serde(default)]
    target_level: String,
    #[serde(default)]
    scope: String,
}

pub(crate) fn messages(errors: &[ValidationError]) -> Vec<String> {
    errors.iter().map(|e| e.reason.clone()).collect()
}

/// `POST /orgs/{slug}/assessments`
pub async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<CreateForm>,
) -> Response {
    let framework = Framework::parse(&form.framework).unwrap_or(Framework::Cyfun2025);
    let target = Level::parse(&form.target_level).ok();
    let input =
        AssessmentInput { name: form.name.clone(), framework, target_level: target, scope: form.scope };
    match state.ward.create_assessment(&auth.ctx, &slug, &input).await {
        Ok(id) => redirect_with_flash(&format!("/orgs/{slug}/assessments/{id}"), "assessment_created", &[]),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_list(&state, &auth, tr, ctx, &slug, messages(&errors), form.name).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// Reads the first file field of a multipart form, and the text fields.
pub(crate) async fn read_upload(
    mut multipart: Multipart,
) -> Result<(HashMap<String, String>, Option<(String, String, Vec<u8>)>), String> {
    let mut fields = HashMap::new();
    let mut file = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                if let Some(file_name) = field.file_name().map(str::to_owned) {
                    let media = field.content_type().unwrap_or("application/octet-stream").to_owned();
                    let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                    if !bytes.is_empty() && file.is_none() {
                        file = Some((file_name, media, bytes.to_vec()));
                    }
                } else {
                    let text = field.text().await.map_err(|e| e.body_text())?;
                    fields.insert(name, text);
                }
            }
            Ok(None) => break,
            Err(e) => return Err(e.body_text()),
        }
    }
    Ok((fields, file))
}

/// `POST /orgs/{slug}/assessments/import`: a filled official workbook becomes a new assessment.
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
                render_list(&state, &auth, tr, ctx, &slug, vec![e], String::new()).await,
            );
        }
    };
    let Some((file_name, _, bytes)) = file else {
        let errors = vec![tr.t("cyfun.choose_file").to_owned()];
        return crate::pages::unprocessable(
            render_list(&state, &auth, tr, ctx, &slug, errors, String::new()).await,
        );
    };
    let name = fields
        .get("name")
        .cloned()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| file_name.trim_end_matches(".xlsx").to_owned());
    match state.ward.import_workbook(&auth.ctx, &slug, &bytes, &name).await {
        Ok(id) => redirect_with_flash(&format!("/orgs/{slug}/assessments/{id}"), "workbook_imported", &[]),
        Err(AppError::Validation(errors)) => {
            let mut lines = vec![format!("{file_name}:")];
            lines.extend(messages(&errors));
            crate::pages::unprocessable(
                render_list(&state, &auth, tr, ctx, &slug, lines, String::new()).await,
            )
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

// ----- the workspace -----

pub struct LevelBanner {
    pub code: &'static str,
    pub name: &'static str,
    pub pass: bool,
    pub total: String,
    pub target: bool,
    pub failing: Vec<String>,
    pub more: usize,
    pub points: u32,
}

pub struct Bar {
    pub id: String,
    pub name: String,
    pub value: String,
    pub y: usize,
    pub width: f64,
    pub text_x: f64,
}

/// The bars of a maturity-by-function chart (x from 120, 300 px for 5).
pub(crate) fn function_bars<'a>(
    catalog: &ward_domain::cyfun::Catalog,
    functions: impl Iterator<Item = (&'a str, f64)>,
    tr: Tr,
) -> Vec<Bar> {
    functions
        .enumerate()
        .map(|(i, (id, maturity))| {
            let width = maturity / 5.0 * 300.0;
            Bar {
                id: id.to_owned(),
                name: catalog.function(id).map(|x| x.name.get(tr.locale).to_owned()).unwrap_or_default(),
                value: figure(maturity),
                y: 10 + i * 30,
                width,
                text_x: 120.0 + width + 6.0,
            }
        })
        .collect()
}

pub struct RowView {
    pub id: String,
    pub anchor: String,
    pub title: String,
    pub official: Option<String>,
    pub level: &'static str,
    pub key_measure: bool,
    pub management: bool,
    pub documentation: String,
    pub implementation: String,
    pub not_applicable: bool,
    pub status: &'static str,
    pub status_code: &'static str,
    pub owner: String,
    pub evidence: usize,
    pub stale_evidence: bool,
    /// Ward's healthcare advice in a sentence or three, and its effort (S/M/L).
    pub advice: Option<String>,
    pub effort: Option<&'static str>,
}

pub struct Group {
    pub id: String,
    pub name: String,
    pub maturity: String,
    pub below: bool,
    pub rows: Vec<RowView>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub function: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
}

impl Filters {
    fn active(&self) -> bool {
        [&self.function, &self.category, &self.level, &self.key, &self.owner, &self.status, &self.q]
            .iter()
            .any(|v| !v.is_empty())
    }

    fn query(&self) -> String {
        serde_urlencoded::to_string(
            [
                ("function", &self.function),
                ("category", &self.category),
                ("level", &self.level),
                ("key", &self.key),
                ("owner", &self.owner),
                ("status", &self.status),
                ("q", &self.q),
            ]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .collect::<Vec<_>>(),
        )
        .unwrap_or_default()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "assessment.html")]
pub struct WorkspacePage {
    layout: Layout,
    slug: String,
    id: String,
    name: String,
    framework: &'static str,
    target: &'static str,
    scope: String,
    banners: Vec<LevelBanner>,
    answered: usize,
    applicable: usize,
    percent: usize,
    bars: Vec<Bar>,
    chart_height: usize,
    groups: Vec<Group>,
    shown: usize,
    filters: Filters,
    filter_query: String,
    functions: Vec<(String, String)>,
    categories: Vec<(String, String)>,
    owners: Vec<String>,
    statuses: Vec<(&'static str, &'static str)>,
    filters_active: bool,
    can_assign: bool,
    official_count: usize,
}

fn failing_line(tr: Tr, f: &Failing) -> String {
    match f {
        Failing::KeyMeasure { requirement, score, required } => {
            format!("{} {requirement}: {} < {}", tr.t("cyfun.key_measure"), figure(*score), figure(*required))
        }
        Failing::Category { category, maturity, required } => {
            format!("{} {category}: {} < {}", tr.t("cyfun.category"), figure(*maturity), figure(*required))
        }
        Failing::Total { total, required } => {
            format!("{}: {} < {}", tr.t("cyfun.total"), figure(*total), figure(*required))
        }
        Failing::Answer { problem } => problem.to_string(),
    }
}

pub(crate) fn banners(tr: Tr, a: &Assessment) -> Vec<LevelBanner> {
    Level::ALL
        .into_iter()
        .filter(|l| *l <= a.target_level)
        .map(|level| {
            let v = a.verdict(level);
            let lines: Vec<String> = v.failing.iter().map(|f| failing_line(tr, f)).collect();
            LevelBanner {
                code: level.code(),
                name: level_name(tr, level),
                pass: v.pass,
                total: figure(v.total),
                target: level == a.target_level,
                more: lines.len().saturating_sub(6),
                failing: lines.into_iter().take(6).collect(),
                points: v.to_pass.iter().map(|i| u32::from(i.to - i.from)).sum(),
            }
        })
        .collect()
}

fn score_text(v: Option<u8>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

fn status_label(tr: Tr, s: AnswerStatus) -> &'static str {
    tr.t(match s {
        AnswerStatus::Todo => "cyfun.status_todo",
        AnswerStatus::InProgress => "cyfun.status_in_progress",
        AnswerStatus::Done => "cyfun.status_done",
    })
}

async fn render_workspace(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    id: &str,
    filters: Filters,
) -> Result<WorkspacePage, PageError> {
    let id = parse_uuid(id, "assessment").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let (_, a) = state.ward.assessment(&auth.ctx, slug, id).await.or_page(tr)?;
    let official = official_texts(state, a.framework, tr.locale).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "cyfun.workspace", Section::Assessment).await?;
    let catalog = a.catalog();
    let card = a.scorecard(a.target_level);
    let today = time::OffsetDateTime::now_utc().date();
    let level_filter = Level::parse(&filters.level).ok();
    let status_filter = AnswerStatus::parse(&filters.status).ok();
    let q = filters.q.trim().to_lowercase();
    let mut groups: Vec<Group> = Vec::new();
    let mut shown = 0;
    let mut owners: Vec<String> = Vec::new();
    for r in catalog.at_level(a.target_level) {
        let record = a.answer(&r.id);
        let owner = record.and_then(|x| x.owner.clone()).unwrap_or_default();
        if !owner.is_empty() && !owners.contains(&owner) {
            owners.push(owner.clone());
        }
        let status = record.and_then(|x| AnswerStatus::parse(&x.status).ok()).unwrap_or(AnswerStatus::Todo);
        let title = r.title.get(tr.locale).to_owned();
        let keep = (filters.function.is_empty() || r.function == filters.function)
            && (filters.category.is_empty() || r.category == filters.category)
            && level_filter.is_none_or(|l| r.level == l)
            && (filters.key.is_empty() || r.is_key_measure_at(a.target_level))
            && (filters.owner.is_empty() || owner == filters.owner)
            && status_filter.is_none_or(|s| s == status)
            && (q.is_empty() || r.id.to_lowercase().contains(&q) || title.to_lowercase().contains(&q));
        if !keep {
            continue;
        }
        shown += 1;
        let evidence: Vec<_> = a.evidence.iter().filter(|e| e.requirement_id == r.id).collect();
        let advice =
            ward_domain::guidance::Guidance::builtin().for_requirement(a.framework, &r.id).into_iter().next();
        let row = RowView {
            advice: advice.map(|g| g.text.get(tr.locale).healthcare.clone()),
            effort: advice.map(|g| g.effort.code()),
            id: r.id.clone(),
            anchor: r.id.replace('.', "-"),
            title,
            official: official.get(&r.id).cloned(),
            level: level_name(tr, r.level),
            key_measure: r.is_key_measure_at(a.target_level),
            management: r.management_aspect,
            documentation: score_text(record.and_then(|x| x.documentation)),
            implementation: score_text(record.and_then(|x| x.implementation)),
            not_applicable: record.is_some_and(|x| x.not_applicable),
            status: status_label(tr, status),
            status_code: status.code(),
            owner,
            evidence: evidence.len(),
            stale_evidence: evidence.iter().any(|e| e.review_by.is_some_and(|d| d < today)),
        };
        match groups.last_mut() {
            Some(g) if g.id == r.category => g.rows.push(row),
            _ => {
                let c = catalog.category(&r.category);
                let score = card.categories.iter().find(|x| x.id == r.category);
                groups.push(Group {
                    id: r.category.clone(),
                    name: c.map(|c| c.name.get(tr.locale).to_owned()).unwrap_or_default(),
                    maturity: score.map(|s| figure(s.maturity)).unwrap_or_default(),
                    below: score.is_some_and(|s| s.maturity < 3.0),
                    rows: vec![row],
                })
            }
        }
    }
    owners.sort();
    let bars = function_bars(catalog, card.functions.iter().map(|f| (f.id.as_str(), f.maturity)), tr);
    let (answered, applicable) = a.progress();
    let role = profile.role;
    Ok(WorkspacePage {
        slug: slug.to_owned(),
        id: id.to_string(),
        name: a.record.name.clone(),
        framework: a.framework.label(),
        target: level_name(tr, a.target_level),
        scope: a.record.scope.clone(),
        banners: banners(tr, &a),
        answered,
        applicable,
        percent: (answered * 100).checked_div(applicable).unwrap_or(0),
        chart_height: 20 + bars.len() * 30,
        bars,
        groups,
        shown,
        filter_query: filters.query(),
        functions: catalog
            .functions
            .iter()
            .map(|f| (f.id.clone(), f.name.get(tr.locale).to_owned()))
            .collect(),
        categories: catalog
            .categories
            .iter()
            .map(|c| (c.id.clone(), c.name.get(tr.locale).to_owned()))
            .collect(),
        owners,
        statuses: AnswerStatus::ALL.iter().map(|s| (s.code(), status_label(tr, *s))).collect(),
        filters_active: filters.active(),
        can_assign: role.is_none_or(|r| r.allows(Permission::EditAssigned)),
        official_count: official.len(),
        filters,
        layout,
    })
}

async fn official_texts(
    state: &AppState,
    framework: Framework,
    locale: Locale,
) -> Result<HashMap<String, String>, AppError> {
    let mut texts: HashMap<String, String> =
        state.ward.official_texts(framework, "en").await?.into_iter().map(|(k, v)| (k, v.text)).collect();
    if locale != Locale::En {
        for (k, v) in state.ward.official_texts(framework, locale.tag()).await? {
            texts.insert(k, v.text);
        }
    }
    Ok(texts)
}

/// `GET /orgs/{slug}/assessments/{id}`
pub async fn workspace(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(filters): Query<Filters>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<WorkspacePage, PageError> {
    render_workspace(&state, &auth, tr, ctx, &slug, &id, filters).await
}

#[derive(Deserialize, Default)]
pub struct ScoreForm {
    #[serde(default)]
    documentation: String,
    #[serde(default)]
    implementation: String,
    #[serde(default)]
    return_query: String,
}

fn score_field(raw: &str) -> Option<u8> {
    raw.trim().parse().ok()
}

/// `POST /orgs/{slug}/assessments/{id}/score/{requirement}`: the table's row form (without script).
pub async fn score_row(
    State(state): State<AppState>,
    Path((slug, id, requirement)): Path<(String, String, String)>,
    auth: Auth,
    tr: Tr,
    axum::Form(form): axum::Form<ScoreForm>,
) -> Result<Response, PageError> {
    let id = parse_uuid(&id, "assessment").or_page(tr)?;
    let input = AnswerInput {
        documentation: score_field(&form.documentation),
        implementation: score_field(&form.implementation),
        ..Default::default()
    };
    let back = format!(
        "/orgs/{slug}/assessments/{id}{}{}#r-{}",
        if form.return_query.is_empty() { "" } else { "?" },
        form.return_query,
        requirement.replace('.', "-")
    );
    Ok(match state.ward.save_answer(&auth.ctx, &slug, id, &requirement, &input).await {
        Ok(_) => redirect_with_flash(&back, "answer_saved", &[]),
        Err(error) => PageError { tr, error }.into_response(),
    })
}

// ----- one requirement -----

pub struct EvidenceView {
    pub id: String,
    pub title: String,
    pub link: Option<String>,
    pub file: Option<String>,
    pub size: String,
    pub review_by: Option<String>,
    pub stale: bool,
    pub added: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "requirement.html")]
pub struct RequirementPage {
    layout: Layout,
    slug: String,
    id: String,
    assessment: String,
    requirement: String,
    anchor: String,
    title: String,
    title_en: String,
    official: Option<String>,
    guidance: Option<String>,
    official_source: Option<String>,
    function: String,
    category: String,
    level: &'static str,
    key_measure: Option<&'static str>,
    management: bool,
    na_allowed: bool,
    documentation: String,
    implementation: String,
    not_applicable: bool,
    justification: String,
    comment: String,
    owner: String,
    status: &'static str,
    statuses: Vec<(&'static str, &'static str)>,
    reviewed: Option<String>,
    updated: String,
    evidence: Vec<EvidenceView>,
    mapped: Vec<(String, String)>,
    /// Ward's healthcare guidance (for CyFun 2023, that of the 2025 requirements it maps to).
    advice: Vec<crate::pages::guidance::AdviceView>,
    /// Readiness signals: (source, fact, contradiction with the score).
    signals: Vec<(&'static str, String, Option<String>)>,
    can_edit: bool,
    errors: Vec<String>,
    scale: Vec<(u8, &'static str)>,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MiB", bytes as f64 / 1024.0 / 1024.0)
    } else if bytes >= 1024 {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} B")
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_requirement(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    id: &str,
    requirement: &str,
    typed: Option<AnswerForm>,
    errors: Vec<String>,
) -> Result<RequirementPage, PageError> {
    let id = parse_uuid(id, "assessment").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let (_, a) = state.ward.assessment(&auth.ctx, slug, id).await.or_page(tr)?;
    let catalog = a.catalog();
    let r = catalog.requirement(requirement).ok_or(AppError::NotFound("requirement")).or_page(tr)?;
    let texts_en = state.ward.official_texts(a.framework, "en").await.or_page(tr)?;
    let texts_local = if tr.locale == Locale::En {
        HashMap::new()
    } else {
        state.ward.official_texts(a.framework, tr.locale.tag()).await.or_page(tr)?
    };
    let official = texts_local.get(requirement).or_else(|| texts_en.get(requirement));
    let signals = state.ward.readiness_signals(&auth.ctx, slug, id).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "cyfun.requirement", Section::Assessment).await?;
    let record = a.answer(requirement);
    let today = time::OffsetDateTime::now_utc().date();
    let form = typed.unwrap_or_else(|| AnswerForm {
        documentation: score_text(record.and_then(|x| x.documentation)),
        implementation: score_text(record.and_then(|x| x.implementation)),
        not_applicable: record.is_some_and(|x| x.not_applicable).then(|| "on".to_owned()),
        justification: record.and_then(|x| x.justification.clone()),
        comment: record.and_then(|x| x.comment.clone()),
        owner: record.and_then(|x| x.owner.clone()),
        status: record.map(|x| x.status.clone()),
        reviewed: None,
        na_shown: None,
    });
    let mapped = match a.framework {
        Framework::Cyfun2025 => ward_domain::cyfun::mapping_2023_2025()
            .iter()
            .filter(|m| m.to_2025 == requirement)
            .map(|m| (m.from_2023.clone(), format!("{:?}", m.relationship).to_lowercase()))
            .collect(),
        Framework::Cyfun2023 => ward_domain::cyfun::mapping_2023_2025()
            .iter()
            .filter(|m| m.from_2023 == requirement)
            .map(|m| (m.to_2025.clone(), format!("{:?}", m.relationship).to_lowercase()))
            .collect(),
    };
    Ok(RequirementPage {
        slug: slug.to_owned(),
        id: id.to_string(),
        assessment: a.record.name.clone(),
        requirement: r.id.clone(),
        anchor: r.id.replace('.', "-"),
        title: r.title.get(tr.locale).to_owned(),
        title_en: r.title.en.clone(),
        advice: crate::pages::guidance::AdviceView::for_requirement(a.framework, &r.id, tr),
        signals: signals
            .iter()
            .filter(|s| s.signal.requirement == r.id)
            .map(|s| crate::pages::plan::signal_text(tr, s))
            .collect(),
        official: official.map(|t| t.text.clone()),
        guidance: official.and_then(|t| t.guidance.clone()),
        official_source: official.map(|t| t.source.clone()),
        function: catalog.function(&r.function).map(|f| f.name.get(tr.locale).to_owned()).unwrap_or_default(),
        category: catalog.category(&r.category).map(|c| c.name.get(tr.locale).to_owned()).unwrap_or_default(),
        level: level_name(tr, r.level),
        key_measure: r.key_measure_from.map(|l| level_name(tr, l)),
        management: r.management_aspect,
        na_allowed: r.not_applicable_allowed,
        documentation: form.documentation,
        implementation: form.implementation,
        not_applicable: form.not_applicable.is_some(),
        justification: form.justification.unwrap_or_default(),
        comment: form.comment.unwrap_or_default(),
        owner: form.owner.unwrap_or_default(),
        status: form
            .status
            .as_deref()
            .and_then(|s| AnswerStatus::parse(s).ok())
            .unwrap_or(AnswerStatus::Todo)
            .code(),
        statuses: AnswerStatus::ALL.iter().map(|s| (s.code(), status_label(tr, *s))).collect(),
        reviewed: record.and_then(|x| x.last_reviewed_at).map(|t| day(t.date())),
        updated: record
            .map(|x| format!("{} · {}", day(x.updated_at.date()), x.updated_by))
            .unwrap_or_default(),
        evidence: a
            .evidence
            .iter()
            .filter(|e| e.requirement_id == requirement)
            .map(|e| EvidenceView {
                id: e.id.to_string(),
                title: e.title.clone(),
                link: e.link.clone(),
                file: e.file_name.clone(),
                size: size_text(e.size),
                review_by: e.review_by.map(day),
                stale: e.review_by.is_some_and(|d| d < today),
                added: format!("{} · {}", day(e.added_at.date()), e.added_by),
            })
            .collect(),
        mapped,
        can_edit: profile.role.is_none_or(|x| x.allows(Permission::EditAssigned)),
        errors,
        scale: (1..=5u8)
            .map(|v| {
                (
                    v,
                    tr.t(match v {
                        1 => "cyfun.scale_1",
                        2 => "cyfun.scale_2",
                        3 => "cyfun.scale_3",
                        4 => "cyfun.scale_4",
                        _ => "cyfun.scale_5",
                    }),
                )
            })
            .collect(),
        layout,
    })
}

/// `GET /orgs/{slug}/assessments/{id}/requirements/{requirement}`
pub async fn requirement(
    State(state): State<AppState>,
    Path((slug, id, requirement)): Path<(String, String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<RequirementPage, PageError> {
    render_requirement(&state, &auth, tr, ctx, &slug, &id, &requirement, None, Vec::new()).await
}

#[derive(Deserialize, Default, Clone)]
pub struct AnswerForm {
    #[serde(default)]
    documentation: String,
    #[serde(default)]
    implementation: String,
    not_applicable: Option<String>,
    /// Fields left out of a form stay as they are (`None`); an empty field clears.
    justification: Option<String>,
    comment: Option<String>,
    owner: Option<String>,
    status: Option<String>,
    reviewed: Option<String>,
    /// The N/A checkbox is part of the form (so its absence means "not N/A").
    na_shown: Option<String>,
}

/// `POST /orgs/{slug}/assessments/{id}/requirements/{requirement}`
pub async fn save_requirement(
    State(state): State<AppState>,
    Path((slug, id, requirement)): Path<(String, String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<AnswerForm>,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let mut errors = Vec::new();
    let mut score = |raw: &str, field: &str| -> Option<u8> {
        match raw.trim() {
            "" => None,
            t => match t.parse::<u8>() {
                Ok(v) if (1..=5).contains(&v) => Some(v),
                _ => {
                    errors.push(format!("{field}: \"{t}\" {}", tr.t("cyfun.not_a_score")));
                    None
                }
            },
        }
    };
    let documentation = score(&form.documentation, tr.t("cyfun.documentation"));
    let implementation = score(&form.implementation, tr.t("cyfun.implementation"));
    let status = form.status.as_deref().and_then(|s| AnswerStatus::parse(s).ok());
    if !errors.is_empty() {
        return Ok(crate::pages::unprocessable(
            render_requirement(&state, &auth, tr, ctx, &slug, &id, &requirement, Some(form), errors).await,
        ));
    }
    let input = AnswerInput {
        documentation,
        implementation,
        not_applicable: form.na_shown.is_some().then_some(form.not_applicable.is_some()),
        justification: form.justification.clone(),
        comment: form.comment.clone(),
        owner: form.owner.clone(),
        status,
        reviewed: form.reviewed.is_some(),
    };
    Ok(match state.ward.save_answer(&auth.ctx, &slug, assessment, &requirement, &input).await {
        Ok(_) => redirect_with_flash(
            &format!("/orgs/{slug}/assessments/{id}/requirements/{requirement}"),
            "answer_saved",
            &[],
        ),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_requirement(
                &state,
                &auth,
                tr,
                ctx,
                &slug,
                &id,
                &requirement,
                Some(form),
                messages(&errors),
            )
            .await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    })
}

/// `POST /orgs/{slug}/assessments/{id}/requirements/{requirement}/evidence` (a link or a file)
pub async fn add_evidence(
    State(state): State<AppState>,
    Path((slug, id, requirement)): Path<(String, String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let fail = |errors: Vec<String>| async {
        crate::pages::unprocessable(
            render_requirement(&state, &auth, tr, ctx, &slug, &id, &requirement, None, errors).await,
        )
    };
    let (fields, file) = match read_upload(multipart).await {
        Ok(x) => x,
        Err(e) => return Ok(fail(vec![e]).await),
    };
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let review_by = match get("review_by").trim() {
        "" => None,
        d => match Date::parse(d, format_description!("[year]-[month]-[day]")) {
            Ok(d) => Some(d),
            Err(_) => {
                return Ok(
                    fail(vec![format!("{}: {}", tr.t("cyfun.review_by"), tr.t("cyfun.bad_date"))]).await
                );
            }
        },
    };
    let input = EvidenceInput { title: get("title"), link: Some(get("link")), file, review_by };
    Ok(match state.ward.add_evidence(&auth.ctx, &slug, assessment, &requirement, input).await {
        Ok(_) => redirect_with_flash(
            &format!("/orgs/{slug}/assessments/{id}/requirements/{requirement}"),
            "evidence_added",
            &[],
        ),
        Err(AppError::Validation(errors)) => fail(messages(&errors)).await,
        Err(error) => PageError { tr, error }.into_response(),
    })
}

/// `POST /orgs/{slug}/assessments/{id}/evidence/{evidence}/remove`
pub async fn remove_evidence(
    State(state): State<AppState>,
    Path((slug, id, evidence)): Path<(String, String, String)>,
    auth: Auth,
    tr: Tr,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let evidence = parse_uuid(&evidence, "evidence").or_page(tr)?;
    let back = form.get("requirement").cloned().unwrap_or_default();
    state.ward.remove_evidence(&auth.ctx, &slug, assessment, evidence).await.or_page(tr)?;
    Ok(redirect_with_flash(
        &format!("/orgs/{slug}/assessments/{id}/requirements/{back}"),
        "evidence_removed",
        &[],
    ))
}

/// `GET /orgs/{slug}/assessments/{id}/evidence/{evidence}`: the file, as an attachment.
pub async fn evidence_file(
    State(state): State<AppState>,
    Path((slug, id, evidence)): Path<(String, String, String)>,
    auth: Auth,
    tr: Tr,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let evidence = parse_uuid(&evidence, "evidence").or_page(tr)?;
    let (name, _media, bytes) =
        state.ward.evidence_file(&auth.ctx, &slug, assessment, evidence).await.or_page(tr)?;
    // Always a download with a neutral type: an uploaded file must never run in Ward's origin.
    let safe: String =
        name.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    Ok((
        [
            (CONTENT_TYPE, "application/octet-stream".to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{safe}\"")),
        ],
        bytes,
    )
        .into_response())
}

// ----- snapshots, trend, workbook export -----

pub struct TrendView {
    pub points: String,
    pub dots: Vec<(f64, f64, String, String)>,
    pub width: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "snapshots.html")]
pub struct SnapshotsPage {
    layout: Layout,
    slug: String,
    id: String,
    name: String,
    snapshots: Vec<(String, String, String, String)>,
    trend: TrendView,
    comparison: Option<Comparison>,
    from: String,
    to: String,
    can_edit: bool,
    can_delete: bool,
    target: &'static str,
    scope: String,
    errors: Vec<String>,
}

impl SnapshotsPage {
    fn fig(&self, v: &f64) -> String {
        figure(*v)
    }
    fn delta(&self, v: &f64) -> String {
        format!("{v:+.2}")
    }
    fn answer(&self, a: &Option<Answer>) -> String {
        match a {
            None => "—".into(),
            Some(Answer::NotApplicable) => "N/A".into(),
            Some(Answer::Scored { documentation, implementation }) => {
                format!("{}/{}", documentation.value(), implementation.value())
            }
        }
    }
}

/// A trend line of totals over time: (label, total) per point.
pub(crate) fn trend_view(points: &[(String, f64)]) -> TrendView {
    // x: evenly spaced; y: 1..5 mapped onto 150..10.
    let width = 80 + points.len().max(2) * 70;
    let dots: Vec<(f64, f64, String, String)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = 50.0 + i as f64 * 70.0;
            let y = 150.0 - (p.1 - 1.0) / 4.0 * 140.0;
            (x, y, figure(p.1), p.0.clone())
        })
        .collect();
    TrendView {
        points: dots.iter().map(|(x, y, _, _)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" "),
        dots,
        width,
    }
}

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[allow(clippy::too_many_arguments)]
async fn render_snapshots(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    id: &str,
    compare: CompareQuery,
    errors: Vec<String>,
) -> Result<SnapshotsPage, PageError> {
    let assessment = parse_uuid(id, "assessment").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let (_, a) = state.ward.assessment(&auth.ctx, slug, assessment).await.or_page(tr)?;
    let snapshots = state.ward.snapshots(&auth.ctx, slug, assessment).await.or_page(tr)?;
    let trend = state.ward.trend(&auth.ctx, slug, assessment).await.or_page(tr)?;
    let comparison = match Uuid::parse_str(&compare.from) {
        Ok(from) => Some(
            state
                .ward
                .compare_snapshots(&auth.ctx, slug, assessment, from, Uuid::parse_str(&compare.to).ok())
                .await
                .or_page(tr)?,
        ),
        Err(_) => None,
    };
    let layout = org_layout(state, auth, tr, ctx, &profile, "cyfun.snapshots", Section::Assessment).await?;
    Ok(SnapshotsPage {
        slug: slug.to_owned(),
        id: id.to_owned(),
        name: a.record.name.clone(),
        snapshots: snapshots
            .iter()
            .map(|s| (s.id.to_string(), s.label.clone(), day(s.taken_at.date()), figure(s.total)))
            .collect(),
        trend: trend_view(&trend.iter().map(|p| (p.label.clone(), p.total)).collect::<Vec<_>>()),
        comparison,
        from: compare.from,
        to: compare.to,
        can_edit: profile.role.is_none_or(|r| r.allows(Permission::EditAny)),
        can_delete: profile.role.is_none_or(|r| r.allows(Permission::ManageOrganisation)),
        target: a.target_level.code(),
        scope: a.record.scope.clone(),
        errors,
        layout,
    })
}

/// `GET /orgs/{slug}/assessments/{id}/snapshots[?from=&to=]`
pub async fn snapshots(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(compare): Query<CompareQuery>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<SnapshotsPage, PageError> {
    render_snapshots(&state, &auth, tr, ctx, &slug, &id, compare, Vec::new()).await
}

/// `POST /orgs/{slug}/assessments/{id}/snapshots`
pub async fn take_snapshot(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let label = form.get("label").cloned().unwrap_or_default();
    Ok(match state.ward.take_snapshot(&auth.ctx, &slug, assessment, &label).await {
        Ok(_) => {
            redirect_with_flash(&format!("/orgs/{slug}/assessments/{id}/snapshots"), "snapshot_taken", &[])
        }
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_snapshots(&state, &auth, tr, ctx, &slug, &id, CompareQuery::default(), messages(&errors))
                .await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    })
}

/// `POST /orgs/{slug}/assessments/{id}/workbook`: fills the uploaded blank official workbook.
pub async fn export_workbook(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let upload = read_upload(multipart).await;
    let template = match upload {
        Ok((_, Some((_, _, bytes)))) => bytes,
        Ok((_, None)) => {
            return Ok(crate::pages::unprocessable(
                render_snapshots(
                    &state,
                    &auth,
                    tr,
                    ctx,
                    &slug,
                    &id,
                    CompareQuery::default(),
                    vec![tr.t("cyfun.choose_file").to_owned()],
                )
                .await,
            ));
        }
        Err(e) => {
            return Ok(crate::pages::unprocessable(
                render_snapshots(&state, &auth, tr, ctx, &slug, &id, CompareQuery::default(), vec![e]).await,
            ));
        }
    };
    Ok(match state.ward.export_workbook(&auth.ctx, &slug, assessment, &template).await {
        Ok(bytes) => (
            [
                (
                    CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (CONTENT_DISPOSITION, format!("attachment; filename=\"cyfun-2025-{slug}.xlsx\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_snapshots(&state, &auth, tr, ctx, &slug, &id, CompareQuery::default(), messages(&errors))
                .await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    name: String,
    #[serde(default)]
    target_level: String,
    #[serde(default)]
    scope: String,
}

/// `POST /orgs/{slug}/assessments/{id}/settings`: name, target level and scope.
pub async fn save_settings(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<SettingsForm>,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let framework = state.ward.assessment(&auth.ctx, &slug, assessment).await.or_page(tr)?.1.framework;
    let input = AssessmentInput {
        name: form.name,
        framework,
        target_level: Level::parse(&form.target_level).ok(),
        scope: form.scope,
    };
    Ok(match state.ward.update_assessment(&auth.ctx, &slug, assessment, &input).await {
        Ok(()) => {
            redirect_with_flash(&format!("/orgs/{slug}/assessments/{id}/snapshots"), "assessment_saved", &[])
        }
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_snapshots(&state, &auth, tr, ctx, &slug, &id, CompareQuery::default(), messages(&errors))
                .await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    })
}

/// `POST /orgs/{slug}/assessments/{id}/delete` (owners).
pub async fn delete(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
) -> Result<Response, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    Ok(match state.ward.delete_assessment(&auth.ctx, &slug, assessment).await {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/assessments"), "assessment_deleted", &[]),
        Err(error) => PageError { tr, error }.into_response(),
    })
}
