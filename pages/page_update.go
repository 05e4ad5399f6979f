package pages

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"quire/app/api"
	"quire/app/events"
	"quire/pages/pagelog"
	"quire/people"
	"quire/widgets"
)

// PageUpdate is what pages/update changes on a page; a nil field (a Folder choice that names no
// folder) leaves that part as it is.
type PageUpdate struct {
	Title *string
	// Tags replaces the page's tags; an empty, non-nil list removes them all.
	Tags *[]string
	// Folder moves the page (a path's missing folders are made).
	Folder FolderChoice
	// Layout is one row of 1 to MaxColumns column widths in percent summing to 100.
	// A layout with fewer columns than the page has moves the widgets of the columns it drops to
	// the end of its last column, in their order: no widget is ever left where nobody sees it.
	Layout [][]int
}

// UpdatePage changes the title, tags, folder and layout of the page id of sub, as in gives, in one
// transaction, and returns the page with its content, presented. A new title whose slug differs
// gives the page a new slug (and url); the old slug is kept (page_old_slugs), so that its URL
// keeps leading to the page (FindRenamedPage) until another page takes it. The page is indexed
// for search in the same transaction. Members are not notified (only new pages are). The actor
// must be an editor in sub. Returns people.ErrNotFound for a subsite actor is not in, a forbidden
// error for a role or token that may not edit, ErrPageNotFound for a page not in sub or in the
// trash, and a validation error on "title", "tags", "layout", or the folder's field.
func (s *Service) UpdatePage(ctx context.Context, actor *people.Actor, sub *people.Subsite, id int64, in PageUpdate) (*Page, error) {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return nil, err
	}
	var err error
	if in.Title != nil {
		title, err := CleanTitle(*in.Title)
		if err != nil {
			return nil, err
		}
		in.Title = &title
	}
	if in.Tags != nil {
		tags, err := CleanTags(*in.Tags)
		if err != nil {
			return nil, err
		}
		in.Tags = &tags
	}
	if in.Layout != nil {
		if err := checkLayout(in.Layout); err != nil {
			return nil, err
		}
	}
	var p *Page
	err = s.DB.Write(ctx, func(tx *sql.Tx) error {
		cur, err := s.FindPage(ctx, tx, sub, id)
		if err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if in.Title != nil && *in.Title != cur.Title {
			if err := s.retitle(ctx, tx, cur, *in.Title); err != nil {
				return err
			}
		}
		if in.Tags != nil {
			if err := setTags(ctx, tx, id, *in.Tags); err != nil {
				return err
			}
		}
		if in.Folder.given() {
			f, err := s.resolve(ctx, tx, sub.ID, in.Folder)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET folder_id = ? WHERE id = ?`, f.ID, id); err != nil {
				return fmt.Errorf("move page %d: %w", id, err)
			}
		}
		if in.Layout != nil {
			if err := relayout(ctx, tx, cur, in.Layout); err != nil {
				return err
			}
		}
		if err := s.pageChanged(ctx, tx, id, now); err != nil {
			return err
		}
		if p, err = s.FindPage(ctx, tx, sub, id); err != nil {
			return err
		}
		if err := pagelog.Record(ctx, tx, id, actor.User.ID, now, loggedFields(cur), loggedFields(p)); err != nil {
			return err
		}
		if err := s.FillContent(ctx, tx, sub, p); err != nil {
			return err
		}
		return s.recordPage(ctx, tx, events.PageUpdated, sub, p, actor.User.ID, now, true)
	})
	return p, err
}

// loggedFields are p's fields as the page's history shows their changes (pagelog).
func loggedFields(p *Page) pagelog.Fields {
	return pagelog.FieldsOf(p.Title, p.Tags, p.Category, p.Layout)
}

// retitle gives the page cur its new title, and a new slug when the title's slug is not the one
// it has (with or without a -N suffix); the old slug is kept (keepOldSlug), so that its URL
// leads to the page.
func (s *Service) retitle(ctx context.Context, tx DBTX, cur *Page, title string) error {
	slug := cur.Slug
	if base := api.Slugify(title, maxSlug); !slugOf(cur.Slug, base) {
		var err error
		if slug, err = freeSlug(ctx, tx, cur.SubsiteID, title); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE pages SET title = ?, slug = ? WHERE id = ?`, title, slug, cur.ID); err != nil {
		return fmt.Errorf("retitle page %d: %w", cur.ID, err)
	}
	return keepOldSlug(ctx, tx, cur.SubsiteID, cur.ID, cur.Slug, slug)
}

// slugOf reports whether slug is base, or base with the -N suffix freeSlug adds.
func slugOf(slug, base string) bool {
	if base == "" {
		base = "page"
	}
	if slug == base {
		return true
	}
	n, ok := strings.CutPrefix(slug, base+"-")
	_, err := strconv.Atoi(n)
	return ok && err == nil && len(n) <= 9
}

// relayout sets the page's layout; the widgets of columns the new layout lacks go, in order, to
// the end of its last column.
func relayout(ctx context.Context, tx DBTX, cur *Page, layout [][]int) error {
	if _, err := tx.ExecContext(ctx, `UPDATE pages SET layout = ? WHERE id = ?`, mustJSON(layout), cur.ID); err != nil {
		return fmt.Errorf("layout of page %d: %w", cur.ID, err)
	}
	last := len(layout[0]) - 1
	if cur.Columns()-1 <= last {
		return nil
	}
	lists, err := widgets.ListByPage(ctx, tx, cur.ID)
	if err != nil {
		return err
	}
	for _, w := range lists[cur.ID] { // by column and position
		if w.Column <= last {
			continue
		}
		// Read again: each move closes a gap, so positions read before it are stale.
		fresh, err := widgets.Find(ctx, tx, cur.ID, w.FirstID())
		if err != nil {
			return err
		}
		if _, err := widgets.Move(ctx, tx, fresh, last, nil); err != nil {
			return err
		}
	}
	return nil
}

// MaxColumns is the most columns a page's layout may have.
const MaxColumns = 4

// checkLayout checks a layout for pages/update: one row of 1 to MaxColumns widths of 1 to 100
// percent that sum to 100.
func checkLayout(layout [][]int) error {
	if len(layout) == 1 && len(layout[0]) >= 1 && len(layout[0]) <= MaxColumns {
		sum := 0
		for _, w := range layout[0] {
			if w < 1 || w > 100 {
				sum = -1
				break
			}
			sum += w
		}
		if sum == 100 {
			return nil
		}
	}
	return api.Invalid("layout", "Parameter \"layout\" must be a list of 1 to %d column widths in percent that sum to 100, such as [66, 34].", MaxColumns)
}
