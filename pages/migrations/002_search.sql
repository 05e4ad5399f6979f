-- One full-text index over everything search finds. search_docs says what each entry is and who
-- may see it (by subsite); search_fts holds its words under the same rowid. Contacts have one entry
-- per subsite the person belongs to, and one with subsite_id 0 that only owners see.
CREATE TABLE search_docs (
    id         INTEGER PRIMARY KEY,
    cat        TEXT NOT NULL,          -- Page, File, Contact, Form, Comment
    ref_id     INTEGER NOT NULL,       -- the page, file, user, record or post
    subsite_id INTEGER NOT NULL,
    page_id    INTEGER,                -- the page it sits on, if any
    title      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    hidden     BOOLEAN NOT NULL DEFAULT FALSE, -- its page is in the trash
    UNIQUE (cat, ref_id, subsite_id)
);
CREATE INDEX search_docs_page ON search_docs (page_id);

-- Text is stored segmented (see pages/search_index.go): CJK characters are separated by spaces so
-- that unicode61 makes each a token and a phrase query finds words of any length.
-- Prefix indexes make word* queries read one list instead of every word with the prefix.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
