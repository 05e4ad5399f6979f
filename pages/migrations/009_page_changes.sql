-- A page's own changes (title, tags, folder, layout), for its history timeline beside its
-- widgets' versions: one row per field changed, written in the transaction of the change
-- (pages.Service.UpdatePage through pages/pagelog). Values are as people read them: tags
-- joined with ", ", the folder's path ('' for Main), the layout's widths joined with "-".
CREATE TABLE page_changes (
    id         INTEGER PRIMARY KEY,
    page_id    INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    field      TEXT NOT NULL CHECK (field IN ('title', 'tags', 'folder', 'layout')),
    old_value  TEXT NOT NULL,
    new_value  TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by INTEGER
);
CREATE INDEX page_changes_page ON page_changes (page_id, changed_at, id);
