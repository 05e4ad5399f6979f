package links

// The page's Share screen, for its editors: /@slug/PAGE/share/ lists the page's links with their
// view counts and makes new ones; /@slug/PAGE/share/ID/ shows one link's views. Plain forms,
// CSRF-checked by app's web gate; no script needed.

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/webui"
	"quire/pages"
	"quire/people"
)

// WebRoutes registers the Share screen on r, a group behind app's web gate (signed in, subsite
// resolved, frame set), relative to the subsite prefix.
func (s *Service) WebRoutes(r gin.IRoutes) {
	h := httpapi.Handle
	r.GET("/:page/share/", h(s.sharePage))
	r.POST("/:page/share/", h(s.createFromForm))
	r.GET("/:page/share/:link_id/", h(s.viewsPage))
	r.POST("/:page/share/:link_id/revoke/", h(s.revokeFromForm))
}

// shareView is what templates/web/pages/share.html shows.
type shareView struct {
	Page      *pages.Page
	Action    string // where the new link's form posts
	Links     []*Link
	Created   *Link // the link just made, shown at the top
	Form      shareForm
	Error     string
	Field     string // the field at fault
	SharePath string // the Share screen, for the links' own pages
}

// shareForm is what the new link's form was sent with, to show again when refused.
type shareForm struct {
	Name, Expires               string
	RequireEmail, AllowDownload bool
}

// editorPage finds the URL's page for an editor of its subsite.
func (s *Service) editorPage(c *gin.Context) (*people.Actor, *people.Subsite, *pages.Page, error) {
	actor, place := people.RequestContext(c)
	if place.SiteWide {
		return nil, nil, nil, pages.ErrPageNotFound
	}
	if err := actor.Can(people.Edit, place.Subsite.ID); err != nil {
		return nil, nil, nil, err
	}
	p, err := s.Pages.FindPageBySlug(c.Request.Context(), actor, place.Subsite, c.Param("page"))
	if err != nil {
		return nil, nil, nil, err
	}
	if p.DeletedAt != nil {
		return nil, nil, nil, pages.ErrPageNotFound
	}
	return actor, place.Subsite, p, nil
}

func sharePath(sub *people.Subsite, p *pages.Page) string {
	return "/@" + sub.Slug + "/" + p.Slug + "/share/"
}

// sharePage answers the Share screen; ?created=ID shows the link just made at the top.
func (s *Service) sharePage(c *gin.Context) error {
	actor, sub, p, err := s.editorPage(c)
	if err != nil {
		return err
	}
	return s.renderShare(c, http.StatusOK, actor, sub, p, shareView{})
}

func (s *Service) renderShare(c *gin.Context, status int, actor *people.Actor, sub *people.Subsite, p *pages.Page, v shareView) error {
	list, err := s.ListLinks(c.Request.Context(), actor, sub, p.ID)
	if err != nil {
		return err
	}
	v.Page, v.Links, v.Action, v.SharePath = p, list, sharePath(sub, p), sharePath(sub, p)
	if id, err := strconv.ParseInt(c.Query("created"), 10, 64); err == nil {
		for _, l := range list {
			if l.ID == id {
				v.Created = l
			}
		}
	}
	return webui.Render(c, status, "share.html", webui.Page{Title: "Share " + p.Title, Crumbs: []webui.Crumb{
		{Name: sub.Title, URL: "/@" + sub.Slug + "/"}, {Name: p.Title, URL: "/@" + sub.Slug + "/" + p.Slug + "/"}, {Name: "Share"}}, Data: v})
}

// createFromForm makes a link from the Share screen's form (CreateLink) and leads back to the
// screen showing it (303); a refused form is shown again with the field's message (400).
func (s *Service) createFromForm(c *gin.Context) error {
	actor, sub, p, err := s.editorPage(c)
	if err != nil {
		return err
	}
	f := shareForm{Name: c.PostForm("name"), Expires: c.PostForm("expires_on"),
		RequireEmail: c.PostForm("require_email") != "", AllowDownload: c.PostForm("allow_download") != ""}
	nl := NewLink{Name: f.Name, Password: c.PostForm("password"), RequireEmail: f.RequireEmail, AllowDownload: f.AllowDownload}
	if f.Expires != "" {
		day, perr := time.Parse("2006-01-02", f.Expires)
		if perr != nil {
			err = api.Invalid("expires_on", "The expiry must be a date such as 2026-12-31.")
		}
		end := api.NewTime(day.AddDate(0, 0, 1)) // the link works through that day (UTC)
		nl.ExpiresAt = &end
	}
	var l *Link
	if err == nil {
		l, err = s.CreateLink(c.Request.Context(), actor, sub, p.ID, nl)
	}
	var e *api.Error
	if err != nil && errors.As(err, &e) && (e.Code == api.CodeInvalid || e.Code == api.CodeConflict) {
		field := e.Field
		if field == "expires_at" {
			field = "expires_on"
		}
		return s.renderShare(c, http.StatusBadRequest, actor, sub, p, shareView{Form: f, Error: e.Message, Field: field})
	}
	if err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, sharePath(sub, p)+"?created="+strconv.FormatInt(l.ID, 10)+"#created")
	return nil
}

// revokeFromForm revokes a link of the page (RevokeLink) and leads back to the Share screen.
func (s *Service) revokeFromForm(c *gin.Context) error {
	actor, sub, p, err := s.editorPage(c)
	if err != nil {
		return err
	}
	l, err := s.pageLink(c, actor, sub, p)
	if err != nil {
		return err
	}
	if _, err := s.RevokeLink(c.Request.Context(), actor, sub, l.ID); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, sharePath(sub, p))
	return nil
}

// pageLink returns the URL's link, which must be of the URL's page.
func (s *Service) pageLink(c *gin.Context, actor *people.Actor, sub *people.Subsite, p *pages.Page) (*Link, error) {
	id, err := strconv.ParseInt(c.Param("link_id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, ErrLinkNotFound
	}
	l, err := s.FindLink(c.Request.Context(), actor, sub, id)
	if err == nil && l.PageID != p.ID {
		err = ErrLinkNotFound
	}
	return l, err
}

// viewsPage answers one link's views (ListViews).
func (s *Service) viewsPage(c *gin.Context) error {
	actor, sub, p, err := s.editorPage(c)
	if err != nil {
		return err
	}
	l, err := s.pageLink(c, actor, sub, p)
	if err != nil {
		return err
	}
	v, err := s.ListViews(c.Request.Context(), actor, sub, l.ID)
	if err != nil {
		return err
	}
	title := "Views of a share link"
	return webui.Render(c, http.StatusOK, "share-views.html", webui.Page{Title: title, Crumbs: []webui.Crumb{
		{Name: sub.Title, URL: "/@" + sub.Slug + "/"}, {Name: p.Title, URL: "/@" + sub.Slug + "/" + p.Slug + "/"},
		{Name: "Share", URL: sharePath(sub, p)}, {Name: "Views"}}, Data: struct {
		*LinkViews
		SharePath string
	}{v, sharePath(sub, p)}})
}
