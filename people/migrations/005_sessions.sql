-- Browser sessions, one row per signed-in browser. Only the SHA-256 of the cookie's secret is
-- kept. A session ends when its row goes: signing out, a password change, or expiry (idle after
-- last_seen_at, or at expires_at whatever the use).
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    user_agent   TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Ending a session must reach every cached actor (authcache.go), as revoking a token does;
-- starting one need not (nothing cached can hold a new secret), and last_seen_at is bookkeeping.
CREATE TRIGGER sessions_epoch_delete AFTER DELETE ON sessions BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER sessions_epoch_update AFTER UPDATE OF user_id, secret_hash, expires_at ON sessions
    BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;

-- One-time links: an invitation sets a new person's name and password; a reset sets a new
-- password for someone who forgot theirs (mailed) or whom an owner gave a link. One kind's link
-- never works as the other's.
ALTER TABLE invitations ADD COLUMN kind TEXT NOT NULL DEFAULT 'invite' CHECK (kind IN ('invite', 'reset'));
