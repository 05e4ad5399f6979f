package pages

import (
	"context"
	"database/sql"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// The Discussion widget; its posts are pages/discussions'.

// CreateDiscussionWidget adds a Discussion widget, with in as its optional intro, to a page that
// has none. Returns the errors of the widget operations (widget_handlers.go), a validation error
// for input it does not take or a column the page does not have, and a conflict when the page has
// a Discussion widget already.
func (s *Service) CreateDiscussionWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, in widgets.Input, at Place) (*widgets.Widget, error) {
	content, err := widgets.NewDiscussion(in)
	if err != nil {
		return nil, err
	}
	return s.addWidget(ctx, actor, sub, pageID, content, at, func(tx *sql.Tx, page *Page) error {
		has, err := widgets.HasDiscussion(ctx, tx, page.ID)
		if err == nil && has {
			err = api.Conflict("Page %d has a Discussion widget already; a page has at most one.", page.ID)
		}
		return err
	})
}

// fillPostCounts sets post_count on Discussion widgets: how many posts their page has.
func fillPostCounts(ctx context.Context, db DBTX, list []*widgets.Widget) error {
	var pageIDs []int64
	for _, w := range list {
		if w.Classname == widgets.Discussion {
			pageIDs = append(pageIDs, w.PageID)
		}
	}
	if len(pageIDs) == 0 {
		return nil
	}
	counts, err := widgets.CountPosts(ctx, db, pageIDs...)
	if err != nil {
		return err
	}
	for _, w := range list {
		if w.Classname == widgets.Discussion {
			n := counts[w.PageID]
			w.PostCount = &n
		}
	}
	return nil
}
