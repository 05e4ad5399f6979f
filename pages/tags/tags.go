// Package tags is the tags of a subsite's pages as things of their own: the list of them with
// their page counts (ReadTags, FindTag), and renaming, merging and deleting one across every page
// of the subsite (RenameTag, MergeTags, DeleteTag).
//
// A tag exists only on pages: a page's tags are set by pages/create, pages/copy and pages/update
// (pages.CleanTags), and a tag with no page is no tag, so there is no "create a tag" here. Names
// compare ignoring the case of the letters A to Z, as SQLite's NOCASE does: "HR" and "hr" are
// one tag, which the list shows under its first spelling in byte order; renaming a tag to another
// case ("hr" to "HR") respells it on every page.
//
// Retagging a page is a change to the page, as pages/update with tags is: its updated_at moves
// on (so polling clients with `since` see it) and its search entries are queued to be indexed
// again, in the same transaction. Pages in the trash are retagged too, so that a restored page
// does not bring an old name back; the counts are of live pages only, the ones a member reads.
//
// It imports pages for the page a tag page lists (pages.ReadPages with a tag filter) and reaches
// the pages domain's page_tags and pages tables itself, as pages/search does.
package tags

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"quire/app/api"
	"quire/app/sqldb"
	"quire/pages"
	"quire/people"
)

// Limits of the tag operations.
const (
	// MaxNameSize is the longest tag name in characters, as pages.CleanTags allows.
	MaxNameSize = 50
	// MaxMerge is how many tags one merge may name.
	MaxMerge = 50
	// MaxRetagPages is how many pages one rename, merge or delete may change, to bound the time
	// the write lock is held (about a second at this size); more answers 409.
	MaxRetagPages = 10000
)

// ErrTagNotFound is a tag that no page of the subsite has.
var ErrTagNotFound = api.NotFound("No page of this subsite has that tag.")

// Service holds the tag operations; Pages is the pages domain whose pages carry them.
type Service struct {
	Pages *pages.Service
}

// Tag is a tag as the API answers it: its name, how many live pages of the subsite have it, and
// its page in the web UI.
type Tag struct {
	Name      string `json:"name"`
	PageCount int    `json:"page_count"`
	URL       string `json:"url"`
}

// Change is the answer of a rename, merge or delete: the tag the pages now have (for a delete,
// the tag removed, with no pages), and how many pages were changed, in the trash included.
type Change struct {
	Success      bool `json:"success"`
	Tag          *Tag `json:"tag"`
	PagesChanged int  `json:"pages_changed"`
}

// Path is the web UI's page of the tag in sub, as a path: /@slug/-/tags/NAME/ with the name
// escaped (a slash in it too). The tag list is Path(sub, "").
func Path(sub *people.Subsite, name string) string {
	p := "/@" + sub.Slug + "/-/tags/"
	if name != "" {
		p += url.PathEscape(name) + "/"
	}
	return p
}

func (s *Service) tagOf(sub *people.Subsite, name string, count int) *Tag {
	return &Tag{Name: name, PageCount: count, URL: s.Pages.BaseURL + Path(sub, name)}
}

// CleanName checks a tag name given in field: one line of text (api.Line), required, at most
// MaxNameSize characters. A new name (isNew) may not hold a comma, since pages take their tags
// as a comma-separated list and could not be given it back.
func CleanName(field, name string, isNew bool) (string, error) {
	name, err := api.Line(field, name, 0)
	switch {
	case err != nil:
		return "", err
	case name == "":
		return "", api.Invalid(field, "Parameter %q is required: the name of a tag.", field)
	case utf8.RuneCountInString(name) > MaxNameSize:
		return "", api.Invalid(field, "Tags are at most %d characters; %q is longer.", MaxNameSize, name)
	case isNew && strings.Contains(name, ","):
		return "", api.Invalid(field, "A tag cannot hold a comma (pages take tags as a comma-separated list): %q.", name)
	}
	return name, nil
}

// sameTag reports whether two tag names are one tag: equal ignoring the case of A to Z, as
// SQLite's NOCASE collation compares them.
func sameTag(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// ReadTags returns the reader of the tags of sub's live pages, in name order ignoring case, each
// with its page count. Anyone who may view the subsite may read them. Returns
// people.ErrNotFound for a subsite actor is not in, and a forbidden error.
func (s *Service) ReadTags(ctx context.Context, actor *people.Actor, sub *people.Subsite) (api.ListReader[*Tag], error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*Tag, []string, error) {
		return s.readTags(ctx, db, sub, q)
	}, nil
}

func (s *Service) readTags(ctx context.Context, db api.DBTX, sub *people.Subsite, q api.ListQuery) ([]*Tag, []string, error) {
	if err := q.CheckCursor(1); err != nil {
		return nil, nil, err
	}
	where, args := `p.subsite_id = ? AND p.deleted_at IS NULL`, []any{sub.ID}
	if len(q.Cursor) == 1 {
		where += ` AND t.tag > ? COLLATE NOCASE`
		args = append(args, q.Cursor[0])
	}
	args = append(args, q.Limit+1)
	rows, err := db.QueryContext(ctx, `SELECT MIN(t.tag), COUNT(*) FROM page_tags t JOIN pages p ON p.id = t.page_id
		WHERE `+where+` GROUP BY t.tag COLLATE NOCASE ORDER BY t.tag COLLATE NOCASE LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list tags: %w", err)
	}
	defer rows.Close()
	out := []*Tag{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, nil, fmt.Errorf("list tags: %w", err)
		}
		out = append(out, s.tagOf(sub, name, n))
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("list tags: %w", err)
	}
	if len(out) > q.Limit {
		out = out[:q.Limit]
		return out, []string{out[len(out)-1].Name}, nil
	}
	return out, nil, nil
}

// FindTag returns the tag name of sub with its count of live pages, spelt as the list spells it.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, and
// ErrTagNotFound when no live page of sub has it.
func (s *Service) FindTag(ctx context.Context, actor *people.Actor, sub *people.Subsite, name string) (*Tag, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	var spelt sql.NullString
	var n int
	err := s.Pages.DB.R.QueryRowContext(ctx, `SELECT MIN(t.tag), COUNT(*) FROM page_tags t JOIN pages p ON p.id = t.page_id
		WHERE p.subsite_id = ? AND p.deleted_at IS NULL AND t.tag = ? COLLATE NOCASE`, sub.ID, name).Scan(&spelt, &n)
	if err != nil {
		return nil, fmt.Errorf("find tag: %w", err)
	}
	if n == 0 {
		return nil, ErrTagNotFound
	}
	return s.tagOf(sub, spelt.String, n), nil
}

// RenameTag gives the tag from the name to on every page of sub that has it (see retag). to may
// be a tag some pages have already: those that have both keep one. Returns what retag returns,
// and a validation error on "to" when it is from exactly.
func (s *Service) RenameTag(ctx context.Context, actor *people.Actor, sub *people.Subsite, from, to string) (*Change, error) {
	from, err := CleanName("tag", from, false)
	if err != nil {
		return nil, err
	}
	if to, err = CleanName("to", to, true); err != nil {
		return nil, err
	}
	if to == from {
		return nil, api.Invalid("to", "The tag is called %q already.", to)
	}
	return s.retag(ctx, actor, sub, []string{from}, to)
}

// MergeTags replaces the tags from by into on every page of sub that has one of them (see
// retag); into may be one of them, and may be a tag some pages have already. Returns what retag
// returns, and validation errors on "tags" (none, more than MaxMerge) and "into".
func (s *Service) MergeTags(ctx context.Context, actor *people.Actor, sub *people.Subsite, from []string, into string) (*Change, error) {
	if len(from) == 0 {
		return nil, api.Invalid("tags", "Parameter \"tags\" is required: the tags to merge, as a list.")
	}
	if len(from) > MaxMerge {
		return nil, api.Invalid("tags", "At most %d tags can be merged at once; %d were given.", MaxMerge, len(from))
	}
	for i, t := range from {
		var err error
		if from[i], err = CleanName("tags", t, false); err != nil {
			return nil, err
		}
	}
	into, err := CleanName("into", into, true)
	if err != nil {
		return nil, err
	}
	return s.retag(ctx, actor, sub, from, into)
}

// DeleteTag removes the tag from every page of sub that has it (see retag).
func (s *Service) DeleteTag(ctx context.Context, actor *people.Actor, sub *people.Subsite, name string) (*Change, error) {
	name, err := CleanName("tag", name, false)
	if err != nil {
		return nil, err
	}
	return s.retag(ctx, actor, sub, []string{name}, "")
}

// retag takes the tags from off every page of sub (live or in the trash) that has one of them,
// and puts into on those pages ("" for none), in one transaction: each page whose tags change
// gets updated_at now and is queued for the search index. The actor must be an editor of sub.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, ErrTagNotFound
// when no page has any of from, and a conflict when more than MaxRetagPages pages have them.
func (s *Service) retag(ctx context.Context, actor *people.Actor, sub *people.Subsite, from []string, into string) (*Change, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	change := &Change{Success: true}
	err := s.Pages.DB.Write(ctx, func(tx *sql.Tx) error {
		match := strings.TrimSuffix(strings.Repeat(`t.tag = ? COLLATE NOCASE OR `, len(from)), ` OR `)
		args := []any{sub.ID}
		for _, t := range from {
			args = append(args, t)
		}
		ids, err := sqldb.Int64s(ctx, tx, `SELECT DISTINCT t.page_id FROM page_tags t JOIN pages p ON p.id = t.page_id
			WHERE p.subsite_id = ? AND (`+match+`) ORDER BY t.page_id LIMIT `+strconv.Itoa(MaxRetagPages+1), args...)
		if err != nil {
			return fmt.Errorf("retag: %w", err)
		}
		switch {
		case len(ids) == 0:
			return ErrTagNotFound
		case len(ids) > MaxRetagPages:
			return api.Conflict("These tags are on more than %d pages, more than one request may change; "+
				"retag them a part at a time with pages/update.", MaxRetagPages)
		}
		now := api.NewTime(s.Pages.DB.Now())
		for _, id := range ids {
			changed, err := s.retagPage(ctx, tx, id, from, into, now)
			if err != nil {
				return err
			}
			if changed {
				change.PagesChanged++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if into == "" {
		change.Tag = s.tagOf(sub, from[0], 0)
		return change, nil
	}
	tag, err := s.FindTag(ctx, actor, sub, into)
	if errors.Is(err, ErrTagNotFound) { // only pages in the trash have it
		tag, err = s.tagOf(sub, into, 0), nil
	}
	change.Tag = tag
	return change, err
}

// retagPage sets the tags of page id: those matching from (and any spelling of into) go, and
// into joins when one of from was there. It reports whether the tags changed; when they did, the
// page's updated_at becomes now and the page is queued for the search index.
func (s *Service) retagPage(ctx context.Context, tx DBTX, id int64, from []string, into string, now api.Time) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT tag FROM page_tags WHERE page_id = ? ORDER BY tag LIMIT 1000`, id)
	if err != nil {
		return false, fmt.Errorf("retag page %d: %w", id, err)
	}
	var old []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return false, fmt.Errorf("retag page %d: %w", id, err)
		}
		old = append(old, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("retag page %d: %w", id, err)
	}
	var kept []string
	hit := false
	for _, t := range old {
		matched := false
		for _, f := range from {
			matched = matched || sameTag(t, f)
		}
		hit = hit || matched
		if !matched && !(into != "" && sameTag(t, into)) {
			kept = append(kept, t)
		}
	}
	if hit && into != "" {
		kept = append(kept, into)
	} else if !hit {
		return false, nil
	}
	sort.Strings(kept)
	if strings.Join(kept, "\x00") == strings.Join(old, "\x00") {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM page_tags WHERE page_id = ?`, id); err != nil {
		return false, fmt.Errorf("retag page %d: %w", id, err)
	}
	for _, t := range kept {
		if _, err := tx.ExecContext(ctx, `INSERT INTO page_tags (page_id, tag) VALUES (?, ?)`, id, t); err != nil {
			return false, fmt.Errorf("retag page %d: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pages SET updated_at = ? WHERE id = ?`, now, id); err != nil {
		return false, fmt.Errorf("retag page %d: %w", id, err)
	}
	return true, s.Pages.Search.QueuePage(ctx, tx, id, false)
}

// DBTX is a connection or transaction.
type DBTX = sqldb.DBTX
