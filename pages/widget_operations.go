package pages

import (
	"context"
	"database/sql"
	"errors"

	"quire/app/api"
	"quire/app/events"
	"quire/people"
	"quire/widgets"
	"quire/widgets/markdown"
)

// The operations on a page's widgets. Each checks that actor may do it in the subsite sub, and
// each write runs in one transaction that also records the page as changed (writePage). Any of
// them returns people.ErrNotFound for a subsite actor is not in, a forbidden error (api.Forbidden)
// or a missing scope for a role or token that may not, ErrPageNotFound for a page not in sub or in
// the trash, and widgets.ErrNotFound (or its wrong-kind variant) for a widget not on the page or
// not of kind.

// Place is where a new or moved widget goes on its page: a column (0 first) and a position in it
// (nil: the end).
type Place struct {
	Column   int
	Position *int
}

// GetWidget returns the current version of a widget of kind on the page, presented.
func (s *Service) GetWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string) (*widgets.Widget, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	if _, err := s.FindPage(ctx, s.DB.R, sub, pageID); err != nil {
		return nil, err
	}
	w, err := widgets.FindKind(ctx, s.DB.R, pageID, widgetID, kind)
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// CreateTextWidget places a new Paragraph or Heading (kind) made of in on the page, at at.
// Returns also a validation error for input the kind does not take or a column the page does not
// have.
func (s *Service) CreateTextWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, kind string, in widgets.Input, at Place) (*widgets.Widget, error) {
	content, err := widgets.NewContent(kind, in)
	if err != nil {
		return nil, err
	}
	return s.addWidget(ctx, actor, sub, pageID, content, at, nil)
}

// UpdateTextWidget stores a new version of a Paragraph or Heading (kind) with in applied; an
// update that changes nothing stores nothing and returns the current version. Returns also a
// validation error for input the kind does not take.
func (s *Service) UpdateTextWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string, in widgets.Input) (*widgets.Widget, error) {
	return s.updateWidget(ctx, actor, sub, pageID, widgetID, kind, 0, in.Apply)
}

// DeleteWidget takes a widget of kind off the page (its versions stay) and returns it, presented.
func (s *Service) DeleteWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string) (*widgets.Widget, error) {
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		var err error
		if w, err = widgets.FindKind(ctx, tx, page.ID, widgetID, kind); err != nil {
			return err
		}
		return widgets.Remove(ctx, tx, w, now)
	})
	if err != nil {
		return nil, err
	}
	return w, s.present(ctx, s.DB.R, sub, w)
}

// ReadWidgetVersions returns the reader of the versions of a widget of kind on the page, newest
// first, presented. The reader returns widgets.ErrNotFound or the wrong-kind error when the widget
// is not one of kind on the page.
func (s *Service) ReadWidgetVersions(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string) (api.ListReader[*widgets.Widget], error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, err
	}
	if _, err := s.FindPage(ctx, s.DB.R, sub, pageID); err != nil {
		return nil, err
	}
	return func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Widget, []string, error) {
		list, next, err := widgets.Versions(ctx, db, pageID, widgetID, q)
		if err != nil {
			return nil, nil, err
		}
		if len(list) > 0 && list[0].Classname != kind {
			return nil, nil, widgets.WrongKind(list[0], kind)
		}
		return list, next, s.present(ctx, db, sub, list...)
	}, nil
}

// RestoreWidget stores the content of the widget's version versionID as its newest version; when
// that is what it holds already, nothing is stored and the current version returned. Returns also
// what widgets.Restore returns for a version that is not the widget's.
func (s *Service) RestoreWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string, versionID int64) (*widgets.Widget, error) {
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(ctx, tx, page.ID, widgetID, kind)
		if err != nil {
			return err
		}
		w, err = widgets.Restore(ctx, tx, cur, versionID, now, actor.User.ID)
		return unchanged(w, cur, err)
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// MoveWidget moves a widget of any kind to at on its page. Returns also a validation error on
// "column" for a column the page does not have.
func (s *Service) MoveWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, at Place) (*widgets.Widget, error) {
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, at.Column); err != nil {
			return err
		}
		cur, err := widgets.Find(ctx, tx, page.ID, widgetID)
		if err != nil {
			return err
		}
		w, err = widgets.Move(ctx, tx, cur, at.Column, at.Position)
		return unchanged(w, cur, err)
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// CreateMarkdownWidgets places the widgets that the Markdown source makes (markdown.Split,
// at most MaxWidgetsPerRequest) on the page, in order from at. Returns also a validation error on
// "val" for Markdown with no content or too many widgets, or on "column".
func (s *Service) CreateMarkdownWidgets(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, source string, at Place) ([]*widgets.Widget, error) {
	contents, err := markdown.Split("val", source, MaxWidgetsPerRequest)
	if err == nil && len(contents) == 0 {
		err = api.Invalid("val", "The Markdown has no content to make widgets of.")
	}
	if err != nil {
		return nil, err
	}
	var created []*widgets.Widget
	err = s.writePage(ctx, actor, sub, pageID, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, at.Column); err != nil {
			return err
		}
		pos := at.Position
		for _, content := range contents {
			w, err := widgets.Create(ctx, tx, page.ID, content, at.Column, pos, now, actor.User.ID)
			if err != nil {
				return err
			}
			created = append(created, w)
			if pos != nil {
				next := *pos + 1
				pos = &next
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, s.presentWritten(ctx, actor, sub, created...)
}

// addWidget places a new widget of content on the page at at, in one transaction after check
// (when given) accepts the page, and returns it presented.
func (s *Service) addWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, content widgets.Content, at Place, check func(tx *sql.Tx, page *Page) error) (*widgets.Widget, error) {
	index := indexLater
	if content.Classname == widgets.Discussion { // it brings the page's comments back to search
		index = indexNow
	}
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, index, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, at.Column); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx, page); err != nil {
				return err
			}
		}
		var err error
		w, err = widgets.Create(ctx, tx, page.ID, content, at.Column, at.Position, now, actor.User.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// updateWidget stores a new version of a widget of kind whose content apply makes of the current
// one; when that is the current content, nothing is stored and the current version returned.
// With base (not 0), only when base is the current version: else an *EditConflict, or a
// validation error when base is no version of the widget.
func (s *Service) updateWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, kind string, base int64, apply func(widgets.Content) (widgets.Content, error)) (*widgets.Widget, error) {
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(ctx, tx, page.ID, widgetID, kind)
		if err != nil {
			return err
		}
		if base != 0 && base != cur.ID { // edited from an older version (UpdateTextWidgetFrom)
			if err := checkVersionOf(ctx, tx, cur, base); err != nil {
				return err
			}
			if err := s.present(ctx, tx, sub, cur); err != nil {
				return err
			}
			return &EditConflict{Base: base, Current: cur}
		}
		content, err := apply(widgets.ContentOf(cur))
		if err != nil {
			return err
		}
		w, err = widgets.Update(ctx, tx, cur, content, now, actor.User.ID)
		return unchanged(w, cur, err)
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// errUnchanged is what a widget write's change returns when it stored nothing: an update to what
// the widget holds already. The page is then not marked as changed.
var errUnchanged = errors.New("widget unchanged")

// unchanged returns errUnchanged when widgets.Update (or Restore, or Move) answered the widget
// cur as it was, so stored nothing; else err.
func unchanged(w, cur *widgets.Widget, err error) error {
	if err == nil && w == cur {
		return errUnchanged
	}
	return err
}

// indexing says when a write's page is indexed for search (search_queue.go).
type indexing bool

const (
	// indexNow: in the write's transaction. For writes that change what else is found: a widget
	// deleted or restored (its files, form entries, comments), a discussion added (the page's
	// comments), an image or attachment stored (its files), a page trashed or restored.
	indexNow indexing = false
	// indexLater: queued, for writes that change only the page's own text or its order (text
	// widgets, Markdown, forms' fields, moves). A search indexes the queue first.
	indexLater indexing = true
)

// writePage runs change in one transaction on the subsite's page pageID, after checking that
// actor may edit there, and records the page as changed at the same instant (indexed for search
// when index says), unless change returns errUnchanged. Returns the errors of the operations
// above, and change's.
func (s *Service) writePage(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, index indexing, change func(tx *sql.Tx, page *Page, now api.Time) error) error {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return err
	}
	return s.DB.Write(ctx, func(tx *sql.Tx) error {
		page, err := s.findPageToWrite(ctx, tx, sub, pageID)
		if err != nil {
			return err
		}
		now := api.NewTime(s.DB.Now())
		if err := change(tx, page, now); errors.Is(err, errUnchanged) {
			return nil
		} else if err != nil {
			return err
		}
		if index == indexLater {
			err = s.pageTextChanged(ctx, tx, page.ID, now)
		} else {
			err = s.pageChanged(ctx, tx, page.ID, now)
		}
		if err != nil {
			return err
		}
		return s.recordPage(ctx, tx, events.PageUpdated, sub, page, actor.User.ID, now, false)
	})
}

// presentWritten presents widgets the actor just wrote (whose author's name is known without a
// read when it is the actor).
func (s *Service) presentWritten(ctx context.Context, actor *people.Actor, sub *people.Subsite, list ...*widgets.Widget) error {
	for _, w := range list {
		if w.CreatedBy.ID == actor.User.ID {
			w.CreatedBy.Name = actor.User.Name
		}
	}
	return s.present(ctx, s.DB.R, sub, list...)
}

func checkColumn(page *Page, col int) error {
	if col < 0 || col >= page.Columns() {
		return api.Invalid("column", "Parameter \"column\" must be between 0 and %d: the page has %d columns.", page.Columns()-1, page.Columns())
	}
	return nil
}
