-- How the knowledge base is used (sqlite; app/src/server/kb/use_of.rs): what clients read,
-- whether it helped, what they looked for, and which articles staff linked from tickets.

-- A client opening a published article; `suggested`: opened from the suggestions beside a new
-- ticket's form — a deflection when that client opened no ticket afterwards.
CREATE TABLE kb_views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    suggested INTEGER NOT NULL
);
CREATE INDEX kb_views_by_time ON kb_views (at);

-- "Did this help?": one answer per reader and article, the newest kept.
CREATE TABLE kb_feedback (
    article_id INTEGER NOT NULL REFERENCES kb_articles (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    helpful INTEGER NOT NULL,
    comment TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
CREATE INDEX kb_feedback_by_time ON kb_feedback (at);

-- What clients searched for, and how many articles it found. Words typed on, a moment later,
-- replace the row of what they extend (kb::use_of::searched), so a search typed letter by
-- letter is one row.
CREATE TABLE kb_searches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id),
    words TEXT NOT NULL,
    hits INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX kb_searches_by_user ON kb_searches (user_id, id);
CREATE INDEX kb_searches_by_time ON kb_searches (at);

-- Articles staff linked from a ticket (a link inserted into a reply, or the article that
-- solved it, which its client sees on the ticket).
CREATE TABLE ticket_articles (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id),
    article_id INTEGER NOT NULL REFERENCES kb_articles (id),
    linked_by INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, article_id)
);
CREATE INDEX ticket_articles_by_time ON ticket_articles (at);
