-- Failed sign-ins by account name, for real and unknown names alike (so a limit never tells
-- which usernames exist), replacing the per-user counter that locked the owner out: the rules
-- in app/src/server/auth.rs only delay addresses that have failed themselves.
CREATE TABLE signin_failures (
    -- The name as typed, trimmed and lower-cased.
    username TEXT PRIMARY KEY,
    -- Failures since window_start; a failure after the window starts a new one.
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
);
CREATE INDEX signin_failures_by_time ON signin_failures (last_failure_at);

ALTER TABLE users DROP COLUMN failed_signins;
ALTER TABLE users DROP COLUMN failed_window_start;
