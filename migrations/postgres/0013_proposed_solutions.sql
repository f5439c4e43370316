-- Closing with the client's agreement (postgres; app/src/server/tickets/change.rs): an operator may
-- propose a solution — the ticket goes to "returned to client", marked — which its client
-- confirms (closed) or rejects (in progress), or which closes by itself when the client says
-- nothing for the set days (tickets::lapse).

-- How a status move came about where its from → to does not tell (events::Via): proposal,
-- confirmed, not_solved, silence. NULL for every other move, and for every earlier row.
ALTER TABLE ticket_events ADD COLUMN via TEXT;
-- Since when the ticket waits for its client's word on a proposed solution; NULL otherwise.
ALTER TABLE tickets ADD COLUMN proposed_at BIGINT;
CREATE INDEX tickets_by_proposal ON tickets (proposed_at) WHERE proposed_at IS NOT NULL;
-- How the ticket's last close came about: confirmed, silence; NULL when closed outright.
ALTER TABLE ticket_facts ADD COLUMN closed_via TEXT;
