package pages

import (
	"context"

	"github.com/gin-gonic/gin"

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

func (s *Service) createForm(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	in := readFormInput(r.p)
	at := readPlace(r.p)
	r.p.Allow("val", "format", "fields", "column", "position")
	if err := r.p.Err(); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	w, err := s.CreateFormWidget(r.ctx, r.actor, r.sub, pageID, in, at)
	return answerWidgets(c, w, err)
}

// updateForm stores a new version of a Form widget.
func (s *Service) updateForm(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	widgetID, err := r.id("widget_id")
	in := readFormInput(r.p)
	r.p.Allow("val", "format", "fields")
	if err := firstErr(err, r.p.Err()); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	w, err := s.UpdateFormWidget(r.ctx, r.actor, r.sub, pageID, widgetID, in)
	return answerWidgets(c, w, err)
}

// CreateFormWidget places a new Form widget made of in on the page, at at. Returns the errors of
// the widget operations (widget_handlers.go), and a validation error for fields or text the form
// does not take or a column the page does not have.
func (s *Service) CreateFormWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, in widgets.FormInput, at Place) (*widgets.Widget, error) {
	content, err := widgets.NewForm(in)
	if err != nil {
		return nil, err
	}
	return s.addWidget(ctx, actor, sub, pageID, content, at, nil)
}

// UpdateFormWidget stores a new version of a Form widget with in applied; fields, when given,
// replace the old ones whole, and records keep the answers they were given (see widgets.Record).
// An update that changes nothing stores nothing and returns the current version. Returns the
// errors of the widget operations, and a validation error for input the form does not take.
func (s *Service) UpdateFormWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, in widgets.FormInput) (*widgets.Widget, error) {
	return s.updateWidget(ctx, actor, sub, pageID, widgetID, widgets.Form, in.Apply)
}
