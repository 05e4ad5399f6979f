package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/pages"
	"quire/pages/tags"
	"quire/people"
)

// tagLimit is how many pages a tag's page lists at a time, and tagListLimit how many tags the
// tag list shows at a time.
const (
	tagLimit     = 50
	tagListLimit = 200
)

// tagsData is the tag list of a subsite: its tags with their page counts.
type tagsData struct {
	Sidebar *sidebar
	Tags    []tagItem
	Next    string // the next batch of tags, "" at the end
}

// tagItem is a tag in the tag list: its name, page and page count.
type tagItem struct {
	tagLink
	Count int
}

// tagData is a tag's page: the pages that have it, newest first, a batch at a time.
type tagData struct {
	Tag     *tags.Tag
	Sidebar *sidebar
	Pages   []pageItem
	Next    string // the next batch of pages, "" at the end
	AllTags string // the tag list
}

// tagLink is a tag as a page shows it: its name and its page.
type tagLink struct{ Name, URL string }

// tagLinks are the page's tags with their tag pages' paths.
func tagLinks(sub *people.Subsite, names []string) []tagLink {
	out := make([]tagLink, len(names))
	for i, n := range names {
		out[i] = tagLink{Name: n, URL: tags.Path(sub, n)}
	}
	return out
}

// tagPage answers /-/tags/NAME/ (a tag's pages) and /-/tags/ (the tag list). The name is the
// rest of the path, unescaped, so that a tag holding a slash has a page too.
func (h *Handler) tagPage(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	if place.SiteWide {
		return tags.ErrTagNotFound
	}
	name := strings.TrimPrefix(c.Param("tag"), "/")
	if name == "" {
		return h.tagList(c, actor, place.Subsite)
	}
	if !strings.HasSuffix(name, "/") {
		return h.addSlash(c)
	}
	name = strings.TrimSuffix(name, "/")
	ctx := c.Request.Context()
	sub := place.Subsite
	svc := &tags.Service{Pages: h.Pages}
	tag, err := svc.FindTag(ctx, actor, sub, name)
	if err != nil {
		return err
	}
	read, err := h.Pages.ReadPages(ctx, actor, sub, pages.PageFilter{Tag: name})
	if err != nil {
		return err
	}
	q := api.ListQuery{Limit: tagLimit}
	if after := c.Query("after"); after != "" {
		if _, err := api.CursorID(after); err != nil {
			return tags.ErrTagNotFound
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
	data := tagData{Tag: tag, Sidebar: bar, Pages: items(sub, list), AllTags: tags.Path(sub, "")}
	if len(next) == 1 {
		data.Next = tags.Path(sub, tag.Name) + "?after=" + next[0]
	}
	return webui.Render(c, http.StatusOK, "tag.html", webui.Page{Title: "Tag: " + tag.Name,
		Crumbs: []webui.Crumb{{Name: sub.Title, URL: subsitePath(sub)}, {Name: "Tags", URL: data.AllTags}, {Name: tag.Name}}, Data: data})
}

// tagList answers the subsite's tags, a batch of tagListLimit at a time (?after=NAME).
func (h *Handler) tagList(c *gin.Context, actor *people.Actor, sub *people.Subsite) error {
	ctx := c.Request.Context()
	read, err := (&tags.Service{Pages: h.Pages}).ReadTags(ctx, actor, sub)
	if err != nil {
		return err
	}
	q := api.ListQuery{Limit: tagListLimit}
	if after := c.Query("after"); after != "" {
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
	data := tagsData{Sidebar: bar, Tags: make([]tagItem, len(list))}
	for i, t := range list {
		data.Tags[i] = tagItem{tagLink: tagLink{Name: t.Name, URL: tags.Path(sub, t.Name)}, Count: t.PageCount}
	}
	if len(next) == 1 {
		data.Next = tags.Path(sub, "") + "?" + url.Values{"after": {next[0]}}.Encode()
	}
	return webui.Render(c, http.StatusOK, "tags.html", webui.Page{Title: "Tags",
		Crumbs: []webui.Crumb{{Name: sub.Title, URL: subsitePath(sub)}, {Name: "Tags"}}, Data: data})
}
