-- Scoping: the latest questionnaire answers of an organisation and the CyFun level it targets
-- (the recommendation, or an override with its reason). The answers are JSON: the questionnaire
-- may grow without migrations.
CREATE TABLE scopings (
    organisation_id BLOB PRIMARY KEY NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    answers         TEXT NOT NULL,
    target_level    TEXT NOT NULL,
    override_reason TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
