-- The search index in parts (format 2, see pages/search_index.go). A thing found (a page, a file,
-- a person in a subsite, a form entry, a comment) is one row of search_docs, as before; its words
-- are now held per part in search_parts: a page's widgets' text with its title and tags (small
-- widgets together, up to 32 KB; a larger widget alone), a file's text one part per megabyte. A change to a widget re-indexes the part that holds it, not the page, and
-- nothing accepted is cut.
--
-- The tokens are made in Go (pages/search_text.go), so the full-text tables hold no text of their
-- own (contentless): search_texts keeps each part's text as written, for snippets and for
-- rebuilding the index when the way text is cut changes. The tokenizer only splits at spaces,
-- folds case and Latin diacritics, and keeps marks inside tokens ('M*'), so that a Thai tone mark
-- stays with its consonant.
--
-- The format 1 index cut each page's text at 1 MiB and joined it with its widgets'; it goes. Its
-- files, contacts, form entries and comments are carried over with their text, and the search
-- rebuild that runs at start (pages/search_rebuild.go) indexes them and every page again, from
-- its widgets, in batches.

DROP INDEX search_docs_page;
ALTER TABLE search_docs RENAME TO search_docs_v1;
ALTER TABLE search_fts RENAME TO search_fts_v1;

CREATE TABLE search_docs (
    id         INTEGER PRIMARY KEY,
    cat        TEXT NOT NULL,          -- Page, File, Contact, Form, Comment
    ref_id     INTEGER NOT NULL,       -- the page, file, user, record or post
    subsite_id INTEGER NOT NULL,       -- 0: owners only (a person's entry outside subsites)
    page_id    INTEGER,                -- the page it sits on, if any
    title      TEXT NOT NULL,          -- as shown; for pages, files and people also searched
    updated_at TEXT NOT NULL,
    hidden     BOOLEAN NOT NULL DEFAULT FALSE, -- its page is in the trash
    UNIQUE (cat, ref_id, subsite_id)
);
CREATE INDEX search_docs_page ON search_docs (page_id);

CREATE TABLE search_parts (
    id     INTEGER PRIMARY KEY,         -- the rowid of its words in search_fts
    doc_id INTEGER NOT NULL REFERENCES search_docs(id) ON DELETE CASCADE,
    part   INTEGER NOT NULL,            -- a page's widgets, or a file's megabytes, in order from 0
    UNIQUE (doc_id, part)
);

-- What a part holds, apart, so that the rows a search walks stay small.
CREATE TABLE search_texts (
    part_id INTEGER PRIMARY KEY REFERENCES search_parts(id) ON DELETE CASCADE,
    widgets TEXT NOT NULL,              -- a page's part: the widgets it holds, "first_id:version_id ..."
    size    INTEGER NOT NULL,           -- bytes of text
    context TEXT NOT NULL,              -- words that stand for the whole: a page's title and tags
    text    TEXT NOT NULL               -- the part's own text, as written
);

-- A part's words: context (weighed as a title) and text. Prefix indexes make word* queries read
-- one list instead of every word with the prefix.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    context,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
    prefix = '2 3 4'
);

-- The titles of pages, files and people alone (rowid: search_docs.id), so that the title tiers of
-- the ranking read only titles.
CREATE VIRTUAL TABLE search_titles USING fts5 (
    title,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'",
    prefix = '2 3 4'
);

-- Text files longer than one part: the parts after the first are indexed in the background, one
-- per transaction (pages/search_rebuild.go). The part to index next and where it starts.
CREATE TABLE search_queue (
    doc_id      INTEGER PRIMARY KEY REFERENCES search_docs(id) ON DELETE CASCADE,
    next_part   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL       -- in bytes
);

-- The format of the index and the progress of its rebuild.
CREATE TABLE search_state (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

INSERT INTO search_docs (id, cat, ref_id, subsite_id, page_id, title, updated_at, hidden)
    SELECT id, cat, ref_id, subsite_id, page_id, title, updated_at, hidden FROM search_docs_v1 WHERE cat <> 'Page';
-- Format 1 kept text with zero-width spaces around CJK characters; the text as written has none.
INSERT INTO search_parts (doc_id, part) SELECT id, 0 FROM search_docs;
INSERT INTO search_texts (part_id, widgets, size, context, text)
    SELECT p.id, '', length(CAST(replace(f.body, char(8203), '') AS BLOB)),
        CASE WHEN d.cat IN ('File', 'Contact') THEN d.title ELSE '' END, replace(f.body, char(8203), '')
    FROM search_parts p JOIN search_docs d ON d.id = p.doc_id JOIN search_fts_v1 f ON f.rowid = d.id;

DROP TABLE search_fts_v1;
DROP TABLE search_docs_v1;
