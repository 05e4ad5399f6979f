package rest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
	"quire/people/mail"
)

func (s handlers) listSubsites(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("limit", "cursor")
	list := httpapi.ParseList(p)
	if err := list.CheckCursor(1); err != nil {
		p.Fail(err)
	}
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.SubsitesReader(people.ActorFrom(c.Request.Context()))
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*people.Subsite]{DB: s.DB, Budget: s.Budget, Query: list, Read: read, ItemBytes: maxSubsiteItemBytes})
	return nil
}

func (s handlers) createSubsite(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("title", "description", "slug", "default_role", "auto_join")
	ns := people.NewSubsite{Title: p.String("title"), Description: p.String("description"), Slug: p.String("slug"),
		AutoJoin: p.Bool("auto_join", false)}
	p.Require("title")
	ns.DefaultRole = checkRole(p, "default_role", p.String("default_role"))
	if err := p.Err(); err != nil {
		return err
	}
	sub, err := s.AddSubsite(c.Request.Context(), people.ActorFrom(c.Request.Context()), ns)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, sub)
	return nil
}

func (s handlers) updateSubsite(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("subsite_id"), 10, 64)
	if err != nil || id <= 0 {
		return api.Invalid("subsite_id", "The subsite_id in the URL must be a positive integer, not %q.", c.Param("subsite_id"))
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("title", "description", "default_role", "auto_join")
	ch := people.SubsiteChange{Title: p.OptString("title"), Description: p.OptString("description")}
	if p.Has("auto_join") {
		v := p.Bool("auto_join", false)
		ch.AutoJoin = &v
	}
	if r := p.OptString("default_role"); r != nil {
		role, ok := people.ParseRole(*r)
		if !ok {
			p.Fail(errNotRole("default_role"))
		}
		ch.DefaultRole = &role
	}
	if err := p.Err(); err != nil {
		return err
	}
	sub, err := s.UpdateSubsite(c.Request.Context(), people.ActorFrom(c.Request.Context()), id, ch)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, sub)
	return nil
}

func (s handlers) listOutbox(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("limit", "cursor")
	list := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.OutboxReader(people.ActorFrom(c.Request.Context()))
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*mail.Mail]{DB: s.DB, Budget: s.Budget, Query: list, Read: read})
	return nil
}

// authDebug answers who the caller is: user, token (nil for a browser session), scopes, the
// rate limit applied to this request, and the caller's role in the URL's subsite.
func (s handlers) authDebug(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	h := c.Writer.Header() // the rate limiter set them before this handler ran
	number := func(name string) int {
		n, _ := strconv.Atoi(h.Get(name))
		return n
	}
	body := gin.H{
		"user":     s.PersonOf(actor.User, nil),
		"subsite":  place.Subsite.Slug,
		"role":     actor.Role(place.Subsite.ID),
		"token":    nil,
		"scopes":   people.AllScopes,
		"rate":     c.GetString(httpapi.KeyRate),
		"is_owner": actor.User.IsOwner,
		"rate_limit": gin.H{"rate": c.GetString(httpapi.KeyRate), "limit": number("RateLimit-Limit"),
			"remaining": number("RateLimit-Remaining"), "reset": number("RateLimit-Reset")},
	}
	if actor.Token != nil {
		body["token"] = actor.Token
		body["scopes"] = actor.Token.Scopes
	}
	httpapi.JSON(c, http.StatusOK, body)
	return nil
}
