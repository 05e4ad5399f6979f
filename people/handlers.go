package people

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
)

// Routes registers the people, subsite and auth endpoints on the API group, whose middleware
// has already resolved the place and the actor.
func (s *Service) Routes(r gin.IRoutes) {
	w := httpapi.WithSuccessField
	r.GET("/people/all/", s.listPeople)
	r.POST("/people/delete/:user_id/", w, SiteWideOnly, s.deletePerson)
	r.POST("/people/add_to_subsite/:user_id/", w, s.addToSubsite)
	r.POST("/people/remove_from_subsite/:user_id/", w, SubsiteOnly, s.removeFromSubsite)
	r.POST("/people/set_permission/:user_id/", w, SubsiteOnly, s.setPermission)
	r.POST("/people/set_notifications/:user_id/", w, SubsiteOnly, s.setNotifications)

	r.GET("/subsites/all/", SiteWideOnly, s.listSubsites)
	r.POST("/subsites/all/", SiteWideOnly, s.listSubsites)
	r.POST("/subsites/create/", SiteWideOnly, s.createSubsiteHandler)

	r.GET("/auth/debug/", s.authDebug)
	s.mailRoutes(r)
}

// userParam reads the :user_id path parameter.
func userParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("user_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid("user_id", "The person id in the URL must be a positive integer.")
	}
	return id, nil
}

// The most one person of people/all and one subsite of subsites/all take in JSON (names,
// addresses and a description of at most 2,000 bytes, and the rest).
const (
	maxPersonItemBytes  = 4 << 10
	maxSubsiteItemBytes = 4 << 10
)

func (s *Service) listPeople(c *gin.Context) {
	actor, place := RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	q := DirectoryQuery{Viewer: actor, List: httpapi.ParseList(p)}
	if !place.SiteWide {
		q.SubsiteID = place.Subsite.ID
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if place.SiteWide && !actor.HasScope(ScopeRead) {
		err = errMissingScope(ScopeRead)
	} else if !place.SiteWide {
		err = actor.Can(View, place.Subsite.ID)
	}
	if err != nil {
		c.Error(err)
		return
	}
	httpapi.AnswerList(c, httpapi.List[*Person]{DB: s.DB, Budget: s.Budget, Query: q.List, ItemBytes: maxPersonItemBytes,
		Read: func(ctx context.Context, db api.DBTX, list api.ListQuery) ([]*Person, []string, error) {
			q.List = list
			return s.ListPeople(ctx, db, q)
		}})
}

// answerPersonWrite answers a people write: the person as a member of sub (or site-wide when
// sub is nil), with every membership when the caller is an owner.
func (s *Service) answerPersonWrite(c *gin.Context, userID int64, sub *Subsite, extra gin.H) {
	ctx := c.Request.Context()
	actor := ActorFrom(ctx)
	u, err := FindUserByID(ctx, s.DB.R, userID)
	if err != nil {
		c.Error(err)
		return
	}
	memberships, err := MembershipsOf(ctx, s.DB.R, userID)
	if err != nil {
		c.Error(err)
		return
	}
	var here *Membership
	for i := range memberships {
		if sub != nil && memberships[i].SubsiteID == sub.ID {
			here = &memberships[i]
		}
	}
	body := gin.H{"success": true, "user": s.PersonOf(u, here)}
	if actor.User.IsOwner {
		if memberships == nil {
			memberships = []Membership{}
		}
		body["subsites"] = memberships
	}
	for k, v := range extra {
		body[k] = v
	}
	httpapi.JSON(c, http.StatusOK, body)
}

func (s *Service) deletePerson(c *gin.Context) {
	actor := ActorFrom(c.Request.Context())
	id, err := userParam(c)
	if err == nil {
		err = actor.Can(ManageSite, 0)
	}
	if err != nil {
		c.Error(err)
		return
	}
	u, err := s.DeleteUser(c.Request.Context(), id)
	if err != nil {
		c.Error(err)
		return
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "user": s.PersonOf(u, nil), "subsites": []Membership{}})
}

func (s *Service) addToSubsite(c *gin.Context) {
	ctx := c.Request.Context()
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		c.Error(err)
		return
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("role", "skip_welcome_email", "subsite_id")
	roleText, subsiteID := p.String("role"), p.OptInt("subsite_id")
	skipWelcome := p.Bool("skip_welcome_email", false)
	role, ok := ParseRole(roleText)
	if roleText != "" && !ok {
		p.Fail(api.Invalid("role", "Parameter \"role\" must be viewer, editor or admin."))
	}
	sub := place.Subsite
	if place.SiteWide && subsiteID == nil {
		p.Fail(api.Invalid("subsite_id", "On the site-wide URL, give \"subsite_id\", or call the subsite's URL."))
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if subsiteID != nil && *subsiteID != sub.ID {
		if sub, err = s.FindSubsiteByID(ctx, s.DB.R, *subsiteID); err != nil {
			c.Error(err)
			return
		}
	}
	if err := actor.Can(ManageMembers, sub.ID); err != nil {
		c.Error(err)
		return
	}
	welcomeBy := actor.User.ID
	if skipWelcome {
		welcomeBy = 0
	}
	if _, err := s.AddToSubsiteWelcome(ctx, sub, id, role, welcomeBy); err != nil {
		c.Error(err)
		return
	}
	s.answerPersonWrite(c, id, sub, nil)
}

func (s *Service) removeFromSubsite(c *gin.Context) {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err == nil {
		err = actor.Can(ManageMembers, place.Subsite.ID)
	}
	if err == nil {
		err = s.RemoveFromSubsite(c.Request.Context(), place.Subsite.ID, id)
	}
	if err != nil {
		c.Error(err)
		return
	}
	s.answerPersonWrite(c, id, place.Subsite, nil)
}

func (s *Service) setPermission(c *gin.Context) {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		c.Error(err)
		return
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("role")
	p.Require("role")
	role, ok := ParseRole(p.String("role"))
	if p.Err() == nil && !ok {
		p.Fail(api.Invalid("role", "Parameter \"role\" must be viewer, editor or admin."))
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if err := actor.Can(ManageMembers, place.Subsite.ID); err != nil {
		c.Error(err)
		return
	}
	if _, err := s.SetRole(c.Request.Context(), place.Subsite.ID, id, role); err != nil {
		c.Error(err)
		return
	}
	s.answerPersonWrite(c, id, place.Subsite, nil)
}

func (s *Service) setNotifications(c *gin.Context) {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		c.Error(err)
		return
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("notifications")
	p.Require("notifications")
	level, ok := ParseNotifications(p.String("notifications"))
	if p.Err() == nil && !ok {
		p.Fail(api.Invalid("notifications", "Parameter \"notifications\" must be off, on or digest."))
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	// Members set their own level; admins set anyone's.
	action := ManageMembers
	if id == actor.User.ID {
		action = ChangeOwnSettings
	}
	if err := actor.Can(action, place.Subsite.ID); err != nil {
		c.Error(err)
		return
	}
	if _, err := s.SetNotifications(c.Request.Context(), place.Subsite.ID, id, level); err != nil {
		c.Error(err)
		return
	}
	s.answerPersonWrite(c, id, place.Subsite, nil)
}

func (s *Service) listSubsites(c *gin.Context) {
	actor := ActorFrom(c.Request.Context())
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("limit", "cursor")
	list := httpapi.ParseList(p)
	if err := list.CheckCursor(1); err != nil {
		p.Fail(err)
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if err := actor.Can(ManageSite, 0); err != nil {
		c.Error(err)
		return
	}
	httpapi.AnswerList(c, httpapi.List[*Subsite]{DB: s.DB, Budget: s.Budget, Query: list, Read: s.ListSubsites,
		ItemBytes: maxSubsiteItemBytes})
}

func (s *Service) createSubsiteHandler(c *gin.Context) {
	actor := ActorFrom(c.Request.Context())
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return
	}
	p.Allow("title", "description", "slug", "default_role", "auto_join")
	ns := NewSubsite{Title: p.String("title"), Description: p.String("description"), Slug: p.String("slug"),
		AutoJoin: p.Bool("auto_join", false)}
	p.Require("title")
	if r := p.String("default_role"); r != "" {
		var ok bool
		if ns.DefaultRole, ok = ParseRole(r); !ok {
			p.Fail(api.Invalid("default_role", "Parameter \"default_role\" must be viewer, editor or admin."))
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if err := actor.Can(ManageSite, 0); err != nil {
		c.Error(err)
		return
	}
	sub, err := s.CreateSubsite(c.Request.Context(), ns, actor.User.ID)
	if err != nil {
		c.Error(err)
		return
	}
	httpapi.JSON(c, http.StatusOK, sub)
}

// authDebug answers who the caller is: user, token, scopes, rate and expiry.
func (s *Service) authDebug(c *gin.Context) {
	actor, place := RequestContext(c)
	body := gin.H{
		"user":     s.PersonOf(actor.User, nil),
		"subsite":  place.Subsite.Slug,
		"role":     actor.Role(place.Subsite.ID),
		"token":    nil,
		"scopes":   AllScopes,
		"rate":     c.GetString(httpapi.KeyRate),
		"is_owner": actor.User.IsOwner,
	}
	if actor.Token != nil {
		body["token"] = actor.Token
		body["scopes"] = actor.Token.Scopes
	}
	httpapi.JSON(c, http.StatusOK, body)
}
