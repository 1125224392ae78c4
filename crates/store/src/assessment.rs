//! CyFun assessments: their answers, evidence, snapshots, and imported official texts.
//!
//! Free-text fields that describe weaknesses (comments, N/A justifications, evidence links and
//! files, snapshot contents) are stored encrypted, each bound to its table, column and row.

use time::{Date, OffsetDateTime};
use uuid::Uuid;
use ward_crypto::field::Place;

use crate::db::{on_db, on_tx};
use crate::error::conflict_on_unique;
use crate::{Store, StoreError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AssessmentRecord {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub framework: String,
    pub target_level: String,
    pub scope: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

/// One requirement's answer, decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    pub id: Uuid,
    pub requirement_id: String,
    pub documentation: Option<u8>,
    pub implementation: Option<u8>,
    pub not_applicable: bool,
    pub justification: Option<String>,
    pub comment: Option<String>,
    pub owner: Option<String>,
    pub status: String,
    pub last_reviewed_at: Option<OffsetDateTime>,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRecord {
    pub id: Uuid,
    pub requirement_id: String,
    pub title: String,
    pub link: Option<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size: i64,
    pub review_by: Option<Date>,
    pub added_at: OffsetDateTime,
    pub added_by: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SnapshotMeta {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub label: String,
    pub total: f64,
    pub taken_at: OffsetDateTime,
    pub taken_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogText {
    pub requirement_id: String,
    pub language: String,
    pub text: String,
    pub guidance: Option<String>,
    pub source: String,
    pub imported_at: OffsetDateTime,
}

const ANSWER_COMMENT: (&str, &str) = ("assessment_answers", "comment");
const ANSWER_JUSTIFICATION: (&str, &str) = ("assessment_answers", "justification");
const EVIDENCE_LINK: (&str, &str) = ("assessment_evidence", "link");
const EVIDENCE_CONTENT: (&str, &str) = ("assessment_evidence", "content");
const SNAPSHOT_ANSWERS: (&str, &str) = ("assessment_snapshots", "answers");

/// Every encrypted column of this module, for key rotation.
pub(crate) const ENCRYPTED_COLUMNS: [(&str, &str); 5] =
    [ANSWER_COMMENT, ANSWER_JUSTIFICATION, EVIDENCE_LINK, EVIDENCE_CONTENT, SNAPSHOT_ANSWERS];

/// Where an encrypted value lives: its table, column and row (the envelope is bound to them).
pub(crate) fn place<'a>(column: (&'static str, &'static str), row: &'a Uuid) -> Place<'a> {
    Place { table: column.0, column: column.1, row: row.as_bytes() }
}

type AnswerRow = (
    Uuid,
    String,
    Option<i16>,
    Option<i16>,
    bool,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<String>,
    String,
    Option<OffsetDateTime>,
    OffsetDateTime,
    String,
);

type EvidenceRow = (
    Uuid,
    String,
    String,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    i64,
    Option<Date>,
    OffsetDateTime,
    String,
);

const ASSESSMENT_COLUMNS: &str = "id, organisation_id, name, framework, target_level, scope, created_at, created_by, updated_at, updated_by";

impl Store {
    /// A text column's envelope, decrypted (every module's encrypted text goes through here).
    pub(crate) async fn open_text(
        &self,
        column: (&'static str, &'static str),
        row: &Uuid,
        envelope: Option<Vec<u8>>,
    ) -> Result<Option<String>, StoreError> {
        match envelope {
            None => Ok(None),
            Some(e) => {
                let plain = self.decrypt(place(column, row), &e).await?;
                String::from_utf8(plain.to_vec())
                    .map(Some)
                    .map_err(|_| StoreError::Corrupt("text is not UTF-8".into()))
            }
        }
    }

    pub async fn assessments_of(&self, organisation_id: Uuid) -> Result<Vec<AssessmentRecord>, StoreError> {
        let sql = format!(
            "SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE organisation_id = $1 ORDER BY created_at DESC, name"
        );
        Ok(
            on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(organisation_id).fetch_all(p).await)?,
        )
    }

    pub async fn assessment(&self, id: Uuid) -> Result<Option<AssessmentRecord>, StoreError> {
        let sql = format!("SELECT {ASSESSMENT_COLUMNS} FROM assessments WHERE id = $1");
        Ok(
            on_db!(&*self.db, p => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(p).await)?,
        )
    }

    pub async fn assessment_answers(&self, assessment_id: Uuid) -> Result<Vec<AnswerRecord>, StoreError> {
        const SQL: &str = "SELECT id, requirement_id, documentation, implementation, not_applicable, justification, comment, \
                           owner, status, last_reviewed_at, updated_at, updated_by FROM assessment_answers WHERE assessment_id = $1";
        let rows: Vec<AnswerRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(assessment_id).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for (
            id,
            requirement_id,
            d,
            i,
            na,
            justification,
            comment,
            owner,
            status,
            reviewed,
            updated_at,
            updated_by,
        ) in rows
        {
            out.push(AnswerRecord {
                justification: self.open_text(ANSWER_JUSTIFICATION, &id, justification).await?,
                comment: self.open_text(ANSWER_COMMENT, &id, comment).await?,
                id,
                requirement_id,
                documentation: d.and_then(|v| u8::try_from(v).ok()),
                implementation: i.and_then(|v| u8::try_from(v).ok()),
                not_applicable: na,
                owner,
                status,
                last_reviewed_at: reviewed,
                updated_at,
                updated_by,
            });
        }
        Ok(out)
    }

    pub async fn assessment_evidence(&self, assessment_id: Uuid) -> Result<Vec<EvidenceRecord>, StoreError> {
        const SQL: &str = "SELECT id, requirement_id, title, link, file_name, media_type, size, review_by, added_at, added_by \
                           FROM assessment_evidence WHERE assessment_id = $1 ORDER BY added_at, id";
        let rows: Vec<EvidenceRow> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(assessment_id).fetch_all(p).await)?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, requirement_id, title, link, file_name, media_type, size, review_by, added_at, added_by) in
            rows
        {
            out.push(EvidenceRecord {
                link: self.open_text(EVIDENCE_LINK, &id, link).await?,
                id,
                requirement_id,
                title,
                file_name,
                media_type,
                size,
                review_by,
                added_at,
                added_by,
            });
        }
        Ok(out)
    }

    /// An evidence file's bytes (decrypted), with the id of the assessment it belongs to.
    pub async fn evidence_file(&self, evidence_id: Uuid) -> Result<Option<(Uuid, Vec<u8>)>, StoreError> {
        const SQL: &str = "SELECT assessment_id, content FROM assessment_evidence WHERE id = $1";
        let row: Option<(Uuid, Option<Vec<u8>>)> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(evidence_id).fetch_optional(p).await)?;
        match row {
            Some((assessment, Some(envelope))) => {
                let plain = self.decrypt(place(EVIDENCE_CONTENT, &evidence_id), &envelope).await?;
                Ok(Some((assessment, plain.to_vec())))
            }
            _ => Ok(None),
        }
    }

    pub async fn assessment_snapshots(&self, assessment_id: Uuid) -> Result<Vec<SnapshotMeta>, StoreError> {
        const SQL: &str = "SELECT id, assessment_id, label, total, taken_at, taken_by FROM assessment_snapshots \
                           WHERE assessment_id = $1 ORDER BY taken_at, id";
        Ok(on_db!(&*self.db, p => sqlx::query_as(SQL).bind(assessment_id).fetch_all(p).await)?)
    }

    /// A snapshot and its frozen answers (JSON).
    pub async fn assessment_snapshot(&self, id: Uuid) -> Result<Option<(SnapshotMeta, String)>, StoreError> {
        const SQL: &str = "SELECT id, assessment_id, label, total, taken_at, taken_by FROM assessment_snapshots WHERE id = $1";
        let meta: Option<SnapshotMeta> =
            on_db!(&*self.db, p => sqlx::query_as(SQL).bind(id).fetch_optional(p).await)?;
        let Some(meta) = meta else { return Ok(None) };
        const DATA: &str = "SELECT answers FROM assessment_snapshots WHERE id = $1";
        let (envelope,): (Vec<u8>,) =
            on_db!(&*self.db, p => sqlx::query_as(DATA).bind(id).fetch_one(p).await)?;
        let json = self.open_text(SNAPSHOT_ANSWERS, &id, Some(envelope)).await?.unwrap_or_default();
        Ok(Some((meta, json)))
    }

    pub async fn catalog_texts(
        &self,
        framework: &str,
        language: &str,
    ) -> Result<Vec<CatalogText>, StoreError> {
        const SQL: &str = "SELECT requirement_id, language, text, guidance, source, imported_at FROM catalog_texts \
                           WHERE framework = $1 AND language = $2";
        Ok(on_db!(&*self.db, p => sqlx::query_as(SQL).bind(framework).bind(language).fetch_all(p).await)?)
    }

    pub async fn catalog_text_count(&self, framework: &str) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM catalog_texts WHERE framework = $1";
        let (n,): (i64,) = on_db!(&*self.db, p => sqlx::query_as(SQL).bind(framework).fetch_one(p).await)?;
        Ok(n)
    }
}

impl Tx {
    fn seal(
        &self,
        column: (&'static str, &'static str),
        row: &Uuid,
        text: Option<&str>,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        text.map(|t| self.encrypt(place(column, row), t.as_bytes())).transpose()
    }

    pub async fn insert_assessment(&mut self, a: &AssessmentRecord) -> Result<(), StoreError> {
        let sql = format!(
            "INSERT INTO assessments ({ASSESSMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        on_tx!(&mut self.inner, c => sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(a.id).bind(a.organisation_id).bind(&a.name).bind(&a.framework).bind(&a.target_level).bind(&a.scope)
            .bind(a.created_at).bind(&a.created_by).bind(a.updated_at).bind(&a.updated_by)
            .execute(c).await.map(|_| ()).map_err(conflict_on_unique("assessment")))?;
        Ok(())
    }

    pub async fn update_assessment(&mut self, a: &AssessmentRecord) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE assessments SET name = $2, target_level = $3, scope = $4, updated_at = $5, updated_by = $6 WHERE id = $1";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(a.id).bind(&a.name).bind(&a.target_level).bind(&a.scope).bind(a.updated_at).bind(&a.updated_by)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn delete_assessment(&mut self, id: Uuid) -> Result<(), StoreError> {
        // Children first: SQLite only cascades with foreign keys switched on.
        for sql in [
            "DELETE FROM assessment_answers WHERE assessment_id = $1",
            "DELETE FROM assessment_evidence WHERE assessment_id = $1",
            "DELETE FROM assessment_snapshots WHERE assessment_id = $1",
            "DELETE FROM assessments WHERE id = $1",
        ] {
            on_tx!(&mut self.inner, c => sqlx::query(sql).bind(id).execute(c).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Writes one answer (insert or replace), keeping the row id stable so encrypted fields stay bound.
    pub async fn upsert_answer(&mut self, assessment_id: Uuid, a: &AnswerRecord) -> Result<(), StoreError> {
        const FIND: &str =
            "SELECT id FROM assessment_answers WHERE assessment_id = $1 AND requirement_id = $2";
        let existing: Option<(Uuid,)> = on_tx!(&mut self.inner, c => sqlx::query_as(FIND).bind(assessment_id).bind(&a.requirement_id).fetch_optional(c).await)?;
        let id = existing.map_or(a.id, |(id,)| id);
        let justification = self.seal(ANSWER_JUSTIFICATION, &id, a.justification.as_deref())?;
        let comment = self.seal(ANSWER_COMMENT, &id, a.comment.as_deref())?;
        const SQL: &str = "INSERT INTO assessment_answers (id, assessment_id, requirement_id, documentation, implementation, \
                           not_applicable, justification, comment, owner, status, last_reviewed_at, updated_at, updated_by) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                           ON CONFLICT (assessment_id, requirement_id) DO UPDATE SET documentation = excluded.documentation, \
                           implementation = excluded.implementation, not_applicable = excluded.not_applicable, \
                           justification = excluded.justification, comment = excluded.comment, owner = excluded.owner, \
                           status = excluded.status, last_reviewed_at = excluded.last_reviewed_at, \
                           updated_at = excluded.updated_at, updated_by = excluded.updated_by";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(id).bind(assessment_id).bind(&a.requirement_id)
            .bind(a.documentation.map(i16::from)).bind(a.implementation.map(i16::from)).bind(a.not_applicable)
            .bind(&justification).bind(&comment).bind(&a.owner).bind(&a.status).bind(a.last_reviewed_at)
            .bind(a.updated_at).bind(&a.updated_by)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn touch_assessment(
        &mut self,
        id: Uuid,
        at: OffsetDateTime,
        by: &str,
    ) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE assessments SET updated_at = $2, updated_by = $3 WHERE id = $1";
        on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(id).bind(at).bind(by).execute(c).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn insert_evidence(
        &mut self,
        assessment_id: Uuid,
        e: &EvidenceRecord,
        content: Option<&[u8]>,
    ) -> Result<(), StoreError> {
        let link = self.seal(EVIDENCE_LINK, &e.id, e.link.as_deref())?;
        let content = content.map(|b| self.encrypt(place(EVIDENCE_CONTENT, &e.id), b)).transpose()?;
        const SQL: &str = "INSERT INTO assessment_evidence (id, assessment_id, requirement_id, title, link, file_name, media_type, \
                           content, size, review_by, added_at, added_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(e.id).bind(assessment_id).bind(&e.requirement_id).bind(&e.title).bind(&link).bind(&e.file_name)
            .bind(&e.media_type).bind(&content).bind(e.size).bind(e.review_by).bind(e.added_at).bind(&e.added_by)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Removes one evidence item of an assessment; false when there was none.
    pub async fn delete_evidence(&mut self, assessment_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        const SQL: &str = "DELETE FROM assessment_evidence WHERE id = $1 AND assessment_id = $2";
        let n = on_tx!(&mut self.inner, c => sqlx::query(SQL).bind(id).bind(assessment_id).execute(c).await.map(|r| r.rows_affected()))?;
        Ok(n > 0)
    }

    pub async fn insert_snapshot(
        &mut self,
        meta: &SnapshotMeta,
        answers_json: &str,
    ) -> Result<(), StoreError> {
        let sealed = self.encrypt(place(SNAPSHOT_ANSWERS, &meta.id), answers_json.as_bytes())?;
        const SQL: &str = "INSERT INTO assessment_snapshots (id, assessment_id, label, total, answers, taken_at, taken_by) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on_tx!(&mut self.inner, c => sqlx::query(SQL)
            .bind(meta.id).bind(meta.assessment_id).bind(&meta.label).bind(meta.total).bind(&sealed).bind(meta.taken_at).bind(&meta.taken_by)
            .execute(c).await.map(|_| ()))?;
        Ok(())
    }

    /// Replaces the imported texts of a framework in the given languages.
    pub async fn replace_catalog_texts(
        &mut self,
        framework: &str,
        texts: &[CatalogText],
    ) -> Result<(), StoreError> {
        let mut languages: Vec<&str> = texts.iter().map(|t| t.language.as_str()).collect();
        languages.sort_unstable();
        languages.dedup();
        for language in languages {
            const DELETE: &str = "DELETE FROM catalog_texts WHERE framework = $1 AND language = $2";
            on_tx!(&mut self.inner, c => sqlx::query(DELETE).bind(framework).bind(language).execute(c).await.map(|_| ()))?;
        }
        const SQL: &str = "INSERT INTO catalog_texts (framework, requirement_id, language, text, guidance, source, imported_at) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7)";
        for t in texts {
            on_tx!(&mut self.inner, c => sqlx::query(SQL)
                .bind(framework).bind(&t.requirement_id).bind(&t.language).bind(&t.text).bind(&t.guidance).bind(&t.source).bind(t.imported_at)
                .execute(c).await.map(|_| ()).map_err(conflict_on_unique("catalog text")))?;
        }
        Ok(())
    }

    /// Re-encrypts this module's sealed fields that are not under the current data key.
    pub async fn reencrypt_assessment_fields(&mut self, store: &Store) -> Result<usize, StoreError> {
        self.reencrypt_columns(store, &ENCRYPTED_COLUMNS).await
    }
}
