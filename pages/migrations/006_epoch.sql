-- The pages epoch (app/sqldb.Epoch): triggers move it on in the same transaction as every change
-- to pages, their tags and folders, whichever process makes the change. pages keeps its answers of
-- pages/get while this epoch and those of widgets and people stand still. The search tables and
-- queues do not move it.
CREATE TABLE IF NOT EXISTS epochs (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO epochs (name, n) VALUES ('pages', 0);

CREATE TRIGGER pages_epoch_insert AFTER INSERT ON pages BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER pages_epoch_update AFTER UPDATE ON pages BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER pages_epoch_delete AFTER DELETE ON pages BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER page_tags_epoch_insert AFTER INSERT ON page_tags BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER page_tags_epoch_update AFTER UPDATE ON page_tags BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER page_tags_epoch_delete AFTER DELETE ON page_tags BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER folders_epoch_insert AFTER INSERT ON folders BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER folders_epoch_update AFTER UPDATE ON folders BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
CREATE TRIGGER folders_epoch_delete AFTER DELETE ON folders BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'pages'; END;
