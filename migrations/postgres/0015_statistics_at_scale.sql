-- Statistics over a million tickets (postgres; app/src/server/stats): the last 30 days in well
-- under 200 ms, by reading fewer rows, and only from indexes.

-- 1. Each ticket's current category, priority, operator and client beside its facts, kept by
--    facts::apply at the events that change them: the figures filter and slice without reading
--    the tickets.
ALTER TABLE ticket_facts ADD COLUMN category_id BIGINT;
ALTER TABLE ticket_facts ADD COLUMN priority BIGINT NOT NULL DEFAULT 1;
ALTER TABLE ticket_facts ADD COLUMN operator_id BIGINT;
ALTER TABLE ticket_facts ADD COLUMN client_id BIGINT NOT NULL DEFAULT 0;
UPDATE ticket_facts SET category_id = t.category_id, priority = t.priority,
    operator_id = t.operator_id, client_id = t.client_id
    FROM tickets t WHERE t.id = ticket_facts.ticket_id;

-- 2. Indexes that hold every column the figures read, in the order they are searched.
DROP INDEX ticket_facts_by_created;
CREATE INDEX ticket_facts_by_created ON ticket_facts (created_at, first_response_at,
    first_responder, category_id, priority, operator_id, client_id);
DROP INDEX ticket_facts_by_closed;
CREATE INDEX ticket_facts_by_closed ON ticket_facts (closed_at, created_at, closed_by,
    returned_ms, rating, closed_via, category_id, priority, operator_id, client_id);
DROP INDEX ticket_events_by_kind;
CREATE INDEX ticket_events_by_kind ON ticket_events (kind, at, to_value, from_value, ticket_id);

-- 3. The status moves (and creations, from '') counted per 15-minute slot, for the charts of an
--    unfiltered period (app/src/server/moves.rs): the history writer notes each move in
--    pending_moves in its own transaction; a background task adds them to move_counts; a
--    reader adds both in one statement. Every move logged so far is counted here.
CREATE TABLE move_counts (
    slot BIGINT NOT NULL,
    from_value TEXT NOT NULL,
    to_value TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (slot, from_value, to_value)
);
CREATE TABLE pending_moves (
    event_id BIGINT PRIMARY KEY REFERENCES ticket_events (id),
    slot BIGINT NOT NULL,
    from_value TEXT NOT NULL,
    to_value TEXT NOT NULL
);
INSERT INTO move_counts (slot, from_value, to_value, n)
    SELECT at / 900000, COALESCE(from_value, ''), to_value, COUNT(*) FROM ticket_events
    WHERE kind IN ('created', 'status', 'forced')
    GROUP BY at / 900000, COALESCE(from_value, ''), to_value;
