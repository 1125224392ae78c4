//! Remediation tasks. Titles and notes are stored encrypted, each bound to its row; the rest
//! (owner, due date, status, requirement ids) stays in clear so that counts, due lists and
//! reminders are plain indexed queries, even for organisations with thousands of tasks.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::assessment::place;
use crate::db::{on_db, on_tx};
use crate::{Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub assessment_id: Option<Uuid>,
    pub title: String,
    pub owner: Option<String>,
    pub due_date: Option<Date>,
    pub status: String,
    /// Requirement ids separated by spaces.
    pub requirements: String,
    pub notes: Option<String>,
    pub evidence_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
    pub completed_at: Option<OffsetDateTime>,
    pub reminded_on: Option<Date>,
}

/// How many of an organisation's tasks are where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub open: i64,
    pub overdue: i64,
    pub due_soon: i64,
    pub done: i64,
}

/// A task's state without its encrypted text, for signals and reminders.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskState {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub owner: Option<String>,
    pub due_date: Option<Date>,
    pub status: String,
    pub requirements: String,
}

const TITLE: (&str, &str) = ("remediation_tasks", "title");
const NOTES: (&str, &str) = ("remediation_tasks", "notes");

/// Every encrypted column of this module, for key rotation.
pub(crate) const ENCRYPTED_COLUMNS: [(&str, &str); 2] = [TITLE, NOTES];

const COLUMNS: &str = "id, organisation_id, assessment_id, title, owner, due_date, status, requirements, notes, \
                       evidence_id, created_at, created_by, updated_at, updated_by, completed_at, reminded_on";

type Row = (
    Uuid,
    Uuid,
    Option<Uuid>,
    Vec<u8>,
    Option<String>,
    Option<Date>,
    String,
    String,
    Option<Vec<u8>>,
    Option<Uuid>,
    OffsetDateTime,
    String,
    OffsetDateTime,
    String,
    Option<OffsetDateTime>,
    Option<Date>,
);

/// The order of task lists: open work first, soonest due first, undated last.
const ORDER: &str = "CASE WHEN status IN ('open', 'in_progress') THEN 0 ELSE 1 END, \
                     CASE WHEN due_date IS NULL THEN 1 ELSE 0 END, due_date, created_at, id";

impl Store {
    async fn open_task(&self, row: Row) -> Result<TaskRecord, StoreError> {
        let (
            id,
            organisation_id,
            assessment_id,
            title,
            owner,
            due_date,
            status,
            requirements,
            notes,
            evidence_id,
            created_at,
            created_by,
            updated_at,
            updated_by,
            completed_at,
            reminded_on,
        ) = row;
        let title = self.open_text(TITLE, &id, Some(title)).await?.unwrap_or_default();
        let notes = self.open_text(NOTES, &id, notes).await?;
        Ok(TaskRecord {
            id,
            organisation_id,
            assessment_id,
            title,
            owner,
            due_date,
            status,
            requirements,
            notes,
            evidence_id,
            created_at,
            created_by,
            updated_at,
            updated_by,
            completed_at,
            reminded_on,
        })
    }

    /// An organisation's tasks in list order, `limit` from `offset`; only open ones when asked.
    pub async fn tasks_of(
        &self,
        organisation_id: Uuid,
        open_only: bool,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<TaskRecord>, StoreError> {
        let filter = if open_only { "AND status IN ('open', 'in_progress')" } else { "" };
        let sql = format!(
            "SELECT {COLUMNS} FROM remediation_tasks WHERE organisation_id = $1 {filter} ORDER BY {ORDER} LIMIT $2 OFFSET $3"
        );
        let rows: Vec<Row> = on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(organisation_id).bind(limit).bind(offset).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.open_task(row).await?);
        }
        Ok(out)
    }

    pub async fn task(&self, id: Uuid) -> Result<Option<TaskRecord>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM remediation_tasks WHERE id = $1");
        let row: Option<Row> = on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?;
        match row {
            Some(row) => Ok(Some(self.open_task(row).await?)),
            None => Ok(None),
        }
    }

    /// Counts by state, `today` deciding what is overdue and what is due within `soon` days.
    pub async fn task_counts(
        &self,
        organisation_id: Uuid,
        today: Date,
        soon: Date,
    ) -> Result<TaskCounts, StoreError> {
        const SQL: &str = "SELECT \
            COALESCE(SUM(CASE WHEN status IN ('open', 'in_progress') THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN status IN ('open', 'in_progress') AND due_date < $2 THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN status IN ('open', 'in_progress') AND due_date >= $2 AND due_date <= $3 THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0) \
            FROM remediation_tasks WHERE organisation_id = $1";
        let (open, overdue, due_soon, done): (i64, i64, i64, i64) = on_db!(&*self.db, p => sqlx::query_as(SQL)
            .bind(organisation_id).bind(today).bind(soon).fetch_one(p).await)?;
        Ok(TaskCounts { open, overdue, due_soon, done })
    }

    /// The open tasks of an organisation without their text (for readiness signals).
    pub async fn open_task_states(&self, organisation_id: Uuid) -> Result<Vec<TaskState>, StoreError> {
        const SQL: &str = "SELECT id, organisation_id, owner, due_date, status, requirements FROM remediation_tasks \
                           WHERE organisation_id = $1 AND status IN ('open', 'in_progress')";
        Ok(on_db!(&*self.db, p => sqlx::query_as(SQL).bind(organisation_id).fetch_all(p).await)?)
    }

    /// Open tasks of every organisation due on or before `until` whose owner has not been
    /// reminded on `today`.
    pub async fn tasks_to_remind(&self, today: Date, until: Date) -> Result<Vec<TaskRecord>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM remediation_tasks WHERE status IN ('open', 'in_progress') AND owner IS NOT NULL \
             AND due_date <= $1 AND (reminded_on IS NULL OR reminded_on < $2) ORDER BY organisation_id, owner, due_date, id"
        );
        let rows: Vec<Row> = on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(until).bind(today).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.open_task(row).await?);
        }
        Ok(out)
    }
}

impl Tx {
    /// Inserts or replaces a task (the id stays, so encrypted fields stay bound to it).
    pub async fn save_task(&mut self, t: &TaskRecord) -> Result<(), StoreError> {
        let title = self.encrypt(place(TITLE, &t.id), t.title.as_bytes())?;
        let notes =
            t.notes.as_deref().map(|n| self.encrypt(place(NOTES, &t.id), n.as_bytes())).transpose()?;
        let sql = format!(
            "INSERT INTO remediation_tasks ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
             ON CONFLICT (id) DO UPDATE SET assessment_id = excluded.assessment_id, title = excluded.title, \
             owner = excluded.owner, due_date = excluded.due_date, status = excluded.status, \
             requirements = excluded.requirements, notes = excluded.notes, evidence_id = excluded.evidence_id, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by, completed_at = excluded.completed_at, \
             reminded_on = excluded.reminded_on"
        );
        on_tx!(&mut self.inner, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(t.id).bind(t.organisation_id).bind(t.assessment_id).bind(title).bind(&t.owner).bind(t.due_date)
            .bind(&t.status).bind(&t.requirements).bind(notes).bind(t.evidence_id).bind(t.created_at).bind(&t.created_by)
            .bind(t.updated_at).bind(&t.updated_by).bind(t.completed_at).bind(t.reminded_on)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_task(&mut self, id: Uuid) -> Result<(), StoreError> {
        on_tx!(&mut self.inner, c => sqlx::query("DELETE FROM remediation_tasks WHERE id = $1").bind(id).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Records that the owners of these tasks were reminded on `day`.
    pub async fn mark_reminded(&mut self, ids: &[Uuid], day: Date) -> Result<(), StoreError> {
        for id in ids {
            on_tx!(&mut self.inner, c => sqlx::query("UPDATE remediation_tasks SET reminded_on = $2 WHERE id = $1")
                .bind(id).bind(day).execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }

    pub async fn reencrypt_task_fields(&mut self, store: &Store) -> Result<usize, StoreError> {
        self.reencrypt_columns(store, &ENCRYPTED_COLUMNS).await
    }
}
