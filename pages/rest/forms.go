package rest

import (
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

func (s handlers) createForm(c *gin.Context) error {
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
func (s handlers) updateForm(c *gin.Context) error {
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
