//! JSON shapes of Ward's guidance (also printed by `ward catalog requirements|search --json`).

use serde::Serialize;
use utoipa::ToSchema;
use ward_domain::Locale;
use ward_domain::cyfun::Framework;
use ward_domain::guidance::{Challenge, Found, Guidance, Hit, Plan, RequirementGuidance};

/// Ward's advice for one CyFun 2025 requirement, in one language.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdviceView {
    /// The CyFun 2025 requirement the advice was written for.
    pub requirement: String,
    /// `S` (days), `M` (weeks) or `L` (months).
    pub effort: &'static str,
    /// Who usually owns it, main owner first: `it`, `clinical_engineering`, `dpo`, `management`, `hr`, `facilities`.
    pub owners: Vec<&'static str>,
    /// Priority areas served: `patient_data`, `medical_devices`, `ransomware`, `continuity`.
    pub areas: Vec<&'static str>,
    /// `high`, `medium` or `low`.
    pub patient_safety: &'static str,
    pub healthcare: String,
    pub safety: String,
    pub first_steps: Vec<String>,
    pub project: String,
    pub evidence: Vec<String>,
    pub keywords: Vec<String>,
}

impl AdviceView {
    pub fn new(g: &RequirementGuidance, locale: Locale) -> Self {
        let a = g.text.get(locale);
        AdviceView {
            requirement: g.id.clone(),
            effort: g.effort.code(),
            owners: g.owners.iter().map(|o| o.code()).collect(),
            areas: g.areas.iter().map(|a| a.code()).collect(),
            patient_safety: g.patient_safety.code(),
            healthcare: a.healthcare.clone(),
            safety: a.safety.clone(),
            first_steps: a.first_steps.clone(),
            project: a.project.clone(),
            evidence: a.evidence.clone(),
            keywords: a.keywords.clone(),
        }
    }
}

/// A requirement with Ward's title and the guidance that applies to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementGuidanceView {
    pub id: String,
    pub framework: &'static str,
    pub function: String,
    pub category: String,
    pub level: &'static str,
    pub key_measure_from: Option<&'static str>,
    /// Ward's short title in the requested language.
    pub title: String,
    /// One entry for CyFun 2025; for CyFun 2023, the advice of the 2025 requirements it maps to.
    pub guidance: Vec<AdviceView>,
}

/// Every requirement of a framework with its guidance, in catalog order.
pub fn requirements(framework: Framework, locale: Locale) -> Vec<RequirementGuidanceView> {
    let guidance = Guidance::builtin();
    framework
        .catalog()
        .requirements
        .iter()
        .map(|r| RequirementGuidanceView {
            id: r.id.clone(),
            framework: framework.code(),
            function: r.function.clone(),
            category: r.category.clone(),
            level: r.level.code(),
            key_measure_from: r.key_measure_from.map(|l| l.code()),
            title: r.title.get(locale).to_owned(),
            guidance: guidance
                .for_requirement(framework, &r.id)
                .into_iter()
                .map(|g| AdviceView::new(g, locale))
                .collect(),
        })
        .collect()
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitView {
    /// `requirement`, `plan` or `challenge`.
    pub kind: &'static str,
    /// The requirement id (CyFun 2025), plan id or challenge id.
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Higher is better; only meaningful within one search.
    pub score: u32,
    /// The language the best match was found in.
    pub matched_language: &'static str,
}

impl SearchHitView {
    pub fn new(hit: &Hit<'_>, locale: Locale) -> Self {
        let (kind, id, title, summary) = match hit.found {
            Found::Requirement(g) => (
                "requirement",
                g.id.clone(),
                Framework::Cyfun2025
                    .catalog()
                    .requirement(&g.id)
                    .map(|r| r.title.get(locale).to_owned())
                    .unwrap_or_default(),
                g.text.get(locale).healthcare.clone(),
            ),
            Found::Plan(p) => {
                ("plan", p.id.clone(), p.text(locale).title.clone(), p.text(locale).summary.clone())
            }
            Found::Challenge(c) => {
                ("challenge", c.id.clone(), c.text(locale).title.clone(), c.text(locale).summary.clone())
            }
        };
        SearchHitView { kind, id, title, summary, score: hit.score, matched_language: hit.language.tag() }
    }
}

/// A step of a quick-start plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanStepView {
    /// The 30/60/90-day phase (the scoped-in plan only).
    pub days: Option<u16>,
    pub title: String,
    pub detail: String,
    /// CyFun 2025 requirements the step advances.
    pub requirements: Vec<String>,
}

/// A quick-start plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub id: String,
    /// The priority area; none for the scoped-in plan.
    pub area: Option<&'static str>,
    pub title: String,
    pub summary: String,
    pub steps: Vec<PlanStepView>,
}

impl PlanView {
    pub fn new(p: &Plan, locale: Locale) -> Self {
        PlanView {
            id: p.id.clone(),
            area: p.area.map(|a| a.code()),
            title: p.text(locale).title.clone(),
            summary: p.text(locale).summary.clone(),
            steps: p
                .steps
                .iter()
                .map(|s| PlanStepView {
                    days: s.days,
                    title: s.text(locale).title.clone(),
                    detail: s.text(locale).detail.clone(),
                    requirements: s.requirements.clone(),
                })
                .collect(),
        }
    }
}

/// A page on a common healthcare challenge.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeView {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub keywords: Vec<String>,
    /// Paragraphs, `## ` headings and `- ` bullets.
    pub body: String,
    /// CyFun 2025 requirements concerned.
    pub requirements: Vec<String>,
}

impl ChallengeView {
    pub fn new(c: &Challenge, locale: Locale) -> Self {
        let t = c.text(locale);
        ChallengeView {
            id: c.id.clone(),
            title: t.title.clone(),
            summary: t.summary.clone(),
            keywords: t.keywords.clone(),
            body: t.body.clone(),
            requirements: c.requirements.clone(),
        }
    }
}
