-- The slugs pages had before a rename (pages/browse.go): the web UI answers an old page URL with a
-- 301 to the page's URL today. A slug names at most one page of a subsite here (the latest page
-- renamed away from it); a live page that has the slug now wins over this table.
CREATE TABLE page_old_slugs (
    subsite_id INTEGER NOT NULL,
    slug       TEXT NOT NULL,
    page_id    INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    PRIMARY KEY (subsite_id, slug)
) WITHOUT ROWID;
CREATE INDEX page_old_slugs_page ON page_old_slugs (page_id);

-- The sidebar lists a folder's pages by title, a bounded batch at a time.
CREATE INDEX pages_folder_title ON pages (folder_id, deleted_at, title, id);

-- A subsite's home lists its live pages, last changed first.
CREATE INDEX pages_recent ON pages (subsite_id, deleted_at, updated_at, id);
