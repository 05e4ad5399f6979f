-- The activity log and REST hooks (app/events): one row per event, written in the transaction
-- of the change it tells of, and for every hook that wants it a delivery (an outbox, as mail's).

-- What happened: who did what to which object of which subsite, when. payload is the object's
-- JSON as the API answers it, kept only when a hook was to be told of the event.
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    event       TEXT NOT NULL,
    subsite_id  INTEGER NOT NULL REFERENCES subsites(id) ON DELETE CASCADE,
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    summary     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    payload     TEXT
);
CREATE INDEX activity_subsite ON activity (subsite_id, id);
CREATE INDEX activity_created ON activity (created_at, id);

-- A subscription of a person to one event, in one subsite (subsite_id) or in every subsite they
-- can read (NULL). The secret signs deliveries, so it is kept as it was given out (a hash could
-- not sign). failures counts failed attempts since the last success.
CREATE TABLE hooks (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subsite_id      INTEGER REFERENCES subsites(id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    target_url      TEXT NOT NULL,
    secret          TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
CREATE INDEX hooks_event ON hooks (event, active);
CREATE INDEX hooks_user ON hooks (user_id);

-- One event to send to one hook: pending until a 2xx answer (delivered) or until retries end
-- (failed). next_attempt_at is also the lease of a delivery being sent.
CREATE TABLE hook_deliveries (
    id              INTEGER PRIMARY KEY,
    hook_id         INTEGER NOT NULL REFERENCES hooks(id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    finished_at     TEXT,
    last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX hook_deliveries_due ON hook_deliveries (state, next_attempt_at);
CREATE INDEX hook_deliveries_hook ON hook_deliveries (hook_id, id);

-- Every attempt to send a delivery: the answer's status (NULL without one), the error, how long.
CREATE TABLE hook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES hook_deliveries(id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    status      INTEGER,
    error       TEXT NOT NULL DEFAULT '',
    duration_ms INTEGER NOT NULL
);
CREATE INDEX hook_attempts_delivery ON hook_attempts (delivery_id, id);
