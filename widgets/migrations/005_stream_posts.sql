-- The activity stream of a subsite: posts that belong to no page (page_id NULL), as Papyrs' feed/post
-- without a page id makes them. SQLite cannot drop a column's NOT NULL, so posts is rebuilt; its
-- mentions are set aside first, since dropping posts would delete them through their foreign key.
CREATE TABLE post_mentions_kept AS SELECT post_id, user_id FROM post_mentions;
DROP TABLE post_mentions;

CREATE TABLE posts_rebuilt (
    id         INTEGER PRIMARY KEY,
    page_id    INTEGER,                       -- NULL: a post of the subsite's activity stream
    subsite_id INTEGER NOT NULL,
    author_id  INTEGER,
    body_html  TEXT NOT NULL,                 -- sanitized with the comment policy
    body_text  TEXT NOT NULL,                 -- the message as posted, answered as unsafe_c
    created_at TEXT NOT NULL
);
INSERT INTO posts_rebuilt (id, page_id, subsite_id, author_id, body_html, body_text, created_at)
    SELECT id, page_id, subsite_id, author_id, body_html, body_text, created_at FROM posts;
DROP TABLE posts;
ALTER TABLE posts_rebuilt RENAME TO posts;
-- A page's discussion, newest first (by id), and since-polling (by created_at).
CREATE INDEX posts_page ON posts (page_id, id);
CREATE INDEX posts_page_created ON posts (page_id, created_at, id);
-- A subsite's activity stream, the same two ways.
CREATE INDEX posts_stream ON posts (subsite_id, id) WHERE page_id IS NULL;
CREATE INDEX posts_stream_created ON posts (subsite_id, created_at, id) WHERE page_id IS NULL;

-- Members of the post's subsite that a post mentions (@name), each once.
CREATE TABLE post_mentions (
    post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_mentions_user ON post_mentions (user_id, post_id);
INSERT INTO post_mentions (post_id, user_id) SELECT post_id, user_id FROM post_mentions_kept;
DROP TABLE post_mentions_kept;
