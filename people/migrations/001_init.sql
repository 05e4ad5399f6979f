-- People: users of the site, subsites, who belongs where with which role, and API tokens.

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,          -- stored lower-case
    name           TEXT NOT NULL,
    password_hash  TEXT NOT NULL DEFAULT '',      -- '' until the person sets a password
    is_owner       BOOLEAN NOT NULL DEFAULT FALSE,
    position       TEXT NOT NULL DEFAULT '',
    bio            TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    waiting_invite BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TEXT NOT NULL,
    deleted_at     TEXT
);

CREATE TABLE subsites (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    default_role TEXT NOT NULL DEFAULT 'editor' CHECK (default_role IN ('viewer', 'editor', 'admin')),
    auto_join    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL
);

CREATE TABLE memberships (
    subsite_id    INTEGER NOT NULL REFERENCES subsites(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    notifications TEXT NOT NULL DEFAULT 'on' CHECK (notifications IN ('off', 'on', 'digest')),
    joined_at     TEXT NOT NULL,
    PRIMARY KEY (subsite_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
CREATE INDEX memberships_joined ON memberships (subsite_id, joined_at);

CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,            -- hex SHA-256 of the token
    prefix       TEXT NOT NULL,                   -- the first characters, to recognise it in lists
    scopes       TEXT NOT NULL,                   -- space-separated
    rate         TEXT NOT NULL DEFAULT '',        -- "N/DURATION", '' for the site default
    created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    expires_at   TEXT,
    revoked_at   TEXT
);
CREATE INDEX tokens_user ON tokens (user_id);
