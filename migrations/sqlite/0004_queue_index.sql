-- The operator's queue (their active tickets, critical first, then oldest) read straight from an
-- index in its order, however many tickets they have: a partial index on the active statuses,
-- whose WHERE matches the queue query's filter word for word.
CREATE INDEX tickets_queue ON tickets (operator_id, priority DESC, id)
    WHERE status IN ('assigned', 'in_progress', 'returned_to_client');
