-- Erasing a client (app/src/server/privacy/erase.rs). The two append-only logs stay
-- append-only but for one change: a person's words or name replaced by the placeholder
-- '[erased]' (never anything else, never a row's other columns, never a deletion).
-- A column added to these tables later must be added to its trigger's list too.
DROP TRIGGER ticket_events_no_update;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
WHEN NOT (
    NEW.id IS OLD.id AND NEW.ticket_id IS OLD.ticket_id AND NEW.actor_id IS OLD.actor_id
    AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind AND NEW.message_id IS OLD.message_id
    AND NEW.internal IS OLD.internal AND NEW.tx IS OLD.tx AND NEW.via IS OLD.via
    AND NEW.from_value IS OLD.from_value
    AND (NEW.to_value IS OLD.to_value OR NEW.to_value = '[erased]')
    AND (NEW.reason IS OLD.reason OR NEW.reason = '[erased]')
)
BEGIN
    SELECT RAISE(ABORT, 'ticket history is append-only');
END;

DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_id IS OLD.actor_id
    AND NEW.action IS OLD.action AND NEW.target_id IS OLD.target_id
    AND (NEW.actor IS OLD.actor OR NEW.actor = '[erased]')
    AND (NEW.address IS OLD.address OR NEW.address = '[erased]')
    AND (NEW.detail IS OLD.detail OR NEW.detail = '[erased]')
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Rows deleted from the search index leave no trace of their words in it (SQLite 3.44+).
INSERT INTO ticket_text (ticket_text, rank) VALUES ('secure-delete', 1);

-- When a ticket's personal data was erased (its client's erasure, or the retention period
-- passing since it closed): the ticket stays for the statistics; the retention job skips it.
ALTER TABLE tickets ADD COLUMN erased_at INTEGER;
CREATE INDEX tickets_to_retain ON tickets (closed_at) WHERE status = 'closed' AND erased_at IS NULL;

-- The privacy notice the admin writes (settings 'privacy_notice', its version the moment it was
-- last changed, 'privacy_notice_version'): when each client accepted which version.
CREATE TABLE privacy_acceptances (
    user_id INTEGER NOT NULL REFERENCES users (id),
    version TEXT NOT NULL,
    accepted_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, version)
);
