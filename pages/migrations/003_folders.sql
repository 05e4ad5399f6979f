-- Deleting and copying folders (pages/folders.go, pages/folder_copy.go).

-- A page in the trash whose folder is deleted moves to the Main folder and keeps its old folder's
-- path here; restoring it recreates that folder and puts it back. NULL for every other page.
ALTER TABLE pages ADD COLUMN restore_folder_path TEXT;

-- Live pages per folder: folder/tree's page_count and folder/delete's check count from the index
-- alone. It also serves the foreign key from pages to folders, so the plain one goes.
CREATE INDEX pages_folder_live ON pages (folder_id, deleted_at, id);
DROP INDEX pages_folder;

-- The page a page was copied from by folder/copy, so that a batch sent twice (a client retrying
-- after a lost answer) skips the pages it already copied. Not a foreign key: the source may be
-- purged from the trash later.
ALTER TABLE pages ADD COLUMN copied_from_id INTEGER;
CREATE INDEX pages_copied_from ON pages (copied_from_id);
