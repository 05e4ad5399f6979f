package web

import (
	"context"
	"html/template"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/webui"
	"quire/pages"
	"quire/people"
)

// treeEntries is one folder's contents in the sidebar: its subfolders, each closed (loaded when
// opened) or open with its own entries, and its pages.
type treeEntries struct {
	Folders []treeFolder
	Pages   []treeLink
	More    string // the folder's page, when it holds more than the sidebar shows
	Next    string // on a folder's page, the next batch of its pages
}

type treeFolder struct {
	ID        int64
	Name, URL string
	Count     int          // the live pages in it and in its subfolders
	Entries   *treeEntries // nil: not loaded; the sidebar fetches URL when it is opened
}

type treeLink struct {
	Title, URL string
	Current    bool
}

// sidebar is the sidebar of a subsite's pages: the Main folder's entries, and the folders on the
// way to the current one open. It reads at most depth+1 folders' batches, however many pages the
// subsite holds.
type sidebar struct {
	Subsite string // its title
	Home    string
	Root    *treeEntries
}

// buildSidebar returns the sidebar with the folders of openPath ("" for Main only) open and the
// page currentID (0: none) marked.
func (h *Handler) buildSidebar(ctx context.Context, actor *people.Actor, sub *people.Subsite, openPath string, currentID int64) (*sidebar, error) {
	root, err := h.entries(ctx, actor, sub, 0, sidebarLimit, currentID)
	if err != nil {
		return nil, err
	}
	at := root
	if openPath != "" {
		for _, name := range strings.Split(openPath, "/") {
			var next *treeFolder
			for i := range at.Folders {
				if at.Folders[i].Name == name {
					next = &at.Folders[i]
				}
			}
			if next == nil { // past the sidebar's bound: the breadcrumbs still lead there
				break
			}
			if next.Entries, err = h.entries(ctx, actor, sub, next.ID, sidebarLimit, currentID); err != nil {
				return nil, err
			}
			at = next.Entries
		}
	}
	return &sidebar{Subsite: sub.Title, Home: subsitePath(sub), Root: root}, nil
}

// entries reads one folder's batch for the tree.
func (h *Handler) entries(ctx context.Context, actor *people.Actor, sub *people.Subsite, folderID int64, limit int, currentID int64) (*treeEntries, error) {
	return h.entriesAfter(ctx, actor, sub, folderID, limit, currentID, 0)
}

// entriesAfter reads one folder's batch of pages after the page afterPage (0: its first batch,
// with its subfolders).
func (h *Handler) entriesAfter(ctx context.Context, actor *people.Actor, sub *people.Subsite, folderID int64, limit int, currentID, afterPage int64) (*treeEntries, error) {
	fe, err := h.Pages.BrowseFolder(ctx, actor, sub, folderID, limit, afterPage)
	if err != nil {
		return nil, err
	}
	out := &treeEntries{}
	for _, f := range fe.Subfolders {
		out.Folders = append(out.Folders, treeFolder{ID: f.ID, Name: f.Name, URL: folderPath(sub, f), Count: f.SubtreePages})
	}
	for _, p := range fe.Pages {
		out.Pages = append(out.Pages, treeLink{Title: p.Title, URL: pagePath(sub, p), Current: p.ID == currentID})
	}
	if fe.More {
		out.More = folderPath(sub, fe.Folder)
	}
	if fe.After != 0 {
		out.Next = folderPath(sub, fe.Folder) + "?after=" + itoa(fe.After)
	}
	return out, nil
}

// crumbs returns the breadcrumbs of a folder path: the subsite, then each folder down to path.
// The Main folder is the subsite itself.
func (h *Handler) crumbs(ctx context.Context, sub *people.Subsite, path string) ([]webui.Crumb, error) {
	out := []webui.Crumb{{Name: sub.Title, URL: subsitePath(sub)}}
	if path == "" {
		return out, nil
	}
	names := strings.Split(path, "/")
	for i := range names {
		f, err := pages.FindFolderByPath(ctx, h.Pages.DB.R, sub.ID, strings.Join(names[:i+1], "/"))
		if err != nil {
			return nil, err
		}
		out = append(out, webui.Crumb{Name: f.Name, URL: folderPath(sub, f)})
	}
	return out, nil
}

// Sidebar returns the sidebar of the request's subsite, rendered, as the frame shows it beside
// pages that are not a page view (webui.Page.Sidebar): open down to the folder of p with p
// marked, or at Main when p is nil; "" on a site-wide URL, which has no subsite's tree. Other
// domains' web pages (search) get it through app's wiring.
func (h *Handler) Sidebar(c *gin.Context, p *pages.Page) (template.HTML, error) {
	actor, place := people.RequestContext(c)
	if place.SiteWide {
		return "", nil
	}
	open, current := "", int64(0)
	if p != nil {
		open, current = p.Category, p.ID
	}
	bar, err := h.buildSidebar(c.Request.Context(), actor, place.Subsite, open, current)
	if err != nil {
		return "", err
	}
	return webui.Fragment("sidebar-nav", bar)
}

// pageCrumbs are the breadcrumbs down to the page p: the subsite, each folder of its path, and
// the page, a link; the editing and history pages add their own last step.
func (h *Handler) pageCrumbs(ctx context.Context, sub *people.Subsite, p *pages.Page) ([]webui.Crumb, error) {
	crumbs, err := h.crumbs(ctx, sub, p.Category)
	if err != nil {
		return nil, err
	}
	return append(crumbs, webui.Crumb{Name: p.Title, URL: pagePath(sub, p)}), nil
}
