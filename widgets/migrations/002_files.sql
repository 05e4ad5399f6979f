-- Uploaded files. Their bytes are on disk under DATA/files/, named by SHA-256, stored once however
-- many files share them; a row per upload (or per copy of a page) says whose it is.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    page_id      INTEGER NOT NULL,               -- readers of this page may download it
    widget_id    INTEGER REFERENCES widgets(id), -- the first id of the widget it belongs to
    sha256       TEXT NOT NULL,
    size         INTEGER NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   INTEGER
);
CREATE INDEX files_page ON files (page_id);
CREATE INDEX files_widget ON files (widget_id);
CREATE INDEX files_sha256 ON files (sha256);
