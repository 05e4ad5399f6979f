-- Pages and the folder tree of each subsite. Subsite and user ids refer to people's tables,
-- which this package reaches only through people's functions.

CREATE TABLE folders (
    id         INTEGER PRIMARY KEY,
    subsite_id INTEGER NOT NULL,
    parent_id  INTEGER REFERENCES folders(id),   -- NULL for the Main folder, the root
    name       TEXT NOT NULL,
    path       TEXT NOT NULL,                    -- '' for Main, else 'HR/Guides'
    created_at TEXT NOT NULL,
    UNIQUE (subsite_id, path)
);
CREATE INDEX folders_parent ON folders (parent_id);

CREATE TABLE pages (
    id         INTEGER PRIMARY KEY,
    subsite_id INTEGER NOT NULL,
    folder_id  INTEGER NOT NULL REFERENCES folders(id),
    title      TEXT NOT NULL,
    slug       TEXT NOT NULL,
    layout     TEXT NOT NULL,                    -- JSON: [[widths...]]
    is_public  BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    created_by INTEGER,
    deleted_at TEXT,                             -- in the trash since
    deleted_by INTEGER,
    UNIQUE (subsite_id, slug)
);
CREATE INDEX pages_subsite ON pages (subsite_id, deleted_at, id);
CREATE INDEX pages_updated ON pages (subsite_id, updated_at, id);
CREATE INDEX pages_folder ON pages (folder_id);

CREATE TABLE page_tags (
    page_id INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (page_id, tag)
);
CREATE INDEX page_tags_tag ON page_tags (tag);
