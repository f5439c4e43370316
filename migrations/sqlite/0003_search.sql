-- Full-text search over tickets (SQLite FTS5). One document per ticket (subject and
-- description) and one per message or note; `internal` lets the search hide notes from clients.
-- Filled by triggers, so every path that writes a ticket or a message indexes it, in the same
-- transaction.
CREATE VIRTUAL TABLE ticket_text USING fts5(
    text,
    ticket_id UNINDEXED,
    internal UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER ticket_text_ticket AFTER INSERT ON tickets
BEGIN
    INSERT INTO ticket_text (text, ticket_id, internal) VALUES (new.subject || ' ' || new.description, new.id, 0);
END;

CREATE TRIGGER ticket_text_message AFTER INSERT ON messages
BEGIN
    INSERT INTO ticket_text (text, ticket_id, internal) VALUES (new.body, new.ticket_id, new.internal);
END;
