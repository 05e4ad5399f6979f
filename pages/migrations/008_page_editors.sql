-- Who has a page open in the web editor right now: each open editor refreshes its row about every
-- 20 seconds, and a row older than a minute counts for nothing (pages.EditorTTL). Kept in the
-- database, not in a process, so that every process serving the site sees the same.
CREATE TABLE page_editors (
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (page_id, user_id)
);
