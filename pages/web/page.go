package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/pages/rest"
	"quire/people"
	"quire/widgets"
)

// pageData is the page's article ("page-article"): the page and its columns at the layout's
// widths.
type pageData struct {
	Page    *pages.Page
	Folder  string // the folder's path, "" for Main
	Columns []column
	Trashed bool
	Tags    []tagLink // the page's tags, each leading to its tag page
}

// column is one column of the page: its width in percent of the layout and its widgets.
type column struct {
	Width   int
	Widgets []*widgetView
}

// widgetView is a widget as the page view renders it, with what its form or discussion needs.
type widgetView struct {
	*widgets.Widget
	Level  int               // a heading's element: h0 and h1 are <h2>, h2 <h3>, h3 <h4>, h4 <h5>
	Files  []fileView        // an attachment's or image's files
	Action string            // where its form posts (forms and discussions)
	CSRF   string            // the token its form carries
	Fields []fieldView       // a form's fields, with what was sent and its errors
	Sent   bool              // a form's record was stored just now
	Posts  []*widgets.Post   // a discussion's latest posts, oldest first
	More   bool              // the discussion has older posts than those shown
	Error  string            // a discussion's post error
	Values map[string]string // what a refused post sent, to show again
}

type fileView struct {
	widgets.File
	Path string // the file's URL as a path on this site
	Icon string // the type icon's class: pdf, image, doc, sheet, slides, archive, text, file
}

type fieldView struct {
	widgets.Field
	ID, Value, Error string
	Checked          bool
}

// maxPosts is how many of a discussion's latest posts the page view shows.
const maxPosts = 50

// page answers a page's URL: the page view, or with ?json the API's answer for the page. A slug
// the page had before a rename leads to its URL now (301). A page that does not exist, and one
// in the trash for someone who may not see the trash, are the same 404 as a subsite one is not
// a member of.
func (h *Handler) page(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	ctx := c.Request.Context()
	if place.SiteWide {
		return pages.ErrPageNotFound
	}
	sub := place.Subsite
	_, asJSON := c.GetQuery("json")
	if !asJSON && c.Query("sent") == "" { // a plain view: perhaps kept rendered (view_cache.go)
		if key, ok := answerKeyOf(c); ok {
			epoch, err := h.Activity.ReaderEpoch(ctx)
			if err != nil {
				return err
			}
			if a, ok := h.answers.get(epoch, key); ok && h.Pages.DB.Now().Before(a.until) {
				return webui.WriteRendered(c, http.StatusOK, a.page)
			}
		}
		epoch, err := h.Pages.ContentEpoch(ctx)
		if err != nil {
			return err
		}
		if r, ok := h.views.get(epoch, viewKey{subsite: sub.ID, slug: c.Param("page"), role: actor.Role(sub.ID)}); ok {
			return h.renderView(c, http.StatusOK, r)
		}
	}
	p, err := h.Pages.FindPageBySlug(ctx, actor, sub, c.Param("page"))
	if errors.Is(err, pages.ErrPageNotFound) {
		moved, err := h.Pages.FindRenamedPage(ctx, actor, sub, c.Param("page"))
		if err != nil {
			return err
		}
		target := pagePath(sub, moved)
		if q := c.Request.URL.RawQuery; q != "" {
			target += "?" + q
		}
		c.Redirect(http.StatusMovedPermanently, target)
		return nil
	}
	if err != nil {
		return err
	}
	if p.DeletedAt != nil && actor.Can(people.ViewTrash, sub.ID) != nil {
		return pages.ErrPageNotFound
	}
	if asJSON {
		// The API's answer for the page, byte for byte (Papyrs' ?json for testing); a page in
		// the trash has none, as pages/get has not.
		if p.DeletedAt != nil {
			return pages.ErrPageNotFound
		}
		return rest.PageAnswer(c, h.Pages, actor, sub, p.ID)
	}
	var touch func(*widgetView)
	if sent := c.Query("sent"); sent != "" { // back from a form's post (submitForm)
		touch = func(v *widgetView) { v.Sent = v.Classname == widgets.Form && itoa(v.FirstID()) == sent }
	}
	return h.renderPage(c, http.StatusOK, p, touch)
}

// pageView is the page view: the page's article and sidebar (rendered, the same for every
// reader of a role: renderedView) and, between the article's head and body, what is the
// reader's own.
type pageView struct {
	Head, Body, Sidebar template.HTML
	Trashed             bool
	Editing             *pageEditing // the editor's links and who has the page open (edit.go)
	// HistoryURL is the page's history, and SinceVisit what changed there since the reader's
	// last visit (history.go); nil for a page in the trash.
	HistoryURL string
	SinceVisit *SinceVisit
	// RestoreURL is where a page in the trash is restored from, for someone who may (editors).
	RestoreURL string
}

// renderPage renders the page view of p with status; touch, when not nil, changes the view of
// one widget (a form's errors, a discussion's refused post) before it is rendered.
func (h *Handler) renderPage(c *gin.Context, status int, p *pages.Page, touch func(*widgetView)) error {
	r, err := h.renderedView(c, p, status == http.StatusOK && touch == nil, touch)
	if err != nil {
		return err
	}
	return h.renderView(c, status, r)
}

// renderView answers the page view of r with status: r's rendered parts, and between the
// article's head and body the reader's own bar.
func (h *Handler) renderView(c *gin.Context, status int, r *renderedView) error {
	sub := people.PlaceFrom(c.Request.Context()).Subsite
	p := r.page
	view := pageView{Trashed: p.DeletedAt != nil}
	if view.Trashed && people.ActorFrom(c.Request.Context()).Can(people.Edit, sub.ID) == nil {
		view.RestoreURL = trashRestorePath(sub, p)
	}
	var err error
	if !view.Trashed {
		view.HistoryURL = historyURL(c, p)
		if view.SinceVisit, err = SinceLastVisit(c, h.Pages, p); err != nil {
			return err
		}
	}
	if view.Editing, err = h.pageEditing(c, sub, p); err != nil {
		return err
	}
	view.Head, view.Body, view.Sidebar = r.head, r.body, r.sidebar
	page := webui.Page{Title: r.title, Crumbs: r.crumbs, Data: view}
	key, keep := answerKeyOf(c)
	if !keep || status != http.StatusOK || view.Trashed {
		return webui.Render(c, status, "page.html", page)
	}
	// The whole view is kept for its reader (answerCache) under the epoch this request read
	// first, before anything it shows, until the reader's visit ends or, while someone edits
	// the page, a few seconds.
	epoch, err := h.Activity.ReaderEpoch(c.Request.Context())
	if err != nil {
		return err
	}
	rendered, err := webui.Prerender(c, "page.html", page)
	if err != nil {
		return err
	}
	until := view.SinceVisit.Until
	if soon := h.Pages.DB.Now().Add(editorsShownFor); view.Editing != nil && len(view.Editing.Editors) > 0 && soon.Before(until) {
		until = soon
	}
	h.answers.put(epoch, key, keptAnswer{page: rendered, until: until})
	return webui.WriteRendered(c, status, rendered)
}

// answerKeyOf returns the key of the request's page view in the answer cache, and whether it
// may be kept there: a plain GET of a page (no query, which could change what is shown) by a
// signed-in person, with no flash message to show (webui.SetFlash).
func answerKeyOf(c *gin.Context) (answerKey, bool) {
	actor, place := people.RequestContext(c)
	if actor == nil || actor.Session == nil || actor.User == nil || place.Subsite == nil || c.Request.URL.RawQuery != "" || webui.HasFlash(c) {
		return answerKey{}, false
	}
	return answerKey{user: actor.User.ID, subsite: place.Subsite.ID, slug: c.Param("page")}, true
}

// renderedView returns the part of p's view that is the same for every reader of a role: its
// article's head and body and its sidebar, rendered, with its breadcrumbs. A plain view (cacheable) of a live page
// comes from the view cache while nothing it shows has changed; any other is rendered now.
func (h *Handler) renderedView(c *gin.Context, p *pages.Page, cacheable bool, touch func(*widgetView)) (*renderedView, error) {
	actor, place := people.RequestContext(c)
	ctx := c.Request.Context()
	sub := place.Subsite
	cacheable = cacheable && p.DeletedAt == nil
	found := p // as the handler found it, without its content
	key := viewKey{subsite: sub.ID, slug: p.Slug, role: actor.Role(sub.ID)}
	var epoch int64
	if cacheable { // the epoch before the content, so that a change meanwhile is never kept
		var err error
		if epoch, err = h.Pages.ContentEpoch(ctx); err != nil {
			return nil, err
		}
		if r, ok := h.views.get(epoch, key); ok {
			return r, nil
		}
	}
	if p.DeletedAt == nil { // the page and its widgets in one snapshot, memory within the budget
		full, err := h.Pages.ReadPage(ctx, actor, sub, p.ID)
		if err != nil {
			return nil, err
		}
		p = full
	} else if err := h.Pages.FillContent(ctx, h.Pages.DB.R, sub, p); err != nil {
		return nil, err
	}
	data := pageData{Page: p, Folder: p.Category, Trashed: p.DeletedAt != nil, Tags: tagLinks(sub, p.Tags)}
	widths := []int{100}
	if len(p.Layout) > 0 {
		widths = p.Layout[0]
	}
	for i, col := range *p.JSON {
		cv := column{Width: 100}
		if i < len(widths) {
			cv.Width = widths[i]
		}
		for _, w := range col {
			wv, err := h.widgetView(ctx, actor, sub, p, w)
			if err != nil {
				return nil, err
			}
			if touch != nil {
				touch(wv)
			}
			cv.Widgets = append(cv.Widgets, wv)
		}
		data.Columns = append(data.Columns, cv)
	}
	sidebar, err := h.buildSidebar(ctx, actor, sub, p.Category, p.ID)
	if err != nil {
		return nil, err
	}
	crumbs, err := h.pageCrumbs(ctx, sub, p)
	if err != nil {
		return nil, err
	}
	crumbs[len(crumbs)-1].URL = "" // the current page
	r := &renderedView{page: found, title: p.Title, crumbs: crumbs}
	if r.head, err = webui.Fragment("page-article-head", data); err != nil {
		return nil, err
	}
	if r.body, err = webui.Fragment("page-article-body", data); err != nil {
		return nil, err
	}
	if r.sidebar, err = webui.Fragment("sidebar-nav", sidebar); err != nil {
		return nil, err
	}
	if cacheable {
		h.views.put(epoch, key, r)
	}
	return r, nil
}

// widgetView prepares one widget for its template.
func (h *Handler) widgetView(ctx context.Context, actor *people.Actor, sub *people.Subsite, p *pages.Page, w *widgets.Widget) (*widgetView, error) {
	v := &widgetView{Widget: w, CSRF: webui.CSRFMark()} // the article may be kept for other requests
	switch w.Classname {
	case widgets.Heading:
		v.Level = headingLevel(w.Heading)
	case widgets.Attachment, widgets.Image:
		if w.Extra.Files != nil {
			for _, f := range *w.Extra.Files {
				v.Files = append(v.Files, fileView{File: f, Path: strings.TrimPrefix(f.URL, h.Pages.BaseURL), Icon: fileIcon(f)})
			}
		}
	case widgets.Form:
		v.Action = pagePath(sub, p) + "form/" + itoa(w.FirstID()) + "/"
		if w.Extra.Fields != nil {
			for _, f := range *w.Extra.Fields {
				v.Fields = append(v.Fields, fieldView{Field: f, ID: "f" + itoa(w.FirstID()) + "-" + f.Name})
			}
		}
	case widgets.Discussion:
		v.Action = pagePath(sub, p) + "comments/"
		if p.DeletedAt != nil { // a page in the trash takes no comments, and shows none
			return v, nil
		}
		read, err := h.Discussions.ReadPosts(ctx, actor, sub, p.ID)
		if err != nil {
			return nil, err
		}
		posts, next, err := read(ctx, h.Pages.DB.R, api.ListQuery{Limit: maxPosts})
		if err != nil {
			return nil, err
		}
		slices.Reverse(posts) // the latest, read oldest first down to the comment box
		v.Posts, v.More = posts, len(next) > 0
	}
	return v, nil
}

func headingLevel(h *string) int {
	if h == nil {
		return 2
	}
	switch *h {
	case "h2":
		return 3
	case "h3":
		return 4
	case "h4":
		return 5
	}
	return 2
}

// fileIcon names the type icon of a file from its content type and name.
func fileIcon(f widgets.File) string {
	name, ct := strings.ToLower(f.Filename), f.ContentType
	ext := name[strings.LastIndexByte(name, '.')+1:]
	switch {
	case strings.HasPrefix(ct, "image/"):
		return "image"
	case ct == "application/pdf" || ext == "pdf":
		return "pdf"
	case ext == "doc" || ext == "docx" || ext == "odt" || ext == "rtf":
		return "doc"
	case ext == "xls" || ext == "xlsx" || ext == "ods" || ext == "csv":
		return "sheet"
	case ext == "ppt" || ext == "pptx" || ext == "odp" || ext == "key":
		return "slides"
	case ext == "zip" || ext == "gz" || ext == "tgz" || ext == "7z" || ext == "rar":
		return "archive"
	case strings.HasPrefix(ct, "text/"):
		return "text"
	}
	return "file"
}
