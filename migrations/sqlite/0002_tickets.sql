-- Tickets, their thread, and the event log that is their history (sqlite).
-- Same conventions as 0001: 64-bit integer ids and unix-millisecond times, integer flags.

-- Ticket categories, an admin-managed list. Deactivated, never deleted.
CREATE TABLE categories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    active INTEGER NOT NULL DEFAULT 1
);

-- The current state of each ticket, kept beside the event log for fast reads and updated in
-- the same transaction as the event that changes it. The reference shown to people
-- (T-000042) is derived from the id.
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    category_id INTEGER REFERENCES categories (id),
    -- 0 low, 1 normal, 2 high, 3 critical: sorts critical first with DESC.
    priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),
    status TEXT NOT NULL CHECK (status IN ('open', 'assigned', 'in_progress', 'returned_to_client', 'closed')),
    client_id INTEGER NOT NULL REFERENCES users (id),
    operator_id INTEGER REFERENCES users (id),
    -- An earlier ticket of the same client this one refers to.
    earlier_ticket_id INTEGER REFERENCES tickets (id),
    -- Idempotent creation: a retried request with the same key returns this ticket.
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    closed_at INTEGER,
    UNIQUE (client_id, idempotency_key)
);
CREATE INDEX tickets_by_client ON tickets (client_id, id);
-- The operator's queue: their active tickets, priority first, then age.
CREATE INDEX tickets_by_operator ON tickets (operator_id, status, priority, id);
CREATE INDEX tickets_by_status ON tickets (status, id);

-- The thread: messages between client and operator, and internal notes (internal = 1) that
-- only operators and admins ever see.
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    internal INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX messages_by_ticket ON messages (ticket_id, id);

-- The event log (DESIGN.md §1): one row per change, written in the change's transaction.
-- Its id is the global, increasing sequence. Append-only: the triggers below refuse every
-- update and delete, for every user of the database.
CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    -- NULL: the system (automatic assignment).
    actor_id INTEGER REFERENCES users (id),
    at INTEGER NOT NULL,
    -- created | status | forced | assigned | message | note
    kind TEXT NOT NULL,
    from_value TEXT,
    to_value TEXT,
    reason TEXT,
    message_id INTEGER REFERENCES messages (id),
    -- 1: staff only (internal notes); never shown to a client.
    internal INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket history is append-only');
END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN
    SELECT RAISE(ABORT, 'ticket history is append-only');
END;
