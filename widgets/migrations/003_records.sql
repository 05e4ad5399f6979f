-- Records submitted to Form widgets. Each keeps, with every value, the name and label its field
-- had when the record was submitted, so that changing the form never changes or loses old answers.
CREATE TABLE records (
    id         INTEGER PRIMARY KEY,
    page_id    INTEGER NOT NULL,
    widget_id  INTEGER NOT NULL REFERENCES widgets(id),   -- the form's first id
    version_id INTEGER NOT NULL REFERENCES widgets(id),   -- the form's version it answered
    answers    TEXT NOT NULL,                             -- JSON: [{"name", "label", "value"}]
    created_at TEXT NOT NULL,
    created_by INTEGER
);
-- Newest first (by id), since-polling (by created_at), and the form versions records answered.
CREATE INDEX records_widget ON records (widget_id, id);
CREATE INDEX records_widget_created ON records (widget_id, created_at, id);
CREATE INDEX records_widget_version ON records (widget_id, version_id);
