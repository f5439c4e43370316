-- API tokens (sqlite; app/src/server/tokens.rs): an integration's or a person's key to the REST
-- API under /api/v1. A token acts as one account (`account_id`) and can never do more than that
-- account could; its scopes narrow it further (comma-separated codes, app/src/tokens.rs).
-- Only the SHA-256 of the secret is kept: it is shown once, when it is made. A token is never
-- deleted by its owner, only revoked (`revoked_at`), so the admin sees what was used and when.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id INTEGER NOT NULL REFERENCES users (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    scopes TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    -- None: it does not expire.
    expires_at INTEGER,
    -- Noted at most once a minute, with the address it came from.
    last_used_at INTEGER,
    last_used_from TEXT,
    revoked_at INTEGER
);

CREATE INDEX api_tokens_by_account ON api_tokens (account_id);
