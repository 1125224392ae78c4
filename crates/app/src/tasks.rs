//! Remediation tasks: created from gaps or by hand, imported and exported as CSV, completed with
//! evidence, and reminded to their owners when they come due.

use serde::Serialize;
use serde_json::json;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;
use ward_domain::Permission;
use ward_domain::tasks::{
    DUE_SOON_DAYS, DueState, RowError, TaskDraft, TaskLine, TaskStatus, check_task, due_state, parse_csv,
    write_csv,
};
use ward_store::{TaskCounts, TaskRecord};

use crate::{AppError, Ctx, EvidenceInput, OrgAccess, Ward};

/// A task as the transports see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    pub id: Uuid,
    pub assessment_id: Option<Uuid>,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<Date>,
    pub status: TaskStatus,
    pub requirements: Vec<String>,
    pub notes: Option<String>,
    pub evidence_id: Option<Uuid>,
    pub due_state: DueState,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub completed_at: Option<OffsetDateTime>,
}

impl Task {
    pub(crate) fn of(r: TaskRecord, today: Date) -> Task {
        let status = TaskStatus::parse(&r.status).unwrap_or(TaskStatus::Open);
        Task {
            due_state: due_state(status, r.due_date, today),
            id: r.id,
            assessment_id: r.assessment_id,
            title: r.title,
            owner: r.owner,
            due: r.due_date,
            status,
            requirements: r.requirements.split_whitespace().map(str::to_owned).collect(),
            notes: r.notes,
            evidence_id: r.evidence_id,
            created_at: r.created_at,
            created_by: r.created_by,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
            completed_at: r.completed_at,
        }
    }

    fn draft(&self) -> TaskDraft {
        TaskDraft {
            title: self.title.clone(),
            owner: self.owner.clone(),
            due: self.due,
            status: self.status,
            requirements: self.requirements.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// A task's fields as typed (form, API, command line); checked by the domain.
#[derive(Debug, Clone, Default)]
pub struct TaskInput {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
    pub requirements: Vec<String>,
    pub notes: Option<String>,
    /// The assessment whose gap the task closes.
    pub assessment_id: Option<Uuid>,
}

/// What a task file did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskImport {
    pub created: usize,
    pub updated: usize,
}

/// The owners reminded, and how many tasks each was told about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderReport {
    pub messages: Vec<Reminder>,
}

/// One reminder message: to whom, about which tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub organisation: String,
    pub to: String,
    pub tasks: Vec<Uuid>,
    pub subject: String,
    pub body: String,
}

/// The largest page of a task list.
pub const MAX_TASK_PAGE: i64 = 500;

fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

impl Ward {
    async fn load_task(&self, access: &OrgAccess, id: Uuid) -> Result<TaskRecord, AppError> {
        match self.store.task(id).await? {
            Some(t) if t.organisation_id == access.organisation.id => Ok(t),
            _ => Err(AppError::NotFound("task")),
        }
    }

    /// The assessment a task links to must be the organisation's own.
    async fn check_assessment(&self, access: &OrgAccess, id: Option<Uuid>) -> Result<(), AppError> {
        if let Some(id) = id {
            match self.store.assessment(id).await? {
                Some(a) if a.organisation_id == access.organisation.id => {}
                _ => return Err(AppError::NotFound("assessment")),
            }
        }
        Ok(())
    }

    /// An organisation's tasks, open work first and soonest due first.
    pub async fn tasks(
        &self,
        ctx: &Ctx,
        slug: &str,
        open_only: bool,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<Task>, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let today = today();
        let rows = self
            .store
            .tasks_of(access.organisation.id, open_only, limit.clamp(1, MAX_TASK_PAGE), offset.max(0))
            .await?;
        Ok(rows.into_iter().map(|r| Task::of(r, today)).collect())
    }

    pub async fn task(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<Task, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        Ok(Task::of(self.load_task(&access, id).await?, today()))
    }

    pub async fn task_counts(&self, ctx: &Ctx, slug: &str) -> Result<TaskCounts, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let today = today();
        Ok(self
            .store
            .task_counts(access.organisation.id, today, today + Duration::days(DUE_SOON_DAYS))
            .await?)
    }

    pub async fn create_task(&self, ctx: &Ctx, slug: &str, input: &TaskInput) -> Result<Uuid, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let draft = checked(input)?;
        self.check_assessment(&access, input.assessment_id).await?;
        let now = Self::now();
        let record =
            record_of(Uuid::now_v7(), access.organisation.id, input.assessment_id, &draft, ctx, now, None);
        let mut tx = self.store.begin().await?;
        tx.save_task(&record).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "task.create",
                "task",
                Some(record.id.to_string()),
                format!("task created for {}", describe(&draft)),
                json!({"requirements": draft.requirements, "due": draft.due, "owner": draft.owner, "assessment": input.assessment_id}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(record.id)
    }

    /// Changes a task. Contributors may change the tasks they own (status, notes); the rest needs
    /// the right to edit anything.
    pub async fn update_task(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        input: &TaskInput,
    ) -> Result<Task, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAssigned).await?;
        let before = self.load_task(&access, id).await?;
        if !access.can(Permission::EditAny)
            && !before.owner.as_deref().is_some_and(|o| o.eq_ignore_ascii_case(&ctx.label()))
        {
            return Err(AppError::Forbidden);
        }
        let draft = checked(input)?;
        let assessment_id = input.assessment_id.or(before.assessment_id);
        self.check_assessment(&access, assessment_id).await?;
        let now = Self::now();
        let mut record =
            record_of(id, access.organisation.id, assessment_id, &draft, ctx, now, Some(&before));
        if !access.can(Permission::EditAny) {
            // An owner without wider rights cannot hand the task over or move its date.
            record.owner = before.owner.clone();
            record.due_date = before.due_date;
            record.title = before.title.clone();
            record.requirements = before.requirements.clone();
        }
        let mut tx = self.store.begin().await?;
        tx.save_task(&record).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "task.update",
                "task",
                Some(id.to_string()),
                format!("task for {} now {}", describe(&draft), record.status),
                json!({"from": {"status": before.status, "owner": before.owner, "due": before.due_date},
                       "to": {"status": record.status, "owner": record.owner, "due": record.due_date}}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(Task::of(record, today()))
    }

    /// Marks a task done; with evidence, it is attached to the task's first requirement in its
    /// assessment, in the same step.
    pub async fn complete_task(
        &self,
        ctx: &Ctx,
        slug: &str,
        id: Uuid,
        evidence: Option<EvidenceInput>,
    ) -> Result<Task, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAssigned).await?;
        let before = self.load_task(&access, id).await?;
        let mut input = TaskInput {
            title: before.title.clone(),
            owner: before.owner.clone(),
            due: before.due_date.map(|d| d.to_string()),
            status: Some("done".into()),
            requirements: before.requirements.split_whitespace().map(str::to_owned).collect(),
            notes: before.notes.clone(),
            assessment_id: before.assessment_id,
        };
        let evidence_id = match (evidence, before.assessment_id, input.requirements.first()) {
            (Some(e), Some(assessment), Some(requirement)) => {
                Some(self.add_evidence(ctx, slug, assessment, requirement, e).await?)
            }
            (Some(_), _, _) => {
                return Err(AppError::Validation(vec![ward_domain::ValidationError::new(
                    "evidence",
                    "no_assessment",
                    "this task is not linked to an assessment's requirement; add the evidence there",
                )]));
            }
            (None, _, _) => None,
        };
        input.status = Some("done".into());
        let mut task = self.update_task(ctx, slug, id, &input).await?;
        if let Some(e) = evidence_id {
            let mut record = self.load_task(&access, id).await?;
            record.evidence_id = Some(e);
            let mut tx = self.store.begin().await?;
            tx.save_task(&record).await?;
            tx.commit().await?;
            task.evidence_id = Some(e);
        }
        Ok(task)
    }

    pub async fn delete_task(&self, ctx: &Ctx, slug: &str, id: Uuid) -> Result<(), AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let before = self.load_task(&access, id).await?;
        let now = Self::now();
        let mut tx = self.store.begin().await?;
        tx.delete_task(id).await?;
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "task.delete",
                "task",
                Some(id.to_string()),
                format!(
                    "task for {} deleted",
                    if before.requirements.is_empty() { "no requirement" } else { &before.requirements }
                ),
                json!({"status": before.status}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every task of the organisation as CSV (see `ward_domain::tasks::write_csv`).
    pub async fn export_tasks(&self, ctx: &Ctx, slug: &str) -> Result<String, AppError> {
        let access = self.authorize(ctx, slug, Permission::View).await?;
        let today = today();
        let mut all = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.store.tasks_of(access.organisation.id, false, MAX_TASK_PAGE, offset).await?;
            let n = page.len() as i64;
            all.extend(page.into_iter().map(|r| Task::of(r, today)));
            if n < MAX_TASK_PAGE {
                break;
            }
            offset += n;
        }
        let drafts: Vec<(String, TaskDraft)> = all.iter().map(|t| (t.id.to_string(), t.draft())).collect();
        Ok(write_csv(drafts.iter().map(|(id, task)| TaskLine { id, task })))
    }

    /// Imports a task file: every row is checked first and nothing is written unless all are good
    /// (the errors name each bad row's line and field). Rows with the id of one of the
    /// organisation's tasks update it; the others create tasks.
    pub async fn import_tasks(&self, ctx: &Ctx, slug: &str, bytes: &[u8]) -> Result<TaskImport, AppError> {
        let access = self.authorize(ctx, slug, Permission::EditAny).await?;
        let rows = parse_csv(bytes).map_err(rows_error)?;
        let now = Self::now();
        let mut records = Vec::with_capacity(rows.len());
        let mut updated = 0;
        let mut bad = Vec::new();
        for row in &rows {
            let existing = match row.id.as_deref().map(Uuid::parse_str) {
                None => None,
                Some(Ok(id)) => match self.store.task(id).await? {
                    Some(t) if t.organisation_id == access.organisation.id => Some(t),
                    _ => None,
                },
                Some(Err(_)) => {
                    bad.push(RowError {
                        line: row.line,
                        errors: vec![ward_domain::ValidationError::new(
                            "id",
                            "not_an_id",
                            "leave id empty for a new task",
                        )],
                    });
                    continue;
                }
            };
            let id = existing.as_ref().map_or_else(Uuid::now_v7, |t| t.id);
            updated += usize::from(existing.is_some());
            let assessment = existing.as_ref().and_then(|t| t.assessment_id);
            records.push(record_of(
                id,
                access.organisation.id,
                assessment,
                &row.task,
                ctx,
                now,
                existing.as_ref(),
            ));
        }
        if !bad.is_empty() {
            return Err(rows_error(bad));
        }
        let mut tx = self.store.begin().await?;
        for r in &records {
            tx.save_task(r).await?;
        }
        let report = TaskImport { created: records.len() - updated, updated };
        tx.append_audit(
            ctx.audit(
                Some(access.organisation.id),
                "task.import",
                "task",
                None,
                format!("{} task(s) created and {} updated from a file", report.created, report.updated),
                json!({"created": report.created, "updated": report.updated}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// The reminders due today across all organisations: for each owner, the open tasks that are
    /// overdue or due within a week and not yet reminded today. `deliver` sends one message (SMTP
    /// in production); each owner's tasks are marked reminded only once the message went out.
    pub async fn send_reminders<F, Fut>(&self, ctx: &Ctx, deliver: F) -> Result<ReminderReport, AppError>
    where
        F: Fn(Reminder) -> Fut,
        Fut: std::future::Future<Output = Result<(), String>>,
    {
        self.require_admin(ctx)?;
        let today = today();
        let due = self.store.tasks_to_remind(today, today + Duration::days(DUE_SOON_DAYS)).await?;
        let mut groups: Vec<(Uuid, String, Vec<TaskRecord>)> = Vec::new();
        for t in due {
            let owner = t.owner.clone().unwrap_or_default();
            match groups.last_mut() {
                Some((org, o, list)) if *org == t.organisation_id && o.eq_ignore_ascii_case(&owner) => {
                    list.push(t)
                }
                _ => groups.push((t.organisation_id, owner, vec![t])),
            }
        }
        let mut messages = Vec::new();
        let mut failures = Vec::new();
        for (org, owner, tasks) in groups {
            if !owner.contains('@') {
                continue;
            }
            let organisation = self.store.organisation_by_id(org).await?;
            let reminder = reminder_for(organisation.name.as_str(), &owner, &tasks, today);
            match deliver(reminder.clone()).await {
                Ok(()) => {
                    let now = Self::now();
                    let mut tx = self.store.begin().await?;
                    tx.mark_reminded(&reminder.tasks, today).await?;
                    tx.append_audit(
                        ctx.audit(
                            Some(org),
                            "task.remind",
                            "task",
                            None,
                            format!("{} reminded of {} task(s)", owner, reminder.tasks.len()),
                            json!({"tasks": reminder.tasks}),
                        ),
                        now,
                    )
                    .await?;
                    tx.commit().await?;
                    messages.push(reminder);
                }
                Err(e) => failures.push(format!("{owner}: {e}")),
            }
        }
        if !failures.is_empty() && messages.is_empty() {
            return Err(AppError::Unavailable(format!("no reminder could be sent: {}", failures.join("; "))));
        }
        Ok(ReminderReport { messages })
    }
}

fn checked(input: &TaskInput) -> Result<TaskDraft, AppError> {
    check_task(
        &input.title,
        input.owner.as_deref(),
        input.due.as_deref(),
        input.status.as_deref(),
        &input.requirements,
        input.notes.as_deref(),
    )
    .map_err(AppError::Validation)
}

fn rows_error(rows: Vec<RowError>) -> AppError {
    AppError::Validation(
        rows.into_iter()
            .flat_map(|r| {
                let line = r.line;
                r.errors.into_iter().map(move |e| ward_domain::ValidationError {
                    reason: format!("line {line}: {}", e.reason),
                    ..e
                })
            })
            .collect(),
    )
}

fn describe(draft: &TaskDraft) -> String {
    if draft.requirements.is_empty() { "no requirement".to_owned() } else { draft.requirements.join(", ") }
}

fn record_of(
    id: Uuid,
    organisation_id: Uuid,
    assessment_id: Option<Uuid>,
    draft: &TaskDraft,
    ctx: &Ctx,
    now: OffsetDateTime,
    before: Option<&TaskRecord>,
) -> TaskRecord {
    let done = draft.status == TaskStatus::Done;
    TaskRecord {
        id,
        organisation_id,
        assessment_id,
        title: draft.title.clone(),
        owner: draft.owner.clone(),
        due_date: draft.due,
        status: draft.status.code().to_owned(),
        requirements: draft.requirements.join(" "),
        notes: draft.notes.clone(),
        evidence_id: before.and_then(|b| b.evidence_id),
        created_at: before.map_or(now, |b| b.created_at),
        created_by: before.map_or_else(|| ctx.label(), |b| b.created_by.clone()),
        updated_at: now,
        updated_by: ctx.label(),
        completed_at: if done { before.and_then(|b| b.completed_at).or(Some(now)) } else { None },
        // A new due date or owner deserves a fresh reminder.
        reminded_on: before
            .filter(|b| b.due_date == draft.due && b.owner == draft.owner)
            .and_then(|b| b.reminded_on),
    }
}

/// The message for one owner: plain text, the tasks with their dates, no weakness details beyond
/// the titles the organisation chose.
fn reminder_for(organisation: &str, owner: &str, tasks: &[TaskRecord], today: Date) -> Reminder {
    let overdue = tasks.iter().filter(|t| t.due_date.is_some_and(|d| d < today)).count();
    let subject = if overdue > 0 {
        format!("[Ward] {organisation}: {overdue} task(s) overdue, {} coming due", tasks.len() - overdue)
    } else {
        format!("[Ward] {organisation}: {} task(s) coming due", tasks.len())
    };
    let mut body = format!("Hello,\n\nThese remediation tasks of {organisation} are assigned to you:\n\n");
    for t in tasks {
        let due = t.due_date.map(|d| d.to_string()).unwrap_or_default();
        let state = if t.due_date.is_some_and(|d| d < today) { "OVERDUE" } else { "due" };
        body.push_str(&format!("- {} ({state} {due})", t.title));
        if !t.requirements.is_empty() {
            body.push_str(&format!(" [{}]", t.requirements));
        }
        body.push('\n');
    }
    body.push_str("\nOpen Ward to update them. You receive this once a day while tasks are due.\n");
    Reminder {
        organisation: organisation.to_owned(),
        to: owner.to_owned(),
        tasks: tasks.iter().map(|t| t.id).collect(),
        subject,
        body,
    }
}
