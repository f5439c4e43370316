-- Live updates (app/src/server/live.rs): the order in which ticket events are delivered. A
-- reader that has applied every event up to (tx, id) asks for those after it. SQLite's one
-- writer commits in id order, so tx is always 0 here; PostgreSQL records the writing
-- transaction (see its migration).
ALTER TABLE ticket_events ADD COLUMN tx INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ticket_events_by_delivery ON ticket_events (tx, id);
