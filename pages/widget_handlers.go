package pages

import (
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
	"quire/widgets"
)

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

// widgetWrite runs change in one transaction on the page named by :page_id, after checking the
// caller may edit, and records the page as changed at the same instant (indexed for search when
// index says), unless change returns errUnchanged. It answers nothing.
func (s *Service) widgetWrite(r *request, index indexing, change func(tx *sql.Tx, page *Page, now api.Time) error) error {
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	return s.DB.Write(r.ctx, func(tx *sql.Tx) error {
		page, err := s.findPageToWrite(r.ctx, tx, r.sub, pageID)
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
			return s.pageTextChanged(r.ctx, tx, page.ID, now)
		}
		return s.pageChanged(r.ctx, tx, page.ID, now)
	})
}

// answerWidgets answers one widget as an object, or several as a list, presented.
func (s *Service) answerWidgets(r *request, list ...*widgets.Widget) {
	for _, w := range list { // the caller just wrote these: their name is known
		if w.CreatedBy.ID == r.actor.User.ID {
			w.CreatedBy.Name = r.actor.User.Name
		}
	}
	if r.failed(s.present(r.ctx, s.DB.R, r.sub, list...)) {
		return
	}
	if len(list) == 1 {
		httpapi.JSON(r.c, http.StatusOK, list[0])
		return
	}
	httpapi.JSON(r.c, http.StatusOK, list)
}

// readInput reads a text widget's val, format, styleclass and heading, bare or inside "widget".
func readInput(p *httpapi.Params) widgets.Input {
	p.Unwrap("widget")
	return widgets.Input{Val: p.OptString("val"), Format: p.OptString("format"),
		Styleclass: p.OptString("styleclass"), Heading: p.OptString("heading")}
}

// readPlace reads where a new widget goes: column (default 0) and position (default: the end).
func readPlace(p *httpapi.Params) (int, *int) {
	col := int(p.Int("column", 0))
	var pos *int
	if v := p.OptInt("position"); v != nil {
		n := int(*v)
		pos = &n
	}
	return col, pos
}

func checkColumn(page *Page, col int) error {
	if col < 0 || col >= page.Columns() {
		return api.Invalid("column", "Parameter \"column\" must be between 0 and %d: the page has %d columns.", page.Columns()-1, page.Columns())
	}
	return nil
}

func (s *Service) getWidget(classname string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := start(c, people.View)
		if r == nil {
			return
		}
		pageID, err := r.id("page_id")
		if r.failed(err) {
			return
		}
		widgetID, err := r.id("widget_id")
		if r.failed(err) {
			return
		}
		if _, err := s.FindPage(r.ctx, s.DB.R, r.sub, pageID); r.failed(err) {
			return
		}
		w, err := widgets.FindKind(r.ctx, s.DB.R, pageID, widgetID, classname)
		if r.failed(err) {
			return
		}
		s.answerWidgets(r, w)
	}
}

// createTextWidget creates a Paragraph or Heading widget.
func (s *Service) createTextWidget(classname string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := start(c, people.Edit)
		if r == nil {
			return
		}
		in := readInput(r.p)
		col, pos := readPlace(r.p)
		r.p.Allow("val", "format", "styleclass", "heading", "column", "position")
		content, err := widgets.NewContent(classname, in)
		if r.failed(r.p.Err()) || r.failed(err) {
			return
		}
		s.addWidget(r, content, col, pos, nil)
	}
}

// addWidget places a new widget of content on the request's page at col and pos (the end when
// nil), in one transaction after check (when given) accepts the page, and answers it.
func (s *Service) addWidget(r *request, content widgets.Content, col int, pos *int, check func(tx *sql.Tx, page *Page) error) {
	index := indexLater
	if content.Classname == widgets.Discussion { // it brings the page's comments back to search
		index = indexNow
	}
	var w *widgets.Widget
	err := s.widgetWrite(r, index, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, col); err != nil {
			return err
		}
		if check != nil {
			if err := check(tx, page); err != nil {
				return err
			}
		}
		var err error
		w, err = widgets.Create(r.ctx, tx, page.ID, content, col, pos, now, r.actor.User.ID)
		return err
	})
	if r.failed(err) {
		return
	}
	s.answerWidgets(r, w)
}

// updateTextWidget stores a new version of a Paragraph or Heading widget.
func (s *Service) updateTextWidget(classname string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := start(c, people.Edit)
		if r == nil {
			return
		}
		widgetID, err := r.id("widget_id")
		in := readInput(r.p)
		r.p.Allow("val", "format", "styleclass", "heading")
		if r.failed(err) || r.failed(r.p.Err()) {
			return
		}
		var w *widgets.Widget
		err = s.widgetWrite(r, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
			cur, err := widgets.FindKind(r.ctx, tx, page.ID, widgetID, classname)
			if err != nil {
				return err
			}
			content, err := in.Apply(widgets.ContentOf(cur))
			if err != nil {
				return err
			}
			w, err = widgets.Update(r.ctx, tx, cur, content, now, r.actor.User.ID)
			return unchanged(w, cur, err)
		})
		if r.failed(err) {
			return
		}
		s.answerWidgets(r, w)
	}
}

func (s *Service) deleteWidget(classname string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := start(c, people.Edit)
		if r == nil {
			return
		}
		r.p.Allow()
		if r.failed(r.p.Err()) {
			return
		}
		widgetID, err := r.id("widget_id")
		if r.failed(err) {
			return
		}
		var w *widgets.Widget
		err = s.widgetWrite(r, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
			if w, err = widgets.FindKind(r.ctx, tx, page.ID, widgetID, classname); err != nil {
				return err
			}
			return widgets.Remove(r.ctx, tx, w, now)
		})
		if r.failed(err) || r.failed(s.present(r.ctx, s.DB.R, r.sub, w)) {
			return
		}
		httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "widget": w})
	}
}

func (s *Service) widgetVersions(classname string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := start(c, people.View)
		if r == nil {
			return
		}
		pageID, err := r.id("page_id")
		if r.failed(err) {
			return
		}
		widgetID, err := r.id("widget_id")
		if r.failed(err) {
			return
		}
		list := httpapi.ParseList(r.p)
		if r.failed(r.p.Err()) {
			return
		}
		if _, err := s.FindPage(r.ctx, s.DB.R, r.sub, pageID); r.failed(err) {
			return
		}
		httpapi.AnswerList(c, httpapi.List[*widgets.Widget]{DB: s.DB, Budget: s.Budget, Query: list,
			Read: func(ctx context.Context, db api.DBTX, q api.ListQuery) ([]*widgets.Widget, []string, error) {
				list, next, err := widgets.Versions(ctx, db, pageID, widgetID, q)
				if err != nil {
					return nil, nil, err
				}
				if len(list) > 0 && list[0].Classname != classname {
					return nil, nil, widgets.WrongKind(list[0], classname)
				}
				return list, next, s.present(ctx, db, r.sub, list...)
			}})
	}
}

func (s *Service) restoreWidget(classname string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := start(c, people.Edit)
		if r == nil {
			return
		}
		widgetID, err := r.id("widget_id")
		r.p.Allow("version_id")
		r.p.Require("version_id")
		versionID := r.p.Int("version_id", 0)
		if r.failed(err) || r.failed(r.p.Err()) {
			return
		}
		var w *widgets.Widget
		err = s.widgetWrite(r, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
			cur, err := widgets.FindKind(r.ctx, tx, page.ID, widgetID, classname)
			if err != nil {
				return err
			}
			w, err = widgets.Restore(r.ctx, tx, cur, versionID, now, r.actor.User.ID)
			return unchanged(w, cur, err)
		})
		if r.failed(err) {
			return
		}
		s.answerWidgets(r, w)
	}
}

func (s *Service) moveWidget(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Allow("widget_id", "column", "position")
	r.p.Require("widget_id", "column")
	widgetID := r.p.Int("widget_id", 0)
	col, pos := readPlace(r.p)
	if r.failed(r.p.Err()) {
		return
	}
	var w *widgets.Widget
	err := s.widgetWrite(r, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, col); err != nil {
			return err
		}
		cur, err := widgets.Find(r.ctx, tx, page.ID, widgetID)
		if err != nil {
			return err
		}
		w, err = widgets.Move(r.ctx, tx, cur, col, pos)
		return unchanged(w, cur, err)
	})
	if r.failed(err) {
		return
	}
	s.answerWidgets(r, w)
}

func (s *Service) createMarkdown(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	r.p.Unwrap("widget")
	r.p.Allow("val", "column", "position")
	r.p.Require("val")
	source := r.p.String("val")
	col, pos := readPlace(r.p)
	if r.failed(r.p.Err()) {
		return
	}
	contents, err := widgets.FromMarkdown("val", source, maxWidgetsPerRequest)
	if err == nil && len(contents) == 0 {
		err = api.Invalid("val", "The Markdown has no content to make widgets of.")
	}
	if r.failed(err) {
		return
	}
	var created []*widgets.Widget
	err = s.widgetWrite(r, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, col); err != nil {
			return err
		}
		for _, content := range contents {
			w, err := widgets.Create(r.ctx, tx, page.ID, content, col, pos, now, r.actor.User.ID)
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
	if r.failed(err) {
		return
	}
	s.answerWidgets(r, created...)
}
