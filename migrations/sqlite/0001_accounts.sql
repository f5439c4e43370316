-- Accounts, sessions and installation settings (SQLite).
-- Conventions shared with migrations/postgres, so one set of queries serves both databases:
-- ids and times are 64-bit integers (times in unix milliseconds), flags are integers 0/1.

-- One row per person who can sign in. Nobody is ever deleted: accounts are disabled instead,
-- so that ticket history keeps pointing at real people.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Generated from the full name (see app/src/server/username.rs); unique, never renamed.
    username TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('client', 'operator', 'admin')),
    -- argon2id PHC string; the one-time password's hash while must_change_password = 1.
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    -- When the one-time password stops signing in; NULL once the user chose a password.
    otp_expires_at INTEGER,
    disabled INTEGER NOT NULL DEFAULT 0,
    -- Failed sign-ins within the window that started at failed_window_start (per-account limit).
    failed_signins INTEGER NOT NULL DEFAULT 0,
    failed_window_start INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- A signed-in browser. Only the SHA-256 of the token is stored, so a copy of the database
-- cannot be used to sign in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Installation-wide settings set by the admin (company name, …): one row per key.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
