-- Idempotency keys of the writes a browser may retry (app/src/server/replay.rs): a retried
-- message, move, forced change, edit or upload is answered from what the first one did.
CREATE TABLE request_keys (
    user_id BIGINT NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    -- SHA-256 of the request as first sent: the same key with another request is refused.
    request_hash TEXT NOT NULL,
    -- What the first request changed or made: a ticket, or (uploads) an attachment.
    object_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
