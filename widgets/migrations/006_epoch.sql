-- The widgets epoch (app/sqldb.Epoch): triggers move it on in the same transaction as every change
-- to what pages/get answers of a page's widgets (their versions, places, files, and the discussion
-- posts it counts), whichever process makes the change. pages keeps its answers of pages/get while
-- this epoch and those of pages and people stand still. Form records and mentions are not in the
-- answer, and do not move it. The table is people's (002_auth_epoch.sql), made here too when absent
-- so that the widgets' migrations stand alone.
CREATE TABLE IF NOT EXISTS epochs (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO epochs (name, n) VALUES ('widgets', 0);

CREATE TRIGGER widgets_epoch_insert AFTER INSERT ON widgets BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER widgets_epoch_update AFTER UPDATE ON widgets BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER widgets_epoch_delete AFTER DELETE ON widgets BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER placements_epoch_insert AFTER INSERT ON placements BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER placements_epoch_update AFTER UPDATE ON placements BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER placements_epoch_delete AFTER DELETE ON placements BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER files_epoch_insert AFTER INSERT ON files BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER files_epoch_update AFTER UPDATE ON files BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER files_epoch_delete AFTER DELETE ON files BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER posts_epoch_insert AFTER INSERT ON posts BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER posts_epoch_update AFTER UPDATE ON posts BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
CREATE TRIGGER posts_epoch_delete AFTER DELETE ON posts BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'widgets'; END;
