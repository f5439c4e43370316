-- Erasing a client (app/src/server/privacy/erase.rs). The two append-only logs stay
-- append-only but for one change: a person's words or name replaced by the placeholder
-- '[erased]' (never anything else, never a row's other columns, never a deletion).
CREATE OR REPLACE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND to_jsonb(NEW) - 'to_value' - 'reason' = to_jsonb(OLD) - 'to_value' - 'reason'
        AND (NEW.to_value IS NOT DISTINCT FROM OLD.to_value OR NEW.to_value = '[erased]')
        AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR NEW.reason = '[erased]')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'ticket history is append-only';
END;
$$;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND to_jsonb(NEW) - 'actor' - 'address' - 'detail'
            = to_jsonb(OLD) - 'actor' - 'address' - 'detail'
        AND (NEW.actor = OLD.actor OR NEW.actor = '[erased]')
        AND (NEW.address = OLD.address OR NEW.address = '[erased]')
        AND (NEW.detail = OLD.detail OR NEW.detail = '[erased]')
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

-- When a ticket's personal data was erased (its client's erasure, or the retention period
-- passing since it closed): the ticket stays for the statistics; the retention job skips it.
ALTER TABLE tickets ADD COLUMN erased_at BIGINT;
CREATE INDEX tickets_to_retain ON tickets (closed_at) WHERE status = 'closed' AND erased_at IS NULL;

-- The privacy notice the admin writes (settings 'privacy_notice', its version the moment it was
-- last changed, 'privacy_notice_version'): when each client accepted which version.
CREATE TABLE privacy_acceptances (
    user_id BIGINT NOT NULL REFERENCES users (id),
    version TEXT NOT NULL,
    accepted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, version)
);
