-- Canned responses (sqlite; app/src/server/canned.rs): answers staff insert into a reply by
-- typing `/` and the shortcut, or from a list. Shared ones (owner_id NULL) are the admins' to
-- manage and every staff member's to use; personal ones are their owner's alone. The body may
-- hold placeholders ({client_name}, {ticket_ref}, {operator_name}, {company_name}) filled when
-- it is inserted into a ticket's reply; each insert counts a use.
CREATE TABLE canned_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL: shared with all staff.
    owner_id INTEGER REFERENCES users (id),
    -- The shortcut typed after `/`: lower case letters, digits, `-` and `_`.
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    uses INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    updated_at INTEGER NOT NULL
);
-- One shortcut per owner, and one among the shared ones; a personal one may share a shared
-- one's shortcut (both are offered, the personal first).
CREATE UNIQUE INDEX canned_responses_one_name ON canned_responses (COALESCE(owner_id, 0), name);
