-- A token may be restricted to one subsite; it goes with that subsite, rather than widening to
-- every subsite its user may see. Old scope names stay as they are stored: reading a token
-- expands them (people/scopes.go, storedScopes).
ALTER TABLE tokens ADD COLUMN subsite_id INTEGER REFERENCES subsites(id) ON DELETE CASCADE;
CREATE INDEX tokens_subsite ON tokens (subsite_id);
DROP TRIGGER tokens_epoch_update;
CREATE TRIGGER tokens_epoch_update AFTER UPDATE OF user_id, name, hash, scopes, rate, expires_at, revoked_at, subsite_id ON tokens
    BEGIN UPDATE epochs SET n = n + 1 WHERE name = 'people'; END;
