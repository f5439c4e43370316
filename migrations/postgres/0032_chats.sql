-- Live chat (postgres; app/src/server/chat.rs): a chat is a ticket with a row here, opened from the
-- client portal while operators are on duty. The thread is the ticket's; this row holds what only
-- a chat has: while it lasts (`ended_at` null) it counts toward its operator's load with the
-- admin's weight, and how far each side has received (`*_got`) and read (`*_read`) the other's
-- messages — message ids, 0 for none — for the delivery and read marks.
CREATE TABLE chats (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    started_at BIGINT NOT NULL,
    ended_at BIGINT,
    client_got BIGINT NOT NULL DEFAULT 0,
    client_read BIGINT NOT NULL DEFAULT 0,
    staff_got BIGINT NOT NULL DEFAULT 0,
    staff_read BIGINT NOT NULL DEFAULT 0
);

-- The chats under way: the load count and the sweep of chats whose client left read only these.
CREATE INDEX chats_active ON chats (ticket_id) WHERE ended_at IS NULL;
