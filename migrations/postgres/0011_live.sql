-- Live updates (app/src/server/live.rs): the order in which ticket events are delivered. A
-- reader that has applied every event up to (tx, id) asks for those after it.
--
-- Concurrent transactions take ids in one order and commit in another, so an event with a
-- lower id can become visible after a reader has passed it. Each event therefore records its
-- writing transaction (tx), and readers deliver only events of transactions older than every
-- transaction still running (`pg_snapshot_xmin`): those are all finished, and any later
-- commit has a larger tx. Ordered by (tx, id), nothing is skipped or delivered twice.
ALTER TABLE ticket_events
    ADD COLUMN tx BIGINT NOT NULL DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX ticket_events_by_delivery ON ticket_events (tx, id);

-- Wakes every process's tail when events commit (a NOTIFY is sent at commit, once per
-- transaction), so an event made through one process reaches sockets on the others at once.
CREATE FUNCTION ticket_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('salter_events', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER ticket_events_notify AFTER INSERT ON ticket_events
    FOR EACH STATEMENT EXECUTE FUNCTION ticket_events_notify();
