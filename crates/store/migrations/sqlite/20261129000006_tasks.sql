-- Remediation tasks: the work that closes an assessment's gaps. Titles and notes describe
-- weaknesses: they are encrypted (XChaCha20-Poly1305 envelopes bound to their row).
CREATE TABLE remediation_tasks (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    assessment_id   BLOB REFERENCES assessments (id) ON DELETE SET NULL,
    title           BLOB NOT NULL,
    owner           TEXT,
    due_date        TEXT,
    status          TEXT NOT NULL,
    requirements    TEXT NOT NULL DEFAULT '',
    notes           BLOB,
    evidence_id     BLOB,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    completed_at    TEXT,
    reminded_on     TEXT
);
CREATE INDEX remediation_tasks_by_due ON remediation_tasks (organisation_id, status, due_date);
