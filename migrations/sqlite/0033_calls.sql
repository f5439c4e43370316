-- Voice and video calls (sqlite; app/src/server/calls.rs): one row per call on a ticket, between its
-- caller (staff, or the client where the admin allows it) and the other side. The ticket's
-- history has a row for each step (`EventKind::Call`); this row is what ringing, answering and
-- the relay of the browsers' signalling read: which call is under way and between whom. Nothing
-- of the call itself is kept — no sound, no picture, no signalling.
CREATE TABLE calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    caller_id INTEGER NOT NULL REFERENCES users (id),
    callee_id INTEGER NOT NULL REFERENCES users (id),
    -- 1: with cameras (each side may still turn its own off); 0: voice only.
    video INTEGER NOT NULL DEFAULT 0,
    rang_at INTEGER NOT NULL,
    -- Null while it rings; a call never answered ends missed.
    answered_at INTEGER,
    ended_at INTEGER
);

-- The calls under way (ringing or answered): what a person's apps ask for, and the sweep.
CREATE INDEX calls_active ON calls (ticket_id) WHERE ended_at IS NULL;
