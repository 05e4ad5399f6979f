-- Invitations, outgoing mail and notifications.

-- A one-time link to set a password: only the SHA-256 of its token is kept.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX invitations_user ON invitations (user_id);

-- Every mail Quire sends is written here first, in the transaction that causes it, and sent
-- after commit. Without an SMTP server it stays here for owners to read; a failed send is
-- retried later, so no mail is lost.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    sent_at         TEXT,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (sent_at, next_attempt_at);

-- What a member is to be told of, one row per recipient, written with the change itself.
-- level is the member's notification level when it happened: 'on' (mailed within a minute,
-- batched) or 'digest' (in the daily summary).
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subsite_id INTEGER NOT NULL REFERENCES subsites(id) ON DELETE CASCADE,
    level      TEXT NOT NULL CHECK (level IN ('on', 'digest')),
    kind       TEXT NOT NULL CHECK (kind IN ('page', 'comment', 'mention')),
    summary    TEXT NOT NULL,
    url        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    mailed_at  TEXT
);
CREATE INDEX notifications_pending ON notifications (mailed_at, level, user_id);

-- When each person was last mailed, for "at most one mail a minute" and "one digest a day".
CREATE TABLE mail_state (
    user_id        INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    last_mail_at   TEXT,
    last_digest_at TEXT
);

-- Secrets of the site made on first use, such as the key of CSRF tokens.
CREATE TABLE site_secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
