//! CyFun self-assessments: create, score, answer, import and export the official workbook,
//! snapshots over time, evidence, and the official texts an installation imports.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;
use ward_domain::cyfun::{
    Answer, Answers, Catalog, CategoryScore, Failing, Framework, Increase, KeyMeasureScore, Level, Maturity,
    Scorecard, Thresholds, Verdict, check_answers, score, verdict,
};
use ward_domain::{Permission, ValidationError};
use ward_store::{AnswerRecord, AssessmentRecord, CatalogText, EvidenceRecord, SnapshotMeta};

use crate::{AppError, Ctx, OrgAccess, Ward};

/// Where a requirement's assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Todo,
    InProgress,
    Done,
}

impl AnswerStatus {
    pub const ALL: [AnswerStatus; 3] = [AnswerStatus::Todo, AnswerStatus::InProgress, AnswerStatus::Done];

    pub fn code(self) -> &'static str {
        match self {
            AnswerStatus::Todo => "todo",
            AnswerStatus::InProgress => "in_progress",
            AnswerStatus::Done => "done",
        }
    }

    pub fn parse(code: &str) -> Result<AnswerStatus, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .ok_or_else(|| ValidationError::new("status", "unknown", "must be todo, in_progress or done"))
    }
}

/// What a person types to create or change an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentInput {
    pub name: String,
    pub framework: Framework,
    /// `None`: the organisation's scoped target level (Essential when not scoped).
    pub target_level: Option<Level>,
    pub scope: String,
}

/// A change to one requirement's answer. `None` leaves a field as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnswerInput {
    pub documentation: Option<u8>,
    pub implementation: Option<u8>,
    pub not_applicable: Option<bool>,
    pub justification: Option<String>,
    pub comment: Option<String>,
    pub owner: Option<String>,
    pub status: Option<AnswerStatus>,
    /// Marks the requirement as reviewed now.
    pub reviewed: bool,
}

/// An assessment with its answers, ready to score.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub record: AssessmentRecord,
    pub framework: Framework,
    pub target_level: Level,
    pub answers: HashMap<String, AnswerRecord>,
    pub evidence: Vec<EvidenceRecord>,
    scored: Answers,
}

impl Assessment {
    pub fn catalog(&self) -> &'static Catalog {
        self.framework.catalog()
    }

    pub fn scores(&self) -> &Answers {
        &self.scored
    }

    pub fn scorecard(&self, level: Level) -> Scorecard {
        score(self.catalog(), level, &self.scored)
    }

    pub fn verdict(&self, level: Level) -> Verdict {
        verdict(self.catalog(), level, &self.scored, Thresholds::embedded())
    }

    /// (answered, applicable) at the target level.
    pub fn progress(&self) -> (usize, usize) {
        let c = self.catalog();
        (self.scored.answered(c, self.target_level), c.at_level(self.target_level).count())
    }

    pub fn answer(&self, requirement: &str) -> Option<&AnswerRecord> {
        self.answers.get(requirement)
    }
}

fn answer_of(a: &AnswerRecord) -> Option<Answer> {
    if a.not_applicable {
        return Some(Answer::NotApplicable);
    }
    match (a.documentation, a.implementation) {
        (Some(d), Some(i)) => Answer::scored(d, i).ok(),
        // Half-scored: the other dimension stays at the workbook's blank value.
        (Some(d), None) => Answer::scored(d, 1).ok(),
        (None, Some(i)) => Answer::scored(1, i).ok(),
        (None, None) => None,
    }
}

fn build(
    record: AssessmentRecord,
    rows: Vec<AnswerRecord>,
    evidence: Vec<EvidenceRecord>,
) -> Result<Assessment, AppError> {
    let framework = Framework::parse(&record.framework)
        .ok_or_else(|| AppError::Internal(format!("unknown framework {}", record.framework).into()))?;
    let target_level = Level::parse(&record.target_level).map_err(|e| AppError::Internal(Box::new(e)))?;
    let catalog = framework.catalog();
    let mut scored = Answers::new(catalog);
    let mut answers = HashMap::with_capacity(rows.len());
    for row in rows {
        // Rows of requirements a catalog no longer has are kept but not scored.
        let _ = scored.set(catalog, &row.requirement_id, answer_of(&row));
        answers.insert(row.requirement_id.clone(), row);
    }
    Ok(Assessment { record, framework, target_level, answers, evidence, scored })
}

/// One line of the assessments list.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentSummary {
    pub id: Uuid,
    pub name: String,
    pub framework: Framework,
    pub target_level: Level,
    pub total: f64,
    pub pass: bool,
    pub answered: usize,
    pub applicable: usize,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// Per-dimension figures of a category or function.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub documentation: f64,
    pub implementation: f64,
    pub maturity: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelVerdict {
    pub pass: bool,
    pub total: f64,
    pub failing: Vec<Failing>,
    pub to_pass: Vec<Increase>,
    pub thresholds_source: String,
    pub thresholds_confirmed: bool,
}

/// `ward cyfun score` and `GET …/score`: every figure of the workbook's summary at the target
/// level, and the verdict of each level computed over that level's requirements.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreReport {
    pub assessment: Uuid,
    pub framework: Framework,
    pub level: Level,
    pub total: f64,
    pub functions: std::collections::BTreeMap<String, Figures>,
    pub categories: std::collections::BTreeMap<String, Figures>,
    pub key_measures: std::collections::BTreeMap<String, f64>,
    pub verdict: std::collections::BTreeMap<String, LevelVerdict>,
    pub answered: usize,
    pub applicable: usize,
}

impl ScoreReport {
    pub fn of(a: &Assessment) -> ScoreReport {
        let card = a.scorecard(a.target_level);
        let figures = |c: &CategoryScore| Figures {
            documentation: c.documentation,
            implementation: c.implementation,
            maturity: c.maturity,
        };
        let (answered, applicable) = a.progress();
        ScoreReport {
            assessment: a.record.id,
            framework: a.framework,
            level: a.target_level,
            total: card.total,
            functions: card
                .functions
                .iter()
                .map(|f| {
                    (
                        f.id.clone(),
                        Figures {
                            documentation: f.documentation,
                            implementation: f.implementation,
                            maturity: f.maturity,
                        },
                    )
                })
                .collect(),
            categories: card.categories.iter().map(|c| (c.id.clone(), figures(c))).collect(),
            key_measures: card
                .key_measures
                .iter()
                .map(|k: &KeyMeasureScore| (k.id.clone(), k.score))
                .collect(),
            verdict: Level::ALL
                .into_iter()
                .map(|level| {
                    let v = a.verdict(level);
                    (
                        level.code().to_owned(),
                        LevelVerdict {
                            pass: v.pass,
                            total: v.total,
                            failing: v.failing,
                            to_pass: v.to_pass,
                            thresholds_source: v.thresholds.source,
                            thresholds_confirmed: v.thresholds.confirmed,
                        },
                    )
                })
                .collect(),
            answered,
            applicable,
        }
    }
}

/// What changed between two snapshots (or a snapshot and now).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub from: String,
    pub to: String,
    pub total: (f64, f64),
    pub categories: Vec<CategoryDelta>,
    pub changed: Vec<ChangedAnswer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryDelta {
    pub category: String,
    pub from: f64,
    pub to: f64,
    pub delta: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangedAnswer {
    pub requirement: String,
    pub from: Option<Answer>,
    pub to: Option<Answer>,
}

/// A point of the trend chart.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub label: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub total: f64,
    pub snapshot: Option<Uuid>,
}

/// A file or link that shows a requirement is met.
#[derive(Debug, Clone)]
pub struct EvidenceInput {
    pub title: String,
    pub link: Option<String>,
    pub file: Option<(String, String, Vec<u8>)>,
    pub review_by: Option<Date>,
}

/// Evidence files are kept in the database; this bounds one file.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// What `ward catalog import` loaded.
#[derive(Debug, Clone, Serialize)]
pub struct CatalogImport {
    pub framework: Framework,
    pub source: String,
    pub languages: std::collections::BTreeMap<String, usize>,
    pub skipped: Vec<String>,
}

fn invalid(field: &'static str, code: &'static str, reason: impl Into<String>) -> AppError {
    AppError::Validation(vec![ValidationError::new(field, code, reason)])
}

fn clean(text: Option<String>, field: &'static str, max: usize) -> Result<Option<String>, AppError> {
    match text.map(|t| t.trim().to_owned()) {
        Some(t) if t.is_empty() => Ok(None),
        Some(t) if t.chars().count() > max => {
            Err(invalid(field, "too_long", format!("at most {max} characters")))
        }
        other => Ok(other),
    }
}

impl Ward {
    pub(crate) async fn load_assessment(&self, access: &OrgAccess, id: Uuid) -> Result<Assessment, AppError> {
        let record = match self.store.assessment(id).await? {
            Some(r) if r.organisation_id == access.organisation.id => r,
            _ => return Err(AppError::NotFound("assessment")),
        };
        let rows = self.store.assessment_answers(id).await?;
        let evidence = self.store.assessment_evidence(id).await?;
        build(record, rows, evidence)
    }

    /// The slug of the organisation an assessment belongs to (for commands that take only an id).
    pub async fn assessment_organisation(&self, ctx: &Ctx, id: Uuid) -> Result<String, AppError> {
        let record = self.store.assessment(id).await?.ok_or(AppError::NotFound("assessment"))?;
        let org = self.store.organisation_by_id(record.organisation_id).await?;
        // Confirms the caller may see it; otherwise the same "not found".
        self.authorize(ctx, org.slug.as_str(), Permission::View).await?;
        Ok(org.slug.as_str().to_owned())
    }

    pub async fn assessments(&self, ctx: &Ctx, slug: &str) -> Result<Vec<AssessmentSummary>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let mut out = Vec::new();
        for record in self.store.assessments_of(access.organisation.id).await? {
            let rows = self.store.assessment_answers(record.id).await?;
            let a = build(record, rows, Vec::new())?;
            let (answered, applicable) = a.progress();
            out.push(AssessmentSummary {
                id: a.record.id,
                name: a.record.name.clone(),
                framework: a.framework,
                target_level: a.target_level,
                total: a.scorecard(a.target_level).total,
                pass: a.verdict(a.target_level).pass,
                answered,
                applicable,
                updated_at: a.record.updated_at,
            });
        }
        Ok(out)
    }

    pub async fn assessment(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
    ) -> Result<(OrgAccess, Assessment), AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let a = self.load_assessment(&access, id).await?;
        Ok((access, a))
    }

    async fn default_target(&self, organisation_id: Uuid) -> Result<Level, AppError> {
        Ok(self
            .store
            .scoping(organisation_id)
            .await?
            .and_then(|s| Level::parse(&s.target_level).ok())
            .unwrap_or(Level::Essential))
    }

    fn check_input(input: &AssessmentInput) -> Result<(String, String), AppError> {
        let name = input.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 120 {
            return Err(invalid("name", "length", "give the assessment a name of 1 to 120 characters"));
        }
        let scope = input.scope.trim().to_owned();
        if scope.chars().count() > 2000 {
            return Err(invalid("scope", "too_long", "at most 2000 characters"));
        }
        Ok((name, scope))
    }

    pub async fn create_assessment(
        &self,
        ctx: &Ctx,
        slug: &str,
        input: &AssessmentInput,
    ) -> Result<Uuid, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let (name, scope) = Self::check_input(input)?;
        let target = match input.target_level {
            Some(l) => l,
            None => self.default_target(access.organisation.id).await?,
        };
        let now = Self::now();
        let record = AssessmentRecord {
            id: Uuid::now_v7(),
            organisation_id: access.organisation.id,
            name,
            framework: input.framework.code().to_owned(),
            target_level: target.code().to_owned(),
            scope,
            created_at: now,
            created_by: ctx.label(),
            updated_at: now,
            updated_by: ctx.label(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_assessment(&record).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.create",
                "assessment",
                Some(record.id.to_string()),
                format!(
                    "assessment \"{}\" created ({}, target {})",
                    record.name,
                    input.framework.label(),
                    target.code()
                ),
                json!({"framework": record.framework, "target_level": record.target_level}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(record.id)
    }

    pub async fn update_assessment(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        input: &AssessmentInput,
    ) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let a = self.load_assessment(&access, id).await?;
        let (name, scope) = Self::check_input(input)?;
        let target = input.target_level.unwrap_or(a.target_level);
        let problems = check_answers(a.catalog(), target, a.scores(), Thresholds::embedded());
        if !problems.is_empty() {
            return Err(invalid(
                "target_level",
                "not_applicable",
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            ));
        }
        let now = Self::now();
        let mut record = a.record.clone();
        record.name = name;
        record.scope = scope;
        record.target_level = target.code().to_owned();
        record.updated_at = now;
        record.updated_by = ctx.label();
        let mut tx = self.store.begin().await?;
        tx.update_assessment(&record).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.update",
                "assessment",
                Some(id.to_string()),
                format!("assessment \"{}\" changed", record.name),
                json!({"before": {"name": a.record.name, "target_level": a.record.target_level},
                       "after": {"name": record.name, "target_level": record.target_level}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_assessment(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::ManageOrganisation).await?;
        let a = self.load_assessment(&access, id).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.delete_assessment(id).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.delete",
                "assessment",
                Some(id.to_string()),
                format!("assessment \"{}\" deleted", a.record.name),
                json!({"answers": a.answers.len()}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes one requirement's answer. Contributors with only "edit assigned" may change the
    /// requirements they own.
    pub async fn save_answer(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        requirement: &str,
        input: &AnswerInput,
    ) -> Result<Assessment, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let mut a = self.load_assessment(&access, id).await?;
        let catalog = a.catalog();
        let req = catalog.requirement(requirement).ok_or(AppError::NotFound("requirement"))?;
        if !req.applies_at(a.target_level) {
            return Err(invalid(
                "requirement",
                "level",
                format!("{requirement} does not apply at the target level {}", a.target_level.code()),
            ));
        }
        let before = a.answers.get(requirement).cloned();
        if !access.can(Permission::EditAny) {
            let mine = access.can(Permission::EditAssigned)
                && before
                    .as_ref()
                    .and_then(|b| b.owner.as_deref())
                    .is_some_and(|o| o.eq_ignore_ascii_case(&ctx.label()));
            if !mine {
                return Err(AppError::Forbidden);
            }
        }
        let now = Self::now();
        let mut next = before.clone().unwrap_or_else(|| AnswerRecord {
            id: Uuid::now_v7(),
            requirement_id: requirement.to_owned(),
            documentation: None,
            implementation: None,
            not_applicable: false,
            justification: None,
            comment: None,
            owner: None,
            status: AnswerStatus::Todo.code().to_owned(),
            last_reviewed_at: None,
            updated_at: now,
            updated_by: ctx.label(),
        });
        let mut errors = Vec::new();
        for (value, field) in
            [(input.documentation, "documentation"), (input.implementation, "implementation")]
        {
            if let Some(v) = value
                && Maturity::new(v).is_err()
            {
                errors.push(ValidationError::new(
                    field,
                    "out_of_range",
                    format!("{v} is not a score: use 1 to 5"),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if let Some(d) = input.documentation {
            next.documentation = Some(d);
        }
        if let Some(i) = input.implementation {
            next.implementation = Some(i);
        }
        if let Some(na) = input.not_applicable {
            next.not_applicable = na;
        }
        if input.justification.is_some() {
            next.justification = clean(input.justification.clone(), "justification", 4000)?;
        }
        if input.comment.is_some() {
            next.comment = clean(input.comment.clone(), "comment", 4000)?;
        }
        if input.owner.is_some() {
            next.owner = clean(input.owner.clone(), "owner", 200)?;
        }
        if let Some(s) = input.status {
            next.status = s.code().to_owned();
        } else if next.status == AnswerStatus::Todo.code()
            && (input.documentation.is_some() || input.implementation.is_some())
        {
            next.status = AnswerStatus::InProgress.code().to_owned();
        }
        if input.reviewed {
            next.last_reviewed_at = Some(now);
        }
        if next.not_applicable && next.justification.is_none() {
            return Err(invalid("justification", "required", "say why this requirement does not apply"));
        }
        next.updated_at = now;
        next.updated_by = ctx.label();
        // The N/A rules (key measures, management aspects, at most five) on the whole assessment.
        let mut after = a.scored.clone();
        let _ = after.set(catalog, requirement, answer_of(&next));
        let problems = check_answers(catalog, a.target_level, &after, Thresholds::embedded());
        if !problems.is_empty() {
            return Err(invalid(
                "not_applicable",
                "not_allowed",
                problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
            ));
        }
        let describe = |r: Option<&AnswerRecord>| {
            r.map(|r| json!({
                "documentation": r.documentation, "implementation": r.implementation, "not_applicable": r.not_applicable,
                "owner": r.owner, "status": r.status, "comment_set": r.comment.is_some(), "justification_set": r.justification.is_some(),
            }))
        };
        let mut tx = self.store.begin().await?;
        tx.upsert_answer(id, &next).await?;
        tx.touch_assessment(id, now, &ctx.label()).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.answer",
                "assessment",
                Some(id.to_string()),
                format!("{requirement} answered in \"{}\"", a.record.name),
                // Comments and justifications are sensitive: the log says only whether they changed.
                json!({"requirement": requirement, "before": describe(before.as_ref()), "after": describe(Some(&next)),
                       "comment_changed": before.as_ref().map(|b| &b.comment) != Some(&next.comment)}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        a.scored = after;
        a.answers.insert(requirement.to_owned(), next);
        a.record.updated_at = now;
        Ok(a)
    }

    pub async fn score_report(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<ScoreReport, AppError> {
        let (_, a) = self.assessment(ctx, slug, id).await?;
        Ok(ScoreReport::of(&a))
    }

    // ----- snapshots -----

    pub async fn take_snapshot(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        label: &str,
    ) -> Result<Uuid, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let a = self.load_assessment(&access, id).await?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 120 {
            return Err(invalid("label", "length", "give the snapshot a label of 1 to 120 characters"));
        }
        let frozen: HashMap<&str, Answer> =
            a.answers.values().filter_map(|r| answer_of(r).map(|x| (r.requirement_id.as_str(), x))).collect();
        let now = Self::now();
        let meta = SnapshotMeta {
            id: Uuid::now_v7(),
            assessment_id: id,
            label: label.to_owned(),
            total: a.scorecard(a.target_level).total,
            taken_at: now,
            taken_by: ctx.label(),
        };
        let json = serde_json::to_string(&frozen).map_err(|e| AppError::Internal(Box::new(e)))?;
        let mut tx = self.store.begin().await?;
        tx.insert_snapshot(&meta, &json).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.snapshot",
                "assessment",
                Some(id.to_string()),
                format!("snapshot \"{label}\" of \"{}\" frozen (total {:.2})", a.record.name, meta.total),
                json!({"snapshot": meta.id, "total": meta.total}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(meta.id)
    }

    pub async fn snapshots(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<Vec<SnapshotMeta>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        self.load_assessment(&access, id).await?;
        Ok(self.store.assessment_snapshots(id).await?)
    }

    async fn snapshot_answers(&self, a: &Assessment, snapshot: Uuid) -> Result<(String, Answers), AppError> {
        let (meta, json) =
            self.store.assessment_snapshot(snapshot).await?.ok_or(AppError::NotFound("snapshot"))?;
        if meta.assessment_id != a.record.id {
            return Err(AppError::NotFound("snapshot"));
        }
        let map: HashMap<String, Answer> =
            serde_json::from_str(&json).map_err(|e| AppError::Internal(Box::new(e)))?;
        let answers = Answers::from_map(a.catalog(), &map).map_err(|e| AppError::Internal(e.into()))?;
        Ok((meta.label, answers))
    }

    /// Compares two snapshots; `to = None` compares with the assessment as it is now.
    pub async fn compare_snapshots(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        from: Uuid,
        to: Option<Uuid>,
    ) -> Result<Comparison, AppError> {
        let (_, a) = self.assessment(ctx, slug, id).await?;
        let (from_label, old) = self.snapshot_answers(&a, from).await?;
        let (to_label, new) = match to {
            Some(s) => self.snapshot_answers(&a, s).await?,
            None => ("now".to_owned(), a.scores().clone()),
        };
        let c = a.catalog();
        let (before, after) = (score(c, a.target_level, &old), score(c, a.target_level, &new));
        let categories = before
            .categories
            .iter()
            .zip(&after.categories)
            .map(|(b, n)| CategoryDelta {
                category: b.id.clone(),
                from: b.maturity,
                to: n.maturity,
                delta: n.maturity - b.maturity,
            })
            .collect();
        let changed = (0..c.requirements.len())
            .filter(|i| old.get(*i) != new.get(*i))
            .map(|i| ChangedAnswer {
                requirement: c.requirements[i].id.clone(),
                from: old.get(i),
                to: new.get(i),
            })
            .collect();
        Ok(Comparison {
            from: from_label,
            to: to_label,
            total: (before.total, after.total),
            categories,
            changed,
        })
    }

    /// Totals of every snapshot, then now.
    pub async fn trend(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<Vec<TrendPoint>, AppError> {
        let (_, a) = self.assessment(ctx, slug, id).await?;
        let mut points: Vec<TrendPoint> = self
            .store
            .assessment_snapshots(id)
            .await?
            .into_iter()
            .map(|s| TrendPoint { label: s.label, at: s.taken_at, total: s.total, snapshot: Some(s.id) })
            .collect();
        points.push(TrendPoint {
            label: "now".into(),
            at: a.record.updated_at,
            total: a.scorecard(a.target_level).total,
            snapshot: None,
        });
        Ok(points)
    }

    // ----- evidence -----

    pub async fn add_evidence(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        requirement: &str,
        input: EvidenceInput,
    ) -> Result<Uuid, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let a = self.load_assessment(&access, id).await?;
        if a.catalog().requirement(requirement).is_none() {
            return Err(AppError::NotFound("requirement"));
        }
        let title = input.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            return Err(invalid("title", "length", "give the evidence a title of 1 to 200 characters"));
        }
        let link = clean(input.link, "link", 2000)?;
        if let Some(l) = &link
            && !(l.starts_with("https://") || l.starts_with("http://"))
        {
            return Err(invalid("link", "scheme", "a link starts with https:// or http://"));
        }
        if link.is_none() && input.file.is_none() {
            return Err(invalid("link", "required", "add a link or a file"));
        }
        if let Some((_, _, bytes)) = &input.file
            && bytes.len() > MAX_EVIDENCE_BYTES
        {
            return Err(invalid("file", "too_large", "a file may be at most 10 MiB"));
        }
        let now = Self::now();
        let record = EvidenceRecord {
            id: Uuid::now_v7(),
            requirement_id: requirement.to_owned(),
            title: title.clone(),
            link,
            file_name: input.file.as_ref().map(|f| f.0.clone()),
            media_type: input.file.as_ref().map(|f| f.1.clone()),
            size: input.file.as_ref().map_or(0, |f| f.2.len() as i64),
            review_by: input.review_by,
            added_at: now,
            added_by: ctx.label(),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_evidence(id, &record, input.file.as_ref().map(|f| f.2.as_slice())).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.evidence.add",
                "assessment",
                Some(id.to_string()),
                format!("evidence \"{title}\" added to {requirement}"),
                json!({"evidence": record.id, "requirement": requirement, "file": record.file_name, "size": record.size, "review_by": record.review_by.map(|d| d.to_string())}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(record.id)
    }

    pub async fn remove_evidence(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        evidence: Uuid,
    ) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let a = self.load_assessment(&access, id).await?;
        let item = a.evidence.iter().find(|e| e.id == evidence).ok_or(AppError::NotFound("evidence"))?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.delete_evidence(id, evidence).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "assessment.evidence.remove",
                "assessment",
                Some(id.to_string()),
                format!("evidence \"{}\" removed from {}", item.title, item.requirement_id),
                json!({"evidence": evidence}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An evidence file: (name, media type, bytes).
    pub async fn evidence_file(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        evidence: Uuid,
    ) -> Result<(String, String, Vec<u8>), AppError> {
        let (_, a) = self.assessment(ctx, slug, id).await?;
        let item = a.evidence.iter().find(|e| e.id == evidence).ok_or(AppError::NotFound("evidence"))?;
        let (owner, bytes) =
            self.store.evidence_file(evidence).await?.ok_or(AppError::NotFound("evidence file"))?;
        if owner != id {
            return Err(AppError::NotFound("evidence"));
        }
        Ok((
            item.file_name.clone().unwrap_or_else(|| "evidence".into()),
            item.media_type.clone().unwrap_or_else(|| "application/octet-stream".into()),
            bytes,
        ))
    }

    // ----- official texts -----

    /// How many official texts (all languages) the installation holds for a framework.
    pub async fn official_text_count(&self, ctx: &Ctx, framework: Framework) -> Result<i64, AppError> {
        self.require_admin(ctx)?;
        Ok(self.store.catalog_text_count(framework.code()).await?)
    }

    /// Imported official texts of a framework in one language, by requirement id.
    pub async fn official_texts(
        &self,
        framework: Framework,
        language: &str,
    ) -> Result<HashMap<String, CatalogText>, AppError> {
        Ok(self
            .store
            .catalog_texts(framework.code(), language)
            .await?
            .into_iter()
            .map(|t| (t.requirement_id.clone(), t))
            .collect())
    }

    pub(crate) async fn store_official_texts(
        &self,
        ctx: &Ctx,
        framework: Framework,
        source: &str,
        texts: Vec<CatalogText>,
        skipped: Vec<String>,
    ) -> Result<CatalogImport, AppError> {
        self.require_admin(ctx)?;
        let catalog = framework.catalog();
        let mut kept = Vec::with_capacity(texts.len());
        let mut skipped = skipped;
        for t in texts {
            if catalog.requirement(&t.requirement_id).is_some() {
                kept.push(t);
            } else {
                skipped.push(format!("{}: not in the {} catalog", t.requirement_id, framework.label()));
            }
        }
        if kept.is_empty() {
            return Err(invalid("file", "empty", format!("no {} requirement text found", framework.label())));
        }
        let mut languages = std::collections::BTreeMap::new();
        for t in &kept {
            *languages.entry(t.language.clone()).or_insert(0) += 1;
        }
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.replace_catalog_texts(framework.code(), &kept).await?;
        tx.append_audit(
            ctx.audit(
                None,
                "catalog.import",
                "catalog",
                Some(framework.code().to_owned()),
                format!("official {} texts imported from {source}", framework.label()),
                json!({"languages": languages, "skipped": skipped.len()}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(CatalogImport { framework, source: source.to_owned(), languages, skipped })
    }
}
