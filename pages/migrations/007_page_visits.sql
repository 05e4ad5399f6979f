-- When each person last came to each page, for "what changed since your last visit"
-- (pages/history.go, RecordVisit). A visit is the views of a page that start at visited_at and
-- come less than visitGap apart from its start; a view after that starts the next visit, and the
-- one before becomes previous_at. So a row is written once a visit, not on every view.
CREATE TABLE page_visits (
    user_id     INTEGER NOT NULL,
    page_id     INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    visited_at  TEXT NOT NULL,   -- the start of the person's current (or latest) visit
    previous_at TEXT,            -- the start of the visit before it; NULL after the first
    PRIMARY KEY (user_id, page_id)
) WITHOUT ROWID;
CREATE INDEX page_visits_page ON page_visits (page_id);
