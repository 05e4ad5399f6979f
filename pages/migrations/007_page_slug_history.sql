-- The slugs pages had before a rename (pages/update with a new title), so that their old URLs
-- still lead to them (a 301 to the new one). A live page's own slug wins over an old one; renaming
-- a page back to an old slug removes that slug's row.
CREATE TABLE page_slug_history (
    subsite_id INTEGER NOT NULL,
    slug       TEXT NOT NULL,
    page_id    INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    renamed_at TEXT NOT NULL,
    PRIMARY KEY (subsite_id, slug)
);
CREATE INDEX page_slug_history_page ON page_slug_history (page_id);
