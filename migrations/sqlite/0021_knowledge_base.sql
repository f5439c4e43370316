-- The knowledge base (sqlite; app/src/server/kb/): articles staff write and clients read in the
-- portal's Help. Every saved text is a version (kb_versions, never changed); an article's row
-- says where it stands: its latest version, its state, and the version readers see.

-- Sections nest one level: a section with a parent has no children.
CREATE TABLE kb_sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    parent_id INTEGER REFERENCES kb_sections (id),
    name TEXT NOT NULL
);
CREATE UNIQUE INDEX kb_sections_one_name ON kb_sections (COALESCE(parent_id, 0), lower(name));

CREATE TABLE kb_articles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    section_id INTEGER REFERENCES kb_sections (id),
    -- 'en' or 'bs' (i18n::Lang); a translation points at the article it translates.
    language TEXT NOT NULL,
    translation_of INTEGER REFERENCES kb_articles (id),
    -- 1: for staff only, never shown to clients.
    staff_only INTEGER NOT NULL,
    -- The latest version's state: draft, review, published, archived (kb::ArticleState).
    state TEXT NOT NULL,
    -- The latest version's number (1, 2, …).
    version INTEGER NOT NULL,
    -- The version readers see; NULL until published, and again once archived. Saving a new
    -- version of a published article leaves it: it changes only when a new version is
    -- published.
    published_version INTEGER,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX kb_articles_by_section ON kb_articles (section_id, id);

CREATE TABLE kb_versions (
    article_id INTEGER NOT NULL REFERENCES kb_articles (id),
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    -- Tags, each lower case, joined by ',' (kb::tags).
    tags TEXT NOT NULL,
    author_id INTEGER NOT NULL REFERENCES users (id),
    saved_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, version)
);

-- Who did what to an article: saved, restored (a copy of an older version), submitted for
-- review, published, archived, back to draft (kb::ArticleChange), with the version it made or
-- acted on (and for a restore, the version copied).
CREATE TABLE kb_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES kb_articles (id),
    actor_id INTEGER NOT NULL REFERENCES users (id),
    at INTEGER NOT NULL,
    change TEXT NOT NULL,
    version INTEGER NOT NULL,
    from_version INTEGER
);
CREATE INDEX kb_events_by_article ON kb_events (article_id, id);

-- The published text of each readable article, folded (lower case, no diacritics:
-- kb::search::fold) for search: FTS5 here, a weighted tsvector on PostgreSQL.
CREATE VIRTUAL TABLE kb_search USING fts5(
    title,
    body,
    tags,
    article_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
