package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// The handlers of /page/:page_id/<kind>/*: parse, call the operation below, answer.

func (s handlers) getWidget(kind string) httpapi.Handler {
	return func(c *gin.Context) error {
		r, err := start(c, people.View)
		if err != nil {
			return err
		}
		pageID, widgetID, err := r.ids()
		if err != nil {
			return err
		}
		w, err := s.GetWidget(r.ctx, r.actor, r.sub, pageID, widgetID, kind)
		return answerWidgets(c, w, err)
	}
}

// createTextWidget creates a Paragraph or Heading widget.
func (s handlers) createTextWidget(kind string) httpapi.Handler {
	return func(c *gin.Context) error {
		r, err := start(c, people.Edit)
		if err != nil {
			return err
		}
		in := readInput(r.p)
		at := readPlace(r.p)
		r.p.Allow("val", "format", "styleclass", "heading", "column", "position")
		if err := r.p.Err(); err != nil {
			return err
		}
		pageID, err := r.id("page_id")
		if err != nil {
			return err
		}
		w, err := s.CreateTextWidget(r.ctx, r.actor, r.sub, pageID, kind, in, at)
		return answerWidgets(c, w, err)
	}
}

// updateTextWidget stores a new version of a Paragraph or Heading widget.
func (s handlers) updateTextWidget(kind string) httpapi.Handler {
	return func(c *gin.Context) error {
		r, err := start(c, people.Edit)
		if err != nil {
			return err
		}
		widgetID, err := r.id("widget_id")
		in := readInput(r.p)
		r.p.Allow("val", "format", "styleclass", "heading")
		if err := firstErr(err, r.p.Err()); err != nil {
			return err
		}
		pageID, err := r.id("page_id")
		if err != nil {
			return err
		}
		w, err := s.UpdateTextWidget(r.ctx, r.actor, r.sub, pageID, widgetID, kind, in)
		return answerWidgets(c, w, err)
	}
}

func (s handlers) deleteWidget(kind string) httpapi.Handler {
	return func(c *gin.Context) error {
		r, err := start(c, people.Edit)
		if err != nil {
			return err
		}
		r.p.Allow()
		if err := r.p.Err(); err != nil {
			return err
		}
		widgetID, err := r.id("widget_id")
		if err != nil {
			return err
		}
		pageID, err := r.id("page_id")
		if err != nil {
			return err
		}
		w, err := s.DeleteWidget(r.ctx, r.actor, r.sub, pageID, widgetID, kind)
		if err != nil {
			return err
		}
		httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "widget": w})
		return nil
	}
}

func (s handlers) widgetVersions(kind string) httpapi.Handler {
	return func(c *gin.Context) error {
		r, err := start(c, people.View)
		if err != nil {
			return err
		}
		pageID, widgetID, err := r.ids()
		if err != nil {
			return err
		}
		list := httpapi.ParseList(r.p)
		if err := r.p.Err(); err != nil {
			return err
		}
		read, err := s.ReadWidgetVersions(r.ctx, r.actor, r.sub, pageID, widgetID, kind)
		if err != nil {
			return err
		}
		httpapi.AnswerList(c, httpapi.List[*widgets.Widget]{DB: s.DB, Budget: s.Budget, Query: list, Read: read})
		return nil
	}
}

func (s handlers) restoreWidget(kind string) httpapi.Handler {
	return func(c *gin.Context) error {
		r, err := start(c, people.Edit)
		if err != nil {
			return err
		}
		widgetID, err := r.id("widget_id")
		r.p.Allow("version_id")
		r.p.Require("version_id")
		versionID := r.p.Int("version_id", 0)
		if err := firstErr(err, r.p.Err()); err != nil {
			return err
		}
		pageID, err := r.id("page_id")
		if err != nil {
			return err
		}
		w, err := s.RestoreWidget(r.ctx, r.actor, r.sub, pageID, widgetID, kind, versionID)
		return answerWidgets(c, w, err)
	}
}

func (s handlers) moveWidget(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Allow("widget_id", "column", "position")
	r.p.Require("widget_id", "column")
	widgetID := r.p.Int("widget_id", 0)
	at := readPlace(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	w, err := s.MoveWidget(r.ctx, r.actor, r.sub, pageID, widgetID, at)
	return answerWidgets(c, w, err)
}

func (s handlers) createMarkdown(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	r.p.Unwrap("widget")
	r.p.Allow("val", "column", "position")
	r.p.Require("val")
	source := r.p.String("val")
	at := readPlace(r.p)
	if err := r.p.Err(); err != nil {
		return err
	}
	pageID, err := r.id("page_id")
	if err != nil {
		return err
	}
	list, err := s.CreateMarkdownWidgets(r.ctx, r.actor, r.sub, pageID, source, at)
	if err != nil {
		return err
	}
	if len(list) == 1 {
		httpapi.JSON(c, http.StatusOK, list[0])
	} else {
		httpapi.JSON(c, http.StatusOK, list)
	}
	return nil
}

// answerWidgets answers the widget an operation returned, or its error.
func answerWidgets(c *gin.Context, w *widgets.Widget, err error) error {
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, w)
	return nil
}

// readInput reads a text widget's val, format, styleclass and heading, bare or inside "widget".
func readInput(p *httpapi.Params) widgets.Input {
	p.Unwrap("widget")
	return widgets.Input{Val: p.OptString("val"), Format: p.OptString("format"),
		Styleclass: p.OptString("styleclass"), Heading: p.OptString("heading")}
}

// readPlace reads where a new widget goes: column (default 0) and position (default: the end).
func readPlace(p *httpapi.Params) pages.Place {
	at := pages.Place{Column: int(p.Int("column", 0))}
	if v := p.OptInt("position"); v != nil {
		n := int(*v)
		at.Position = &n
	}
	return at
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
