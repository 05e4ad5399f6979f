-- Answers to POSTs that carried an Idempotency-Key, kept 24 hours so that a client retrying
-- gets the first answer instead of doing the change twice. caller is "token:ID" or "user:ID".
CREATE TABLE idempotency_keys (
    caller       TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    fingerprint  TEXT NOT NULL DEFAULT '',   -- SHA-256 of method, path and body; '' while in progress
    status       INTEGER NOT NULL DEFAULT 0, -- 0 while in progress
    content_type TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (caller, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
