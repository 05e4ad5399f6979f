-- A folder copy under way (pages/folder_copy.go): what it copies, fixed by its first step. The
-- copy's folder; the folder it copies (not a foreign key: the source may be deleted, and the
-- next step then fails on it); and the largest folder and page ids when it began, so that the
-- copy takes only the folders and pages that existed then. Steps after the first read them here,
-- never from the client. The row goes with the copy's folder, so that a folder that later takes
-- the same id is never taken for the copy.
CREATE TABLE folder_copies (
    folder_id     INTEGER PRIMARY KEY REFERENCES folders(id) ON DELETE CASCADE,
    source_id     INTEGER NOT NULL,
    max_folder_id INTEGER NOT NULL,
    max_page_id   INTEGER NOT NULL
);
