-- A counter that moves whenever anything authentication or routing depends on changes: tokens,
-- users, memberships, subsites. The server caches actors and subsites and checks this one row per
-- request instead of reading them all again; triggers keep it moving in the same transaction as
-- the change, whichever process (server or CLI) makes it. Token use (last_used_at) does not move it.
CREATE TABLE epochs (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO epochs (name, n) VALUES ('people', 0);

CREATE TRIGGER users_epoch_insert AFTER INSERT ON users BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER users_epoch_update AFTER UPDATE ON users BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER users_epoch_delete AFTER DELETE ON users BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER memberships_epoch_insert AFTER INSERT ON memberships BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER memberships_epoch_update AFTER UPDATE ON memberships BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER memberships_epoch_delete AFTER DELETE ON memberships BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER subsites_epoch_insert AFTER INSERT ON subsites BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER subsites_epoch_update AFTER UPDATE ON subsites BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER subsites_epoch_delete AFTER DELETE ON subsites BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER tokens_epoch_insert AFTER INSERT ON tokens BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER tokens_epoch_delete AFTER DELETE ON tokens BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
CREATE TRIGGER tokens_epoch_update AFTER UPDATE OF user_id, name, hash, scopes, rate, expires_at, revoked_at ON tokens
    BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
