-- Ward's own security: accounts, memberships, sessions, throttling, MFA, API tokens, data keys,
-- and the tamper-evident audit log. Same shape as the SQLite migration of the same name.
ALTER TABLE organisations ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT,
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    disabled_at     TIMESTAMPTZ,
    locale          TEXT,
    totp_secret     BYTEA,
    totp_enabled_at TIMESTAMPTZ,
    totp_last_step  BIGINT,
    oidc_issuer     TEXT,
    oidc_subject    TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (oidc_issuer, oidc_subject)
);

CREATE TABLE memberships (
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    role            TEXT NOT NULL,
    expires_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX memberships_by_organisation ON memberships (organisation_id);

CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    mfa_pending  BOOLEAN NOT NULL,
    csrf_secret  BYTEA NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    scope   TEXT NOT NULL,
    subject TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures (scope, subject, at);

CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE setup_tokens (
    token_hash BYTEA PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE TABLE api_tokens (
    id              UUID PRIMARY KEY,
    organisation_id UUID NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    token_hash      BYTEA NOT NULL UNIQUE,
    role            TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ
);

CREATE TABLE data_keys (
    id         INTEGER PRIMARY KEY,
    wrapped    BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE audit_events (
    seq             BIGINT PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    actor_kind      TEXT NOT NULL,
    actor_id        UUID,
    actor_label     TEXT NOT NULL,
    organisation_id UUID,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT,
    summary         TEXT NOT NULL,
    details         TEXT NOT NULL,
    request_id      TEXT,
    ip              TEXT,
    mac             BYTEA NOT NULL
);
CREATE INDEX audit_by_organisation ON audit_events (organisation_id, seq);

CREATE TABLE audit_checkpoints (
    seq        BIGINT PRIMARY KEY,
    mac        BYTEA NOT NULL,
    signature  BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
