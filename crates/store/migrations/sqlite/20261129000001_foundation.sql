-- Organisations (tenants) and their sites. Ids are UUIDv7 (16-byte BLOBs here, UUID on PostgreSQL);
-- times are RFC 3339 text in UTC.
CREATE TABLE organisations (
    id                BLOB PRIMARY KEY NOT NULL,
    slug              TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    kind              TEXT NOT NULL,
    enterprise_number TEXT,
    default_locale    TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE sites (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    city            TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);
CREATE INDEX sites_by_organisation ON sites (organisation_id, position);
