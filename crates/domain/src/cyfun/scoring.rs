//! The official workbook's arithmetic, reproduced exactly (same groupings, same order of sums).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Catalog, Level};
use crate::ValidationError;

/// A maturity score, 1 (Initial) to 5 (Optimizing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Maturity(u8);

impl Maturity {
    pub const INITIAL: Maturity = Maturity(1);
    pub const MAX: Maturity = Maturity(5);

    pub fn new(value: u8) -> Result<Maturity, ValidationError> {
        if (1..=5).contains(&value) {
            Ok(Maturity(value))
        } else {
            Err(ValidationError::new("score", "out_of_range", format!("{value} is not a score: use 1 to 5")))
        }
    }

    /// Parses user input: "1".."5" (surrounding spaces allowed).
    pub fn parse(text: &str) -> Result<Maturity, ValidationError> {
        let t = text.trim();
        t.parse::<u8>().ok().and_then(|v| Maturity::new(v).ok()).ok_or_else(|| {
            ValidationError::new("score", "out_of_range", format!("\"{t}\" is not a score: use 1 to 5"))
        })
    }

    pub fn value(self) -> u8 {
        self.0
    }

    pub fn name(self) -> &'static str {
        ["Initial", "Repeatable", "Defined", "Managed", "Optimizing"][(self.0 - 1) as usize]
    }
}

impl TryFrom<u8> for Maturity {
    type Error = ValidationError;
    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Maturity::new(value)
    }
}

impl From<Maturity> for u8 {
    fn from(m: Maturity) -> u8 {
        m.0
    }
}

/// The answer to one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Answer {
    Scored {
        documentation: Maturity,
        implementation: Maturity,
    },
    /// Counted as 3 for both dimensions, as the workbook does.
    NotApplicable,
}

impl Answer {
    /// The blank workbook's value: both dimensions at 1 (Initial).
    pub const UNANSWERED: Answer =
        Answer::Scored { documentation: Maturity::INITIAL, implementation: Maturity::INITIAL };

    pub fn scored(documentation: u8, implementation: u8) -> Result<Answer, ValidationError> {
        Ok(Answer::Scored {
            documentation: Maturity::new(documentation)?,
            implementation: Maturity::new(implementation)?,
        })
    }

    /// The values the workbook's subcategory cells use (N/A → 3).
    fn for_averages(self) -> (f64, f64) {
        match self {
            Answer::Scored { documentation, implementation } => {
                (f64::from(documentation.0), f64::from(implementation.0))
            }
            Answer::NotApplicable => (3.0, 3.0),
        }
    }
}

/// The answers of an assessment, indexed like the catalog's requirements. Requirements without
/// an answer count as the blank workbook does (1 and 1).
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    values: Vec<Option<Answer>>,
}

impl Answers {
    pub fn new(catalog: &Catalog) -> Answers {
        Answers { values: vec![None; catalog.requirements.len()] }
    }

    pub fn from_map(catalog: &Catalog, map: &HashMap<String, Answer>) -> Result<Answers, String> {
        let mut answers = Answers::new(catalog);
        for (id, a) in map {
            answers.set(catalog, id, Some(*a))?;
        }
        Ok(answers)
    }

    pub fn set(&mut self, catalog: &Catalog, id: &str, answer: Option<Answer>) -> Result<(), String> {
        let i = catalog.position(id).ok_or_else(|| format!("unknown requirement {id}"))?;
        self.values[i] = answer;
        Ok(())
    }

    pub fn get(&self, index: usize) -> Option<Answer> {
        self.values.get(index).copied().flatten()
    }

    pub fn effective(&self, index: usize) -> Answer {
        self.get(index).unwrap_or(Answer::UNANSWERED)
    }

    pub fn answered(&self, catalog: &Catalog, level: Level) -> usize {
        catalog.level_plan(level).requirements.iter().filter(|i| self.values[**i].is_some()).count()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    pub id: String,
    pub function: String,
    pub documentation: f64,
    pub implementation: f64,
    pub maturity: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionScore {
    pub id: String,
    /// Mean of the function's category maturities (Ward's summary; the workbook charts it).
    pub maturity: f64,
    pub documentation: f64,
    pub implementation: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyMeasureScore {
    pub id: String,
    pub documentation: f64,
    pub implementation: f64,
    pub score: f64,
}

/// Every figure of the workbook's summary for one level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub level: Level,
    pub total: f64,
    pub functions: Vec<FunctionScore>,
    pub categories: Vec<CategoryScore>,
    pub key_measures: Vec<KeyMeasureScore>,
}

/// AVERAGE as the spreadsheet computes it: sum left to right, then divide.
fn average(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0u32), |(s, n), v| (s + v, n + 1));
    if n == 0 { 0.0 } else { sum / f64::from(n) }
}

/// Scores `answers` at `level` exactly as the official workbook does.
pub fn score(catalog: &Catalog, level: Level, answers: &Answers) -> Scorecard {
    let plan = catalog.level_plan(level);
    let mut categories = Vec::with_capacity(plan.categories.len());
    for p in &plan.categories {
        // Subcategory cells (I/J): average of the group's values; category cells (K/L): average of those.
        let group_docs =
            p.documentation.iter().map(|g| average(g.iter().map(|i| answers.effective(*i).for_averages().0)));
        let documentation = average(group_docs);
        let group_impls = p
            .implementation
            .iter()
            .map(|g| average(g.iter().map(|i| answers.effective(*i).for_averages().1)));
        let implementation = average(group_impls);
        let c = &catalog.categories[p.index];
        categories.push(CategoryScore {
            id: c.id.clone(),
            function: c.function.clone(),
            documentation,
            implementation,
            maturity: (documentation + implementation) / 2.0,
        });
    }
    // Summary M4: SUM(D5:D26)/COUNT(D5:D26).
    let total = average(categories.iter().map(|c| c.maturity));
    let functions = catalog
        .functions
        .iter()
        .filter_map(|f| {
            let of = || categories.iter().filter(|c| c.function == f.id);
            (of().count() > 0).then(|| FunctionScore {
                id: f.id.clone(),
                maturity: average(of().map(|c| c.maturity)),
                documentation: average(of().map(|c| c.documentation)),
                implementation: average(of().map(|c| c.implementation)),
            })
        })
        .collect();
    // Key measures read the raw cells (AVERAGE(G, H)); they can never be N/A.
    let key_measures = plan
        .key_measures
        .iter()
        .map(|i| {
            let (documentation, implementation) = answers.effective(*i).for_averages();
            KeyMeasureScore {
                id: catalog.requirements[*i].id.clone(),
                documentation,
                implementation,
                score: (documentation + implementation) / 2.0,
            }
        })
        .collect();
    Scorecard { level, total, functions, categories, key_measures }
}
