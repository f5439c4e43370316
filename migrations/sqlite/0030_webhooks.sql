-- Webhooks (sqlite; app/src/server/webhooks/): receivers the admin registers, and what each is
-- sent. A delivery is written in the transaction of the ticket event it tells of (the history
-- writer calls webhooks::outbox::on_event), so none is lost and none is made for a change that
-- did not commit; a sender task posts it, signed, and keeps every attempt for the admin to see.
CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    -- The topics it hears of (comma-separated codes, app/src/webhooks.rs).
    topics TEXT NOT NULL,
    -- The HMAC-SHA256 key deliveries are signed with; shown to the admin once, when made.
    secret TEXT NOT NULL,
    -- The admin allowed a loopback, link-local or private address (refused otherwise: SSRF).
    allow_private INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    -- Attempts failed in a row (any delivery); a success sets it back to 0.
    failing INTEGER NOT NULL DEFAULT 0,
    -- Paused: by the admin, or by the sender when it kept failing (`paused_by_failures`); its
    -- deliveries wait until it is resumed.
    paused_at INTEGER,
    paused_by_failures INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    -- The history row it tells of: one delivery per receiver and event.
    event_id INTEGER NOT NULL REFERENCES ticket_events (id),
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    topic TEXT NOT NULL,
    -- The JSON sent, fixed when the event happened.
    body TEXT NOT NULL,
    at INTEGER NOT NULL,
    -- Tries since it was last (re)queued; the backoff counts these.
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    -- A sender took it and may post it until this time (several processes on one database).
    lease_until INTEGER,
    delivered_at INTEGER,
    -- Given up after a day of failures; the admin may send it again.
    failed_at INTEGER
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, event_id);
-- What the sender reads: the deliveries still to go, oldest first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_at, id)
    WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_by_ticket ON webhook_deliveries (ticket_id);

-- Every post of a delivery: when, the receiver's HTTP status (NULL: no answer), how long it
-- took, and why it failed.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    status INTEGER,
    ms INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_of ON webhook_attempts (delivery_id);
