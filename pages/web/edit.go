package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/webui"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// EditRoutes registers the editing pages on r, beside Routes (the same gate, the same subsite
// prefix): a new page, the trash, and a page's editor, settings and removal. Every form here
// posts as a plain form; htmx, where the page loads it, swaps the answer in place instead.
func (h *Handler) EditRoutes(r gin.IRoutes) {
	e := httpapi.Handle
	r.GET("/-/new/", e(h.newPageForm))
	r.POST("/-/new/", e(h.createPage))
	r.GET("/-/trash/", e(h.trash))
	r.POST("/-/trash/:page_id/restore/", e(h.restorePage))
	r.GET("/:page/settings/", e(h.settingsForm))
	r.POST("/:page/settings/", e(h.saveSettings))
	r.POST("/:page/delete/", e(h.trashPage))
	r.GET("/:page/edit/", e(h.editPage))
	r.GET("/:page/edit/presence/", e(h.presence))
	r.POST("/:page/edit/done/", e(h.doneEditing))
	r.POST("/:page/edit/add/", e(h.addWidget))
	r.POST("/:page/edit/markdown/", e(h.addMarkdown))
	r.GET("/:page/edit/w/:widget_id/", e(h.widgetForm))
	r.POST("/:page/edit/w/:widget_id/", e(h.saveWidget))
	r.POST("/:page/edit/w/:widget_id/delete/", e(h.deleteWidget))
}

// isHTMX reports whether the request came from htmx, which swaps a fragment in place; any other
// request gets a whole page or a redirect.
func isHTMX(c *gin.Context) bool { return c.GetHeader("HX-Request") == "true" }

// seeOther answers a plain form post that succeeded: 303 to where the person goes next.
func seeOther(c *gin.Context, path string) error {
	c.Redirect(http.StatusSeeOther, path)
	return nil
}

// editPath is a page's editor.
func editPath(sub *people.Subsite, p *pages.Page) string { return pagePath(sub, p) + "edit/" }

// widgetEditPath is where one widget's editor form is read and posted.
func widgetEditPath(sub *people.Subsite, p *pages.Page, id int64) string {
	return editPath(sub, p) + "w/" + itoa(id) + "/"
}

// invalid returns the validation error in err as a web form shows it (webui.RefusalOf: the
// field and a human message), or nil when err is some other error, which the handler returns to
// the one error writer.
func invalid(err error) *webui.Refusal { return webui.RefusalOf(err) }

// textKind returns the URL segment of a text widget's kind ("paragraph", "heading"); ok is false
// for the kinds the editor does not edit in place.
func textKind(classname string) (string, bool) {
	switch classname {
	case widgets.Paragraph:
		return "paragraph", true
	case widgets.Heading:
		return "heading", true
	}
	return "", false
}

// kindOf maps a form's kind back to a classname.
func kindOf(segment string) (string, bool) {
	switch segment {
	case "paragraph":
		return widgets.Paragraph, true
	case "heading":
		return widgets.Heading, true
	}
	return "", false
}

// The style and size pickers: the kind table's classes (widgets.Kinds), with the labels a person
// reads.
var (
	paragraphStyles = []option{{"", "Normal"}, {"block", "Block"}, {"quote", "Quote"}, {"note", "Note"},
		{"emphasis", "Emphasis"}, {"thin", "Thin"}}
	headingStyles = []option{{"", "Plain"}, {"line", "Line"}, {"emphasis", "Emphasis"}, {"bars", "Bars"},
		{"quote", "Quote"}, {"boxquote", "Box quote"}}
	headingSizes = []option{{"h0", "Title (h0)"}, {"h1", "Large (h1)"}, {"h2", "Medium (h2)"}, {"h3", "Small (h3)"},
		{"h4", "Smallest (h4)"}}
)

// option is one choice of a picker.
type option struct{ Value, Label string }

// layouts are the layouts a page may be given in the web UI, by the value its form sends.
var layouts = []struct {
	Value, Label string
	Widths       []int
}{
	{"100", "One column", []int{100}},
	{"50-50", "Two columns, equal", []int{50, 50}},
	{"66-34", "Two columns, wide left", []int{66, 34}},
	{"34-66", "Two columns, wide right", []int{34, 66}},
	{"33-33-34", "Three columns", []int{33, 33, 34}},
	{"25-25-25-25", "Four columns", []int{25, 25, 25, 25}},
}

// layoutValue returns the form value of a page's layout ("" when it is none of the choices).
func layoutValue(layout [][]int) string {
	if len(layout) != 1 {
		return ""
	}
	for _, l := range layouts {
		if slicesEqual(l.Widths, layout[0]) {
			return l.Value
		}
	}
	return ""
}

// layoutOf reads a layout form value; ok is false for one that is no choice.
func layoutOf(value string) ([][]int, bool) {
	for _, l := range layouts {
		if l.Value == value {
			return [][]int{l.Widths}, true
		}
	}
	return nil, false
}

func slicesEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// formInt reads a form field as a non-negative integer, def when it is absent or no number.
func formInt(c *gin.Context, name string, def int) int {
	n, err := strconv.Atoi(c.PostForm(name))
	if err != nil || n < 0 {
		return def
	}
	return n
}

// pageEditing is what a page view shows of editing: for someone who may edit, the editor's and
// the settings' links; for everyone, who has the page open in the editor now.
type pageEditing struct {
	EditURL, SettingsURL string
	ShareURL             string // the page's share links (pages/links)
	Editors              []api.UserRef
}

// pageEditing returns the page view's editing links and editors; nil for a page in the trash.
func (h *Handler) pageEditing(c *gin.Context, sub *people.Subsite, p *pages.Page) (*pageEditing, error) {
	if p.DeletedAt != nil {
		return nil, nil
	}
	actor := people.ActorFrom(c.Request.Context())
	editors, err := h.Activity.PageEditors(c.Request.Context(), actor, sub, p.ID)
	if err != nil {
		return nil, err
	}
	e := &pageEditing{Editors: editors}
	if actor.Can(people.Edit, sub.ID) == nil {
		e.EditURL, e.SettingsURL = editPath(sub, p), pagePath(sub, p)+"settings/"
		e.ShareURL = pagePath(sub, p) + "share/"
	}
	return e, nil
}

// subsiteEditing is the links of a subsite's home to a new page and to the trash.
type subsiteEditing struct{ NewURL, TrashURL string }

// subsiteEditingOf returns the home's editing links, nil for someone who may not edit there.
func subsiteEditingOf(c *gin.Context, sub *people.Subsite) *subsiteEditing {
	if people.ActorFrom(c.Request.Context()).Can(people.Edit, sub.ID) != nil {
		return nil
	}
	return &subsiteEditing{NewURL: subsitePath(sub) + "-/new/", TrashURL: subsitePath(sub) + "-/trash/"}
}
