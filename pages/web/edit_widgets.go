package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// editData is a page's editor: its columns with every widget (text widgets editable in place),
// who else has it open, and the forms that add widgets.
type editData struct {
	Page        *pages.Page
	Path        string // the page's URL, as a path
	Settings    string
	Done        string // where "done editing" posts
	AddURL      string
	MarkdownURL string
	PresenceURL string
	CSRF        string
	Columns     []editColumn
	Editors     []api.UserRef // others editing the page now
	Styles      []option      // paragraph styles, for the add forms
	Sizes       []option
}

// editColumn is one column of the editor.
type editColumn struct {
	Index, Width int
	Widgets      []*editWidget
	// The add forms of the column, and where they post.
	AddURL, MarkdownURL, CSRF string
	Styles, HeadingStyles     []option
	Sizes                     []option
	Error                     string      // a refused add, shown in the column
	Markdown                  string      // what a refused Markdown insert sent
	Gone                      *widgetForm // the text of a widget deleted while it was edited (gone)
}

// editWidget is one widget in the editor: its view, and its editor form when it is open.
type editWidget struct {
	View      *widgetView
	Kind      string // "paragraph" or "heading"; "" for kinds not edited here
	Name      string // its kind and place on the page, as its controls are labelled: "paragraph 2"
	EditURL   string
	DeleteURL string
	CSRF      string
	Form      *widgetForm // non-nil: the widget's editor is open
}

// widgetForm is the editor of one text widget: what it holds (or what was sent), the version it
// was opened at, and a refusal or an edit conflict.
type widgetForm struct {
	ID         int64 // the widget's first id
	Kind       string
	Action     string
	Cancel     string // the editor without this form open
	CSRF       string
	Base       int64 // the version the editor opened (or, after a conflict, the newest)
	Val        string
	Styleclass string
	Heading    string
	Styles     []option
	Sizes      []option
	Error      string
	Conflict   *conflictView
}

// conflictView is what a save over a newer version shows: the other person's version, and how it
// differs from the text being saved.
type conflictView struct {
	Theirs *widgetView
	Diff   []widgets.DiffPart // from theirs to mine
}

// editPage shows the page's editor (with ?w=ID, that widget's editor form open: the editor without
// script), and records that the person has it open (activity.Service.MarkEditing).
func (h *Handler) editPage(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	open := int64(0)
	if w := c.Query("w"); w != "" {
		open, _ = parseID(w)
	}
	return h.renderEditor(c, http.StatusOK, actor, sub, p, func(w *editWidget) {
		if open != 0 && w.View.FirstID() == open && w.Kind != "" {
			w.Form = h.formOf(c, sub, p, w.View.Widget)
		}
	}, nil)
}

// renderEditor renders the editor of p with status; touch, when not nil, changes one widget's
// view (opens its form), and touchCol a column's (a refused add).
func (h *Handler) renderEditor(c *gin.Context, status int, actor *people.Actor, sub *people.Subsite, p *pages.Page,
	touch func(*editWidget), touchCol func(*editColumn)) error {
	ctx := c.Request.Context()
	others, err := h.Activity.MarkEditing(ctx, actor, sub, p.ID)
	if err != nil {
		return err
	}
	if err := h.Pages.FillContent(ctx, h.Pages.DB.R, sub, p); err != nil {
		return err
	}
	csrf := webui.CSRFToken(c)
	base := editPath(sub, p)
	d := editData{Page: p, Path: pagePath(sub, p), Settings: pagePath(sub, p) + "settings/", Done: base + "done/",
		AddURL: base + "add/", MarkdownURL: base + "markdown/", PresenceURL: base + "presence/", CSRF: csrf, Editors: others}
	widths := []int{100}
	if len(p.Layout) > 0 {
		widths = p.Layout[0]
	}
	names := widgetOrdinals(p)
	for i, col := range *p.JSON {
		ec := editColumn{Index: i, Width: 100, AddURL: d.AddURL, MarkdownURL: d.MarkdownURL, CSRF: csrf,
			Styles: paragraphStyles, HeadingStyles: headingStyles, Sizes: headingSizes}
		if i < len(widths) {
			ec.Width = widths[i]
		}
		for _, w := range col {
			ew, err := h.namedEditWidget(c, sub, p, w, names[w.FirstID()])
			if err != nil {
				return err
			}
			if touch != nil {
				touch(ew)
			}
			ec.Widgets = append(ec.Widgets, ew)
		}
		if touchCol != nil {
			touchCol(&ec)
		}
		d.Columns = append(d.Columns, ec)
	}
	crumbs, err := h.pageCrumbs(ctx, sub, p)
	if err != nil {
		return err
	}
	bar, err := h.Sidebar(c, p)
	if err != nil {
		return err
	}
	return webui.Render(c, status, "edit.html", webui.Page{Title: "Edit " + p.Title, Crumbs: append(crumbs, webui.Crumb{Name: "Edit"}),
		Data: d, Sidebar: bar})
}

// editWidget prepares one widget for the editor.
func (h *Handler) editWidget(c *gin.Context, sub *people.Subsite, p *pages.Page, w *widgets.Widget) (*editWidget, error) {
	if p.JSON == nil { // where the widget sits among the page's widgets, to name it
		if err := h.Pages.FillContent(c.Request.Context(), h.Pages.DB.R, sub, p); err != nil {
			return nil, err
		}
	}
	return h.namedEditWidget(c, sub, p, w, widgetName(p, w.FirstID(), w.Classname))
}

// namedEditWidget is editWidget with the widget's name (widgetName) known.
func (h *Handler) namedEditWidget(c *gin.Context, sub *people.Subsite, p *pages.Page, w *widgets.Widget, name string) (*editWidget, error) {
	v, err := h.widgetView(c.Request.Context(), people.ActorFrom(c.Request.Context()), sub, p, w)
	if err != nil {
		return nil, err
	}
	ew := &editWidget{View: v, CSRF: webui.CSRFToken(c), Name: name}
	if kind, ok := textKind(w.Classname); ok {
		ew.Kind = kind
		ew.EditURL = widgetEditPath(sub, p, w.FirstID())
		ew.DeleteURL = ew.EditURL + "delete/"
	}
	return ew, nil
}

// formOf opens the editor form of the text widget w at its current version.
func (h *Handler) formOf(c *gin.Context, sub *people.Subsite, p *pages.Page, w *widgets.Widget) *widgetForm {
	kind, _ := textKind(w.Classname)
	f := &widgetForm{ID: w.FirstID(), Kind: kind, Action: widgetEditPath(sub, p, w.FirstID()),
		Cancel: editPath(sub, p) + "#e" + itoa(w.FirstID()), CSRF: webui.CSRFToken(c), Base: w.ID, Val: w.HTML}
	if w.Styleclass != nil {
		f.Styleclass = *w.Styleclass
	}
	if w.Heading != nil {
		f.Heading = *w.Heading
	}
	f.pickers()
	return f
}

func (f *widgetForm) pickers() {
	f.Styles, f.Sizes = paragraphStyles, nil
	if f.Kind == "heading" {
		f.Styles, f.Sizes = headingStyles, headingSizes
	}
}

// pageWidget returns the live page and the current version of its text widget :widget_id.
func (h *Handler) pageWidget(c *gin.Context) (*people.Actor, *people.Subsite, *pages.Page, *widgets.Widget, error) {
	actor, sub, err := editorSubsite(c)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	p, err := h.livePage(c)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	id, err := parseID(c.Param("widget_id"))
	if err != nil {
		return actor, sub, p, nil, widgets.ErrNotFound
	}
	w, err := h.findTextWidget(c, actor, sub, p.ID, id)
	return actor, sub, p, w, err
}

// findTextWidget returns the current version of the paragraph or heading id of the page.
func (h *Handler) findTextWidget(c *gin.Context, actor *people.Actor, sub *people.Subsite, pageID, id int64) (*widgets.Widget, error) {
	ctx := c.Request.Context()
	w, err := h.Pages.GetWidget(ctx, actor, sub, pageID, id, widgets.Paragraph)
	var e *api.Error
	if errors.As(err, &e) && e.Code == api.CodeInvalid { // another kind: the wrong-kind error
		return h.Pages.GetWidget(ctx, actor, sub, pageID, id, widgets.Heading)
	}
	return w, err
}

// widgetForm answers one widget's editor: the form fragment for htmx (with ?view, the widget
// without its form: "cancel"), else the whole editor with that form open.
func (h *Handler) widgetForm(c *gin.Context) error {
	_, sub, p, w, err := h.pageWidget(c)
	if err != nil {
		return err
	}
	if !isHTMX(c) {
		return seeOther(c, editPath(sub, p)+"?w="+itoa(w.FirstID())+"#e"+itoa(w.FirstID()))
	}
	ew, err := h.editWidget(c, sub, p, w)
	if err != nil {
		return err
	}
	if _, cancel := c.GetQuery("view"); !cancel {
		ew.Form = h.formOf(c, sub, p, w)
	}
	return webui.RenderPart(c, http.StatusOK, "edit-widget", ew)
}

// saveWidget stores the text widget's new version from its editor form, from the version the
// form opened (pages.Service.UpdateTextWidgetFrom). A refusal shows the form again with what was
// sent (422); a save over a newer version shows the conflict (409): the other version, a diff,
// and the form holding what was sent, now on top of the newer version ("keep mine") or a way
// back to theirs. Every outcome keeps the text the person sent.
func (h *Handler) saveWidget(c *gin.Context) error {
	actor, sub, p, w, err := h.pageWidget(c)
	if errors.Is(err, widgets.ErrNotFound) && p != nil {
		return h.gone(c, actor, sub, p)
	}
	if err != nil {
		return err
	}
	kind, _ := textKind(w.Classname)
	val, style, size := c.PostForm("val"), c.PostForm("styleclass"), c.PostForm("heading")
	in := widgets.Input{Val: &val, Styleclass: &style}
	if kind == "heading" && size != "" {
		in.Heading = &size
	}
	base, _ := parseID(c.PostForm("base_version_id"))
	saved, err := h.Pages.UpdateTextWidgetFrom(c.Request.Context(), actor, sub, p.ID, w.FirstID(), w.Classname, base, in)
	if err == nil {
		if !isHTMX(c) {
			return seeOther(c, editPath(sub, p)+"#e"+itoa(saved.FirstID()))
		}
		ew, err := h.editWidget(c, sub, p, saved)
		if err != nil {
			return err
		}
		return webui.RenderPart(c, http.StatusOK, "edit-widget", ew)
	}
	form := h.formOf(c, sub, p, w)
	form.Val, form.Styleclass, form.Heading, form.Base = val, style, size, base
	status := http.StatusUnprocessableEntity
	var conflict *pages.EditConflict
	switch {
	case errors.As(err, &conflict):
		status = http.StatusConflict
		theirs, err := h.widgetView(c.Request.Context(), actor, sub, p, conflict.Current)
		if err != nil {
			return err
		}
		form.Base = conflict.Current.ID
		form.Error = "Someone else saved this " + kind + " while you were editing it. Nothing of yours was lost: compare " +
			"the two below, then keep yours as a new version on top of theirs, or take theirs."
		form.Conflict = &conflictView{Theirs: theirs, Diff: widgets.Diff(conflict.Current.Text, textOf(w.Classname, in))}
	case invalid(err) != nil:
		form.Error = invalid(err).Message
	default:
		return err
	}
	ew, err := h.editWidget(c, sub, p, w)
	if err != nil {
		return err
	}
	ew.Form = form
	if isHTMX(c) {
		return webui.RenderPart(c, status, "edit-widget", ew)
	}
	return h.renderEditor(c, status, actor, sub, p, func(x *editWidget) {
		if x.View.FirstID() == w.FirstID() {
			*x = *ew
		}
	}, nil)
}

// gone answers a save to a text widget that was deleted (or never was) while the person edited
// it: their text, kept, with a form that adds it again at the end of the first column (409).
func (h *Handler) gone(c *gin.Context, actor *people.Actor, sub *people.Subsite, p *pages.Page) error {
	kind := c.PostForm("kind")
	if _, ok := kindOf(kind); !ok {
		kind = "paragraph"
	}
	id, _ := parseID(c.Param("widget_id"))
	f := &widgetForm{ID: id, Kind: kind, Action: editPath(sub, p) + "add/", Cancel: editPath(sub, p), CSRF: webui.CSRFToken(c),
		Val: c.PostForm("val"), Styleclass: c.PostForm("styleclass"), Heading: c.PostForm("heading"),
		Error: "This " + kind + " was deleted while you were editing it. Your text is below: add it again at the end of the " +
			"first column, or discard it."}
	if isHTMX(c) {
		return webui.RenderPart(c, http.StatusConflict, "edit-gone", f)
	}
	return h.renderEditor(c, http.StatusConflict, actor, sub, p, nil, func(ec *editColumn) {
		if ec.Index == 0 {
			ec.Gone = f
		}
	})
}

// textOf returns the plain text a widget of classname made of in would hold, for the diff of a
// conflict: the sanitizer's text, or the sent value itself when it would be refused.
func textOf(classname string, in widgets.Input) string {
	c, err := widgets.NewContent(classname, in)
	if err != nil {
		return *in.Val
	}
	return c.Text
}

// deleteWidget takes a text widget off the page: htmx gets nothing (the widget goes), a form
// post goes back to the editor.
func (h *Handler) deleteWidget(c *gin.Context) error {
	actor, sub, p, w, err := h.pageWidget(c)
	if err != nil {
		return err
	}
	if _, err := h.Pages.DeleteWidget(c.Request.Context(), actor, sub, p.ID, w.FirstID(), w.Classname); err != nil {
		return err
	}
	if isHTMX(c) {
		c.Status(http.StatusOK)
		return nil
	}
	return seeOther(c, editPath(sub, p))
}

// addWidget places a new paragraph or heading at the end of a column, from the column's add form.
func (h *Handler) addWidget(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	col := formInt(c, "column", 0)
	classname, ok := kindOf(c.PostForm("kind"))
	if !ok {
		return api.Invalid("kind", "Choose a paragraph or a heading.")
	}
	val, style := c.PostForm("val"), c.PostForm("styleclass")
	in := widgets.Input{Val: &val, Styleclass: &style}
	if size := c.PostForm("heading"); classname == widgets.Heading && size != "" {
		in.Heading = &size
	}
	_, err = h.Pages.CreateTextWidget(c.Request.Context(), actor, sub, p.ID, classname, in, pages.Place{Column: col})
	return h.afterAdd(c, actor, sub, p, col, err, "")
}

// addMarkdown places the widgets that Markdown makes (pages.Service.CreateMarkdownWidgets) at the
// end of a column.
func (h *Handler) addMarkdown(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	col := formInt(c, "column", 0)
	source := c.PostForm("markdown")
	_, err = h.Pages.CreateMarkdownWidgets(c.Request.Context(), actor, sub, p.ID, source, pages.Place{Column: col})
	return h.afterAdd(c, actor, sub, p, col, err, source)
}

// afterAdd answers an add: back to the editor at the column, or the editor again (422) with the
// refusal shown in the column and the Markdown sent kept.
func (h *Handler) afterAdd(c *gin.Context, actor *people.Actor, sub *people.Subsite, p *pages.Page, col int, err error, markdown string) error {
	if err == nil {
		return seeOther(c, editPath(sub, p)+"#col"+itoa(int64(col)))
	}
	e := invalid(err)
	if e == nil {
		var full widgets.ErrPageTooLarge
		if !errors.As(err, &full) {
			return err
		}
		e = &webui.Refusal{Message: full.Error()}
	}
	return h.renderEditor(c, http.StatusUnprocessableEntity, actor, sub, p, nil, func(ec *editColumn) {
		if ec.Index == col {
			ec.Error, ec.Markdown = e.Message, markdown
		}
	})
}

// presence answers the "also editing" note of an open editor, and records that the person still
// has it open; the editor asks again about every 20 seconds (activity.EditorTTL forgets them a
// minute after they stop).
func (h *Handler) presence(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	others, err := h.Activity.MarkEditing(c.Request.Context(), actor, sub, p.ID)
	if err != nil {
		return err
	}
	return webui.RenderPart(c, http.StatusOK, "edit-presence", others)
}

// doneEditing closes the editor: the person no longer counts as editing, and reads the page.
func (h *Handler) doneEditing(c *gin.Context) error {
	actor, sub, p, err := h.editorPage(c)
	if err != nil {
		return err
	}
	if err := h.Activity.StopEditing(c.Request.Context(), actor, sub, p.ID); err != nil {
		return err
	}
	return seeOther(c, pagePath(sub, p))
}

// parseID reads a positive integer id.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errors.New("not an id")
	}
	return id, nil
}
