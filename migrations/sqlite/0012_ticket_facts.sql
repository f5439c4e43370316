-- Statistics (sqlite): one row per ticket of what its history says about it, kept by the one
-- history writer (app/src/server/facts.rs) in the same transaction as each event, so that
-- figures over a period read one row per ticket instead of folding every event. Rows for
-- tickets created before this migration are made at start (facts::backfill) by the same fold.
CREATE TABLE ticket_facts (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id),
    created_at INTEGER NOT NULL,
    -- The first message to the client from anyone but the client, and who wrote it.
    first_response_at INTEGER,
    first_responder INTEGER REFERENCES users (id),
    -- The last close, and the operator who held the ticket then; NULL again once reopened.
    closed_at INTEGER,
    closed_by INTEGER REFERENCES users (id),
    reopens INTEGER NOT NULL DEFAULT 0,
    -- Time spent returned to the client, finished stretches; and since when, while returned.
    returned_ms INTEGER NOT NULL DEFAULT 0,
    returned_since INTEGER,
    -- The client's newest rating: 1 good, 0 bad.
    rating INTEGER,
    rated_at INTEGER
);
CREATE INDEX ticket_facts_by_created ON ticket_facts (created_at);
CREATE INDEX ticket_facts_by_closed ON ticket_facts (closed_at);
-- Counting a period's events by kind (created, closed, reopened, the backlog's moves).
CREATE INDEX ticket_events_by_kind ON ticket_events (kind, at);
