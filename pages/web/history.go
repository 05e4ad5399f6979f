package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/pages/activity"
	"quire/people"
	"quire/widgets"
)

// The history pages of a page, under its URL (/@slug/page-slug/):
//
//	GET  history                      the page's timeline, newest first (?cursor= for older)
//	GET  history/WIDGET_ID            a widget's versions and the diff of two (?from=V1&to=V2)
//	POST history/WIDGET_ID/restore    version_id: that version's content as a new version on top

// historyBatch is how many entries of a timeline, and versions of a widget, one page shows.
const historyBatch = 50

// historyEntry is one change of a page's timeline as it shows.
type historyEntry struct {
	*widgets.Change
	What    string // "Paragraph edited"
	When    string // as people read it
	Author  string
	New     bool   // new to the reader since their last visit
	DiffURL string // the widget's versions, showing this change's diff
}

type timelinePage struct {
	Title, PageURL, HistoryURL string
	Entries                    []historyEntry
	NewCount                   int    // entries of this batch marked New
	Since                      string // the reader's last visit, "" on a first visit
	OlderURL, NewestURL        string // the next batch, and the first (when this is not it)
}

func (h *Handler) historyTimeline(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	ctx := c.Request.Context()
	page, err := h.livePage(c)
	if err != nil {
		return err
	}
	q := api.ListQuery{Limit: historyBatch}
	if cur := c.Query("cursor"); cur != "" {
		if q.Cursor, err = decodeCursor(cur); err != nil {
			return err
		}
	}
	list, next, err := h.Activity.ReadPageHistory(ctx, actor, place.Subsite, page.ID, q)
	if err != nil {
		return err
	}
	visit, err := h.Activity.RecordVisit(ctx, actor, place.Subsite, page.ID)
	if err != nil {
		return err
	}
	base := historyURL(c, page)
	data := timelinePage{Title: "History of " + page.Title, PageURL: pageHref(c, page), HistoryURL: base}
	if visit.Since != nil {
		data.Since = when(*visit.Since)
	}
	var entries []historyEntry
	for _, ch := range list {
		entries = append(entries, historyEntry{Change: ch, What: kindLabel(ch.Classname) + " " + ch.Kind,
			DiffURL: fmt.Sprintf("%s/%d?to=%d", base, ch.WidgetID, ch.VersionID)})
	}
	pageEntries, err := h.pageChangeEntries(ctx, page, list, next, q.Cursor)
	if err != nil {
		return err
	}
	entries = mergeEntries(entries, pageEntries)
	for _, e := range entries {
		e.When, e.Author, e.New = when(e.At), e.By.Name, visit.IsNew(e.Change, actor.User.ID)
		if e.New {
			data.NewCount++
		}
		data.Entries = append(data.Entries, e)
	}
	if next != nil {
		data.OlderURL = base + "?cursor=" + url.QueryEscape(api.EncodeCursor(next...))
	}
	if len(q.Cursor) > 0 {
		data.NewestURL = base
	}
	crumbs, err := h.historyCrumbs(c, page, false)
	if err != nil {
		return err
	}
	bar, err := h.Sidebar(c, page)
	if err != nil {
		return err
	}
	return webui.Render(c, http.StatusOK, "history.html", webui.Page{Title: data.Title, Crumbs: crumbs, Data: data, Sidebar: bar})
}

// versionRow is one version in a widget's list of versions.
type versionRow struct {
	*pages.NumberedVersion
	When, Author string
	Current      bool // the widget's newest version
	IsFrom, IsTo bool // the versions compared
	DiffURL      string
	RestoreURL   string // "" where the version cannot or need not be restored
}

type widgetPage struct {
	Title, PageURL, HistoryURL, WidgetURL string
	Kind                                  string
	Name                                  string      // the widget's kind and place on the page: "paragraph 2"
	From, To                              *versionRow // From nil: To is compared with nothing
	Parts                                 []widgets.DiffPart
	Unchanged                             bool // From and To hold the same text
	Versions                              []versionRow
	OlderURL                              string
	Restored                              int // the number of the version just restored, or 0
}

func (h *Handler) historyWidget(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	ctx, sub := c.Request.Context(), place.Subsite
	page, err := h.livePage(c)
	if err != nil {
		return err
	}
	widgetID, err := pathID(c, "widget_id")
	if err != nil {
		return err
	}
	q := api.ListQuery{Limit: historyBatch}
	if cur := c.Query("cursor"); cur != "" {
		if q.Cursor, err = decodeCursor(cur); err != nil {
			return err
		}
	}
	list, next, err := h.Pages.ReadWidgetHistory(ctx, actor, sub, page.ID, widgetID, q)
	if err != nil {
		return err
	}
	newest := list
	if len(q.Cursor) > 0 || len(list) == 0 {
		if newest, _, err = h.Pages.ReadWidgetHistory(ctx, actor, sub, page.ID, widgetID, api.ListQuery{Limit: 1}); err != nil {
			return err
		}
	}
	from, to, err := h.compared(c, page, newest[0])
	if err != nil {
		return err
	}
	data := newWidgetPage(c, page, newest[0], from, to, list, next)
	full, err := h.Pages.ReadPage(ctx, actor, sub, page.ID) // where the widget sits, to name it
	if err != nil {
		return err
	}
	data.Name = widgetName(full, newest[0].FirstID(), newest[0].Classname)
	data.Title = page.Title + " — " + data.Name + ": versions"
	crumbs, err := h.historyCrumbs(c, page, true)
	if err != nil {
		return err
	}
	crumbs = append(crumbs, webui.Crumb{Name: data.Name})
	bar, err := h.Sidebar(c, page)
	if err != nil {
		return err
	}
	return webui.Render(c, http.StatusOK, "history-widget.html", webui.Page{Title: data.Title, Crumbs: crumbs, Data: data, Sidebar: bar})
}

// compared reads the two versions the request compares: ?to= (the newest when absent) and ?from=
// (when absent, the version before to; nil when to is the first).
func (h *Handler) compared(c *gin.Context, page *pages.Page, newest *pages.NumberedVersion) (from, to *pages.NumberedVersion, err error) {
	actor, place := people.RequestContext(c)
	widgetID := newest.FirstID()
	if to, err = h.version(c, page, widgetID, "to", newest.ID); err != nil {
		return nil, nil, err
	}
	var fromID int64
	before, _, err := h.Pages.ReadWidgetHistory(c.Request.Context(), actor, place.Subsite, page.ID, widgetID,
		api.ListQuery{Limit: 1, Cursor: []string{strconv.FormatInt(to.ID, 10)}})
	if err != nil {
		return nil, nil, err
	}
	if len(before) == 1 {
		fromID = before[0].ID
	}
	from, err = h.version(c, page, widgetID, "from", fromID)
	return from, to, err
}

// newWidgetPage builds the page of a widget's versions list (a batch, next the cursor of the
// one after it), comparing from (nil: nothing) with to.
func newWidgetPage(c *gin.Context, page *pages.Page, newest, from, to *pages.NumberedVersion, list []*pages.NumberedVersion, next []string) widgetPage {
	actor, place := people.RequestContext(c)
	base := fmt.Sprintf("%s/%d", historyURL(c, page), newest.FirstID())
	canEdit := actor.Can(people.Edit, place.Subsite.ID) == nil
	row := func(v *pages.NumberedVersion) *versionRow {
		r := &versionRow{NumberedVersion: v, When: when(v.CreatedAt), Author: v.CreatedBy.Name,
			Current: v.ID == newest.ID, DiffURL: fmt.Sprintf("%s?to=%d", base, v.ID),
			IsTo: v.ID == to.ID, IsFrom: from != nil && v.ID == from.ID}
		if canEdit && !r.Current {
			r.RestoreURL = base + "/restore"
		}
		return r
	}
	data := widgetPage{PageURL: pageHref(c, page), HistoryURL: historyURL(c, page), WidgetURL: base,
		Kind: kindLabel(to.Classname), To: row(to)}
	older := ""
	if from != nil {
		data.From = row(from)
		older = diffText(from.Widget)
	}
	data.Parts = widgets.Diff(older, diffText(to.Widget))
	data.Unchanged = from != nil && older == diffText(to.Widget)
	for _, v := range list {
		data.Versions = append(data.Versions, *row(v))
	}
	if next != nil {
		data.OlderURL = base + "?cursor=" + url.QueryEscape(api.EncodeCursor(next...))
	}
	if n, err := strconv.Atoi(c.Query("restored")); err == nil && n > 0 {
		data.Restored = n
	}
	return data
}

// version reads the version the query parameter param names (def when it is absent; nil when
// that is 0).
func (h *Handler) version(c *gin.Context, page *pages.Page, widgetID int64, param string, def int64) (*pages.NumberedVersion, error) {
	id := def
	if s, ok := c.GetQuery(param); ok {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, api.Invalid(param, "Parameter %q must be a version id of this widget, not %q.", param, s)
		}
		id = n
	}
	if id == 0 {
		return nil, nil
	}
	actor, place := people.RequestContext(c)
	v, err := h.Pages.ReadWidgetVersion(c.Request.Context(), actor, place.Subsite, page.ID, widgetID, id)
	if errors.Is(err, widgets.ErrVersionNotFound) {
		return nil, api.Invalid(param, "Version %d is not a version of this widget.", id)
	}
	return v, err
}

func (h *Handler) historyRestore(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	ctx, sub := c.Request.Context(), place.Subsite
	page, err := h.livePage(c)
	if err != nil {
		return err
	}
	widgetID, err := pathID(c, "widget_id")
	if err != nil {
		return err
	}
	versionID, err := restoreForm(c)
	if err != nil {
		return err
	}
	old, err := h.Pages.ReadWidgetVersion(ctx, actor, sub, page.ID, widgetID, versionID)
	if err != nil {
		return err
	}
	w, err := h.Pages.RestoreWidget(ctx, actor, sub, page.ID, widgetID, old.Classname, versionID)
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("%s/%d?to=%d&restored=%d", historyURL(c, page), w.FirstID(), w.ID, old.Number))
	return nil
}

// restoreForm reads the restore form's version_id. The session gate may have parsed the form
// already (for its CSRF field), so it is read from the parsed form, never from the body again.
func restoreForm(c *gin.Context) (int64, error) {
	if err := c.Request.ParseForm(); err != nil {
		return 0, api.Invalid("", "The form could not be read: %v.", err)
	}
	for k := range c.Request.PostForm {
		if k != "version_id" && k != webui.CSRFField {
			return 0, api.Invalid(k, "Parameter %q is not one of this form's.", k)
		}
	}
	vs := c.Request.PostForm["version_id"]
	if len(vs) != 1 {
		return 0, api.Invalid("version_id", "Parameter \"version_id\" is required, once.")
	}
	id, err := strconv.ParseInt(vs[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid("version_id", "Parameter \"version_id\" must be a version id of this widget, not %q.", vs[0])
	}
	return id, nil
}

// diffText is what a diff compares of a version: its text, a line per paragraph, then what
// else it holds (style, heading size, caption, files, form fields), a line each, so that a change
// to any of them shows.
func diffText(w *widgets.Widget) string {
	var b strings.Builder
	b.WriteString(w.Text)
	line := func(format string, args ...any) {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, format, args...)
	}
	if w.Heading != nil {
		line("Heading size: %s", *w.Heading)
	}
	if w.Styleclass != nil {
		line("Style: %s", *w.Styleclass)
	}
	if w.Caption != nil {
		line("Caption: %s", *w.Caption)
	}
	if w.Files != nil {
		for _, f := range *w.Files {
			line("File: %s (%s)", f.Filename, f.VanitySize)
		}
	}
	if w.Fields != nil {
		for _, f := range *w.Fields {
			req := ""
			if f.Required {
				req = ", required"
			}
			line("Field: %s (%s%s)", f.Label, f.Type, req)
			if len(f.Options) > 0 {
				line("  Options: %s", strings.Join(f.Options, ", "))
			}
		}
	}
	return b.String()
}

// kindLabel is how the history names a widget kind.
func kindLabel(classname string) string {
	if classname == widgets.Paragraph {
		return "Text"
	}
	return classname
}

// when shows a time as people read it, in UTC (the browser's zone is not known to the server).
func when(t api.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") }

// pageHref is the page's URL, as a path.
func pageHref(c *gin.Context, p *pages.Page) string {
	return pagePath(people.PlaceFrom(c.Request.Context()).Subsite, p)
}

// historyURL is the URL of the page's timeline, as a path.
func historyURL(c *gin.Context, p *pages.Page) string { return pageHref(c, p) + "history" }

// historyCrumbs are the breadcrumbs of the page's history: the page's own (subsite, folders),
// the page, and History, a link when inWidget (a widget's versions come after it).
func (h *Handler) historyCrumbs(c *gin.Context, page *pages.Page, inWidget bool) ([]webui.Crumb, error) {
	crumbs, err := h.pageCrumbs(c.Request.Context(), people.PlaceFrom(c.Request.Context()).Subsite, page)
	if err != nil {
		return nil, err
	}
	history := webui.Crumb{Name: "History"}
	if inWidget {
		history.URL = historyURL(c, page)
	}
	return append(crumbs, history), nil
}

// pathID reads a positive integer path parameter.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.NotFound("No such widget on this page.")
	}
	return id, nil
}

// decodeCursor reads the cursor parameter of a history page.
func decodeCursor(s string) ([]string, error) {
	var q []string
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(raw, &q)
	}
	if err != nil || len(q) == 0 {
		return nil, api.Invalid("cursor", "Parameter \"cursor\" is not a cursor this server gave out; start again without it.")
	}
	return q, nil
}

// SinceVisit is what a page view shows of the changes new to its reader since their last visit
// (template "since-visit"): nothing when Count is 0.
type SinceVisit struct {
	Count int    // at most 100; More says there may be more
	More  bool   // Count is the bound, not the whole count
	URL   string // the page's history, where those changes are marked
	// Until is when the reader's visit ends (activity.Visit): what this shows stays true
	// until then while the page does not change.
	Until time.Time
}

// SinceLastVisit records that the request's person views the page now (activity.Service.RecordVisit: a
// write once a visit, not once a view) and returns what template "since-visit" shows them. The
// page view calls it; the history page records visits the same way.
func SinceLastVisit(c *gin.Context, s *pages.Service, page *pages.Page) (*SinceVisit, error) {
	actor, place := people.RequestContext(c)
	ctx, a := c.Request.Context(), &activity.Service{Pages: s}
	visit, err := a.RecordVisit(ctx, actor, place.Subsite, page.ID)
	if err != nil {
		return nil, err
	}
	n, err := a.CountChangesSince(ctx, actor, place.Subsite, page.ID, visit)
	if err != nil {
		return nil, err
	}
	return &SinceVisit{Count: n, More: n >= activity.MaxChangesSince, URL: historyURL(c, page), Until: visit.Until}, nil
}
