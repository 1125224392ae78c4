//! Ward's healthcare guidance: browse and search every requirement's advice, the quick-start
//! plans and the pages on common healthcare challenges. The same advice is shown beside each
//! requirement in the assessment workspace ([`AdviceView`]).

use axum::extract::{Path, Query, State};
use serde::Deserialize;
use ward_app::AppError;
use ward_domain::Locale;
use ward_domain::cyfun::Framework;
use ward_domain::guidance::{
    Area, Block, Effort, Found, Guidance, Owner, RequirementGuidance, SafetyRelevance, blocks,
};

use crate::auth::Auth;
use crate::error::{OrPage, PageError};
use crate::i18n::Tr;
use crate::pages::layout::{Layout, PageContext};
use crate::state::AppState;

/// A link to a plan, a challenge page or a requirement's guidance.
pub struct LinkView {
    pub href: String,
    pub label: String,
}

/// One requirement's advice in the reader's language, with its labels.
pub struct AdviceView {
    pub id: String,
    pub title: String,
    pub healthcare: String,
    pub safety: String,
    pub first_steps: Vec<String>,
    pub project: String,
    pub evidence: Vec<String>,
    pub effort: &'static str,
    pub effort_label: &'static str,
    pub safety_level: &'static str,
    pub safety_label: &'static str,
    pub owners: Vec<&'static str>,
    pub areas: Vec<&'static str>,
    pub plans: Vec<LinkView>,
    pub challenges: Vec<LinkView>,
}

impl AdviceView {
    pub fn new(g: &RequirementGuidance, tr: Tr) -> Self {
        let guidance = Guidance::builtin();
        let a = g.text.get(tr.locale);
        AdviceView {
            id: g.id.clone(),
            title: requirement_title(&g.id, tr.locale),
            healthcare: a.healthcare.clone(),
            safety: a.safety.clone(),
            first_steps: a.first_steps.clone(),
            project: a.project.clone(),
            evidence: a.evidence.clone(),
            effort: g.effort.code(),
            effort_label: tr.label("effort", g.effort.code()),
            safety_level: g.patient_safety.code(),
            safety_label: tr.label("patient_safety", g.patient_safety.code()),
            owners: g.owners.iter().map(|o| tr.label("owner", o.code())).collect(),
            areas: g.areas.iter().map(|a| tr.label("area", a.code())).collect(),
            plans: guidance
                .plans_for(&g.id)
                .into_iter()
                .map(|p| LinkView {
                    href: format!("/guidance/plans/{}", p.id),
                    label: p.text(tr.locale).title.clone(),
                })
                .collect(),
            challenges: guidance
                .challenges_for(&g.id)
                .into_iter()
                .map(|c| LinkView {
                    href: format!("/guidance/challenges/{}", c.id),
                    label: c.text(tr.locale).title.clone(),
                })
                .collect(),
        }
    }

    /// The advice for a requirement of either CyFun version (2023 through the mapping).
    pub fn for_requirement(framework: Framework, id: &str, tr: Tr) -> Vec<AdviceView> {
        Guidance::builtin()
            .for_requirement(framework, id)
            .into_iter()
            .map(|g| AdviceView::new(g, tr))
            .collect()
    }
}

fn requirement_title(id: &str, locale: Locale) -> String {
    Framework::Cyfun2025.catalog().requirement(id).map(|r| r.title.get(locale).to_owned()).unwrap_or_default()
}

fn requirement_link(id: &str, locale: Locale) -> LinkView {
    LinkView {
        href: format!("/guidance/cyfun-2025/{id}"),
        label: format!("{id} · {}", requirement_title(id, locale)),
    }
}

/// Filters of the guidance index, from the query string. Unknown values are ignored rather than
/// refused: a stale bookmark still shows the catalog.
#[derive(Debug, Default, Deserialize)]
pub struct GuidanceQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    effort: String,
    #[serde(default)]
    safety: String,
    #[serde(default)]
    function: String,
}

/// The filters the index understood.
struct Filters {
    area: Option<Area>,
    owner: Option<Owner>,
    effort: Option<Effort>,
    safety: Option<SafetyRelevance>,
    function: Option<String>,
}

impl Filters {
    fn of(q: &GuidanceQuery) -> Self {
        let catalog = Framework::Cyfun2025.catalog();
        Filters {
            area: Area::parse(&q.area),
            owner: Owner::parse(&q.owner),
            effort: Effort::parse(&q.effort),
            safety: SafetyRelevance::parse(&q.safety),
            function: catalog.function(q.function.trim()).map(|f| f.id.clone()),
        }
    }

    fn any(&self) -> bool {
        self.area.is_some()
            || self.owner.is_some()
            || self.effort.is_some()
            || self.safety.is_some()
            || self.function.is_some()
    }

    fn keep(&self, g: &RequirementGuidance) -> bool {
        self.area.is_none_or(|a| g.areas.contains(&a))
            && self.owner.is_none_or(|o| g.owners.contains(&o))
            && self.effort.is_none_or(|e| g.effort == e)
            && self.safety.is_none_or(|s| g.patient_safety == s)
            && self.function.as_deref().is_none_or(|f| g.id.starts_with(f))
    }
}

/// A choice in a filter select.
pub struct OptionView {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// A row of the catalog or of the search results.
pub struct EntryView {
    pub kind: &'static str,
    pub href: String,
    pub id: String,
    pub title: String,
    pub summary: String,
    pub effort: Option<&'static str>,
    pub safety_level: Option<&'static str>,
    pub safety_label: Option<&'static str>,
    pub areas: Vec<&'static str>,
    /// Set when the match was in another language than the page's.
    pub matched_in: Option<&'static str>,
}

fn requirement_entry(g: &RequirementGuidance, tr: Tr) -> EntryView {
    EntryView {
        kind: tr.t("guidance.kind_requirement"),
        href: format!("/guidance/cyfun-2025/{}", g.id),
        id: g.id.clone(),
        title: requirement_title(&g.id, tr.locale),
        summary: g.text.get(tr.locale).healthcare.clone(),
        effort: Some(g.effort.code()),
        safety_level: Some(g.patient_safety.code()),
        safety_label: Some(tr.label("patient_safety", g.patient_safety.code())),
        areas: g.areas.iter().map(|a| tr.label("area", a.code())).collect(),
        matched_in: None,
    }
}

pub struct FunctionGroup {
    pub id: String,
    pub name: String,
    pub entries: Vec<EntryView>,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "guidance.html")]
pub struct GuidanceIndexPage {
    layout: Layout,
    query: String,
    searched: bool,
    results: Vec<EntryView>,
    groups: Vec<FunctionGroup>,
    shown: usize,
    plans: Vec<LinkView>,
    challenges: Vec<LinkView>,
    areas: Vec<OptionView>,
    owners: Vec<OptionView>,
    efforts: Vec<OptionView>,
    safeties: Vec<OptionView>,
    functions: Vec<OptionView>,
    filtered: bool,
}

fn options<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    code: fn(T) -> &'static str,
    label: impl Fn(&'static str) -> &'static str,
) -> Vec<OptionView> {
    all.iter()
        .map(|v| OptionView {
            value: code(*v),
            label: label(code(*v)).to_owned(),
            selected: chosen == Some(*v),
        })
        .collect()
}

/// How many search results a page shows.
const RESULTS: usize = 40;

/// `GET /guidance`: the catalog with filters, or search results when `q` is given.
pub async fn index(
    State(state): State<AppState>,
    Query(query): Query<GuidanceQuery>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<GuidanceIndexPage, PageError> {
    let guidance = Guidance::builtin();
    let catalog = Framework::Cyfun2025.catalog();
    let filters = Filters::of(&query);
    let layout =
        Layout::build(&state.ward, &auth, tr, ctx, tr.t("guidance.title"), None).await.or_page(tr)?;
    let text = query.q.trim().chars().take(200).collect::<String>();
    let searched = !text.is_empty();
    let results = if searched {
        guidance
            .search(&text, if filters.any() { usize::MAX } else { RESULTS })
            .into_iter()
            .filter_map(|hit| {
                let matched_in = (hit.language != tr.locale).then(|| hit.language.endonym());
                let entry = match hit.found {
                    Found::Requirement(g) if filters.keep(g) => requirement_entry(g, tr),
                    Found::Requirement(_) => return None,
                    _ if filters.any() => return None,
                    Found::Plan(p) => EntryView {
                        kind: tr.t("guidance.kind_plan"),
                        href: format!("/guidance/plans/{}", p.id),
                        id: String::new(),
                        title: p.text(tr.locale).title.clone(),
                        summary: p.text(tr.locale).summary.clone(),
                        effort: None,
                        safety_level: None,
                        safety_label: None,
                        areas: Vec::new(),
                        matched_in: None,
                    },
                    Found::Challenge(c) => EntryView {
                        kind: tr.t("guidance.kind_challenge"),
                        href: format!("/guidance/challenges/{}", c.id),
                        id: String::new(),
                        title: c.text(tr.locale).title.clone(),
                        summary: c.text(tr.locale).summary.clone(),
                        effort: None,
                        safety_level: None,
                        safety_label: None,
                        areas: Vec::new(),
                        matched_in: None,
                    },
                };
                Some(EntryView { matched_in, ..entry })
            })
            .take(RESULTS)
            .collect()
    } else {
        Vec::new()
    };
    let groups: Vec<FunctionGroup> = if searched {
        Vec::new()
    } else {
        catalog
            .functions
            .iter()
            .map(|f| FunctionGroup {
                id: f.id.clone(),
                name: f.name.get(tr.locale).to_owned(),
                entries: guidance
                    .requirements
                    .iter()
                    .filter(|g| g.id.starts_with(&f.id) && filters.keep(g))
                    .map(|g| requirement_entry(g, tr))
                    .collect(),
            })
            .filter(|g| !g.entries.is_empty())
            .collect()
    };
    let shown = if searched { results.len() } else { groups.iter().map(|g| g.entries.len()).sum() };
    Ok(GuidanceIndexPage {
        layout,
        query: text,
        searched,
        results,
        groups,
        shown,
        plans: guidance
            .plans
            .iter()
            .map(|p| LinkView {
                href: format!("/guidance/plans/{}", p.id),
                label: p.text(tr.locale).title.clone(),
            })
            .collect(),
        challenges: guidance
            .challenges
            .iter()
            .map(|c| LinkView {
                href: format!("/guidance/challenges/{}", c.id),
                label: c.text(tr.locale).title.clone(),
            })
            .collect(),
        areas: options(&Area::ALL, filters.area, Area::code, |c| tr.label("area", c)),
        owners: options(&Owner::ALL, filters.owner, Owner::code, |c| tr.label("owner", c)),
        efforts: options(&Effort::ALL, filters.effort, Effort::code, |c| tr.label("effort", c)),
        safeties: options(&SafetyRelevance::ALL, filters.safety, SafetyRelevance::code, |c| {
            tr.label("patient_safety", c)
        }),
        functions: catalog
            .functions
            .iter()
            .map(|f| OptionView {
                value: function_code(&f.id),
                label: f.name.get(tr.locale).to_owned(),
                selected: filters.function.as_deref() == Some(f.id.as_str()),
            })
            .collect(),
        filtered: filters.any(),
    })
}

/// The static code of a CyFun function id (the catalog's ids are owned strings).
fn function_code(id: &str) -> &'static str {
    ["GV", "ID", "PR", "DE", "RS", "RC"].into_iter().find(|f| *f == id).unwrap_or("")
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "guidance_requirement.html")]
pub struct GuidanceRequirementPage {
    layout: Layout,
    framework: &'static str,
    requirement: String,
    title: String,
    level: &'static str,
    key_measure: Option<&'static str>,
    /// For CyFun 2023: the guidance comes from the 2025 requirements it maps to.
    via_mapping: bool,
    advice: Vec<AdviceView>,
}

/// `GET /guidance/{framework}/{requirement}`
pub async fn requirement(
    State(state): State<AppState>,
    Path((framework, id)): Path<(String, String)>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<GuidanceRequirementPage, PageError> {
    let framework = Framework::parse(&framework).ok_or(AppError::NotFound("framework")).or_page(tr)?;
    let r = framework.catalog().requirement(&id).ok_or(AppError::NotFound("requirement")).or_page(tr)?;
    let title = r.title.get(tr.locale).to_owned();
    let layout =
        Layout::build(&state.ward, &auth, tr, ctx, &format!("{} {title}", r.id), None).await.or_page(tr)?;
    Ok(GuidanceRequirementPage {
        layout,
        framework: framework.label(),
        requirement: r.id.clone(),
        title,
        level: crate::pages::assessment::level_name(tr, r.level),
        key_measure: r.key_measure_from.map(|l| crate::pages::assessment::level_name(tr, l)),
        via_mapping: framework == Framework::Cyfun2023,
        advice: AdviceView::for_requirement(framework, &r.id, tr),
    })
}

pub struct StepView {
    pub title: String,
    pub detail: String,
    pub requirements: Vec<LinkView>,
}

pub struct PhaseView {
    /// Empty for plans without phases.
    pub heading: String,
    pub steps: Vec<StepView>,
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "guidance_plan.html")]
pub struct PlanPage {
    layout: Layout,
    title: String,
    summary: String,
    phases: Vec<PhaseView>,
}

/// `GET /guidance/plans/{id}`
pub async fn plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<PlanPage, PageError> {
    let plan = Guidance::builtin().plan(&id).ok_or(AppError::NotFound("plan")).or_page(tr)?;
    let text = plan.text(tr.locale);
    let layout = Layout::build(&state.ward, &auth, tr, ctx, &text.title, None).await.or_page(tr)?;
    let mut phases: Vec<PhaseView> = Vec::new();
    for step in &plan.steps {
        let heading = match step.days {
            Some(30) => tr.t("guidance.days_30").to_owned(),
            Some(60) => tr.t("guidance.days_60").to_owned(),
            Some(_) => tr.t("guidance.days_90").to_owned(),
            None => String::new(),
        };
        let view = StepView {
            title: step.text(tr.locale).title.clone(),
            detail: step.text(tr.locale).detail.clone(),
            requirements: step.requirements.iter().map(|r| requirement_link(r, tr.locale)).collect(),
        };
        match phases.last_mut() {
            Some(p) if p.heading == heading => p.steps.push(view),
            _ => phases.push(PhaseView { heading, steps: vec![view] }),
        }
    }
    Ok(PlanPage { layout, title: text.title.clone(), summary: text.summary.clone(), phases })
}

#[derive(askama::Template, askama_web::WebTemplate)]
#[template(path = "guidance_challenge.html")]
pub struct ChallengePage {
    layout: Layout,
    title: String,
    summary: String,
    body: Vec<Block>,
    requirements: Vec<LinkView>,
}

/// `GET /guidance/challenges/{id}`
pub async fn challenge(
    State(state): State<AppState>,
    Path(id): Path<String>,
    auth: Auth,
    tr: Tr,
    ctx: PageContext,
) -> Result<ChallengePage, PageError> {
    let challenge = Guidance::builtin().challenge(&id).ok_or(AppError::NotFound("page")).or_page(tr)?;
    let text = challenge.text(tr.locale);
    let layout = Layout::build(&state.ward, &auth, tr, ctx, &text.title, None).await.or_page(tr)?;
    Ok(ChallengePage {
        layout,
        title: text.title.clone(),
        summary: text.summary.clone(),
        body: blocks(&text.body),
        requirements: challenge.requirements.iter().map(|r| requirement_link(r, tr.locale)).collect(),
    })
}
