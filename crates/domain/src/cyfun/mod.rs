//! CyberFundamentals (CyFun): the catalogs, the official workbook's scoring, and the verdict
//! per assurance level.
//!
//! Ward ships facts only (ids, structure, levels, flags and its own short titles); the CCB's
//! requirement texts are imported by the user who holds them. Scoring follows the formulas of
//! the CCB's self-assessment workbook, including where they depart from the stated method (the
//! workbook groups a few requirements differently: see `scoring_groups` in the catalog data).

mod catalog;
mod path;
mod scoring;
mod verdict;

pub use catalog::{
    Catalog, Category, Framework, Function, Localized, Mapping, Relationship, Requirement, mapping_2023_2025,
};
pub use path::{MinimumPath, NoPath, minimum_path};
pub use scoring::{
    Answer, Answers, CategoryScore, FunctionScore, KeyMeasureScore, Maturity, Scorecard, score,
};
pub use verdict::{
    AnswerProblem, Dimension, Failing, Increase, LevelThresholds, Thresholds, Verdict, check_answers, verdict,
};

/// CyFun assurance levels (cumulative: Important includes Basic, Essential includes both).
pub use crate::scoping::CyfunLevel as Level;
