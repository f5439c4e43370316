-- An operator's work history (postgres), newest first, read from the event log by index: the steps
-- they took, and the assignments to and away from them.
CREATE INDEX ticket_events_by_actor ON ticket_events (actor_id, id);
CREATE INDEX ticket_events_assigned_to ON ticket_events (to_value, id) WHERE kind = 'assigned';
CREATE INDEX ticket_events_assigned_from ON ticket_events (from_value, id) WHERE kind = 'assigned';
