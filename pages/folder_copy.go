package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"quire/app/api"
	"quire/app/sqldb"
	"quire/pages/folderpath"
	"quire/people"
)

// copyBatch is how many folders and pages one folder/copy request copies at most. Each request is
// one transaction, so a copy of thousands of pages never holds the writer, nor the client's
// request, for long, and a restart between requests loses nothing.
const copyBatch = 100

// maxCopyNames bounds the search for a free name for a copy ("HR (copy 2)").
const maxCopyNames = 100

// FolderCopy is one step of copying the folder Source of subsite From, with its subfolders and
// live pages, into subsite To. The answer of one step says what the next one is: the client
// carries how far the copy got, and the server keeps what it copies.
//
// What a copy copies is fixed when it begins: the folders and pages that existed then, known by
// their ids (ids only grow while the copy's folder exists), so that nothing made meanwhile (by
// the copy itself, or by another copy writing into the source, as when X is copied into Y while
// Y is copied into X) is copied, and a copy always ends. The first step stores these marks with
// the copy's folder (the folder_copies table); the steps after it read them there, whatever the
// client sends. Each step checks again, in its own transaction, that the copy is not inside its
// source and that no folder it makes is deeper than folderpath.MaxDepth.
type FolderCopy struct {
	From   *people.Subsite
	Source *Folder
	To     *people.Subsite
	// Into is where the first step puts the copy (as Into/Name). Copy is the copy itself, which
	// the first step made, on the steps after it.
	Into *Folder
	Copy *Folder
	// AfterPath is the last subfolder copied, relative to Source ("" before the first).
	AfterPath string
	// AfterPageID is the last page copied: the pages are copied in id order once every
	// subfolder is. Nil while subfolders remain.
	AfterPageID *int64
	// MaxFolderID and MaxPageID are the largest folder and page ids when the copy began: it
	// copies the folders of Source's subtree up to MaxFolderID and their live pages up to
	// MaxPageID. The first step sets and stores them; resumeFolderCopy loads them.
	MaxFolderID, MaxPageID int64
}

// FolderCopyStep is what a step of folder/copy answers.
type FolderCopyStep struct {
	Folder *Folder `json:"folder"` // the copy
	// More is false when the copy is complete, else a *FolderCopyMore to POST again.
	More   any `json:"more"`
	Copied int `json:"copied"` // pages copied so far
	Total  int `json:"total"`  // pages to copy in all
}

// FolderCopyMore is the body of the next step of a copy.
type FolderCopyMore struct {
	CopyFolderID    int64  `json:"copy_folder_id"`
	TargetSubsiteID int64  `json:"target_subsite_id"`
	NewFolderID     int64  `json:"new_folder_id"`
	AfterPath       string `json:"after_path,omitempty"`
	AfterPageID     *int64 `json:"after_page_id,omitempty"`
}

// copyFolderStep does one step of fc in the caller's transaction: on the first, it checks the
// target and makes the copy's folder; then it copies up to copyBatch subfolders and pages.
func (s *Service) copyFolderStep(ctx context.Context, tx DBTX, fc FolderCopy, now api.Time, by int64) (*FolderCopyStep, error) {
	var err error
	if fc.Copy == nil {
		// The marks are taken before the copy's folder is made, in the same transaction.
		err = tx.QueryRowContext(ctx, `SELECT (SELECT COALESCE(MAX(id), 0) FROM folders), (SELECT COALESCE(MAX(id), 0) FROM pages)`).
			Scan(&fc.MaxFolderID, &fc.MaxPageID)
		if err != nil {
			return nil, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
		}
		if fc.Copy, err = s.startFolderCopy(ctx, tx, fc); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO folder_copies (folder_id, source_id, max_folder_id, max_page_id)
			VALUES (?, ?, ?, ?)`, fc.Copy.ID, fc.Source.ID, fc.MaxFolderID, fc.MaxPageID); err != nil {
			return nil, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
		}
	} else if fc.From.ID == fc.To.ID && folderpath.InSubtree(fc.Source.Path, fc.Copy.Path) {
		return nil, api.Invalid("new_folder_id", "The copy cannot be inside the folder it copies.")
	}
	budget := copyBatch
	if fc.AfterPageID == nil {
		n, more, err := s.copySubfolders(ctx, tx, &fc, budget)
		if err != nil || more {
			return s.copyProgress(ctx, tx, fc, more, err)
		}
		budget -= n
		fc.AfterPageID = new(int64)
	}
	more, err := s.copyPages(ctx, tx, &fc, budget, now, by)
	return s.copyProgress(ctx, tx, fc, more, err)
}

// resumeFolderCopy readies fc, whose Source, From and To are set, for a step after the first of
// the copy whose folder is copyID in fc.To: it sets Copy, and the marks the first step stored.
// Returns an invalid_request error on new_folder_id when there is no such folder or it is no copy
// under way (one begun by a version that kept no marks cannot go on: a copy of what the client
// says would not be a copy of the source as it was), and on copy_folder_id when the copy is of
// another folder.
func resumeFolderCopy(ctx context.Context, tx DBTX, fc *FolderCopy, copyID int64) error {
	var err error
	if fc.Copy, err = FindFolder(ctx, tx, fc.To.ID, copyID); errors.Is(err, ErrFolderNotFound) {
		return api.Invalid("new_folder_id", "The copy's folder %d is gone from the target subsite; start the copy again.", copyID)
	} else if err != nil {
		return err
	}
	var sourceID int64
	err = tx.QueryRowContext(ctx, `SELECT source_id, max_folder_id, max_page_id FROM folder_copies WHERE folder_id = ?`, copyID).
		Scan(&sourceID, &fc.MaxFolderID, &fc.MaxPageID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return api.Invalid("new_folder_id", "Folder %d (%q) is not a copy under way, or was begun by an earlier version of Quire, "+
			"which did not keep what it copies; delete it and start the copy again.", copyID, fc.Copy.Path)
	case err != nil:
		return fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
	case sourceID != fc.Source.ID:
		return api.Invalid("copy_folder_id", "Folder %d is a copy of folder %d, not of folder %d; POST the \"more\" object of the last answer as it is.",
			copyID, sourceID, fc.Source.ID)
	}
	return nil
}

// copyFolderPath returns where the copy of the subfolder rel goes, refusing one deeper than
// folderpath.MaxDepth.
func copyFolderPath(fc *FolderCopy, rel string) (string, error) {
	path := folderpath.Join(fc.Copy.Path, rel)
	if folderpath.Depth(path) > folderpath.MaxDepth {
		return "", api.Invalid("target_folder_id", "Folders nest at most %d deep; the copy of %q would go deeper.", folderpath.MaxDepth,
			folderpath.Join(fc.Source.Path, rel))
	}
	return path, nil
}

// copySet returns the condition on pages p in folders f (and its arguments) that holds for the
// live pages the copy copies: in Source's subtree, among the folders and pages that existed when
// it began.
func copySet(fc *FolderCopy) (string, []any) {
	cond, args := subtree(fc.From.ID, fc.Source.Path)
	return cond + ` AND f.id <= ? AND p.id <= ? AND p.deleted_at IS NULL`, append(args, fc.MaxFolderID, fc.MaxPageID)
}

// startFolderCopy checks that fc.Source may go into fc.Into and makes its copy there, named as
// the source, or "Name (copy)", "Name (copy 2)"... when Into already has a folder of that name.
func (s *Service) startFolderCopy(ctx context.Context, tx DBTX, fc FolderCopy) (*Folder, error) {
	if fc.From.ID == fc.To.ID && folderpath.InSubtree(fc.Source.Path, fc.Into.Path) {
		return nil, api.Invalid("target_folder_id", "A folder cannot be copied into itself or one of its subfolders.")
	}
	cond, args := subtree(fc.From.ID, fc.Source.Path)
	var deepest int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(LENGTH(f.path) - LENGTH(REPLACE(f.path, '/', '')) + 1), 0)
		FROM folders f WHERE `+cond+` AND f.path <> ''`, args...).Scan(&deepest)
	if err != nil {
		return nil, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
	}
	if folderpath.Depth(fc.Into.Path)+1+deepest-folderpath.Depth(fc.Source.Path) > folderpath.MaxDepth {
		return nil, api.Invalid("target_folder_id", "Folders nest at most %d deep; the copy of %q inside %q would go deeper.",
			folderpath.MaxDepth, fc.Source.Name, fc.Into.Name)
	}
	name, err := freeFolderName(ctx, tx, fc.To.ID, fc.Into.Path, fc.Source.Name)
	if err != nil {
		return nil, err
	}
	return s.EnsureFolderPath(ctx, tx, fc.To.ID, folderpath.Join(fc.Into.Path, name))
}

// freeFolderName returns name, or the first of "name (copy)", "name (copy 2)"... that no folder
// in the parent has.
func freeFolderName(ctx context.Context, db DBTX, subsiteID int64, parent, name string) (string, error) {
	for i := 1; i <= maxCopyNames; i++ {
		suffix := ""
		switch {
		case i == 2:
			suffix = " (copy)"
		case i > 2:
			suffix = fmt.Sprintf(" (copy %d)", i-1)
		}
		base := []rune(name)
		if keep := folderpath.MaxName - utf8.RuneCountInString(suffix); len(base) > keep {
			base = base[:keep]
		}
		candidate := strings.TrimSpace(string(base)) + suffix
		_, err := FindFolderByPath(ctx, db, subsiteID, folderpath.Join(parent, candidate))
		if errors.Is(err, ErrFolderNotFound) {
			return candidate, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", api.Conflict("The target folder already holds %q and %d copies of it; copy into another folder.", name, maxCopyNames-1)
}

// copySubfolders makes, under fc.Copy, the next subfolders of fc.Source (at most budget) and
// moves fc.AfterPath on. It reports how many it made and whether more remain.
func (s *Service) copySubfolders(ctx context.Context, tx DBTX, fc *FolderCopy, budget int) (int, bool, error) {
	cond, args := subtree(fc.From.ID, fc.Source.Path)
	args = append(args, fc.MaxFolderID, folderpath.Join(fc.Source.Path, fc.AfterPath), budget+1)
	rows, err := tx.QueryContext(ctx, `SELECT f.path FROM folders f WHERE `+cond+` AND f.id <= ? AND f.path > ? ORDER BY f.path LIMIT ?`, args...)
	if err != nil {
		return 0, false, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
	}
	var rels []string
	for rows.Next() {
		var path string
		if err := rows.Scan(&path); err != nil {
			rows.Close()
			return 0, false, err
		}
		rels = append(rels, relativePath(fc.Source.Path, path))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, false, err
	}
	more := len(rels) > budget
	if more {
		rels = rels[:budget]
	}
	for _, rel := range rels {
		path, err := copyFolderPath(fc, rel)
		if err != nil {
			return 0, false, err
		}
		if _, err := s.EnsureFolderPath(ctx, tx, fc.To.ID, path); err != nil {
			return 0, false, err
		}
		fc.AfterPath = rel
	}
	return len(rels), more, nil
}

// relativePath is path (root or below it) as seen from root.
func relativePath(root, path string) string {
	if root == "" {
		return path
	}
	return strings.TrimPrefix(strings.TrimPrefix(path, root), "/")
}

// copyPages copies the next live pages of fc.Source's subtree (at most budget, in id order) into
// the same places under fc.Copy, each with its widgets' newest versions and its tags, and moves
// fc.AfterPageID on. It reports whether more remain.
func (s *Service) copyPages(ctx context.Context, tx DBTX, fc *FolderCopy, budget int, now api.Time, by int64) (bool, error) {
	cond, args := copySet(fc)
	args = append(args, *fc.AfterPageID, budget+1)
	rows, err := tx.QueryContext(ctx, `SELECT `+pageColumns+tagsColumn+pageFrom+`WHERE `+cond+` AND p.id > ?
		ORDER BY p.id LIMIT ?`, args...)
	if err != nil {
		return false, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
	}
	var batch []*Page
	for rows.Next() {
		p, err := s.scanPage(rows, fc.From)
		if err != nil {
			rows.Close()
			return false, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
		}
		batch = append(batch, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	more := len(batch) > budget
	if more {
		batch = batch[:budget]
	}
	done, err := copiedAlready(ctx, tx, fc, batch)
	if err != nil {
		return false, err
	}
	folders := map[string]*Folder{}
	for _, src := range batch {
		*fc.AfterPageID = src.ID
		if done[src.ID] {
			continue
		}
		path, err := copyFolderPath(fc, relativePath(fc.Source.Path, src.Category))
		if err != nil {
			return false, err
		}
		if folders[path] == nil {
			if folders[path], err = s.EnsureFolderPath(ctx, tx, fc.To.ID, path); err != nil {
				return false, err
			}
		}
		p, err := s.copyPage(ctx, tx, src, PageCopy{To: fc.To, Folder: folders[path], KeepTags: true}, now, by)
		if err != nil {
			return false, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pages SET copied_from_id = ? WHERE id = ?`, src.ID, p.ID); err != nil {
			return false, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
		}
	}
	return more, nil
}

// copiedAlready returns which pages of batch already have a copy in fc.Copy's subtree: a step
// sent twice (a client retrying after a lost answer) does not copy them again.
func copiedAlready(ctx context.Context, tx DBTX, fc *FolderCopy, batch []*Page) (map[int64]bool, error) {
	done := map[int64]bool{}
	if len(batch) == 0 {
		return done, nil
	}
	cond, args := subtree(fc.To.ID, fc.Copy.Path)
	for _, p := range batch {
		args = append(args, p.ID)
	}
	rows, err := tx.QueryContext(ctx, `SELECT p.copied_from_id FROM pages p JOIN folders f ON f.id = p.folder_id
		WHERE `+cond+` AND p.copied_from_id IN (`+sqldb.Placeholders(len(batch))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("copy folder %d: %w", fc.Source.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		done[id] = true
	}
	return done, rows.Err()
}

// copyProgress answers a step: the copy's folder, what to POST next, and how far it has come.
func (s *Service) copyProgress(ctx context.Context, tx DBTX, fc FolderCopy, more bool, err error) (*FolderCopyStep, error) {
	if err != nil {
		return nil, err
	}
	step := &FolderCopyStep{More: false}
	if step.Folder, err = FindFolder(ctx, tx, fc.To.ID, fc.Copy.ID); err != nil {
		return nil, err
	}
	cond, args := copySet(&fc)
	after := int64(0)
	if fc.AfterPageID != nil {
		after = *fc.AfterPageID
	}
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN p.id <= ? THEN 1 ELSE 0 END), 0)
		FROM pages p JOIN folders f ON f.id = p.folder_id WHERE `+cond,
		append([]any{after}, args...)...).Scan(&step.Total, &step.Copied)
	if err != nil {
		return nil, fmt.Errorf("copy folder %d: count pages: %w", fc.Source.ID, err)
	}
	if more {
		step.More = &FolderCopyMore{CopyFolderID: fc.Source.ID, TargetSubsiteID: fc.To.ID, NewFolderID: fc.Copy.ID,
			AfterPath: fc.AfterPath, AfterPageID: fc.AfterPageID}
	} else {
		step.Copied = step.Total
	}
	return step, nil
}
