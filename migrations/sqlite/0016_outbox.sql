-- E-mail going out (sqlite; app/src/server/mail/): each notification is a row written in the
-- transaction of the ticket event that causes it (mail::notify, called by the history writer),
-- so none is lost and none is made for a change that did not commit; a sender task delivers it
-- (mail::outbox) and records what happened.

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Whom it is for (NULL: the admin's test e-mail) and the address they had when it was made.
    recipient_id INTEGER REFERENCES users (id),
    address TEXT NOT NULL,
    -- What it tells (mail::Notice code: received, answered, returned, proposed, closed,
    -- reopened, assigned, client_answered, test) and how much that outweighs another notice of
    -- the same moment: one change writing several events (a reply that also returns the
    -- ticket) makes one e-mail per person, the weightiest.
    notice TEXT NOT NULL,
    weight INTEGER NOT NULL,
    ticket_id INTEGER REFERENCES tickets (id),
    -- The thread message it quotes; never an internal note (mail::notify reads messages only).
    message_id INTEGER REFERENCES messages (id),
    -- The event's time: the moment notices are merged on.
    at INTEGER NOT NULL,
    -- The Message-ID header, fixed when the row is made: a message sent again after a crash
    -- between sending and recording it is recognised by the receiving side as the same one.
    header_id TEXT NOT NULL UNIQUE,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- Not tried again before this time (backoff after a failure).
    next_at INTEGER NOT NULL,
    -- A sender took it and may send it until this time (several processes on one database).
    lease_until INTEGER,
    sent_at INTEGER,
    -- Given up: the server refused it for good, or it kept failing for a day. Shown to admins.
    failed_at INTEGER,
    last_error TEXT
);
-- One notice per person, ticket and moment (NULLs are distinct: test e-mails never merge).
CREATE UNIQUE INDEX outbox_one_per_moment ON outbox (recipient_id, ticket_id, at);
-- What the sender reads: the rows still to go, oldest first.
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The language a person reads (i18n::Lang code), saved when they choose it in an app: their
-- e-mail is written in it. NULL: not chosen yet (English).
ALTER TABLE users ADD COLUMN language TEXT;
-- The notices a person chose not to get by e-mail, as comma-separated codes.
ALTER TABLE users ADD COLUMN mail_muted TEXT NOT NULL DEFAULT '';
