-- CyFun self-assessments. Comments, N/A justifications, evidence locations and files describe an
-- organisation's weaknesses: they are encrypted (XChaCha20-Poly1305 envelopes bound to their row).
CREATE TABLE assessments (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    framework       TEXT NOT NULL,
    target_level    TEXT NOT NULL,
    scope           TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX assessments_by_organisation ON assessments (organisation_id, created_at);

CREATE TABLE assessment_answers (
    id               BLOB PRIMARY KEY NOT NULL,
    assessment_id    BLOB NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    requirement_id   TEXT NOT NULL,
    documentation    INTEGER,
    implementation   INTEGER,
    not_applicable   INTEGER NOT NULL DEFAULT 0,
    justification    BLOB,
    comment          BLOB,
    owner            TEXT,
    status           TEXT NOT NULL,
    last_reviewed_at TEXT,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    UNIQUE (assessment_id, requirement_id)
);

CREATE TABLE assessment_evidence (
    id             BLOB PRIMARY KEY NOT NULL,
    assessment_id  BLOB NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    requirement_id TEXT NOT NULL,
    title          TEXT NOT NULL,
    link           BLOB,
    file_name      TEXT,
    media_type     TEXT,
    content        BLOB,
    size           INTEGER NOT NULL DEFAULT 0,
    review_by      TEXT,
    added_at       TEXT NOT NULL,
    added_by       TEXT NOT NULL
);
CREATE INDEX assessment_evidence_by_requirement ON assessment_evidence (assessment_id, requirement_id);

CREATE TABLE assessment_snapshots (
    id            BLOB PRIMARY KEY NOT NULL,
    assessment_id BLOB NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    label         TEXT NOT NULL,
    total         REAL NOT NULL,
    answers       BLOB NOT NULL,
    taken_at      TEXT NOT NULL,
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
    imported_at    TEXT NOT NULL,
    PRIMARY KEY (framework, requirement_id, language)
);
