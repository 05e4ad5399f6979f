package links

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// Routes registers the links endpoints on the API group, whose middleware has already resolved
// the subsite and the caller. Managing links takes an editor of the page's subsite; a token
// needs pages:write (through people.Edit).
func (s *Service) Routes(r gin.IRoutes) {
	h := httpapi.Handle
	r.POST("/page/:page_id/links/create/", h(s.createHandler))
	r.GET("/page/:page_id/links/", h(s.listHandler))
	r.POST("/links/revoke/:link_id/", h(s.revokeHandler))
	r.GET("/links/views/:link_id/", h(s.viewsHandler))
}

// pathID reads a positive integer path parameter.
func pathID(c *gin.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid(name, "The %s in the URL must be a positive integer, not %q.", name, c.Param(name))
	}
	return id, nil
}

// editorRequest checks the caller may manage links in the request's subsite (non-members get
// 404) before anything is read, and returns them.
func editorRequest(c *gin.Context) (*people.Actor, *people.Subsite, error) {
	actor, place := people.RequestContext(c)
	return actor, place.Subsite, actor.Can(people.Edit, place.Subsite.ID)
}

// createHandler answers POST page/:page_id/links/create/ (CreateLink): the link with its url.
func (s *Service) createHandler(c *gin.Context) error {
	actor, sub, err := editorRequest(c)
	if err != nil {
		return err
	}
	pageID, err := pathID(c, "page_id")
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("name", "password", "expires_at", "require_email", "allow_download")
	nl := NewLink{Name: p.String("name"), Password: p.String("password"),
		RequireEmail: p.Bool("require_email", false), AllowDownload: p.Bool("allow_download", false)}
	if raw := p.String("expires_at"); raw != "" {
		t, err := api.ParseTime(raw)
		if err != nil {
			p.Fail(api.Invalid("expires_at", "Parameter \"expires_at\" must be a time such as 2026-12-31T17:00:00Z, not %q.", raw))
		}
		nl.ExpiresAt = &t
	}
	if err := p.Err(); err != nil {
		return err
	}
	l, err := s.CreateLink(c.Request.Context(), actor, sub, pageID, nl)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, l)
	return nil
}

// listHandler answers GET page/:page_id/links/ (ListLinks): a bare array, newest first.
func (s *Service) listHandler(c *gin.Context) error {
	actor, sub, err := editorRequest(c)
	if err != nil {
		return err
	}
	pageID, err := pathID(c, "page_id")
	if err != nil {
		return err
	}
	list, err := s.ListLinks(c.Request.Context(), actor, sub, pageID)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, list)
	return nil
}

// revokeHandler answers POST links/revoke/:link_id/ (RevokeLink): the link, revoked.
func (s *Service) revokeHandler(c *gin.Context) error {
	actor, sub, err := editorRequest(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "link_id")
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	if p.Allow(); p.Err() != nil { // the action takes no parameters: one sent is a mistake
		return p.Err()
	}
	l, err := s.RevokeLink(c.Request.Context(), actor, sub, id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, l)
	return nil
}

// viewsHandler answers GET links/views/:link_id/ (ListViews).
func (s *Service) viewsHandler(c *gin.Context) error {
	actor, sub, err := editorRequest(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "link_id")
	if err != nil {
		return err
	}
	v, err := s.ListViews(c.Request.Context(), actor, sub, id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, v)
	return nil
}
