-- Share links (pages/links): a secret URL that shows one page, read-only, to people without an
-- account. The secret is kept (as Papermark keeps its links) so that the page's editors can copy
-- the URL again; it is looked up by its SHA-256, so that no lookup compares the secret itself.
CREATE TABLE share_links (
    id             INTEGER PRIMARY KEY,
    page_id        INTEGER NOT NULL REFERENCES pages(id) ON DELETE CASCADE,
    subsite_id     INTEGER NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    secret         TEXT NOT NULL,
    secret_sha256  TEXT NOT NULL UNIQUE,        -- hex
    password_hash  TEXT,                        -- bcrypt; NULL: no password
    require_email  INTEGER NOT NULL DEFAULT 0,
    allow_download INTEGER NOT NULL DEFAULT 0,
    expires_at     TEXT,                        -- NULL: never
    created_at     TEXT NOT NULL,
    created_by     INTEGER NOT NULL,
    revoked_at     TEXT
);
CREATE INDEX share_links_page ON share_links (page_id, id);

-- Each view of a link's page, and each download of one of its files through the link.
CREATE TABLE share_link_views (
    id        INTEGER PRIMARY KEY,
    link_id   INTEGER NOT NULL REFERENCES share_links(id) ON DELETE CASCADE,
    viewed_at TEXT NOT NULL,
    email     TEXT,                             -- given on the link's email form
    download  INTEGER NOT NULL DEFAULT 0,
    file_id   INTEGER                           -- the file downloaded
);
CREATE INDEX share_link_views_link ON share_link_views (link_id, id);
