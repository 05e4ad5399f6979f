package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"quire/app/api"
	"quire/pages/folderpath"
)

// Folder is a place in a subsite's folder tree. The Main folder is the root; its path is "".
type Folder struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Path      string `json:"path"`
	ParentID  *int64 `json:"parent_id"`
	PageCount int    `json:"page_count"`
	SubsiteID int64  `json:"-"`
	// SubtreePages counts the live pages in the folder and all of its subfolders; only
	// Service.BrowseFolder's subfolders have it (the API's page_count is the folder's own).
	SubtreePages int `json:"-"`
}

// MainFolderName is the name of each subsite's root folder.
const MainFolderName = "Main"

// ErrFolderNotFound is a folder id or path that the subsite does not have.
var ErrFolderNotFound = api.NotFound("No such folder in this subsite.")

// CreateMainFolder gives a new subsite its root folder. people calls it, through app's wiring,
// inside the transaction that creates the subsite.
func (s *Service) CreateMainFolder(ctx context.Context, tx DBTX, subsiteID int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO folders (subsite_id, parent_id, name, path, created_at) VALUES (?, NULL, ?, '', ?)
		ON CONFLICT (subsite_id, path) DO NOTHING`, subsiteID, MainFolderName, api.NewTime(s.DB.Now()))
	if err != nil {
		return fmt.Errorf("create main folder of subsite %d: %w", subsiteID, err)
	}
	return nil
}

const folderColumns = `f.id, f.subsite_id, f.parent_id, f.name, f.path,
	(SELECT COUNT(*) FROM pages p WHERE p.folder_id = f.id AND p.deleted_at IS NULL)`

func scanFolder(row interface{ Scan(...any) error }) (*Folder, error) {
	f := &Folder{}
	err := row.Scan(&f.ID, &f.SubsiteID, &f.ParentID, &f.Name, &f.Path, &f.PageCount)
	return f, err
}

func findFolder(ctx context.Context, db DBTX, where string, args ...any) (*Folder, error) {
	f, err := scanFolder(db.QueryRowContext(ctx, `SELECT `+folderColumns+` FROM folders f WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrFolderNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find folder: %w", err)
	}
	return f, nil
}

// FindFolder returns the folder with the id in the subsite. Returns ErrFolderNotFound if none.
func FindFolder(ctx context.Context, db DBTX, subsiteID, id int64) (*Folder, error) {
	return findFolder(ctx, db, `f.subsite_id = ? AND f.id = ?`, subsiteID, id)
}

// FindFolderByPath returns the folder at a clean path ("" for Main). Returns ErrFolderNotFound.
func FindFolderByPath(ctx context.Context, db DBTX, subsiteID int64, path string) (*Folder, error) {
	return findFolder(ctx, db, `f.subsite_id = ? AND f.path = ?`, subsiteID, path)
}

// EnsureFolderPath returns the folder at a clean path, creating it and any missing parents.
func (s *Service) EnsureFolderPath(ctx context.Context, tx DBTX, subsiteID int64, path string) (*Folder, error) {
	f, err := FindFolderByPath(ctx, tx, subsiteID, path)
	if !errors.Is(err, ErrFolderNotFound) {
		return f, err
	}
	if path == "" {
		return nil, fmt.Errorf("subsite %d has no Main folder", subsiteID)
	}
	parentPath, name := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		parentPath, name = path[:i], path[i+1:]
	}
	parent, err := s.EnsureFolderPath(ctx, tx, subsiteID, parentPath)
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO folders (subsite_id, parent_id, name, path, created_at) VALUES (?, ?, ?, ?, ?)`,
		subsiteID, parent.ID, name, path, api.NewTime(s.DB.Now()))
	if err != nil {
		return nil, fmt.Errorf("create folder %q: %w", path, err)
	}
	id, _ := res.LastInsertId()
	return &Folder{ID: id, SubsiteID: subsiteID, ParentID: &parent.ID, Name: name, Path: path}, nil
}

// subtree returns the condition on folders f (and its arguments) that holds for the folder at
// path in the subsite and every folder below it. The paths below "HR" are those that start with
// "HR/": in byte order they lie from "HR/" up to, not including, "HR0" ('0' follows '/'), a range
// the (subsite_id, path) index answers.
func subtree(subsiteID int64, path string) (string, []any) {
	if path == "" {
		return `f.subsite_id = ?`, []any{subsiteID}
	}
	return `f.subsite_id = ? AND (f.path = ? OR (f.path >= ? AND f.path < ?))`,
		[]any{subsiteID, path, path + "/", path + "0"}
}

// ListFolders reads a batch of the subsite's folders (an api.ListReader) ordered by path, so
// that a parent comes before its children.
func ListFolders(ctx context.Context, db DBTX, subsiteID int64, list api.ListQuery) ([]*Folder, []string, error) {
	where, args := `f.subsite_id = ?`, []any{subsiteID}
	if len(list.Cursor) == 1 {
		where += ` AND f.path > ?`
		args = append(args, list.Cursor[0])
	} else if len(list.Cursor) > 1 {
		return nil, nil, api.Invalid("cursor", "Parameter \"cursor\" is not a cursor of folder/tree; start again without it.")
	}
	args = append(args, list.Limit+1)
	rows, err := db.QueryContext(ctx, `SELECT `+folderColumns+` FROM folders f WHERE `+where+` ORDER BY f.path LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list folders: %w", err)
	}
	defer rows.Close()
	out := []*Folder{}
	for rows.Next() {
		f, err := scanFolder(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("list folders: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list folders: %w", err)
	}
	var next []string
	if len(out) > list.Limit {
		out = out[:list.Limit]
		next = []string{out[len(out)-1].Path}
	}
	return out, next, nil
}

// findChoice returns the folder a request names by id or path, without creating anything.
// Returns ErrFolderNotFound, or a validation error for a malformed path.
func findChoice(ctx context.Context, db DBTX, subsiteID int64, fc FolderChoice) (*Folder, error) {
	if fc.ID != nil {
		return FindFolder(ctx, db, subsiteID, *fc.ID)
	}
	path, err := folderpath.Clean(fc.PathField, *fc.Path)
	if err != nil {
		return nil, err
	}
	return FindFolderByPath(ctx, db, subsiteID, path)
}

// deleteFolder deletes the folder and every folder below it, and returns how many folders went.
// It refuses the Main folder (a validation error on field) and a subtree that holds live pages (a
// conflict saying how many). Pages in the trash there move to the Main folder and remember their
// folder's path in restore_folder_path, so that restoring one recreates the folder around it.
func deleteFolder(ctx context.Context, tx DBTX, f *Folder, field string) (int64, error) {
	if f.ParentID == nil {
		return 0, api.Invalid(field, "The Main folder cannot be deleted.")
	}
	cond, args := subtree(f.SubsiteID, f.Path)
	var live int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pages p JOIN folders f ON f.id = p.folder_id
		WHERE `+cond+` AND p.deleted_at IS NULL`, args...).Scan(&live)
	if err != nil {
		return 0, fmt.Errorf("delete folder %d: %w", f.ID, err)
	}
	if live > 0 {
		them := "them"
		if live == 1 {
			them = "it"
		}
		return 0, api.Conflict("The folder %q holds %s (in it or its subfolders); move or delete %s first.",
			f.Path, plural(live, "page"), them)
	}
	main, err := FindFolderByPath(ctx, tx, f.SubsiteID, "")
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE pages SET restore_folder_path = (SELECT f.path FROM folders f WHERE f.id = pages.folder_id),
		folder_id = ? WHERE folder_id IN (SELECT f.id FROM folders f WHERE `+cond+`)`, append([]any{main.ID}, args...)...)
	if err != nil {
		return 0, fmt.Errorf("delete folder %d: move trashed pages: %w", f.ID, err)
	}
	// One statement: SQLite checks the parent_id references when it ends, when every folder of
	// the subtree is gone.
	res, err := tx.ExecContext(ctx, `DELETE FROM folders WHERE id IN (SELECT f.id FROM folders f WHERE `+cond+`)`, args...)
	if err != nil {
		return 0, fmt.Errorf("delete folder %d: %w", f.ID, err)
	}
	return res.RowsAffected()
}

// plural writes "1 page" or "3 pages".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// restoreFolder returns the folder a trashed page goes back to: its own, or, when its folder was
// deleted while it was in the trash, that folder's path made again.
func (s *Service) restoreFolder(ctx context.Context, tx DBTX, p *Page) (int64, error) {
	var path sql.NullString
	if err := tx.QueryRowContext(ctx, `SELECT restore_folder_path FROM pages WHERE id = ?`, p.ID).Scan(&path); err != nil {
		return 0, fmt.Errorf("restore page %d: %w", p.ID, err)
	}
	if !path.Valid {
		return p.FolderID, nil
	}
	f, err := s.EnsureFolderPath(ctx, tx, p.SubsiteID, path.String)
	if err != nil {
		return 0, err
	}
	return f.ID, nil
}

// FolderChoice is a folder named by id or by path (at most one of the two), with the names of the
// two parameters they came in, for messages. The zero value names no folder.
type FolderChoice struct {
	ID                 *int64
	Path               *string
	IDField, PathField string
}

// given reports whether the choice names a folder at all.
func (fc FolderChoice) given() bool { return fc.ID != nil || fc.Path != nil }

// resolve returns the chosen folder of the subsite, creating a path's missing folders; with no
// choice, the Main folder. Returns a validation error for a folder id the subsite does not have
// or a malformed path.
func (s *Service) resolve(ctx context.Context, tx DBTX, subsiteID int64, fc FolderChoice) (*Folder, error) {
	if fc.ID != nil {
		f, err := FindFolder(ctx, tx, subsiteID, *fc.ID)
		if errors.Is(err, ErrFolderNotFound) {
			return nil, api.Invalid(fc.IDField, "There is no folder %d in this subsite.", *fc.ID)
		}
		return f, err
	}
	path := ""
	if fc.Path != nil {
		var err error
		if path, err = folderpath.Clean(fc.PathField, *fc.Path); err != nil {
			return nil, err
		}
	}
	return s.EnsureFolderPath(ctx, tx, subsiteID, path)
}
