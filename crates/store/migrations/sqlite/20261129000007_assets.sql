-- The asset register: medical devices, workstations, servers, network and building devices,
-- applications. Plain columns so that a register of 100 000 assets filters and pages on indexes.
CREATE TABLE assets (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    vendor          TEXT,
    model           TEXT,
    version         TEXT,
    serial          TEXT,
    site            TEXT,
    building        TEXT,
    room            TEXT,
    ip              TEXT,
    mac             TEXT,
    hostname        TEXT,
    segment         TEXT,
    owner_team      TEXT,
    owner           TEXT,
    criticality     TEXT,
    patient_data    INTEGER,
    patchability    TEXT,
    support_end     TEXT,
    edr             TEXT,
    os              TEXT,
    -- What scans saw: services and CPEs (JSON), kept for advisory matching.
    observed        TEXT,
    -- Name, vendor, model, serial, addresses and hostname in lower case, for the list's search.
    search          TEXT NOT NULL DEFAULT '',
    -- Where each field came from (JSON: field -> source).
    sources         TEXT NOT NULL DEFAULT '{}',
    last_seen       TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL
);
CREATE INDEX assets_by_name ON assets (organisation_id, name, id);
CREATE INDEX assets_by_kind ON assets (organisation_id, kind, name);
CREATE INDEX assets_by_mac ON assets (organisation_id, mac);
CREATE INDEX assets_by_serial ON assets (organisation_id, serial);
CREATE INDEX assets_by_ip ON assets (organisation_id, ip);

CREATE TABLE network_segments (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    zone            TEXT NOT NULL,
    vlan            INTEGER,
    cidr            TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL,
    UNIQUE (organisation_id, name)
);

-- An uploaded file waiting for the person to confirm its preview (encrypted: it maps the network).
CREATE TABLE asset_imports (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    format          TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL
);
