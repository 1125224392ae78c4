-- Organisations (tenants) and their sites. Same shape as the SQLite migration of the same name.
CREATE TABLE organisations (
    id                UUID PRIMARY KEY,
    slug              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    enterprise_number TEXT,
    default_locale    TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);

CREATE TABLE sites (
    id              UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    city            TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);
CREATE INDEX sites_by_organisation ON sites (organisation_id, position);
