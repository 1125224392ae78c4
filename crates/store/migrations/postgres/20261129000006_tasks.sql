-- Remediation tasks: the work that closes an assessment's gaps. Titles and notes describe
-- weaknesses: they are encrypted (XChaCha20-Poly1305 envelopes bound to their row).
CREATE TABLE remediation_tasks (
    id              UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    assessment_id   UUID REFERENCES assessments (id) ON DELETE SET NULL,
    title           BYTEA NOT NULL,
    owner           TEXT,
    due_date        DATE,
    status          TEXT NOT NULL,
    requirements    TEXT NOT NULL DEFAULT '',
    notes           BYTEA,
    evidence_id     UUID,
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT NOT NULL,
    completed_at    TIMESTAMPTZ,
    reminded_on     DATE
);
CREATE INDEX remediation_tasks_by_due ON remediation_tasks (organisation_id, status, due_date);
