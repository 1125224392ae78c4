//! The gap plan, the minimum path to pass, readiness signals and the dashboards built on them.

use std::collections::HashMap;

use serde::Serialize;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;
use ward_domain::Permission;
use ward_domain::cyfun::{
    Answer, Answers, Dimension, Framework, Level, MinimumPath, Thresholds, Verdict, mapping_2023_2025,
    verdict,
};
use ward_domain::gaps::{GapPlan, gap_plan};
use ward_domain::guidance::Guidance;
use ward_domain::signals::{Fact, Signal, Source, contradiction};
use ward_domain::tasks::{DUE_SOON_DAYS, DueState, TaskStatus, due_state};
use ward_store::TaskCounts;

use crate::tasks::Task;
use crate::{AppError, Assessment, Ctx, OrgAccess, Ward};

/// Requirements that Ward's own account data evidences (CyFun 2025 ids): MFA for access to
/// critical systems, of which Ward, holding the map of the weaknesses, is one.
const MFA_REQUIREMENTS: [&str; 1] = ["PR.AA-01.4"];

/// A signal with what it means for the score given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalView {
    pub signal: Signal,
    /// Set when the fact and the self-declared score cannot both be true.
    pub contradiction: Option<ward_domain::signals::Contradiction>,
}

/// The gap plan with the signals it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GapReport {
    pub assessment: Uuid,
    pub name: String,
    pub framework: Framework,
    pub plan: GapPlan,
    /// The verdict the minimum path reaches (passing, unless no path exists).
    pub reached: Option<Verdict>,
    pub signals: Vec<SignalView>,
}

/// One assessment's headline figures for a dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentHeadline {
    pub id: Uuid,
    pub name: String,
    pub framework: Framework,
    pub target_level: Level,
    /// Basic, Important, Essential.
    pub verdicts: Vec<(Level, bool, f64)>,
    /// (function id, maturity) at the target level.
    pub functions: Vec<(String, f64)>,
    /// (label, total at the target level) of each snapshot, oldest first, then "now".
    pub trend: Vec<(String, f64)>,
    /// The first gaps of the plan at the target level: (requirement, blocking code).
    pub top_gaps: Vec<(String, &'static str)>,
    pub gap_count: usize,
    pub contradictions: usize,
}

/// An organisation's dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub organisation: String,
    pub name: String,
    /// The most recent assessment, if any.
    pub assessment: Option<AssessmentHeadline>,
    pub tasks: TaskCountsView,
    /// Open tasks overdue or due soonest (at most 8).
    pub due_tasks: Vec<Task>,
    /// Obligations from the saved scoping that have a date, soonest first.
    pub deadlines: Vec<ward_domain::scoping::Obligation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskCountsView {
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub done: i64,
}

impl From<TaskCounts> for TaskCountsView {
    fn from(c: TaskCounts) -> Self {
        TaskCountsView { open: c.open, overdue: c.overdue, due_soon: c.due_soon, done: c.done }
    }
}

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// The ids of `framework` that a CyFun 2025 requirement corresponds to.
fn ids_in(framework: Framework, id_2025: &str) -> Vec<String> {
    match framework {
        Framework::Cyfun2025 => vec![id_2025.to_owned()],
        Framework::Cyfun2023 => {
            mapping_2023_2025().iter().filter(|m| m.to_2025 == id_2025).map(|m| m.from_2023.clone()).collect()
        }
    }
}

impl Ward {
    /// Every readiness signal about an assessment's requirements, from every module that has
    /// facts: Ward's own accounts, the evidence and its review dates, the remediation tasks.
    async fn signals(&self, access: &OrgAccess, a: &Assessment) -> Result<Vec<Signal>, AppError> {
        let mut signals = Vec::new();
        // Ward's accounts: who uses a second factor (TOTP, or sign-in through the provider).
        let members = self.store.members(access.organisation.id).await?;
        let active: Vec<_> = members.iter().filter(|(u, _)| !u.disabled).collect();
        let covered = active.iter().filter(|(u, _)| u.totp_enabled || u.sso).count() as u32;
        for id in MFA_REQUIREMENTS.iter().flat_map(|id| ids_in(a.framework, id)) {
            signals.push(Signal {
                requirement: id,
                source: Source::WardAccounts,
                fact: Fact::Coverage { what: "ward_accounts_mfa", covered, total: active.len() as u32 },
            });
        }
        // The asset register: owners of medical devices, segmentation, EDR, supported devices.
        let today = today();
        let facts = self.store.asset_facts(access.organisation.id, today).await?;
        let coverage = |what: &'static str, covered: i64, total: i64| Fact::Coverage {
            what,
            covered: u32::try_from(covered).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
        };
        let register: [(&str, Fact, bool); 4] = [
            (
                "ID.AM-01.2",
                coverage("medical_devices_owned", facts.medical_devices_with_owner, facts.medical_devices),
                facts.medical_devices > 0,
            ),
            (
                "PR.IR-01.2",
                coverage(
                    "medical_devices_zoned",
                    facts.medical_devices_in_medical_zone,
                    facts.medical_devices,
                ),
                facts.medical_devices > 0,
            ),
            (
                "DE.CM-01.2",
                coverage("edr_installed", facts.edr_installed, facts.edr_capable),
                facts.edr_capable > 0,
            ),
            (
                "PR.PS-02.1",
                coverage(
                    "assets_supported",
                    facts.with_support_end - facts.unsupported,
                    facts.with_support_end,
                ),
                facts.with_support_end > 0,
            ),
        ];
        for (id_2025, fact, known) in register {
            if known {
                for id in ids_in(a.framework, id_2025) {
                    signals.push(Signal { requirement: id, source: Source::Assets, fact: fact.clone() });
                }
            }
        }
        // Evidence: none at all, or past its review date.
        let mut stale: HashMap<&str, u32> = HashMap::new();
        let mut any: HashMap<&str, u32> = HashMap::new();
        for e in &a.evidence {
            *any.entry(e.requirement_id.as_str()).or_default() += 1;
            if e.review_by.is_some_and(|d| d < today) {
                *stale.entry(e.requirement_id.as_str()).or_default() += 1;
            }
        }
        for r in a.catalog().requirements.iter().filter(|r| r.applies_at(a.target_level)) {
            if !a.answers.contains_key(&r.id) {
                continue;
            }
            if !any.contains_key(r.id.as_str()) {
                signals.push(Signal {
                    requirement: r.id.clone(),
                    source: Source::Evidence,
                    fact: Fact::NoEvidence,
                });
            }
            if let Some(n) = stale.get(r.id.as_str()) {
                signals.push(Signal {
                    requirement: r.id.clone(),
                    source: Source::Evidence,
                    fact: Fact::StaleEvidence { count: *n },
                });
            }
        }
        // Tasks still open on a requirement.
        let mut open: HashMap<String, (u32, u32)> = HashMap::new();
        for t in self.store.open_task_states(access.organisation.id).await? {
            let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Open);
            let overdue = due_state(status, t.due_date, today) == DueState::Overdue;
            for id in t.requirements.split_whitespace() {
                let e = open.entry(id.to_owned()).or_default();
                e.0 += 1;
                e.1 += u32::from(overdue);
            }
        }
        let mut open: Vec<_> =
            open.into_iter().filter(|(id, _)| a.catalog().requirement(id).is_some()).collect();
        open.sort();
        for (id, (n, overdue)) in open {
            signals.push(Signal {
                requirement: id,
                source: Source::Tasks,
                fact: Fact::OpenTasks { open: n, overdue },
            });
        }
        Ok(signals)
    }

    /// Signals with their verdict on the score, for the workspace and the gap plan.
    pub async fn readiness_signals(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
    ) -> Result<Vec<SignalView>, AppError> {
        let (access, a) = self.assessment(ctx, slug, id).await?;
        self.signal_views(&access, &a).await
    }

    async fn signal_views(&self, access: &OrgAccess, a: &Assessment) -> Result<Vec<SignalView>, AppError> {
        let catalog = a.catalog();
        Ok(self
            .signals(access, a)
            .await?
            .into_iter()
            .map(|signal| {
                let answer = catalog.position(&signal.requirement).map(|i| a.scores().effective(i));
                let contradiction = answer.and_then(|x| contradiction(&signal.fact, x));
                SignalView { signal, contradiction }
            })
            .collect())
    }

    /// The gap plan of an assessment at `level` (its target level by default).
    pub async fn gap_report(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        level: Option<Level>,
    ) -> Result<GapReport, AppError> {
        let (access, a) = self.assessment(ctx, slug, id).await?;
        let signals = self.signal_views(&access, &a).await?;
        let plain: Vec<Signal> = signals.iter().map(|s| s.signal.clone()).collect();
        Ok(report_of(&a, level.unwrap_or(a.target_level), signals, &plain))
    }

    /// An organisation's dashboard: verdicts, maturity by function, trend, top gaps, tasks and
    /// deadlines, from aggregate queries (it stays fast with thousands of tasks).
    pub async fn dashboard(&self, ctx: &Ctx, slug: &str) -> Result<Dashboard, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        self.dashboard_of(&access).await
    }

    async fn dashboard_of(&self, access: &OrgAccess) -> Result<Dashboard, AppError> {
        let org = &access.organisation;
        let today = today();
        let counts = self.store.task_counts(org.id, today, today + Duration::days(DUE_SOON_DAYS)).await?;
        let due_tasks = self
            .store
            .tasks_of(org.id, true, 8, 0)
            .await?
            .into_iter()
            .map(|r| Task::of(r, today))
            .filter(|t| t.due.is_some())
            .collect();
        let latest = self.store.assessments_of(org.id).await?.into_iter().next();
        let assessment = match latest {
            Some(record) => {
                let a = self.load_assessment(access, record.id).await?;
                let signals = self.signal_views(access, &a).await?;
                let plain: Vec<Signal> = signals.iter().map(|s| s.signal.clone()).collect();
                let report = report_of(&a, a.target_level, signals, &plain);
                let card = a.scorecard(a.target_level);
                let mut trend: Vec<(String, f64)> = self
                    .store
                    .assessment_snapshots(a.record.id)
                    .await?
                    .into_iter()
                    .map(|s| (s.label, s.total))
                    .collect();
                trend.push(("now".to_owned(), card.total));
                Some(AssessmentHeadline {
                    id: a.record.id,
                    name: a.record.name.clone(),
                    framework: a.framework,
                    target_level: a.target_level,
                    verdicts: Level::ALL
                        .iter()
                        .map(|l| {
                            let v = a.verdict(*l);
                            (*l, v.pass, v.total)
                        })
                        .collect(),
                    functions: card.functions.iter().map(|f| (f.id.clone(), f.maturity)).collect(),
                    trend,
                    top_gaps: report
                        .plan
                        .gaps
                        .iter()
                        .take(5)
                        .map(|g| (g.requirement.clone(), g.blocking.code()))
                        .collect(),
                    gap_count: report.plan.gaps.len(),
                    contradictions: report.signals.iter().filter(|s| s.contradiction.is_some()).count(),
                })
            }
            None => None,
        };
        let deadlines = match self.store.scoping(org.id).await? {
            Some(s) => crate::scoping::deadlines_of(&s),
            None => Vec::new(),
        };
        Ok(Dashboard {
            organisation: org.slug.as_str().to_owned(),
            name: org.name.as_str().to_owned(),
            assessment,
            tasks: counts.into(),
            due_tasks,
            deadlines,
        })
    }

    /// The dashboards of every organisation the caller can see (a hospital network, a
    /// consultant's clients), for the roll-up.
    pub async fn dashboards(&self, ctx: &Ctx) -> Result<Vec<Dashboard>, AppError> {
        let mut out = Vec::new();
        for org in self.organisations(ctx).await? {
            // Administrators list every organisation but see the dashboards of their own only.
            match self.authorize(ctx, org.slug.as_str(), Permission::View).await {
                Ok(access) => out.push(self.dashboard_of(&access).await?),
                Err(AppError::NotFound(_) | AppError::Forbidden) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }
}

/// The gap plan and the verdict its minimum path reaches.
fn report_of(a: &Assessment, level: Level, signals: Vec<SignalView>, plain: &[Signal]) -> GapReport {
    let catalog = a.catalog();
    let thresholds = Thresholds::embedded();
    let plan = gap_plan(catalog, level, a.scores(), thresholds, Guidance::builtin(), plain);
    let reached = plan.path.as_ref().ok().map(|p| verdict(catalog, level, &apply(a, p), thresholds));
    GapReport {
        assessment: a.record.id,
        name: a.record.name.clone(),
        framework: a.framework,
        plan,
        reached,
        signals,
    }
}

/// The answers after the path's increases.
fn apply(a: &Assessment, path: &MinimumPath) -> Answers {
    let catalog = a.catalog();
    let mut answers = a.scores().clone();
    for inc in &path.increases {
        let Some(i) = catalog.position(&inc.requirement) else { continue };
        if let Answer::Scored { documentation, implementation } = answers.effective(i) {
            let (d, m) = match inc.dimension {
                Dimension::Documentation => (inc.to, implementation.value()),
                Dimension::Implementation => (documentation.value(), inc.to),
            };
            if let Ok(x) = Answer::scored(d, m) {
                let _ = answers.set(catalog, &inc.requirement, Some(x));
            }
        }
    }
    answers
}
