-- Posts of a page's discussion (its Discussion widget). Posts belong to the page, not to a widget
-- version: they stay when the widget is updated, and a copy of the page starts with none.
CREATE TABLE posts (
    id         INTEGER PRIMARY KEY,
    page_id    INTEGER NOT NULL,
    subsite_id INTEGER NOT NULL,
    author_id  INTEGER,
    body_html  TEXT NOT NULL,                 -- sanitized with the comment policy
    body_text  TEXT NOT NULL,                 -- the message as posted, answered as unsafe_c
    created_at TEXT NOT NULL
);
-- Newest first (by id), and since-polling (by created_at).
CREATE INDEX posts_page ON posts (page_id, id);
CREATE INDEX posts_page_created ON posts (page_id, created_at, id);

-- Members of the page's subsite that a post mentions (@name), each once.
CREATE TABLE post_mentions (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_mentions_user ON post_mentions (user_id, post_id);
