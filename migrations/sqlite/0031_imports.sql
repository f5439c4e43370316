-- Moving in (sqlite; app/src/server/moving/): what `salter import` brought from another help
-- desk or from files, so that running it again brings nothing twice.

-- A ticket keeps the reference it had where it came from (osTicket's number, a file's `ref`),
-- shown beside its new one.
ALTER TABLE tickets ADD COLUMN original_ref TEXT;

-- One row per thing imported: the source (`osticket:<database>`, `salter:<installation>`,
-- `csv:<name>`), the kind (account, category, ticket) and its id there, and the row it became
-- here. A ticket's and a category's are written in the same transaction as that row; an
-- account's right after it (a run stopped in between finds the account again by its e-mail
-- address or username).
CREATE TABLE imported (
    source TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('account', 'category', 'ticket')),
    ref TEXT NOT NULL,
    local_id INTEGER NOT NULL,
    PRIMARY KEY (source, kind, ref)
);
