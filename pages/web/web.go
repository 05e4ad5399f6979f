// Package web is the pages domain's side of the web UI: a subsite's home, the folder tree of the
// sidebar, and the page view with its forms and discussions. Its handlers call pages' exported
// operations (never SQL of their own) and render templates/web/pages/*.html through app/webui.
package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/pages"
	"quire/pages/activity"
	"quire/pages/discussions"
	"quire/pages/records"
	"quire/people"
)

// Handler holds what the web pages of the pages domain need.
type Handler struct {
	Pages       *pages.Service
	Activity    *activity.Service    // a page's timeline, visits and editors
	Records     *records.Service     // forms' records
	Discussions *discussions.Service // posts
	People      *people.Service

	views   viewCache   // the page views' parts that every reader of a role sees alike
	answers answerCache // whole page views, as each person sees them
}

// Routes registers the web pages on r, a group behind app's web gate (signed in, subsite
// resolved, frame set). Paths are relative to the subsite prefix /@slug, which app strips.
func (h *Handler) Routes(r gin.IRoutes) {
	h.views.max, h.answers.max = maxViewBytes, maxAnswerBytes
	r.GET("/", httpapi.Handle(h.home))
	r.GET("/-/folders/:folder_id/", httpapi.Handle(h.folder))
	r.GET("/-/tags/*tag", httpapi.Handle(h.tagPage))
	r.GET("/:page", httpapi.Handle(h.addSlash))
	r.GET("/:page/", httpapi.Handle(h.page))
	r.POST("/:page/form/:widget_id/", httpapi.Handle(h.submitForm))
	r.POST("/:page/comments/", httpapi.Handle(h.postComment))
	r.GET("/:page/history", httpapi.Handle(h.historyTimeline))
	r.GET("/:page/history/:widget_id", httpapi.Handle(h.historyWidget))
	r.POST("/:page/history/:widget_id/restore", httpapi.Handle(h.historyRestore))
}

// sidebarLimit bounds each folder's entries in the sidebar; the folder's own page lists more.
const sidebarLimit = 50

// folderLimit bounds the entries of a folder's page (pages.MaxBrowse).
const folderLimit = pages.MaxBrowse

// homeLimit is how many pages a subsite's home lists at a time, and recentLimit how many recent
// changes it shows.
const (
	homeLimit   = 50
	recentLimit = 10
)

// subsitePath is a subsite's home, as a path.
func subsitePath(sub *people.Subsite) string { return "/@" + sub.Slug + "/" }

// pagePath is where a page is read, as a path (the path of the API's url).
func pagePath(sub *people.Subsite, p *pages.Page) string { return subsitePath(sub) + p.Slug + "/" }

// folderPath is a folder's page; the sidebar fetches the same URL as a fragment.
func folderPath(sub *people.Subsite, f *pages.Folder) string {
	return subsitePath(sub) + "-/folders/" + strconv.FormatInt(f.ID, 10) + "/"
}

// idParam reads a numeric path parameter; anything else is no page at all.
func idParam(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, pages.ErrPageNotFound
	}
	return id, nil
}

// addSlash leads /@slug/page to /@slug/page/, the page's URL.
func (h *Handler) addSlash(c *gin.Context) error {
	target := httpapi.PathPrefix(c.Request.Context()) + c.Request.URL.Path + "/"
	if q := c.Request.URL.RawQuery; q != "" {
		target += "?" + q
	}
	c.Redirect(http.StatusMovedPermanently, target)
	return nil
}
