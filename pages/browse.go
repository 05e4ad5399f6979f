package pages

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"quire/app/api"
	"quire/people"
)

// What the web UI reads to find one's way in a subsite: a page by its URL's slug (and the slugs
// it had before a rename), a folder's subfolders and pages, and the subsite's recent changes.
// Every list is bounded by its caller's limit, so that no view reads all of a large subsite.

// MaxBrowse is the most items one call of the browsing functions returns.
const MaxBrowse = 200

func browseLimit(limit int) int { return min(max(limit, 1), MaxBrowse) }

// FindPageBySlug returns the page of sub at the slug of its URL, in the trash or not (DeletedAt
// says). The actor must be able to view sub. Returns people.ErrNotFound for a subsite actor is not
// in, a forbidden error, and ErrPageNotFound when no page has the slug.
func (s *Service) FindPageBySlug(ctx context.Context, actor *people.Actor, sub *people.Subsite, slug string) (*Page, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	p, err := s.scanPage(s.DB.R.QueryRowContext(ctx, `SELECT `+pageColumns+tagsColumn+pageFrom+`WHERE p.subsite_id = ? AND p.slug = ?`,
		sub.ID, slug), sub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find page %q: %w", slug, err)
	}
	return p, people.FillNames(ctx, s.DB.R, &p.CreatedBy)
}

// FindRenamedPage returns the live page of sub that had the slug before a rename. The actor must
// be able to view sub. Returns people.ErrNotFound, a forbidden error, and ErrPageNotFound when no
// live page had the slug.
func (s *Service) FindRenamedPage(ctx context.Context, actor *people.Actor, sub *people.Subsite, slug string) (*Page, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT page_id FROM page_old_slugs WHERE subsite_id = ? AND slug = ?`, sub.ID, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find renamed page %q: %w", slug, err)
	}
	return s.FindPage(ctx, s.DB.R, sub, id)
}

// keepOldSlug records, inside the transaction that changes a page's slug from old to slug, that
// old led to the page; the page's new slug is no longer an old one of anything.
func keepOldSlug(ctx context.Context, tx DBTX, subsiteID, pageID int64, old, slug string) error {
	if old == slug {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO page_old_slugs (subsite_id, slug, page_id) VALUES (?, ?, ?)
		ON CONFLICT (subsite_id, slug) DO UPDATE SET page_id = excluded.page_id`, subsiteID, old, pageID); err != nil {
		return fmt.Errorf("keep old slug of page %d: %w", pageID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM page_old_slugs WHERE subsite_id = ? AND slug = ?`, subsiteID, slug); err != nil {
		return fmt.Errorf("keep old slug of page %d: %w", pageID, err)
	}
	return nil
}

// FolderEntries is one batch of a folder's contents, as the sidebar shows them.
type FolderEntries struct {
	Folder     *Folder
	Subfolders []*Folder // by name
	Pages      []*Page   // live pages, by title; without tags' or authors' names
	More       bool      // the folder holds more subfolders or pages than the limit
	// After is the last page of the batch when the folder holds more pages after it: the
	// afterPage of the next batch.
	After int64
}

// BrowseFolder returns the folder id of sub (0: its Main folder) with at most limit of its
// subfolders and limit of its live pages by title; with afterPage (a page id of an earlier
// batch's After), the next batch of pages after it, and no subfolders. The actor must be able to
// view sub. Returns people.ErrNotFound, a forbidden error and ErrFolderNotFound.
func (s *Service) BrowseFolder(ctx context.Context, actor *people.Actor, sub *people.Subsite, id int64, limit int, afterPage int64) (*FolderEntries, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	limit = browseLimit(limit)
	var f *Folder
	var err error
	if id == 0 {
		f, err = FindFolderByPath(ctx, s.DB.R, sub.ID, "")
	} else {
		f, err = FindFolder(ctx, s.DB.R, sub.ID, id)
	}
	if err != nil {
		return nil, err
	}
	out := &FolderEntries{Folder: f}
	if afterPage != 0 {
		out.Pages, err = s.queryPages(ctx, sub, `p.folder_id = ? AND p.deleted_at IS NULL AND (p.title, p.id) > (SELECT title, id FROM pages WHERE id = ?)
			ORDER BY p.title, p.id`, f.ID, afterPage, limit+1)
		return out, morePages(out, limit, err)
	}
	// Each subfolder's subtree is its path and the paths below it: [path/, path0) in the
	// (subsite_id, path) index, '0' being the byte after '/'. The subtrees of one folder's
	// subfolders are disjoint, so a batch counts each live page of the subsite at most once.
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+folderColumns+`, (SELECT COUNT(*) FROM folders d
		JOIN pages p ON p.folder_id = d.id AND p.deleted_at IS NULL
		WHERE d.subsite_id = f.subsite_id AND (d.id = f.id OR (d.path >= f.path || '/' AND d.path < f.path || '0')))
		FROM folders f WHERE f.parent_id = ? ORDER BY f.name, f.id LIMIT ?`, f.ID, limit+1)
	if err != nil {
		return nil, fmt.Errorf("browse folder %d: %w", f.ID, err)
	}
	defer rows.Close()
	for rows.Next() {
		sf := &Folder{}
		if err := rows.Scan(&sf.ID, &sf.SubsiteID, &sf.ParentID, &sf.Name, &sf.Path, &sf.PageCount, &sf.SubtreePages); err != nil {
			return nil, fmt.Errorf("browse folder %d: %w", f.ID, err)
		}
		out.Subfolders = append(out.Subfolders, sf)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("browse folder %d: %w", f.ID, err)
	}
	if len(out.Subfolders) > limit {
		out.Subfolders, out.More = out.Subfolders[:limit], true
	}
	out.Pages, err = s.queryPages(ctx, sub, `p.folder_id = ? AND p.deleted_at IS NULL ORDER BY p.title, p.id`, f.ID, limit+1)
	return out, morePages(out, limit, err)
}

// morePages cuts a batch of pages read with limit+1 to limit, noting where the next begins.
func morePages(out *FolderEntries, limit int, err error) error {
	if err != nil {
		return err
	}
	if len(out.Pages) > limit {
		out.Pages, out.More = out.Pages[:limit], true
		out.After = out.Pages[limit-1].ID
	}
	return nil
}

// RecentPages returns at most limit live pages of sub, last changed first, with their authors'
// names. The actor must be able to view sub. Returns people.ErrNotFound and a forbidden error.
func (s *Service) RecentPages(ctx context.Context, actor *people.Actor, sub *people.Subsite, limit int) ([]*Page, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	list, err := s.queryPages(ctx, sub, `p.subsite_id = ? AND p.deleted_at IS NULL ORDER BY p.updated_at DESC, p.id DESC`,
		sub.ID, browseLimit(limit))
	if err != nil {
		return nil, err
	}
	refs := make([]*api.UserRef, len(list))
	for i, p := range list {
		refs[i] = &p.CreatedBy
	}
	return list, people.FillNames(ctx, s.DB.R, refs...)
}

// queryPages reads pages WHERE cond (which ends in its ORDER BY) LIMIT the last argument.
func (s *Service) queryPages(ctx context.Context, sub *people.Subsite, cond string, args ...any) ([]*Page, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+pageColumns+tagsColumn+pageFrom+`WHERE `+cond+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	defer rows.Close()
	var out []*Page
	for rows.Next() {
		p, err := s.scanPage(rows, sub)
		if err != nil {
			return nil, fmt.Errorf("list pages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
