-- Operators an admin let publish and archive knowledge-base articles (sqlite;
-- app/src/server/kb/write.rs): admins always may (kb::Writer).
CREATE TABLE kb_publishers (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    granted_by INTEGER NOT NULL REFERENCES users (id),
    granted_at INTEGER NOT NULL
);
