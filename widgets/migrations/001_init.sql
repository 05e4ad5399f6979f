-- Widgets are versioned by rows: an update inserts a new row whose version_of_id is the widget's
-- first id; old rows stay readable and restorable.
CREATE TABLE widgets (
    id            INTEGER PRIMARY KEY,
    version_of_id INTEGER REFERENCES widgets(id),   -- NULL on a widget's first version
    page_id       INTEGER NOT NULL,
    classname     TEXT NOT NULL,
    html          TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL DEFAULT '',
    format        TEXT NOT NULL DEFAULT 'html',
    styleclass    TEXT,
    heading       TEXT,
    data          TEXT NOT NULL DEFAULT '{}',        -- kind-specific JSON: files, caption, fields
    created_at    TEXT NOT NULL,
    created_by    INTEGER
);
CREATE INDEX widgets_version_of ON widgets (version_of_id);

-- Where a widget sits on its page, keyed by its first id so that positions survive updates.
-- Positions are dense (0, 1, 2...) within a column among widgets not removed.
CREATE TABLE placements (
    widget_id  INTEGER PRIMARY KEY REFERENCES widgets(id),
    page_id    INTEGER NOT NULL,
    current_id INTEGER NOT NULL REFERENCES widgets(id),
    col        INTEGER NOT NULL,
    pos        INTEGER NOT NULL,
    removed_at TEXT
);
CREATE INDEX placements_page ON placements (page_id, col, pos);
