-- CyFun self-assessments. Comments, N/A justifications, evidence locations and files describe an
-- organisation's weaknesses: they are encrypted (XChaCha20-Poly1305 envelopes bound to their row).
CREATE TABLE assessments (
    id              UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    framework       TEXT NOT NULL,
    target_level    TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX assessments_by_organisation ON assessments (organisation_id, created_at);

CREATE TABLE assessment_answers (
    id               UUID PRIMARY KEY,
    assessment_id    UUID NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    requirement_id   TEXT NOT NULL,
    documentation    SMALLINT,
    implementation   SMALLINT,
    not_applicable   BOOLEAN NOT NULL DEFAULT FALSE,
    justification    BYTEA,
    comment          BYTEA,
    owner            TEXT,
    status           TEXT NOT NULL,
    last_reviewed_at TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL,
    updated_by       TEXT NOT NULL,
    UNIQUE (assessment_id, requirement_id)
);

CREATE TABLE assessment_evidence (
    id             UUID PRIMARY KEY,
    assessment_id  UUID NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    requirement_id TEXT NOT NULL,
    title          TEXT NOT NULL,
    link           BYTEA,
    file_name      TEXT,
    media_type     TEXT,
    content        BYTEA,
    size           BIGINT NOT NULL DEFAULT 0,
    review_by      DATE,
    added_at       TIMESTAMPTZ NOT NULL,
    added_by       TEXT NOT NULL
);
CREATE INDEX assessment_evidence_by_requirement ON assessment_evidence (assessment_id, requirement_id);

CREATE TABLE assessment_snapshots (
    id            UUID PRIMARY KEY,
    assessment_id UUID NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    total         DOUBLE PRECISION NOT NULL,
    answers       BYTEA NOT NULL,
    taken_at      TIMESTAMPTZ NOT NULL,
    taken_by      TEXT NOT NULL
);
CREATE INDEX assessment_snapshots_by_assessment ON assessment_snapshots (assessment_id, taken_at);

-- Official requirement texts the installation's users imported (never shipped with Ward).
CREATE TABLE catalog_texts (
    framework      TEXT NOT NULL,
    requirement_id TEXT NOT NULL,
    language       TEXT NOT NULL,
    text           TEXT NOT NULL,
    guidance       TEXT,
    source         TEXT NOT NULL,
    imported_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (framework, requirement_id, language)
);
