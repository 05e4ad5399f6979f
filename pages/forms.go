package pages

import (
	"database/sql"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
	"quire/widgets"
)

// readFormInput reads a Form widget's intro text (val, format) and fields, bare or inside
// "widget"; fields may come as JSON text from a form-encoded body.
func readFormInput(p *httpapi.Params) widgets.FormInput {
	in := widgets.FormInput{Input: readInput(p)}
	if p.Has("fields") {
		in.Fields = p.JSON("fields")
	}
	return in
}

func (s *Service) createForm(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	in := readFormInput(r.p)
	col, pos := readPlace(r.p)
	r.p.Allow("val", "format", "fields", "column", "position")
	if r.failed(r.p.Err()) {
		return
	}
	content, err := widgets.NewForm(in)
	if r.failed(err) {
		return
	}
	s.addWidget(r, content, col, pos, nil)
}

// updateForm stores a new version of a Form widget; fields, when given, replace the old ones
// whole. Records keep the answers they were given (see widgets.Record).
func (s *Service) updateForm(c *gin.Context) {
	r := start(c, people.Edit)
	if r == nil {
		return
	}
	widgetID, err := r.id("widget_id")
	in := readFormInput(r.p)
	r.p.Allow("val", "format", "fields")
	if r.failed(err) || r.failed(r.p.Err()) {
		return
	}
	var w *widgets.Widget
	err = s.widgetWrite(r, indexLater, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(r.ctx, tx, page.ID, widgetID, widgets.Form)
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
