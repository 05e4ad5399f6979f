-- When a person, as the People Directory answers them, last changed: the user's row (name,
-- waiting_invite, a restored account) and each membership (role, notifications). people/all's
-- `since` finds the people whose entry changed at or after it, not only those who joined, and
-- answers the time as updated_at. Rows written before this migration changed last when they
-- were made.
ALTER TABLE users ADD COLUMN updated_at TEXT;
UPDATE users SET updated_at = created_at;
ALTER TABLE memberships ADD COLUMN updated_at TEXT;
UPDATE memberships SET updated_at = joined_at;
CREATE INDEX memberships_updated ON memberships (subsite_id, updated_at);
CREATE INDEX users_updated ON users (updated_at);
