-- Operators an admin let publish and archive knowledge-base articles (postgres;
-- app/src/server/kb/write.rs): admins always may (kb::Writer).
CREATE TABLE kb_publishers (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    granted_by BIGINT NOT NULL REFERENCES users (id),
    granted_at BIGINT NOT NULL
);
