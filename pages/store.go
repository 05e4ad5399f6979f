package pages

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"quire/app/api"
	"quire/app/events"
	"quire/people"
	"quire/widgets"
)

// ErrPageNotFound is a page that does not exist in the subsite, or is in the trash.
var ErrPageNotFound = api.NotFound("No such page in this subsite.")

// Limits of page fields.
const (
	maxTitle   = 200
	maxSlug    = 80
	maxTags    = 50
	maxTagSize = 50
)

// pageColumns (with tagsColumn after it) are what scanPage reads.
const pageColumns = `p.id, p.subsite_id, p.folder_id, f.path, p.title, p.slug, p.layout, p.is_public,
	p.created_at, p.updated_at, p.created_by, p.deleted_at`

// tagsColumn reads a page's tags along with it, separated by the unit separator (a character no
// tag is expected to hold; CleanTags refuses control characters).
const tagsColumn = `, (SELECT group_concat(t.tag, char(31)) FROM page_tags t WHERE t.page_id = p.id)`

const pageFrom = ` FROM pages p JOIN folders f ON f.id = p.folder_id `

func (s *Service) scanPage(row interface{ Scan(...any) error }, sub *people.Subsite) (*Page, error) {
	p := &Page{}
	var layout string
	var createdBy sql.NullInt64
	var tags sql.NullString
	err := row.Scan(&p.ID, &p.SubsiteID, &p.FolderID, &p.Category, &p.Title, &p.Slug, &layout, &p.IsPublic,
		&p.CreatedAt, &p.UpdatedAt, &createdBy, &p.DeletedAt, &tags)
	if err != nil {
		return nil, err
	}
	p.CreatedBy.ID = createdBy.Int64
	if err := json.Unmarshal([]byte(layout), &p.Layout); err != nil {
		return nil, fmt.Errorf("page %d layout: %w", p.ID, err)
	}
	p.URL = s.pageURL(sub.Slug, p.Slug)
	p.Tags = []string{}
	if tags.String != "" {
		p.Tags = strings.Split(tags.String, "\x1f")
		sort.Strings(p.Tags)
	}
	return p, nil
}

// FindPage returns a page of the subsite that is not in the trash. Returns ErrPageNotFound.
func (s *Service) FindPage(ctx context.Context, db DBTX, sub *people.Subsite, id int64) (*Page, error) {
	return s.findPage(ctx, db, sub, id, `p.deleted_at IS NULL`)
}

// FindTrashedPage returns a page of the subsite that is in the trash. Returns ErrPageNotFound.
func (s *Service) FindTrashedPage(ctx context.Context, db DBTX, sub *people.Subsite, id int64) (*Page, error) {
	return s.findPage(ctx, db, sub, id, `p.deleted_at IS NOT NULL`)
}

func (s *Service) findPage(ctx context.Context, db DBTX, sub *people.Subsite, id int64, cond string) (*Page, error) {
	p, err := s.scanPage(db.QueryRowContext(ctx, `SELECT `+pageColumns+tagsColumn+pageFrom+`WHERE p.id = ? AND p.subsite_id = ? AND `+cond,
		id, sub.ID), sub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find page %d: %w", id, err)
	}
	return p, nil
}

// findPageToWrite returns the live page as widget writes need it: its id, subsite, title, slug
// and layout, without the tags and folder path that FindPage also reads.
func (s *Service) findPageToWrite(ctx context.Context, tx DBTX, sub *people.Subsite, id int64) (*Page, error) {
	p := &Page{SubsiteID: sub.ID}
	var layout string
	err := tx.QueryRowContext(ctx, `SELECT id, title, slug, layout FROM pages WHERE id = ? AND subsite_id = ? AND deleted_at IS NULL`,
		id, sub.ID).Scan(&p.ID, &p.Title, &p.Slug, &layout)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrPageNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find page %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(layout), &p.Layout); err != nil {
		return nil, fmt.Errorf("page %d layout: %w", id, err)
	}
	return p, nil
}

// FillContent loads the page's widgets into JSON, column by column, presented (see present).
func (s *Service) FillContent(ctx context.Context, db DBTX, sub *people.Subsite, p *Page) error {
	lists, err := widgets.ListByPage(ctx, db, p.ID)
	if err != nil {
		return err
	}
	cols := make([][]*widgets.Widget, p.Columns())
	for i := range cols {
		cols[i] = []*widgets.Widget{}
	}
	for _, w := range lists[p.ID] {
		if w.Column >= 0 && w.Column < len(cols) {
			cols[w.Column] = append(cols[w.Column], w)
		}
	}
	p.JSON = &cols
	if err := people.FillNames(ctx, db, &p.CreatedBy); err != nil {
		return err
	}
	return s.present(ctx, db, sub, lists[p.ID]...)
}

// present completes widgets for an answer: their authors' names, their files' URLs and the
// post counts of discussions.
func (s *Service) present(ctx context.Context, db DBTX, sub *people.Subsite, list ...*widgets.Widget) error {
	if err := fillPostCounts(ctx, db, list); err != nil {
		return err
	}
	refs := make([]*api.UserRef, 0, len(list))
	for _, w := range list {
		refs = append(refs, &w.CreatedBy)
		if w.Files != nil {
			for i := range *w.Files {
				f := &(*w.Files)[i]
				f.URL = s.fileURL(sub, f.ID, f.Filename)
			}
		}
	}
	return people.FillNames(ctx, db, refs...)
}

// PageFilter narrows a page list.
type PageFilter struct {
	Tag      string // pages with this tag, ignoring the case of A to Z
	FolderID int64
	Trash    bool // list the trash instead of live pages
}

// ListPages reads a batch of the subsite's pages (an api.ListReader): newest created first, or
// with list.Since those changed at or after it, oldest change first.
func (s *Service) ListPages(ctx context.Context, db DBTX, sub *people.Subsite, f PageFilter, list api.ListQuery) ([]*Page, []string, error) {
	where := []string{`p.subsite_id = ?`}
	args := []any{sub.ID}
	if f.Trash {
		where = append(where, `p.deleted_at IS NOT NULL`)
	} else {
		where = append(where, `p.deleted_at IS NULL`)
	}
	if f.Tag != "" {
		where = append(where, `EXISTS (SELECT 1 FROM page_tags t WHERE t.page_id = p.id AND t.tag = ? COLLATE NOCASE)`)
		args = append(args, f.Tag)
	}
	if f.FolderID != 0 {
		where = append(where, `p.folder_id = ?`)
		args = append(args, f.FolderID)
	}
	order := `p.id DESC`
	if want := map[bool]int{true: 2, false: 1}[list.Since != nil]; len(list.Cursor) != 0 && len(list.Cursor) != want {
		return nil, nil, api.Invalid("cursor", "This cursor belongs to a list with a different \"since\"; start again without it.")
	}
	if list.Since != nil {
		where = append(where, `p.updated_at >= ?`)
		args = append(args, *list.Since)
		order = `p.updated_at, p.id`
		if len(list.Cursor) == 2 {
			where = append(where, `(p.updated_at > ? OR (p.updated_at = ? AND p.id > ?))`)
			args = append(args, list.Cursor[0], list.Cursor[0], list.Cursor[1])
		}
	} else if len(list.Cursor) == 1 {
		where = append(where, `p.id < ?`)
		args = append(args, list.Cursor[0])
	}
	args = append(args, list.Limit+1)
	rows, err := db.QueryContext(ctx, `SELECT `+pageColumns+tagsColumn+pageFrom+`WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list pages: %w", err)
	}
	defer rows.Close()
	out := []*Page{}
	for rows.Next() {
		p, err := s.scanPage(rows, sub)
		if err != nil {
			return nil, nil, fmt.Errorf("list pages: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var next []string
	if len(out) > list.Limit {
		out = out[:list.Limit]
		last := out[len(out)-1]
		next = []string{strconv.FormatInt(last.ID, 10)}
		if list.Since != nil {
			next = []string{last.UpdatedAt.Key(), next[0]}
		}
	}
	refs := make([]*api.UserRef, len(out))
	for i, p := range out {
		refs[i] = &p.CreatedBy
	}
	return out, next, people.FillNames(ctx, db, refs...)
}

// ReadPages returns the reader of the pages of sub that f selects (not the trash): newest
// created first. Returns people.ErrNotFound for a subsite actor is not in, a forbidden error, and
// a validation error on "folder_id" for a folder sub does not have.
func (s *Service) ReadPages(ctx context.Context, actor *people.Actor, sub *people.Subsite, f PageFilter) (api.ListReader[*Page], error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	if f.FolderID != 0 {
		if _, err := s.resolve(ctx, s.DB.R, sub.ID, FolderChoice{ID: &f.FolderID, IDField: "folder_id"}); err != nil {
			return nil, err
		}
	}
	f.Trash = false
	return s.pageReader(sub, f), nil
}

// ReadTrash returns the reader of the pages of sub in the trash, as ListPages orders them. The
// actor must be allowed to see the trash (people.ViewTrash). Returns people.ErrNotFound for a
// subsite actor is not in, or a forbidden error.
func (s *Service) ReadTrash(ctx context.Context, actor *people.Actor, sub *people.Subsite) (api.ListReader[*Page], error) {
	if err := actor.Can(people.ViewTrash, sub.ID); err != nil {
		return nil, err
	}
	return s.pageReader(sub, PageFilter{Trash: true}), nil
}

func (s *Service) pageReader(sub *people.Subsite, f PageFilter) api.ListReader[*Page] {
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*Page, []string, error) {
		return s.ListPages(ctx, db, sub, f, q)
	}
}

// CleanTitle checks a page title: one line of text (api.Line), required, at most maxTitle
// characters.
func CleanTitle(title string) (string, error) {
	title, err := api.Line("title", title, maxTitle)
	if err == nil && title == "" {
		err = api.Invalid("title", "Parameter \"title\" is required.")
	}
	return title, err
}

// CleanTags checks each tag as one line of text (api.Line), and de-duplicates them ignoring case.
func CleanTags(tags []string) ([]string, error) {
	seen := map[string]bool{}
	out := []string{}
	for _, t := range tags {
		t, err := api.Line("tags", t, 0)
		if err != nil {
			return nil, err
		}
		key := strings.ToLower(t)
		if t == "" || seen[key] {
			continue
		}
		if utf8.RuneCountInString(t) > maxTagSize {
			return nil, api.Invalid("tags", "Tags are at most %d characters; %q is longer.", maxTagSize, t)
		}
		seen[key] = true
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, api.Invalid("tags", "A page has at most %d tags.", maxTags)
	}
	sort.Strings(out)
	return out, nil
}

// freeSlug returns a slug for title that no page of the subsite has (trashed ones included, so
// that restoring them keeps their URL) and that is not reserved: the title's slug, or it with
// -2, -3...
func freeSlug(ctx context.Context, db DBTX, subsiteID int64, title string) (string, error) {
	base := api.Slugify(title, maxSlug)
	if base == "" {
		base = "page"
	}
	// '-' is followed by '.' in ASCII: this range holds exactly the slugs base-...
	rows, err := db.QueryContext(ctx, `SELECT slug FROM pages WHERE subsite_id = ? AND (slug = ? OR (slug >= ? AND slug < ?))`,
		subsiteID, base, base+"-", base+".")
	if err != nil {
		return "", fmt.Errorf("free slug: %w", err)
	}
	defer rows.Close()
	taken, highest := false, 1
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return "", err
		}
		suffix := strings.TrimPrefix(slug, base+"-")
		if slug == base {
			taken = true
		} else if n, err := strconv.Atoi(suffix); err == nil && len(suffix) <= 9 && n > highest {
			// Longer numbers are a title's own digits, not our counter (and could overflow it).
			highest = n
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if !taken && !reservedSlugs[base] {
		return base, nil
	}
	return fmt.Sprintf("%s-%d", base, highest+1), nil
}

// reservedSlugs are the first segments of the site's own paths under a subsite (/@slug/static/,
// /@slug/healthz...): a page's URL never takes one, so that it always leads to the page.
var reservedSlugs = map[string]bool{"api": true, "static": true, "files": true, "healthz": true, "invite": true,
	"login": true, "logout": true, "search": true, "account": true, "avatar": true, "docs": true,
	"s": true} // s: share links' pages, /s/SECRET

// NewPage is a validated page to create.
type NewPage struct {
	Title   string
	Layout  [][]int
	Columns [][]widgets.Content
	Folder  *Folder
	Tags    []string
	// CopyOf, when set, is a page whose widgets (newest versions, same places) the new page gets
	// instead of Columns.
	CopyOf int64
}

// createPage inserts the page, its tags and its widgets in the caller's transaction.
func (s *Service) createPage(ctx context.Context, tx DBTX, sub *people.Subsite, np NewPage, now api.Time, by int64) (*Page, error) {
	slug, err := freeSlug(ctx, tx, sub.ID, np.Title)
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO pages (subsite_id, folder_id, title, slug, layout, created_at, updated_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sub.ID, np.Folder.ID, np.Title, slug, mustJSON(np.Layout), now, now, by)
	if err != nil {
		return nil, fmt.Errorf("create page: %w", err)
	}
	id, _ := res.LastInsertId()
	if err := setTags(ctx, tx, id, np.Tags); err != nil {
		return nil, err
	}
	for col, contents := range np.Columns {
		for _, c := range contents {
			if _, err := widgets.Create(ctx, tx, id, c, col, nil, now, by); err != nil {
				return nil, err
			}
		}
	}
	if np.CopyOf != 0 {
		copied, err := widgets.CopyPage(ctx, tx, np.CopyOf, id, now, by)
		if err != nil {
			return nil, err
		}
		if err := s.indexCopiedFiles(ctx, tx, sub, id, copied); err != nil {
			return nil, err
		}
	}
	if err := s.Search.QueuePage(ctx, tx, id, false); err != nil {
		return nil, err
	}
	return s.FindPage(ctx, tx, sub, id)
}

func setTags(ctx context.Context, tx DBTX, pageID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM page_tags WHERE page_id = ?`, pageID); err != nil {
		return fmt.Errorf("set tags: %w", err)
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO page_tags (page_id, tag) VALUES (?, ?) ON CONFLICT (page_id, tag) DO NOTHING`, pageID, t); err != nil {
			return fmt.Errorf("set tags: %w", err)
		}
	}
	return nil
}

// TrashPage moves the page id of sub to the trash and returns it. The actor must be an editor in
// sub. Returns people.ErrNotFound for a subsite actor is not in, a forbidden error for a role or
// token that may not edit, and ErrPageNotFound for a page not in sub or in the trash already.
func (s *Service) TrashPage(ctx context.Context, actor *people.Actor, sub *people.Subsite, id int64) (*Page, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	by := actor.User.ID
	var p *Page
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = s.FindPage(ctx, tx, sub, id); err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE pages SET deleted_at = ?, deleted_by = ? WHERE id = ?`, now, by, id); err != nil {
			return fmt.Errorf("trash page %d: %w", id, err)
		}
		p.DeletedAt = &now
		if err := s.pageChanged(ctx, tx, id, now); err != nil {
			return err
		}
		return s.recordPage(ctx, tx, events.PageDeleted, sub, p, by, now, false)
	})
	return p, err
}

// RestorePage takes the page id of sub out of the trash, back into its folder (when that folder was
// deleted meanwhile, it is made again), and returns it. The actor must be an editor in sub.
// Returns people.ErrNotFound for a subsite actor is not in, a forbidden error for a role or token
// that may not edit, and ErrPageNotFound for a page of sub that is not in the trash.
func (s *Service) RestorePage(ctx context.Context, actor *people.Actor, sub *people.Subsite, id int64) (*Page, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	var p *Page
	err := s.DB.Write(ctx, func(tx *sql.Tx) error {
		trashed, err := s.FindTrashedPage(ctx, tx, sub, id)
		if err != nil {
			return err
		}
		folderID, err := s.restoreFolder(ctx, tx, trashed)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pages SET deleted_at = NULL, deleted_by = NULL, folder_id = ?, restore_folder_path = NULL
			WHERE id = ?`, folderID, id); err != nil {
			return fmt.Errorf("restore page %d: %w", id, err)
		}
		if err := s.pageChanged(ctx, tx, id, api.NewTime(s.DB.Now())); err != nil {
			return err
		}
		p, err = s.FindPage(ctx, tx, sub, id)
		return err
	})
	return p, err
}

// indexCopiedFiles makes the files of a copied page findable in its subsite.
func (s *Service) indexCopiedFiles(ctx context.Context, tx DBTX, sub *people.Subsite, pageID int64, copied []*widgets.Widget) error {
	page := &Page{ID: pageID, SubsiteID: sub.ID}
	for _, w := range copied {
		if w.Files == nil {
			continue
		}
		for _, f := range *w.Files {
			stored, err := widgets.FindFile(ctx, tx, f.ID)
			if err != nil {
				return err
			}
			if err := s.indexFile(ctx, tx, page, stored); err != nil {
				return err
			}
		}
	}
	return nil
}

// PageCopy says where a copy goes and what changes.
type PageCopy struct {
	To     *people.Subsite
	Folder *Folder // in To
	Title  string  // "" keeps the title
	Tags   []string
	// KeepTags copies the source's tags when Tags is nil.
	KeepTags bool
}

// copyPage copies page src (of subsite from) with the newest version of every widget.
func (s *Service) copyPage(ctx context.Context, tx DBTX, src *Page, pc PageCopy, now api.Time, by int64) (*Page, error) {
	title := pc.Title
	if title == "" {
		title = src.Title
	}
	tags := pc.Tags
	if tags == nil && pc.KeepTags {
		tags = src.Tags
	}
	np := NewPage{Title: title, Layout: src.Layout, Folder: pc.Folder, Tags: tags, CopyOf: src.ID}
	return s.createPage(ctx, tx, pc.To, np, now, by)
}
