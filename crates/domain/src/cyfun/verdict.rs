//! Pass or fail per level, what fails, and the smallest score increases that would pass.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::scoring::{Answer, Answers, Scorecard, score};
use super::{Catalog, Level};

/// Comparisons with thresholds tolerate the rounding of averages (2.9999999999 passes 3).
const TOLERANCE: f64 = 1e-9;

fn reaches(value: f64, threshold: f64) -> bool {
    value + TOLERANCE >= threshold
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelThresholds {
    pub total: f64,
    pub key_measure: f64,
    /// Per-category floor, where the level has one.
    pub category: Option<f64>,
    pub max_not_applicable: usize,
    pub source: String,
    /// False where the figure comes from a secondary source.
    pub confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    pub basic: LevelThresholds,
    pub important: LevelThresholds,
    pub essential: LevelThresholds,
}

impl Thresholds {
    pub fn parse(text: &str) -> Result<Thresholds, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    /// The thresholds shipped with Ward (checked by the tests).
    pub fn embedded() -> &'static Thresholds {
        static T: OnceLock<Thresholds> = OnceLock::new();
        #[allow(clippy::expect_used)]
        T.get_or_init(|| {
            Thresholds::parse(include_str!("../../data/cyfun-thresholds.toml"))
                .expect("the shipped thresholds parse")
        })
    }

    pub fn for_level(&self, level: Level) -> &LevelThresholds {
        match level {
            Level::Basic => &self.basic,
            Level::Important => &self.important,
            Level::Essential => &self.essential,
        }
    }
}

/// An answer the rules do not allow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AnswerProblem {
    /// Key measures and management-aspect requirements must always be scored.
    NotApplicableNotAllowed {
        requirement: String,
        key_measure: bool,
        management_aspect: bool,
    },
    TooManyNotApplicable {
        count: usize,
        max: usize,
    },
}

impl std::fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnswerProblem::NotApplicableNotAllowed { requirement, key_measure, .. } => write!(
                f,
                "{requirement} cannot be N/A: it is a {}",
                if *key_measure { "key measure" } else { "requirement linked to the management aspects" }
            ),
            AnswerProblem::TooManyNotApplicable { count, max } => {
                write!(f, "{count} requirements are N/A; at most {max} may be")
            }
        }
    }
}

/// The N/A rules at `level`.
pub fn check_answers(
    catalog: &Catalog,
    level: Level,
    answers: &Answers,
    thresholds: &Thresholds,
) -> Vec<AnswerProblem> {
    let mut problems = Vec::new();
    let mut count = 0;
    for i in &catalog.level_plan(level).requirements {
        if answers.get(*i) == Some(Answer::NotApplicable) {
            count += 1;
            let r = &catalog.requirements[*i];
            if !r.not_applicable_allowed {
                problems.push(AnswerProblem::NotApplicableNotAllowed {
                    requirement: r.id.clone(),
                    key_measure: r.key_measure_from.is_some(),
                    management_aspect: r.management_aspect,
                });
            }
        }
    }
    let max = thresholds.for_level(level).max_not_applicable;
    if count > max {
        problems.push(AnswerProblem::TooManyNotApplicable { count, max });
    }
    problems
}

/// Something that keeps a level from passing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Failing {
    KeyMeasure { requirement: String, score: f64, required: f64 },
    Category { category: String, maturity: f64, required: f64 },
    Total { total: f64, required: f64 },
    Answer { problem: AnswerProblem },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Documentation,
    Implementation,
}

/// Raise one score of one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Increase {
    pub requirement: String,
    pub dimension: Dimension,
    pub from: u8,
    pub to: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub level: Level,
    pub pass: bool,
    /// Total maturity over this level's requirements.
    pub total: f64,
    pub failing: Vec<Failing>,
    /// The fewest score points that make the level pass (exact: see `minimum_path`); empty when
    /// it passes, or when answers break the N/A rules (fix those first).
    pub to_pass: Vec<Increase>,
    pub thresholds: LevelThresholds,
}

/// The verdict at `level`, from its scorecard.
pub fn verdict(catalog: &Catalog, level: Level, answers: &Answers, thresholds: &Thresholds) -> Verdict {
    let t = thresholds.for_level(level).clone();
    let card = score(catalog, level, answers);
    let mut failing = failing_items(&card, &t);
    let problems = check_answers(catalog, level, answers, thresholds);
    let answers_ok = problems.is_empty();
    failing.extend(problems.into_iter().map(|problem| Failing::Answer { problem }));
    let to_pass = if failing.is_empty() || !answers_ok {
        Vec::new()
    } else {
        // The fewest points: every point weighs the same here (the gap plan weighs them by effort).
        super::minimum_path(catalog, level, answers, thresholds, |_| 1)
            .map(|p| p.increases)
            .unwrap_or_default()
    };
    Verdict { level, pass: failing.is_empty(), total: card.total, failing, to_pass, thresholds: t }
}

fn failing_items(card: &Scorecard, t: &LevelThresholds) -> Vec<Failing> {
    let mut failing = Vec::new();
    for km in &card.key_measures {
        if !reaches(km.score, t.key_measure) {
            failing.push(Failing::KeyMeasure {
                requirement: km.id.clone(),
                score: km.score,
                required: t.key_measure,
            });
        }
    }
    if let Some(floor) = t.category {
        for c in &card.categories {
            if !reaches(c.maturity, floor) {
                failing.push(Failing::Category {
                    category: c.id.clone(),
                    maturity: c.maturity,
                    required: floor,
                });
            }
        }
    }
    if !reaches(card.total, t.total) {
        failing.push(Failing::Total { total: card.total, required: t.total });
    }
    failing
}
