//! Ward's own healthcare guidance: for every CyFun 2025 requirement, what it means in a hospital
//! or practice and what to do about it, plus quick-start plans and pages on common healthcare
//! challenges, in English, Dutch and French.
//!
//! The content lives in `data/guidance/` as TOML (one file per CyFun category, `plans.toml`,
//! `challenges.toml`) so that changes are reviewable diffs. It is Ward's writing, never the CCB's:
//! the content tests compare it with the official texts when those are at hand. CyFun 2023
//! requirements reach the same guidance through the 2023 → 2025 mapping.

mod content;
mod markup;
mod search;

pub use crate::locale::InLanguages;
pub use content::{
    Advice, Area, Challenge, ChallengeText, Effort, Guidance, GuidanceError, Owner, Plan, PlanStep, PlanText,
    RequirementGuidance, SafetyRelevance, StepText,
};
pub use markup::{Block, blocks};
pub use search::{Found, Hit};
