-- The presence epoch moves on whenever someone opens, refreshes or leaves a page's editor, so that
-- what is kept rendered for a reader (a page view that names who is editing it) is dropped then.
-- Visits need none: a person's visit to a page changes only when they view it after the visit's
-- end, which a kept view knows (activity.Visit.Until).
INSERT INTO epochs (name, n) VALUES ('presence', 0);
CREATE TRIGGER page_editors_epoch_insert AFTER INSERT ON page_editors BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'presence'; END;
CREATE TRIGGER page_editors_epoch_update AFTER UPDATE ON page_editors BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'presence'; END;
CREATE TRIGGER page_editors_epoch_delete AFTER DELETE ON page_editors BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'presence'; END;
