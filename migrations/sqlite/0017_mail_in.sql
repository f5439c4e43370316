-- E-mail coming in (sqlite; app/src/server/mail/incoming.rs): every message taken from the
-- support mailbox, once, with what became of it. A message fetched again (a fetcher stopped
-- half-way, several processes on one database) finds its row and is left alone.

CREATE TABLE mail_in (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- The sender's address and the Message-ID (or, without one, the message's bytes), hashed:
    -- the same Message-ID from someone else is another message.
    message_key TEXT NOT NULL UNIQUE,
    from_address TEXT NOT NULL,
    from_name TEXT,
    subject TEXT NOT NULL,
    -- The start of what the sender wrote, for the admin's list of held mail.
    excerpt TEXT NOT NULL,
    -- opened (a new ticket), replied (on ticket_id), ignored (automatic or empty: bounces,
    -- auto-replies, lists), held (waits for an admin), accepted, dropped (an admin's choice).
    outcome TEXT NOT NULL,
    -- Why held (dto::Held code: unknown_sender, not_on_ticket, not_a_client, unreadable).
    held_why TEXT,
    ticket_id INTEGER REFERENCES tickets (id),
    -- The whole message (base64) while it is held; cleared when an admin decides.
    raw TEXT,
    received_at INTEGER NOT NULL
);
-- The admin's list: held mail, newest first.
CREATE INDEX mail_in_held ON mail_in (received_at) WHERE outcome = 'held';
