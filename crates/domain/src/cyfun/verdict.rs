//! Pass or fail per level, what fails, and the smallest score increases that would pass.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::catalog::PlannedCategory;
use super::scoring::{Answer, Answers, Maturity, Scorecard, score};
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
    /// A smallest set of score increases (in points) that makes the level pass; empty when it
    /// passes, or when answers break the N/A rules (fix those first).
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
        smallest_increases(catalog, level, answers, &t)
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

/// Working scores for the search: (documentation, implementation), or None for N/A (fixed at 3).
type Work = Vec<Option<(u8, u8)>>;

/// One point to add: (weight, current value, requirement, documentation?).
type Step = (usize, u8, usize, bool);

/// Greedy search for the fewest score points that make the level pass: first every key measure,
/// then every category floor, then the total. Each point goes where it moves the figure most (a
/// requirement in a small scoring group of a small category), and within that to the lowest score.
/// Within each phase this is optimal, because each point's effect is fixed by its group's size.
fn smallest_increases(
    catalog: &Catalog,
    level: Level,
    answers: &Answers,
    t: &LevelThresholds,
) -> Vec<Increase> {
    let plan = catalog.level_plan(level);
    let original: Work = (0..catalog.requirements.len())
        .map(|i| match answers.effective(i) {
            Answer::Scored { documentation, implementation } => {
                Some((documentation.value(), implementation.value()))
            }
            Answer::NotApplicable => None,
        })
        .collect();
    let mut work = original.clone();
    let max = Maturity::MAX.value();

    // 1. Key measures: raise the lower dimension until the mean reaches the threshold.
    for i in &plan.key_measures {
        while let Some((d, m)) = work[*i] {
            if reaches((f64::from(d) + f64::from(m)) / 2.0, t.key_measure) || (d == max && m == max) {
                break;
            }
            work[*i] = Some(if d <= m && d < max { (d + 1, m) } else { (d, m + 1) });
        }
    }

    let category_maturity = |work: &Work, p: &PlannedCategory| -> f64 {
        let avg = |groups: &[Vec<usize>], pick: fn((u8, u8)) -> u8| {
            groups
                .iter()
                .map(|g| {
                    g.iter().map(|i| work[*i].map_or(3.0, |x| f64::from(pick(x)))).sum::<f64>()
                        / g.len() as f64
                })
                .sum::<f64>()
                / groups.len() as f64
        };
        (avg(&p.documentation, |x| x.0) + avg(&p.implementation, |x| x.1)) / 2.0
    };
    // The lowest raisable score of one dimension in a group: (value, requirement).
    let lowest = |work: &Work, group: &[usize], documentation: bool| -> Option<(u8, usize)> {
        group
            .iter()
            .filter_map(|i| work[*i].map(|(d, m)| (if documentation { d } else { m }, *i)))
            .filter(|(v, _)| *v < max)
            .min()
    };
    // The best step in a set of categories: (weight, value, requirement, documentation?). A point in
    // a group of n requirements among G groups moves the category by 1/(2·n·G): lowest weight n·G wins.
    let best_step = |work: &Work, cats: &[&PlannedCategory]| -> Option<Step> {
        cats.iter()
            .flat_map(|p| {
                let docs = p.documentation.iter().filter_map(|g| {
                    lowest(work, g, true).map(|(v, i)| (g.len() * p.documentation.len(), v, i, true))
                });
                let imps = p.implementation.iter().filter_map(|g| {
                    lowest(work, g, false).map(|(v, i)| (g.len() * p.implementation.len(), v, i, false))
                });
                docs.chain(imps).collect::<Vec<_>>()
            })
            .min_by_key(|(weight, v, i, doc)| (*weight, *v, *i, !*doc))
    };
    let raise = |work: &mut Work, (_, _, i, doc): Step| {
        if let Some((d, m)) = work[i] {
            work[i] = Some(if doc { (d + 1, m) } else { (d, m + 1) });
        }
    };

    // 2. Category floors.
    if let Some(floor) = t.category {
        for p in &plan.categories {
            while !reaches(category_maturity(&work, p), floor) {
                match best_step(&work, &[p]) {
                    Some(step) => raise(&mut work, step),
                    None => break,
                }
            }
        }
    }

    // 3. The total.
    let all: Vec<&PlannedCategory> = plan.categories.iter().collect();
    let total = |work: &Work| {
        plan.categories.iter().map(|p| category_maturity(work, p)).sum::<f64>() / plan.categories.len() as f64
    };
    while !reaches(total(&work), t.total) {
        match best_step(&work, &all) {
            Some(step) => raise(&mut work, step),
            None => break,
        }
    }

    let mut increases = Vec::new();
    for i in &plan.requirements {
        if let (Some((d0, m0)), Some((d1, m1))) = (original[*i], work[*i]) {
            let id = &catalog.requirements[*i].id;
            if d1 > d0 {
                increases.push(Increase {
                    requirement: id.clone(),
                    dimension: Dimension::Documentation,
                    from: d0,
                    to: d1,
                });
            }
            if m1 > m0 {
                increases.push(Increase {
                    requirement: id.clone(),
                    dimension: Dimension::Implementation,
                    from: m0,
                    to: m1,
                });
            }
        }
    }
    increases
}
