-- Attachments (sqlite): files on a ticket's thread. The bytes live in the files directory under
-- `storage_name` (random, never the user's name); the row is written only after the file is
-- flushed to disk. A row starts pending (ticket_id NULL, owned by its uploader) and is claimed
-- by a ticket creation, message or move in that change's transaction.
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uploader_id INTEGER NOT NULL REFERENCES users (id),
    ticket_id INTEGER REFERENCES tickets (id),
    -- The message it came with; NULL: the ticket's description (or a move without a message).
    message_id INTEGER REFERENCES messages (id),
    -- The name shown and offered for download; its extension fits the content.
    name TEXT NOT NULL,
    -- Decided from the content: image/png, image/jpeg, image/gif, application/pdf,
    -- application/zip, text/plain.
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    storage_name TEXT NOT NULL UNIQUE,
    -- 1: on an internal note, staff only.
    internal INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX attachments_by_ticket ON attachments (ticket_id, id);
