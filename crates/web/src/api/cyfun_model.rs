//! JSON shapes of the CyFun assessment API (also printed by `ward cyfun … --json`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;
use ward_app::{
    AnswerRecord, AnswerStatus, Assessment, AssessmentSummary, Comparison, EvidenceRecord, ScoreReport,
    SnapshotMeta,
};
use ward_domain::cyfun::{Dimension, Failing, Framework};

/// Documentation, implementation and their mean, as the workbook shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresView {
    pub documentation: f64,
    pub implementation: f64,
    pub maturity: f64,
}

/// Something that keeps a level from passing.
#[derive(Debug, Serialize, ToSchema)]
pub struct FailingView {
    /// `key_measure`, `category`, `total` or `answer` (an N/A rule is broken).
    pub kind: &'static str,
    pub requirement: Option<String>,
    pub category: Option<String>,
    /// The figure that is too low.
    pub value: Option<f64>,
    /// The threshold it must reach.
    pub required: Option<f64>,
    /// The same in words.
    pub detail: String,
}

impl From<&Failing> for FailingView {
    fn from(f: &Failing) -> Self {
        match f {
            Failing::KeyMeasure { requirement, score, required } => FailingView {
                kind: "key_measure",
                requirement: Some(requirement.clone()),
                category: None,
                value: Some(*score),
                required: Some(*required),
                detail: format!("key measure {requirement}: {score:.2} < {required:.2}"),
            },
            Failing::Category { category, maturity, required } => FailingView {
                kind: "category",
                requirement: None,
                category: Some(category.clone()),
                value: Some(*maturity),
                required: Some(*required),
                detail: format!("category {category}: {maturity:.2} < {required:.2}"),
            },
            Failing::Total { total, required } => FailingView {
                kind: "total",
                requirement: None,
                category: None,
                value: Some(*total),
                required: Some(*required),
                detail: format!("total: {total:.2} < {required:.2}"),
            },
            Failing::Answer { problem } => FailingView {
                kind: "answer",
                requirement: None,
                category: None,
                value: None,
                required: None,
                detail: problem.to_string(),
            },
        }
    }
}

/// Raise one score of one requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncreaseView {
    pub requirement: String,
    /// `documentation` or `implementation`
    pub dimension: &'static str,
    pub from: u8,
    pub to: u8,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LevelVerdictView {
    pub pass: bool,
    /// Total maturity over this level's requirements.
    pub total: f64,
    pub failing: Vec<FailingView>,
    /// A smallest set of score increases that makes this level pass.
    pub to_pass: Vec<IncreaseView>,
    pub thresholds_source: String,
    /// False where the thresholds come from a secondary source.
    pub thresholds_confirmed: bool,
}

/// Every figure of the official workbook's summary at the target level, and the verdict of each level.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreReportView {
    pub assessment: Uuid,
    pub framework: String,
    pub level: String,
    pub total: f64,
    pub functions: BTreeMap<String, FiguresView>,
    pub categories: BTreeMap<String, FiguresView>,
    pub key_measures: BTreeMap<String, f64>,
    /// `basic`, `important`, `essential`.
    pub verdict: BTreeMap<String, LevelVerdictView>,
    pub answered: usize,
    pub applicable: usize,
}

impl From<&ScoreReport> for ScoreReportView {
    fn from(r: &ScoreReport) -> Self {
        let figures = |f: &ward_app::Figures| FiguresView {
            documentation: f.documentation,
            implementation: f.implementation,
            maturity: f.maturity,
        };
        ScoreReportView {
            assessment: r.assessment,
            framework: r.framework.code().to_owned(),
            level: r.level.code().to_owned(),
            total: r.total,
            functions: r.functions.iter().map(|(k, v)| (k.clone(), figures(v))).collect(),
            categories: r.categories.iter().map(|(k, v)| (k.clone(), figures(v))).collect(),
            key_measures: r.key_measures.clone(),
            verdict: r
                .verdict
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        LevelVerdictView {
                            pass: v.pass,
                            total: v.total,
                            failing: v.failing.iter().map(FailingView::from).collect(),
                            to_pass: v
                                .to_pass
                                .iter()
                                .map(|i| IncreaseView {
                                    requirement: i.requirement.clone(),
                                    dimension: match i.dimension {
                                        Dimension::Documentation => "documentation",
                                        Dimension::Implementation => "implementation",
                                    },
                                    from: i.from,
                                    to: i.to,
                                })
                                .collect(),
                            thresholds_source: v.thresholds_source.clone(),
                            thresholds_confirmed: v.thresholds_confirmed,
                        },
                    )
                })
                .collect(),
            answered: r.answered,
            applicable: r.applicable,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: Uuid,
    pub name: String,
    /// `cyfun-2025` or `cyfun-2023`
    pub framework: String,
    pub target_level: String,
    pub total: f64,
    pub pass: bool,
    pub answered: usize,
    pub applicable: usize,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&AssessmentSummary> for AssessmentView {
    fn from(a: &AssessmentSummary) -> Self {
        AssessmentView {
            id: a.id,
            name: a.name.clone(),
            framework: a.framework.code().to_owned(),
            target_level: a.target_level.code().to_owned(),
            total: a.total,
            pass: a.pass,
            answered: a.answered,
            applicable: a.applicable,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub requirement: String,
    pub documentation: Option<u8>,
    pub implementation: Option<u8>,
    pub not_applicable: bool,
    pub justification: Option<String>,
    pub comment: Option<String>,
    pub owner: Option<String>,
    /// `todo`, `in_progress` or `done`
    pub status: String,
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_reviewed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

impl From<&AnswerRecord> for AnswerView {
    fn from(a: &AnswerRecord) -> Self {
        AnswerView {
            requirement: a.requirement_id.clone(),
            documentation: a.documentation,
            implementation: a.implementation,
            not_applicable: a.not_applicable,
            justification: a.justification.clone(),
            comment: a.comment.clone(),
            owner: a.owner.clone(),
            status: a.status.clone(),
            last_reviewed_at: a.last_reviewed_at,
            updated_at: a.updated_at,
            updated_by: a.updated_by.clone(),
        }
    }
}

/// An assessment with every answer, in catalog order.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDetail {
    pub id: Uuid,
    pub name: String,
    pub framework: String,
    pub target_level: String,
    pub scope: String,
    pub answers: Vec<AnswerView>,
    pub evidence: Vec<EvidenceView>,
    pub score: ScoreReportView,
}

impl From<&Assessment> for AssessmentDetail {
    fn from(a: &Assessment) -> Self {
        AssessmentDetail {
            id: a.record.id,
            name: a.record.name.clone(),
            framework: a.framework.code().to_owned(),
            target_level: a.target_level.code().to_owned(),
            scope: a.record.scope.clone(),
            answers: a
                .catalog()
                .requirements
                .iter()
                .filter_map(|r| a.answer(&r.id))
                .map(AnswerView::from)
                .collect(),
            evidence: a.evidence.iter().map(EvidenceView::from).collect(),
            score: ScoreReportView::from(&ScoreReport::of(a)),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateAssessmentRequest {
    pub name: String,
    /// `cyfun-2025` (default) or `cyfun-2023`
    pub framework: Option<String>,
    /// `basic`, `important` or `essential`; default: the organisation's scoped target level
    pub target_level: Option<String>,
    pub scope: Option<String>,
}

/// A change to one requirement's answer; omitted fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// 1 to 5
    pub documentation: Option<u8>,
    /// 1 to 5
    pub implementation: Option<u8>,
    pub not_applicable: Option<bool>,
    /// Required when `not_applicable` is true.
    pub justification: Option<String>,
    pub comment: Option<String>,
    pub owner: Option<String>,
    /// `todo`, `in_progress` or `done`
    pub status: Option<String>,
    /// Marks the requirement as reviewed now.
    #[serde(default)]
    pub reviewed: bool,
}

impl AnswerRequest {
    pub fn to_input(&self) -> Result<ward_app::AnswerInput, ward_domain::ValidationError> {
        Ok(ward_app::AnswerInput {
            documentation: self.documentation,
            implementation: self.implementation,
            not_applicable: self.not_applicable,
            justification: self.justification.clone(),
            comment: self.comment.clone(),
            owner: self.owner.clone(),
            status: self.status.as_deref().map(AnswerStatus::parse).transpose()?,
            reviewed: self.reviewed,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SnapshotRequest {
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotView {
    pub id: Uuid,
    pub label: String,
    pub total: f64,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub taken_at: OffsetDateTime,
    pub taken_by: String,
}

impl From<&SnapshotMeta> for SnapshotView {
    fn from(s: &SnapshotMeta) -> Self {
        SnapshotView {
            id: s.id,
            label: s.label.clone(),
            total: s.total,
            taken_at: s.taken_at,
            taken_by: s.taken_by.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedId {
    pub id: Uuid,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalizedView {
    pub en: String,
    pub nl: String,
    pub fr: String,
}

/// One requirement of a built-in catalog (facts and Ward's own title; no CCB text).
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogRequirementView {
    pub id: String,
    pub function: String,
    pub category: String,
    pub subcategory: String,
    /// The level that introduces it.
    pub level: String,
    /// The level from which it is a key measure.
    pub key_measure_from: Option<String>,
    pub management_aspect: bool,
    pub not_applicable_allowed: bool,
    pub title: LocalizedView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogView {
    pub framework: String,
    pub requirements_version: String,
    pub source: String,
    pub requirements: Vec<CatalogRequirementView>,
}

impl From<Framework> for CatalogView {
    fn from(f: Framework) -> Self {
        let c = f.catalog();
        CatalogView {
            framework: f.code().to_owned(),
            requirements_version: c.requirements_version.clone(),
            source: c.source.clone(),
            requirements: c
                .requirements
                .iter()
                .map(|r| CatalogRequirementView {
                    id: r.id.clone(),
                    function: r.function.clone(),
                    category: r.category.clone(),
                    subcategory: r.subcategory.clone(),
                    level: r.level.code().to_owned(),
                    key_measure_from: r.key_measure_from.map(|l| l.code().to_owned()),
                    management_aspect: r.management_aspect,
                    not_applicable_allowed: r.not_applicable_allowed,
                    title: LocalizedView {
                        en: r.title.en.clone(),
                        nl: r.title.nl.clone(),
                        fr: r.title.fr.clone(),
                    },
                })
                .collect(),
        }
    }
}

/// A file or link that shows a requirement is met.
#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: Uuid,
    pub requirement: String,
    pub title: String,
    pub link: Option<String>,
    pub file_name: Option<String>,
    pub size: i64,
    /// When it must be reviewed again; past dates mark the evidence stale.
    #[schema(value_type = Option<String>, format = Date)]
    pub review_by: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub added_at: OffsetDateTime,
    pub added_by: String,
}

impl From<&EvidenceRecord> for EvidenceView {
    fn from(e: &EvidenceRecord) -> Self {
        EvidenceView {
            id: e.id,
            requirement: e.requirement_id.clone(),
            title: e.title.clone(),
            link: e.link.clone(),
            file_name: e.file_name.clone(),
            size: e.size,
            review_by: e.review_by.map(|d| d.to_string()),
            added_at: e.added_at,
            added_by: e.added_by.clone(),
        }
    }
}

/// Evidence given as a link (files are uploaded on the requirement's page).
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvidenceRequest {
    pub requirement: String,
    pub title: String,
    pub link: String,
    /// `YYYY-MM-DD`
    pub review_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryDeltaView {
    pub category: String,
    pub from: f64,
    pub to: f64,
    pub delta: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedAnswerView {
    pub requirement: String,
    /// `d/i` (documentation/implementation), `N/A`, or null when unanswered
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What changed between two snapshots, or a snapshot and now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonView {
    pub from: String,
    pub to: String,
    pub total_from: f64,
    pub total_to: f64,
    pub categories: Vec<CategoryDeltaView>,
    pub changed: Vec<ChangedAnswerView>,
}

fn answer_text(a: Option<ward_domain::cyfun::Answer>) -> Option<String> {
    a.map(|a| match a {
        ward_domain::cyfun::Answer::NotApplicable => "N/A".to_owned(),
        ward_domain::cyfun::Answer::Scored { documentation, implementation } => {
            format!("{}/{}", documentation.value(), implementation.value())
        }
    })
}

impl From<&Comparison> for ComparisonView {
    fn from(c: &Comparison) -> Self {
        ComparisonView {
            from: c.from.clone(),
            to: c.to.clone(),
            total_from: c.total.0,
            total_to: c.total.1,
            categories: c
                .categories
                .iter()
                .map(|d| CategoryDeltaView {
                    category: d.category.clone(),
                    from: d.from,
                    to: d.to,
                    delta: d.delta,
                })
                .collect(),
            changed: c
                .changed
                .iter()
                .map(|x| ChangedAnswerView {
                    requirement: x.requirement.clone(),
                    from: answer_text(x.from),
                    to: answer_text(x.to),
                })
                .collect(),
        }
    }
}
