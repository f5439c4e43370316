-- Two-factor sign-in (sqlite; app/src/server/two_factor.rs): one TOTP secret per person (RFC
-- 6238, 30-second steps). Stored as soon as enrolment starts and confirmed by a first code;
-- only a confirmed one is asked for at sign-in. `last_step` is the newest step a code was
-- accepted for: a code of that step or an earlier one is never accepted again (no replay).
CREATE TABLE second_factors (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER NOT NULL DEFAULT 0
);

-- Ten one-time recovery codes per confirmed second factor, for a lost phone: stored as their
-- SHA-256 only (they are random, 50 bits each), each used once.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
);
