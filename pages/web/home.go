package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/people"
)

// homeData is a subsite's home: its recent changes and a batch of its pages, newest first.
type homeData struct {
	Subsite *people.Subsite
	Sidebar *sidebar
	Recent  []pageItem
	// Activity is the subsite's newest events from the activity log (app/events).
	Activity []activityItem
	Pages    []pageItem
	Next     string          // the next batch of pages, "" at the end
	Editing  *subsiteEditing // the links to a new page and the trash, for editors (edit.go)
}

// pageItem is a page in a list.
type pageItem struct {
	Title, URL, Folder string
	Author             string
	UpdatedAt          api.Time
}

func items(sub *people.Subsite, list []*pages.Page) []pageItem {
	out := make([]pageItem, len(list))
	for i, p := range list {
		out[i] = pageItem{Title: p.Title, URL: pagePath(sub, p), Folder: p.Category, Author: p.CreatedBy.Name, UpdatedAt: p.UpdatedAt}
	}
	return out
}

// home answers / : on the site-wide URL, the home of the first subsite the person belongs to
// (a list of them when there is none to lead to); on /@slug/, that subsite's home.
func (h *Handler) home(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	ctx := c.Request.Context()
	if place.SiteWide {
		subs, err := h.People.MemberSubsites(ctx, actor)
		if err != nil {
			return err
		}
		if len(subs) > 0 {
			c.Redirect(http.StatusSeeOther, subsitePath(subs[0]))
			return nil
		}
		return webui.Render(c, http.StatusOK, "nosubsite.html", webui.Page{Title: "No subsites"})
	}
	sub := place.Subsite
	recent, err := h.Pages.RecentPages(ctx, actor, sub, recentLimit)
	if err != nil {
		return err
	}
	read, err := h.Pages.ReadPages(ctx, actor, sub, pages.PageFilter{})
	if err != nil {
		return err
	}
	q := api.ListQuery{Limit: homeLimit}
	if after := c.Query("after"); after != "" {
		if _, err := api.CursorID(after); err != nil {
			return pages.ErrPageNotFound
		}
		q.Cursor = []string{after}
	}
	list, next, err := read(ctx, h.Pages.DB.R, q)
	if err != nil {
		return err
	}
	bar, err := h.buildSidebar(ctx, actor, sub, "", 0)
	if err != nil {
		return err
	}
	activity, err := readActivity(ctx, h.Pages.DB.R, sub)
	if err != nil {
		return err
	}
	data := homeData{Subsite: sub, Sidebar: bar, Recent: items(sub, recent), Activity: activity, Pages: items(sub, list),
		Editing: subsiteEditingOf(c, sub)}
	if len(next) == 1 {
		data.Next = subsitePath(sub) + "?after=" + next[0]
	}
	return webui.Render(c, http.StatusOK, "home.html", webui.Page{Title: sub.Title,
		Crumbs: []webui.Crumb{{Name: sub.Title}}, Data: data})
}

// folderData is a folder's page: its subfolders and pages (the first pages.MaxBrowse of each).
type folderData struct {
	Name    string
	Sidebar *sidebar
	Entries *treeEntries
}

// folder answers a folder's contents: to htmx (the sidebar opening it), the tree fragment; to
// anyone else, the folder's page, with the sidebar open down to it.
func (h *Handler) folder(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	ctx := c.Request.Context()
	id, err := idParam(c, "folder_id")
	if err != nil || place.SiteWide {
		return pages.ErrFolderNotFound
	}
	sub := place.Subsite
	if c.GetHeader("HX-Request") == "true" {
		e, err := h.entries(ctx, actor, sub, id, sidebarLimit, 0)
		if err != nil {
			return err
		}
		return webui.RenderPart(c, http.StatusOK, "tree-entries", e)
	}
	var after int64
	if a := c.Query("after"); a != "" {
		if after, err = api.CursorID(a); err != nil {
			return pages.ErrFolderNotFound
		}
	}
	e, err := h.entriesAfter(ctx, actor, sub, id, folderLimit, 0, after)
	if err != nil {
		return err
	}
	f, err := pages.FindFolder(ctx, h.Pages.DB.R, sub.ID, id)
	if err != nil {
		return err
	}
	crumbs, err := h.crumbs(ctx, sub, f.Path)
	if err != nil {
		return err
	}
	crumbs[len(crumbs)-1].URL = ""
	bar, err := h.buildSidebar(ctx, actor, sub, f.Path, 0)
	if err != nil {
		return err
	}
	return webui.Render(c, http.StatusOK, "folder.html", webui.Page{Title: f.Name, Crumbs: crumbs,
		Data: folderData{Name: f.Name, Sidebar: bar, Entries: e}})
}
