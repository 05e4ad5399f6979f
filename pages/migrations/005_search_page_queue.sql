-- Pages whose search entries are behind the page (pages/search_queue.go). A write to a page
-- queues it here, in its own transaction, instead of indexing it there: the indexer brings many
-- pages up to date in one transaction, and a search first indexes what is queued, so that it
-- finds everything written before it. force: index every part again (the rebuild's way).
CREATE TABLE search_page_queue (
    page_id INTEGER PRIMARY KEY,
    force   BOOLEAN NOT NULL DEFAULT FALSE
);
