-- Ward's own security: accounts, memberships, sessions, throttling, MFA, API tokens, data keys,
-- and the tamper-evident audit log.
ALTER TABLE organisations ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;

CREATE TABLE users (
    id              BLOB PRIMARY KEY NOT NULL,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT,
    is_admin        INTEGER NOT NULL DEFAULT 0,
    disabled_at     TEXT,
    locale          TEXT,
    totp_secret     BLOB,
    totp_enabled_at TEXT,
    totp_last_step  INTEGER,
    oidc_issuer     TEXT,
    oidc_subject    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (oidc_issuer, oidc_subject)
);

CREATE TABLE memberships (
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    expires_at      TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_by_organisation ON memberships (organisation_id);

CREATE TABLE sessions (
    token_hash   BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    mfa_pending  INTEGER NOT NULL,
    csrf_secret  BLOB NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    scope   TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures (scope, subject, at);

CREATE TABLE recovery_codes (
    user_id   BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE setup_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE api_tokens (
    id              BLOB PRIMARY KEY NOT NULL,
    organisation_id BLOB NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    token_hash      BLOB NOT NULL UNIQUE,
    role            TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    revoked_at      TEXT,
    last_used_at    TEXT
);

CREATE TABLE data_keys (
    id         INTEGER PRIMARY KEY NOT NULL,
    wrapped    BLOB NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE audit_events (
    seq             INTEGER PRIMARY KEY NOT NULL,
    at              TEXT NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        BLOB,
    actor_label     TEXT NOT NULL,
    organisation_id BLOB,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT,
    summary         TEXT NOT NULL,
    details         TEXT NOT NULL,
    request_id      TEXT,
    ip              TEXT,
    mac             BLOB NOT NULL
);
CREATE INDEX audit_by_organisation ON audit_events (organisation_id, seq);

CREATE TABLE audit_checkpoints (
    seq        INTEGER PRIMARY KEY NOT NULL,
    mac        BLOB NOT NULL,
    signature  BLOB NOT NULL,
    created_at TEXT NOT NULL
);
