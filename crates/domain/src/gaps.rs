//! The gap plan: every requirement below what its level's verdict needs, ranked by what to do
//! first, each with the reasons for its place.
//!
//! Rank, in order: (1) what blocks the verdict: a key measure below its threshold, then a
//! requirement in a category below its floor, then one the minimum path raises for the total,
//! then the rest below the level's average; (2) patient-safety relevance; (3) effort, cheapest
//! first; (4) readiness signals that contradict the score; then catalog order.

use serde::Serialize;

use crate::cyfun::{
    Answer, Answers, Catalog, Increase, Level, MinimumPath, NoPath, Thresholds, minimum_path, score,
};
use crate::guidance::{Effort, Guidance, SafetyRelevance};
use crate::signals::{Contradiction, Signal, contradiction};

/// How much a requirement weighs in the minimum path, from its guidance's effort: a point of an L
/// requirement costs as much as four of an S one.
pub fn effort_weight(effort: Option<Effort>) -> u32 {
    match effort {
        Some(Effort::S) => 1,
        Some(Effort::M) | None => 2,
        Some(Effort::L) => 4,
    }
}

/// Why a requirement is in the plan, most blocking first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Blocking {
    /// A key measure below its threshold: the level fails on it alone.
    KeyMeasure,
    /// In a category below the level's floor.
    CategoryFloor,
    /// The minimum path raises it to reach the total.
    Total,
    /// Below the level's average; not needed for the verdict, but below what the level expects.
    BelowTarget,
}

impl Blocking {
    pub fn code(self) -> &'static str {
        match self {
            Blocking::KeyMeasure => "key_measure",
            Blocking::CategoryFloor => "category_floor",
            Blocking::Total => "total",
            Blocking::BelowTarget => "below_target",
        }
    }
}

/// One row of the gap plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// 1 for the first thing to do.
    pub rank: usize,
    pub requirement: String,
    pub category: String,
    /// Current documentation and implementation (1 when unanswered).
    pub documentation: u8,
    pub implementation: u8,
    pub blocking: Blocking,
    /// The key measure's score and threshold, or the category's maturity and floor.
    pub figure: Option<(f64, f64)>,
    /// What the minimum path raises here (empty when the path does not need it).
    pub increases: Vec<Increase>,
    pub patient_safety: Option<SafetyRelevance>,
    pub effort: Option<Effort>,
    pub contradictions: Vec<Contradiction>,
}

/// The gap plan of an assessment at `level`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapPlan {
    pub level: Level,
    pub gaps: Vec<Gap>,
    /// The cheapest way to pass, by effort; `Err` when answers must be fixed first, or when no
    /// scores can pass.
    pub path: Result<MinimumPath, NoPath>,
}

/// Builds the gap plan from the answers, the guidance (safety, effort) and the signals.
pub fn gap_plan(
    catalog: &Catalog,
    level: Level,
    answers: &Answers,
    thresholds: &Thresholds,
    guidance: &Guidance,
    signals: &[Signal],
) -> GapPlan {
    let t = thresholds.for_level(level);
    let card = score(catalog, level, answers);
    // CyFun 2023 requirements take the guidance of the 2025 requirement they map to first.
    let advice = |id: &str| guidance.for_requirement(catalog.framework, id).into_iter().next();
    let path =
        minimum_path(catalog, level, answers, thresholds, |r| effort_weight(advice(&r.id).map(|g| g.effort)));
    let raised = |id: &str| -> Vec<Increase> {
        path.as_ref()
            .map(|p| p.increases.iter().filter(|i| i.requirement == id).cloned().collect())
            .unwrap_or_default()
    };
    let mut gaps = Vec::new();
    for (i, r) in catalog.requirements.iter().enumerate() {
        if !r.applies_at(level) {
            continue;
        }
        let answer = answers.effective(i);
        let Answer::Scored { documentation, implementation } = answer else { continue };
        let (d, m) = (documentation.value(), implementation.value());
        let mean = (f64::from(d) + f64::from(m)) / 2.0;
        let increases = raised(&r.id);
        let category = card.categories.iter().find(|c| c.id == r.category);
        let below_floor = t.category.and_then(|floor| {
            category.filter(|c| c.maturity + 1e-9 < floor && mean + 1e-9 < floor).map(|c| (c.maturity, floor))
        });
        let (blocking, figure) = if r.is_key_measure_at(level) && mean + 1e-9 < t.key_measure {
            (Blocking::KeyMeasure, Some((mean, t.key_measure)))
        } else if let Some(f) = below_floor {
            (Blocking::CategoryFloor, Some(f))
        } else if !increases.is_empty() {
            (Blocking::Total, None)
        } else if mean + 1e-9 < t.total {
            (Blocking::BelowTarget, Some((mean, t.total)))
        } else {
            continue;
        };
        let g = advice(&r.id);
        let contradictions = signals
            .iter()
            .filter(|s| s.requirement == r.id)
            .filter_map(|s| contradiction(&s.fact, answer))
            .collect();
        gaps.push(Gap {
            rank: 0,
            requirement: r.id.clone(),
            category: r.category.clone(),
            documentation: d,
            implementation: m,
            blocking,
            figure,
            increases,
            patient_safety: g.map(|g| g.patient_safety),
            effort: g.map(|g| g.effort),
            contradictions,
        });
    }
    let position = |id: &str| catalog.position(id).unwrap_or(usize::MAX);
    gaps.sort_by(|a, b| {
        a.blocking
            .cmp(&b.blocking)
            .then(b.patient_safety.cmp(&a.patient_safety))
            .then(a.effort.unwrap_or(Effort::M).cmp(&b.effort.unwrap_or(Effort::M)))
            .then(b.contradictions.len().cmp(&a.contradictions.len()))
            .then(position(&a.requirement).cmp(&position(&b.requirement)))
    });
    for (n, g) in gaps.iter_mut().enumerate() {
        g.rank = n + 1;
    }
    GapPlan { level, gaps, path }
}
