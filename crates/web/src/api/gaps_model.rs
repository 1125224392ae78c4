//! JSON shapes of the gap plan, the minimum path, remediation tasks and the dashboards (also
//! printed by `ward gaps|plan|task … --json`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ward_app::{Dashboard, GapReport, SignalView, Task};
use ward_domain::cyfun::{Dimension, Increase, NoPath};
use ward_domain::gaps::Gap;

use crate::api::cyfun_model::FailingView;

/// One score to raise: `{requirement, from, to}` in one dimension.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    pub requirement: String,
    /// `documentation` or `implementation`.
    pub dimension: &'static str,
    pub from: u8,
    pub to: u8,
}

impl From<&Increase> for StepView {
    fn from(i: &Increase) -> Self {
        StepView {
            requirement: i.requirement.clone(),
            dimension: match i.dimension {
                Dimension::Documentation => "documentation",
                Dimension::Implementation => "implementation",
            },
            from: i.from,
            to: i.to,
        }
    }
}

/// The cheapest score increases that make the level pass, and the verdict they reach.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub assessment: Uuid,
    /// `basic`, `important` or `essential`.
    pub level: &'static str,
    /// True when a path exists (possibly empty: the level already passes).
    pub reachable: bool,
    /// Why there is no path: `answers` (fix the N/A answers first) or `unreachable`.
    pub blocked_by: Option<&'static str>,
    pub steps: Vec<StepView>,
    /// Σ points × effort weight (S 1, M 2, L 4): the figure the path minimises.
    pub cost: u32,
    pub points: u32,
    /// The verdict after the steps: pass, total, and anything still failing.
    pub reaches: Option<ReachedView>,
    /// The path in plain words.
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReachedView {
    pub pass: bool,
    pub total: f64,
    pub failing: Vec<FailingView>,
}

impl From<&GapReport> for PlanView {
    fn from(r: &GapReport) -> Self {
        let level = r.plan.level.code();
        let reaches = r.reached.as_ref().map(|v| ReachedView {
            pass: v.pass,
            total: v.total,
            failing: v.failing.iter().map(FailingView::from).collect(),
        });
        match &r.plan.path {
            Ok(p) => {
                let requirements: std::collections::BTreeSet<&str> =
                    p.increases.iter().map(|i| i.requirement.as_str()).collect();
                let explanation = if p.increases.is_empty() {
                    format!("The assessment already passes {level}: nothing to raise.")
                } else {
                    format!(
                        "Raise {} score point(s) on {} requirement(s) to pass {level}. No cheaper set exists: the \
                         search weighs each point by the requirement's effort (S 1, M 2, L 4) and tries every \
                         combination per category, then across categories (total weight {}).",
                        p.points,
                        requirements.len(),
                        p.cost
                    )
                };
                PlanView {
                    assessment: r.assessment,
                    level,
                    reachable: true,
                    blocked_by: None,
                    steps: p.increases.iter().map(StepView::from).collect(),
                    cost: p.cost,
                    points: p.points,
                    reaches,
                    explanation,
                }
            }
            Err(e) => PlanView {
                assessment: r.assessment,
                level,
                reachable: false,
                blocked_by: Some(match e {
                    NoPath::Answers { .. } => "answers",
                    NoPath::Unreachable => "unreachable",
                }),
                steps: Vec::new(),
                cost: 0,
                points: 0,
                reaches: None,
                explanation: match e {
                    NoPath::Answers { problems } => format!(
                        "Raising scores cannot pass {level} until the N/A answers follow the rules: {}.",
                        problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
                    ),
                    NoPath::Unreachable => format!("Even every score at 5 would not pass {level}."),
                },
            },
        }
    }
}

/// One row of the gap plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapView {
    pub rank: usize,
    pub requirement: String,
    pub category: String,
    pub documentation: u8,
    pub implementation: u8,
    /// `key_measure`, `category_floor`, `total` or `below_target`.
    pub blocking: &'static str,
    /// The figure that is short and what it must reach.
    pub value: Option<f64>,
    pub required: Option<f64>,
    /// What the minimum path raises here.
    pub steps: Vec<StepView>,
    /// `high`, `medium` or `low` (from Ward's guidance).
    pub patient_safety: Option<&'static str>,
    /// `S`, `M` or `L` (from Ward's guidance).
    pub effort: Option<&'static str>,
    /// Readiness signals that contradict the score, in words.
    pub contradictions: Vec<String>,
    /// Why the row is where it is, in words.
    pub why: String,
}

impl From<&Gap> for GapView {
    fn from(g: &Gap) -> Self {
        let mut why = vec![match g.blocking {
            ward_domain::gaps::Blocking::KeyMeasure => {
                let (v, r) = g.figure.unwrap_or_default();
                format!("key measure at {v:.2}, needs {r:.2}")
            }
            ward_domain::gaps::Blocking::CategoryFloor => {
                let (v, r) = g.figure.unwrap_or_default();
                format!("category {} at {v:.2}, needs {r:.2}", g.category)
            }
            ward_domain::gaps::Blocking::Total => "the minimum path raises it for the total".to_owned(),
            ward_domain::gaps::Blocking::BelowTarget => {
                let (v, r) = g.figure.unwrap_or_default();
                format!("at {v:.2}, below the level's average {r:.2}")
            }
        }];
        if let Some(s) = g.patient_safety {
            why.push(format!("patient safety {}", s.code()));
        }
        if let Some(e) = g.effort {
            why.push(format!("effort {}", e.code()));
        }
        if !g.contradictions.is_empty() {
            why.push(format!("{} signal(s) contradict the score", g.contradictions.len()));
        }
        GapView {
            rank: g.rank,
            requirement: g.requirement.clone(),
            category: g.category.clone(),
            documentation: g.documentation,
            implementation: g.implementation,
            blocking: g.blocking.code(),
            value: g.figure.map(|f| f.0),
            required: g.figure.map(|f| f.1),
            steps: g.increases.iter().map(StepView::from).collect(),
            patient_safety: g.patient_safety.map(|s| s.code()),
            effort: g.effort.map(|e| e.code()),
            contradictions: g.contradictions.iter().map(ToString::to_string).collect(),
            why: why.join(" · "),
        }
    }
}

/// The gap plan of an assessment at a level, with the minimum path.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapsView {
    pub assessment: Uuid,
    pub level: &'static str,
    pub gaps: Vec<GapView>,
    pub plan: PlanView,
    pub signals: Vec<SignalJson>,
}

impl From<&GapReport> for GapsView {
    fn from(r: &GapReport) -> Self {
        GapsView {
            assessment: r.assessment,
            level: r.plan.level.code(),
            gaps: r.plan.gaps.iter().map(GapView::from).collect(),
            plan: PlanView::from(r),
            signals: r.signals.iter().map(SignalJson::from).collect(),
        }
    }
}

/// A readiness signal: a fact a module knows, on a requirement, and whether it contradicts the score.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignalJson {
    pub requirement: String,
    /// `ward_accounts`, `evidence` or `tasks`.
    pub source: &'static str,
    /// The fact (`kind` and its figures).
    #[schema(value_type = Object)]
    pub fact: serde_json::Value,
    pub contradiction: Option<String>,
}

impl From<&SignalView> for SignalJson {
    fn from(s: &SignalView) -> Self {
        SignalJson {
            requirement: s.signal.requirement.clone(),
            source: s.signal.source.code(),
            fact: serde_json::to_value(&s.signal.fact).unwrap_or_default(),
            contradiction: s.contradiction.as_ref().map(ToString::to_string),
        }
    }
}

/// A remediation task.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskView {
    pub id: Uuid,
    pub assessment_id: Option<Uuid>,
    pub title: String,
    pub owner: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<String>,
    /// `open`, `in_progress`, `done` or `cancelled`.
    pub status: &'static str,
    /// `overdue`, `due_soon`, `later` or `none`.
    pub due_state: &'static str,
    pub requirements: Vec<String>,
    pub notes: Option<String>,
    pub evidence_id: Option<Uuid>,
    pub created_by: String,
    pub updated_by: String,
}

impl From<&Task> for TaskView {
    fn from(t: &Task) -> Self {
        TaskView {
            id: t.id,
            assessment_id: t.assessment_id,
            title: t.title.clone(),
            owner: t.owner.clone(),
            due: t.due.map(|d| d.to_string()),
            status: t.status.code(),
            due_state: match t.due_state {
                ward_domain::tasks::DueState::Overdue => "overdue",
                ward_domain::tasks::DueState::DueSoon => "due_soon",
                ward_domain::tasks::DueState::Later => "later",
                ward_domain::tasks::DueState::None => "none",
            },
            requirements: t.requirements.clone(),
            notes: t.notes.clone(),
            evidence_id: t.evidence_id,
            created_by: t.created_by.clone(),
            updated_by: t.updated_by.clone(),
        }
    }
}

/// A new task, or a task's new state.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskRequest {
    pub title: String,
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// `open` (default), `in_progress`, `done` or `cancelled`.
    pub status: Option<String>,
    #[serde(default)]
    pub requirements: Vec<String>,
    pub notes: Option<String>,
    /// The assessment whose gap the task closes.
    pub assessment_id: Option<Uuid>,
}

impl TaskRequest {
    pub fn input(self) -> ward_app::TaskInput {
        ward_app::TaskInput {
            title: self.title,
            owner: self.owner,
            due: self.due,
            status: self.status,
            requirements: self.requirements,
            notes: self.notes,
            assessment_id: self.assessment_id,
        }
    }
}

/// One level's verdict on the dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelView {
    pub level: &'static str,
    pub pass: bool,
    pub total: f64,
}

/// An organisation's dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardView {
    pub organisation: String,
    pub name: String,
    pub assessment: Option<Uuid>,
    pub assessment_name: Option<String>,
    pub target_level: Option<&'static str>,
    pub verdicts: Vec<LevelView>,
    /// Maturity per function at the target level.
    #[schema(value_type = Object)]
    pub functions: std::collections::BTreeMap<String, f64>,
    /// Total at the target level per snapshot, then now.
    pub trend: Vec<TrendView>,
    /// The first rows of the gap plan: requirement ids.
    pub top_gaps: Vec<String>,
    pub gap_count: usize,
    pub contradictions: usize,
    pub open_tasks: i64,
    pub overdue_tasks: i64,
    pub tasks_due_soon: i64,
    pub done_tasks: i64,
    pub due_tasks: Vec<TaskView>,
    /// Dated obligations from the scoping: `{id, due}`.
    pub deadlines: Vec<DeadlineView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendView {
    pub label: String,
    pub total: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    pub id: &'static str,
    pub what: String,
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<String>,
}

impl From<&Dashboard> for DashboardView {
    fn from(d: &Dashboard) -> Self {
        let a = d.assessment.as_ref();
        DashboardView {
            organisation: d.organisation.clone(),
            name: d.name.clone(),
            assessment: a.map(|a| a.id),
            assessment_name: a.map(|a| a.name.clone()),
            target_level: a.map(|a| a.target_level.code()),
            verdicts: a
                .map(|a| {
                    a.verdicts
                        .iter()
                        .map(|(l, pass, total)| LevelView { level: l.code(), pass: *pass, total: *total })
                        .collect()
                })
                .unwrap_or_default(),
            functions: a.map(|a| a.functions.iter().cloned().collect()).unwrap_or_default(),
            trend: a
                .map(|a| {
                    a.trend
                        .iter()
                        .map(|(label, total)| TrendView { label: label.clone(), total: *total })
                        .collect()
                })
                .unwrap_or_default(),
            top_gaps: a.map(|a| a.top_gaps.iter().map(|(id, _)| id.clone()).collect()).unwrap_or_default(),
            gap_count: a.map_or(0, |a| a.gap_count),
            contradictions: a.map_or(0, |a| a.contradictions),
            open_tasks: d.tasks.open,
            overdue_tasks: d.tasks.overdue,
            tasks_due_soon: d.tasks.due_soon,
            done_tasks: d.tasks.done,
            due_tasks: d.due_tasks.iter().map(TaskView::from).collect(),
            deadlines: d
                .deadlines
                .iter()
                .map(|o| DeadlineView { id: o.id, what: o.what.clone(), due: o.due.map(|x| x.to_string()) })
                .collect(),
        }
    }
}
