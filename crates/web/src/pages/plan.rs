//! The gap plan of an assessment, remediation tasks, and the dashboards (organisation and
//! roll-up) built on them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::{AppError, Dashboard, EvidenceInput, GapReport, Task, TaskInput};
use ward_domain::cyfun::{Dimension, Level, NoPath};
use ward_domain::gaps::Blocking;
use ward_domain::tasks::{DueState, TaskStatus};

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::assessment::{
    Bar, TrendView, figure, function_bars, level_name, messages, parse_uuid, read_upload, trend_view,
};
use crate::pages::language::redirect_with_flash;
use crate::pages::layout::{Layout, PageContext, Section, org_layout};
use crate::state::AppState;

fn requirement_title(framework: ward_domain::cyfun::Framework, id: &str, tr: Tr) -> String {
    framework.catalog().requirement(id).map(|r| r.title.get(tr.locale).to_owned()).unwrap_or_default()
}

fn dimension_name(tr: Tr, d: Dimension) -> &'static str {
    match d {
        Dimension::Documentation => tr.t("cyfun.documentation"),
        Dimension::Implementation => tr.t("cyfun.implementation"),
    }
}

/// A readiness signal in the reader's language: (source, fact, contradiction).
pub(crate) fn signal_text(tr: Tr, s: &ward_app::SignalView) -> (&'static str, String, Option<String>) {
    use ward_domain::signals::{Contradiction, Fact};
    let fill = |key: &'static str, values: &[(&str, String)]| {
        values
            .iter()
            .fold(tr.t(key).to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    };
    let fact = match &s.signal.fact {
        Fact::Coverage { what, covered, total } => fill(
            "signal.coverage",
            &[
                ("covered", covered.to_string()),
                ("total", total.to_string()),
                ("what", tr.label("coverage", what).to_owned()),
            ],
        ),
        Fact::NoEvidence => tr.t("signal.no_evidence").to_owned(),
        Fact::StaleEvidence { count } => fill("signal.stale_evidence", &[("count", count.to_string())]),
        Fact::OpenTasks { open, overdue } => {
            fill("signal.open_tasks", &[("open", open.to_string()), ("overdue", overdue.to_string())])
        }
    };
    let contradiction = s.contradiction.as_ref().map(|c| match c {
        Contradiction::CoverageTooLow { what, percent, score, supported } => fill(
            "signal.too_high_for_coverage",
            &[
                ("score", score.to_string()),
                ("percent", percent.to_string()),
                ("supported", supported.to_string()),
                ("what", tr.label("coverage", what).to_owned()),
            ],
        ),
        Contradiction::ManagedWithoutEvidence { score } => {
            fill("signal.managed_without_evidence", &[("score", score.to_string())])
        }
        Contradiction::StaleEvidence { count, score } => {
            fill("signal.stale_while_managed", &[("score", score.to_string()), ("count", count.to_string())])
        }
    });
    (tr.label("signal", s.signal.source.code()), fact, contradiction)
}

/// Why a gap is where it is, in the reader's language.
fn why(tr: Tr, g: &ward_domain::gaps::Gap) -> Vec<String> {
    let (value, required) = g.figure.unwrap_or_default();
    let mut out = vec![match g.blocking {
        Blocking::KeyMeasure => {
            format!("{} {} < {}", tr.t("plan.why_key_measure"), figure(value), figure(required))
        }
        Blocking::CategoryFloor => {
            format!("{} {} {} < {}", tr.t("plan.why_category"), g.category, figure(value), figure(required))
        }
        Blocking::Total => tr.t("plan.why_total").to_owned(),
        Blocking::BelowTarget => {
            format!("{} {} < {}", tr.t("plan.why_below"), figure(value), figure(required))
        }
    }];
    if let Some(s) = g.patient_safety {
        out.push(format!("{}: {}", tr.t("guidance.patient_safety"), tr.label("patient_safety", s.code())));
    }
    if let Some(e) = g.effort {
        out.push(format!("{}: {}", tr.t("guidance.effort"), tr.label("effort", e.code())));
    }
    out
}

// ----- the gap plan -----

pub struct StepRow {
    pub requirement: String,
    pub title: String,
    pub dimension: &'static str,
    pub from: u8,
    pub to: u8,
}

pub struct GapRow {
    pub rank: usize,
    pub requirement: String,
    pub title: String,
    pub anchor: String,
    pub documentation: u8,
    pub implementation: u8,
    pub blocking: &'static str,
    pub why: Vec<String>,
    pub steps: Vec<String>,
    pub safety: Option<&'static str>,
    pub contradictions: Vec<String>,
    pub task_title: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "gaps.html")]
pub struct GapsPage {
    layout: Layout,
    slug: String,
    id: String,
    assessment: String,
    level: &'static str,
    level_name: &'static str,
    levels: Vec<(&'static str, &'static str, bool)>,
    reachable: bool,
    blocked: String,
    steps: Vec<StepRow>,
    points: u32,
    requirements_in_path: usize,
    reaches_pass: bool,
    reaches_total: String,
    gaps: Vec<GapRow>,
    can_edit: bool,
}

#[derive(Deserialize, Default)]
pub struct LevelQuery {
    level: Option<String>,
}

/// `GET /orgs/{slug}/assessments/{id}/gaps`
pub async fn gaps(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    Query(q): Query<LevelQuery>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<GapsPage, PageError> {
    let assessment = parse_uuid(&id, "assessment").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, &slug).await.or_page(tr)?;
    let level = q.level.as_deref().and_then(|l| Level::parse(l).ok());
    let report: GapReport = state.ward.gap_report(&auth.ctx, &slug, assessment, level).await.or_page(tr)?;
    let layout = org_layout(&state, &auth, tr, ctx, &profile, "plan.title", Section::Assessment).await?;
    let level = report.plan.level;
    let framework = report.framework;
    let (steps, points, reachable, blocked) = match &report.plan.path {
        Ok(p) => (
            p.increases
                .iter()
                .map(|i| StepRow {
                    requirement: i.requirement.clone(),
                    title: requirement_title(framework, &i.requirement, tr),
                    dimension: dimension_name(tr, i.dimension),
                    from: i.from,
                    to: i.to,
                })
                .collect::<Vec<_>>(),
            p.points,
            true,
            String::new(),
        ),
        Err(NoPath::Answers { problems }) => (
            Vec::new(),
            0,
            false,
            format!(
                "{} {}",
                tr.t("plan.blocked_answers"),
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ),
        ),
        Err(NoPath::Unreachable) => (Vec::new(), 0, false, tr.t("plan.unreachable").to_owned()),
    };
    let mut in_path: Vec<&str> = steps.iter().map(|s| s.requirement.as_str()).collect();
    in_path.dedup();
    let can_edit = profile.role.is_none_or(|r| r.allows(ward_domain::Permission::EditAny));
    Ok(GapsPage {
        slug: slug.clone(),
        id: id.clone(),
        assessment: report.name.clone(),
        level: level.code(),
        level_name: level_name(tr, level),
        levels: Level::ALL.iter().map(|l| (l.code(), level_name(tr, *l), *l == level)).collect(),
        reachable,
        blocked,
        requirements_in_path: in_path.len(),
        points,
        reaches_pass: report.reached.as_ref().is_some_and(|v| v.pass),
        reaches_total: report.reached.as_ref().map(|v| figure(v.total)).unwrap_or_default(),
        steps,
        gaps: report
            .plan
            .gaps
            .iter()
            .map(|g| {
                let title = requirement_title(framework, &g.requirement, tr);
                GapRow {
                    rank: g.rank,
                    anchor: g.requirement.replace('.', "-"),
                    documentation: g.documentation,
                    implementation: g.implementation,
                    blocking: g.blocking.code(),
                    why: why(tr, g),
                    steps: g
                        .increases
                        .iter()
                        .map(|i| format!("{} {} → {}", dimension_name(tr, i.dimension), i.from, i.to))
                        .collect(),
                    safety: g.patient_safety.map(|s| s.code()),
                    contradictions: g.contradictions.iter().map(ToString::to_string).collect(),
                    task_title: format!("{}: {title}", g.requirement),
                    requirement: g.requirement.clone(),
                    title,
                }
            })
            .collect(),
        can_edit,
        layout,
    })
}

// ----- tasks -----

pub struct TaskRow {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub due_state: &'static str,
    pub due_label: &'static str,
    pub requirements: Vec<String>,
}

fn due_label(tr: Tr, d: DueState) -> (&'static str, &'static str) {
    match d {
        DueState::Overdue => ("overdue", tr.t("plan.overdue")),
        DueState::DueSoon => ("due_soon", tr.t("plan.due_soon")),
        DueState::Later => ("later", ""),
        DueState::None => ("none", ""),
    }
}

pub(crate) fn task_row(tr: Tr, t: &Task) -> TaskRow {
    let (due_state, due_label) = due_label(tr, t.due_state);
    TaskRow {
        id: t.id.to_string(),
        title: t.title.clone(),
        owner: t.owner.clone().unwrap_or_default(),
        due: t.due.map(|d| d.to_string()).unwrap_or_default(),
        status: tr.label("task_status", t.status.code()),
        status_code: t.status.code(),
        due_state,
        due_label,
        requirements: t.requirements.clone(),
    }
}

fn statuses(tr: Tr) -> Vec<(&'static str, &'static str)> {
    TaskStatus::ALL.iter().map(|s| (s.code(), tr.label("task_status", s.code()))).collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "tasks.html")]
pub struct TasksPage {
    layout: Layout,
    slug: String,
    all: bool,
    tasks: Vec<TaskRow>,
    open: i64,
    overdue: i64,
    due_soon: i64,
    done: i64,
    can_edit: bool,
    errors: Vec<String>,
    form: TaskForm,
}

#[derive(Deserialize, Default, Clone)]
pub struct TaskForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    status: String,
    /// Requirement ids separated by spaces or commas.
    #[serde(default)]
    requirements: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    assessment_id: String,
    /// Where to go back to after creating (a gap plan).
    #[serde(default)]
    return_to: String,
}

impl TaskForm {
    fn input(&self) -> Result<TaskInput, AppError> {
        let assessment_id = match self.assessment_id.trim() {
            "" => None,
            raw => Some(parse_uuid(raw, "assessment")?),
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(TaskInput {
            title: self.title.clone(),
            owner: opt(&self.owner),
            due: opt(&self.due),
            status: opt(&self.status),
            requirements: self.requirements.split([' ', ',', ';']).map(str::to_owned).collect(),
            notes: opt(&self.notes),
            assessment_id,
        })
    }
}

#[derive(Deserialize, Default)]
pub struct TasksQuery {
    #[serde(default)]
    all: bool,
}

#[allow(clippy::too_many_arguments)]
async fn render_tasks(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    all: bool,
    errors: Vec<String>,
    form: TaskForm,
) -> Result<TasksPage, PageError> {
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let tasks = state.ward.tasks(&auth.ctx, slug, !all, ward_app::MAX_TASK_PAGE, 0).await.or_page(tr)?;
    let counts = state.ward.task_counts(&auth.ctx, slug).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "plan.tasks", Section::Tasks).await?;
    Ok(TasksPage {
        layout,
        slug: slug.to_owned(),
        all,
        tasks: tasks.iter().map(|t| task_row(tr, t)).collect(),
        open: counts.open,
        overdue: counts.overdue,
        due_soon: counts.due_soon,
        done: counts.done,
        can_edit: profile.role.is_none_or(|r| r.allows(ward_domain::Permission::EditAny)),
        errors,
        form,
    })
}

/// `GET /orgs/{slug}/tasks`
pub async fn tasks(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<TasksQuery>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<TasksPage, PageError> {
    render_tasks(&state, &auth, tr, ctx, &slug, q.all, Vec::new(), TaskForm::default()).await
}

/// `POST /orgs/{slug}/tasks`: from the tasks page or a row of a gap plan.
pub async fn create_task(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<TaskForm>,
) -> Response {
    let result = match form.input() {
        Ok(input) => state.ward.create_task(&auth.ctx, &slug, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            let back = crate::pages::language::safe_next(&form.return_to);
            let to = if back == "/" { format!("/orgs/{slug}/tasks/{id}") } else { back.to_owned() };
            redirect_with_flash(&to, "task_created", &[])
        }
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_tasks(&state, &auth, tr, ctx, &slug, false, messages(&errors), form).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `GET /orgs/{slug}/tasks.csv`
pub async fn export_tasks(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
) -> Result<Response, PageError> {
    let csv = state.ward.export_tasks(&auth.ctx, &slug).await.or_page(tr)?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"ward-tasks-{slug}.csv\"")),
        ],
        csv,
    )
        .into_response())
}

/// `POST /orgs/{slug}/tasks/import`: all rows or none; bad rows are listed with their lines.
pub async fn import_tasks(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    multipart: Multipart,
) -> Response {
    let file = match read_upload(multipart).await {
        Ok((_, Some(file))) => file,
        Ok((_, None)) => {
            let errors = vec![tr.t("cyfun.choose_file").to_owned()];
            return crate::pages::unprocessable(
                render_tasks(&state, &auth, tr, ctx, &slug, false, errors, TaskForm::default()).await,
            );
        }
        Err(e) => {
            return crate::pages::unprocessable(
                render_tasks(&state, &auth, tr, ctx, &slug, false, vec![e], TaskForm::default()).await,
            );
        }
    };
    let (name, _, bytes) = file;
    match state.ward.import_tasks(&auth.ctx, &slug, &bytes).await {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/tasks"), "tasks_imported", &[]),
        Err(AppError::Validation(errors)) => {
            let mut lines = vec![format!("{name}: {}", tr.t("plan.nothing_imported"))];
            lines.extend(messages(&errors));
            crate::pages::unprocessable(
                render_tasks(&state, &auth, tr, ctx, &slug, false, lines, TaskForm::default()).await,
            )
        }
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "task.html")]
pub struct TaskPage {
    layout: Layout,
    slug: String,
    task: TaskRow,
    assessment_id: String,
    notes: String,
    requirements: Vec<(String, String)>,
    evidence_id: String,
    statuses: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    errors: Vec<String>,
}

async fn render_task(
    state: &AppState,
    auth: &Auth,
    tr: Tr,
    ctx: PageContext,
    slug: &str,
    id: &str,
    errors: Vec<String>,
) -> Result<TaskPage, PageError> {
    let task_id = parse_uuid(id, "task").or_page(tr)?;
    let profile = state.ward.organisation(&auth.ctx, slug).await.or_page(tr)?;
    let task = state.ward.task(&auth.ctx, slug, task_id).await.or_page(tr)?;
    let layout = org_layout(state, auth, tr, ctx, &profile, "plan.task", Section::Tasks).await?;
    let mine = task.owner.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(&auth.ctx.label()));
    let can_edit = profile.role.is_none_or(|r| {
        r.allows(ward_domain::Permission::EditAny)
            || (mine && r.allows(ward_domain::Permission::EditAssigned))
    });
    Ok(TaskPage {
        layout,
        slug: slug.to_owned(),
        assessment_id: task.assessment_id.map(|a| a.to_string()).unwrap_or_default(),
        notes: task.notes.clone().unwrap_or_default(),
        requirements: task
            .requirements
            .iter()
            .map(|r| {
                let framework = if ward_domain::cyfun::Framework::Cyfun2025.catalog().requirement(r).is_some()
                {
                    ward_domain::cyfun::Framework::Cyfun2025
                } else {
                    ward_domain::cyfun::Framework::Cyfun2023
                };
                (r.clone(), requirement_title(framework, r, tr))
            })
            .collect(),
        evidence_id: task.evidence_id.map(|e| e.to_string()).unwrap_or_default(),
        task: task_row(tr, &task),
        statuses: statuses(tr),
        can_edit,
        errors,
    })
}

/// `GET /orgs/{slug}/tasks/{id}`
pub async fn task(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<TaskPage, PageError> {
    render_task(&state, &auth, tr, ctx, &slug, &id, Vec::new()).await
}

/// `POST /orgs/{slug}/tasks/{id}`
pub async fn save_task(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<TaskForm>,
) -> Response {
    let result = async {
        let task_id = parse_uuid(&id, "task")?;
        state.ward.update_task(&auth.ctx, &slug, task_id, &form.input()?).await
    }
    .await;
    match result {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/tasks/{id}"), "task_saved", &[]),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_task(&state, &auth, tr, ctx, &slug, &id, messages(&errors)).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

#[derive(Deserialize, Default)]
pub struct CompleteForm {
    #[serde(default)]
    evidence_title: String,
    #[serde(default)]
    evidence_link: String,
    #[serde(default)]
    review_by: String,
}

/// `POST /orgs/{slug}/tasks/{id}/complete`: done, with evidence for the requirement if given.
pub async fn complete_task(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
    axum::Form(form): axum::Form<CompleteForm>,
) -> Response {
    let result = async {
        let task_id = parse_uuid(&id, "task")?;
        let evidence = (!form.evidence_title.trim().is_empty() || !form.evidence_link.trim().is_empty())
            .then(|| EvidenceInput {
                title: form.evidence_title.clone(),
                link: Some(form.evidence_link.clone()).filter(|l| !l.trim().is_empty()),
                file: None,
                review_by: ward_domain::tasks::parse_date(&form.review_by),
            });
        state.ward.complete_task(&auth.ctx, &slug, task_id, evidence).await
    }
    .await;
    match result {
        Ok(_) => redirect_with_flash(&format!("/orgs/{slug}/tasks/{id}"), "task_done", &[]),
        Err(AppError::Validation(errors)) => crate::pages::unprocessable(
            render_task(&state, &auth, tr, ctx, &slug, &id, messages(&errors)).await,
        ),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

/// `POST /orgs/{slug}/tasks/{id}/delete`
pub async fn delete_task(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
) -> Response {
    let result = async {
        let task_id = parse_uuid(&id, "task")?;
        state.ward.delete_task(&auth.ctx, &slug, task_id).await
    }
    .await;
    match result {
        Ok(()) => redirect_with_flash(&format!("/orgs/{slug}/tasks"), "task_deleted", &[]),
        Err(error) => PageError { tr, error }.into_response(),
    }
}

// ----- dashboards -----

/// One organisation's dashboard, ready for a template.
pub struct DashboardPart {
    pub slug: String,
    pub assessment: Option<(String, String)>,
    pub verdicts: Vec<(&'static str, bool, String, bool)>,
    pub bars: Vec<Bar>,
    pub chart_height: usize,
    pub trend: Option<TrendView>,
    pub top_gaps: Vec<(String, String, &'static str, String)>,
    pub gap_count: usize,
    pub contradictions: usize,
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub done: i64,
    pub due_tasks: Vec<TaskRow>,
    pub deadlines: Vec<(String, String)>,
}

pub(crate) fn dashboard_part(tr: Tr, d: &Dashboard) -> DashboardPart {
    let a = d.assessment.as_ref();
    let catalog = a.map(|a| a.framework.catalog());
    let bars = match (a, catalog) {
        (Some(a), Some(c)) => function_bars(c, a.functions.iter().map(|(id, m)| (id.as_str(), *m)), tr),
        _ => Vec::new(),
    };
    DashboardPart {
        slug: d.organisation.clone(),
        assessment: a.map(|a| (a.id.to_string(), a.name.clone())),
        verdicts: a
            .map(|a| {
                a.verdicts
                    .iter()
                    .map(|(l, pass, total)| (level_name(tr, *l), *pass, figure(*total), *l == a.target_level))
                    .collect()
            })
            .unwrap_or_default(),
        chart_height: 20 + bars.len() * 30,
        bars,
        trend: a.filter(|a| a.trend.len() > 1).map(|a| trend_view(&a.trend)),
        top_gaps: a
            .map(|a| {
                a.top_gaps
                    .iter()
                    .map(|(id, code)| {
                        (id.clone(), requirement_title(a.framework, id, tr), *code, id.replace('.', "-"))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        gap_count: a.map_or(0, |a| a.gap_count),
        contradictions: a.map_or(0, |a| a.contradictions),
        open: d.tasks.open,
        overdue: d.tasks.overdue,
        due_soon: d.tasks.due_soon,
        done: d.tasks.done,
        due_tasks: d.due_tasks.iter().map(|t| task_row(tr, t)).collect(),
        deadlines: d
            .deadlines
            .iter()
            .map(|o| {
                (tr.scoping_message(&o.message, &o.what), o.due.map(|x| x.to_string()).unwrap_or_default())
            })
            .collect(),
    }
}
