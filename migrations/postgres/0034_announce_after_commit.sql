-- Live updates (app/src/server/live.rs): other processes' tails are told of committed events by
-- the process that committed them, after the commit (`db::announce`), no longer by 0011's
-- trigger. A NOTIFY sent inside a transaction takes PostgreSQL's one notify-queue lock as the
-- transaction commits and holds it until the commit is flushed to disk: every transaction that
-- wrote a ticket event committed in turn, one flush after another, never grouped.
DROP TRIGGER ticket_events_notify ON ticket_events;
DROP FUNCTION ticket_events_notify();
