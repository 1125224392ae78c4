-- Single sign-on: an OpenID Connect sign-in in progress (state, nonce, PKCE verifier), kept in the
-- database so the provider's answer may reach any `ward serve` process. Used once, then deleted.
CREATE TABLE oidc_flows (
    state_hash    BLOB PRIMARY KEY NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
