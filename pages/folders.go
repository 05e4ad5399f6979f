package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"quire/app/api"
)

// Folder is a place in a subsite's folder tree. The Main folder is the root; its path is "".
type Folder struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Path      string `json:"path"`
	ParentID  *int64 `json:"parent_id"`
	PageCount int    `json:"page_count"`
	SubsiteID int64  `json:"-"`
}

// MainFolderName is the name of each subsite's root folder.
const MainFolderName = "Main"

// Limits of folder paths.
const (
	maxFolderDepth = 12
	maxFolderName  = 100
)

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

// CleanFolderPath checks a folder path such as "HR/Guides" (slashes at either end ignored) and
// returns it tidied, or a validation error on field.
func CleanFolderPath(field, path string) (string, error) {
	path = strings.Trim(strings.TrimSpace(path), "/")
	if path == "" {
		return "", nil
	}
	parts := strings.Split(path, "/")
	if len(parts) > maxFolderDepth {
		return "", api.Invalid(field, "Folders nest at most %d deep.", maxFolderDepth)
	}
	for i, part := range parts {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
			return "", api.Invalid(field, "The folder path %q has an empty folder name.", path)
		case utf8.RuneCountInString(part) > maxFolderName:
			return "", api.Invalid(field, "Folder names are at most %d characters.", maxFolderName)
		case strings.ContainsAny(part, "\x00\r\n\t"):
			return "", api.Invalid(field, "Folder names cannot contain control characters.")
		}
		parts[i] = part
	}
	return strings.Join(parts, "/"), nil
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
