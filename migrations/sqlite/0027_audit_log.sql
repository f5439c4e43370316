-- The audit log (sqlite; app/src/server/audit.rs): one row per privileged act — sign-ins and
-- failed ones, password and second-factor changes, each use of an admin's powers, the
-- machine's commands — with who (the account, and its username then or the name tried), from
-- where, the act's code (app/src/audit.rs), what it acted on and what changed. Append-only,
-- like the ticket history: the triggers refuse any change or deletion.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    actor TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    target_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_by_action ON audit_log (action, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
