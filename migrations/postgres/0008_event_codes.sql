-- Typed ticket events (postgres): the reason of an `assigned` row becomes a code the apps
-- translate (`crate::events::Why`), instead of English text shown as stored.
--   'manual by admin'                                      -> 'manual'
--   'its operator is no longer active: back to the queue'  -> 'operator-gone'
--   any other text (an admin's reason for a forced change)  -> 'forced:' || the text
-- 'automatic:L/C:N' and 'off-duty' were codes already. The log is append-only: its trigger is
-- lifted for this one rewrite, inside the migration's transaction, and put back.
DROP TRIGGER ticket_events_no_update ON ticket_events;

UPDATE ticket_events SET reason = 'manual'
WHERE kind = 'assigned' AND reason = 'manual by admin';

UPDATE ticket_events SET reason = 'operator-gone'
WHERE kind = 'assigned' AND reason = 'its operator is no longer active: back to the queue';

UPDATE ticket_events SET reason = 'forced:' || reason
WHERE kind = 'assigned' AND reason IS NOT NULL
  AND reason NOT LIKE 'automatic:%'
  AND reason NOT IN ('off-duty', 'manual', 'operator-gone');

CREATE TRIGGER ticket_events_no_update BEFORE UPDATE OR DELETE ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only();
