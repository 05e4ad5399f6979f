package people

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people/mail"
)

// Routes registers the people, subsite, invitation, outbox and auth endpoints on the API group,
// whose middleware has already resolved the place and the actor. Each handler parses the request,
// calls one operation of Service and answers its result; errors go to app's one error writer.
func (s *Service) Routes(r gin.IRoutes) {
	w, h := httpapi.WithSuccessField, httpapi.Handle
	r.GET("/people/all/", h(s.listPeople))
	r.POST("/people/invite/", w, SiteWideOnly, h(s.invite))
	r.POST("/people/delete/:user_id/", w, SiteWideOnly, h(s.deletePerson))
	r.POST("/people/reset_link/:user_id/", w, SiteWideOnly, h(s.issueResetLink))
	r.POST("/people/add_to_subsite/:user_id/", w, h(s.addToSubsite))
	r.POST("/people/remove_from_subsite/:user_id/", w, SubsiteOnly, h(s.removeFromSubsite))
	r.POST("/people/set_permission/:user_id/", w, SubsiteOnly, h(s.setPermission))
	r.POST("/people/set_notifications/:user_id/", w, SubsiteOnly, h(s.setNotifications))

	r.GET("/subsites/all/", SiteWideOnly, h(s.listSubsites))
	r.POST("/subsites/all/", SiteWideOnly, h(s.listSubsites))
	r.POST("/subsites/create/", SiteWideOnly, h(s.createSubsite))
	r.POST("/subsites/update/:subsite_id/", h(s.updateSubsite))

	r.GET("/mail/outbox/", SiteWideOnly, h(s.listOutbox))
	r.GET("/auth/debug/", h(s.authDebug))
}

// idParam reads a positive integer id from the path parameter name.
func idParam(c *gin.Context, name, what string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid(name, "The %s in the URL must be a positive integer.", what)
	}
	return id, nil
}

// userParam reads the :user_id path parameter.
func userParam(c *gin.Context) (int64, error) { return idParam(c, "user_id", "person id") }

// checkRole reads text, the value of the optional parameter name, as a role, recording in p's
// errors a value that is not one.
func checkRole(p *httpapi.Params, name, text string) Role {
	role, ok := ParseRole(text)
	if text != "" && !ok {
		p.Fail(errNotRole(name))
	}
	return role
}

func errNotRole(name string) error {
	return api.Invalid(name, "Parameter %q must be viewer, editor or admin.", name)
}

// The most one person of people/all and one subsite of subsites/all take in JSON (names,
// addresses and a description of at most 2,000 bytes, and the rest).
const (
	maxPersonItemBytes  = 4 << 10
	maxSubsiteItemBytes = 4 << 10
)

func (s *Service) listPeople(c *gin.Context) error {
	actor, place := RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	list := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.DirectoryReader(actor, place)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*Person]{DB: s.DB, Budget: s.Budget, Query: list, Read: read, ItemBytes: maxPersonItemBytes})
	return nil
}

// answerPerson answers a people write: the person as a member of sub (or site-wide when sub is
// nil), with every membership when the caller is an owner.
func (s *Service) answerPerson(c *gin.Context, userID int64, sub *Subsite) error {
	var subsiteID int64
	if sub != nil {
		subsiteID = sub.ID
	}
	person, memberships, err := s.PersonView(c.Request.Context(), ActorFrom(c.Request.Context()), userID, subsiteID)
	if err != nil {
		return err
	}
	body := gin.H{"success": true, "user": person}
	if memberships != nil {
		body["subsites"] = memberships
	}
	httpapi.JSON(c, http.StatusOK, body)
	return nil
}

func (s *Service) invite(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("email_address", "name", "auto_join", "skip_welcome_email")
	p.Require("email_address")
	in := NewInvite{Email: p.String("email_address"), Name: p.String("name"), AutoJoin: p.Bool("auto_join", true),
		SkipWelcome: p.Bool("skip_welcome_email", false)}
	if err := p.Err(); err != nil {
		return err
	}
	u, err := s.InvitePerson(c.Request.Context(), ActorFrom(c.Request.Context()), in)
	if err != nil {
		return err
	}
	return s.answerPerson(c, u.ID, nil)
}

func (s *Service) issueResetLink(c *gin.Context) error {
	id, err := userParam(c)
	if err != nil {
		return err
	}
	link, err := s.IssueResetLink(c.Request.Context(), ActorFrom(c.Request.Context()), id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "link": link.URL, "expires_at": api.NewTime(link.ExpiresAt)})
	return nil
}

func (s *Service) deletePerson(c *gin.Context) error {
	id, err := userParam(c)
	if err != nil {
		return err
	}
	u, err := s.DeletePerson(c.Request.Context(), ActorFrom(c.Request.Context()), id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "user": s.PersonOf(u, nil), "subsites": []Membership{}})
	return nil
}

func (s *Service) addToSubsite(c *gin.Context) error {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("role", "skip_welcome_email", "subsite_id")
	roleText, subsiteID := p.String("role"), p.OptInt("subsite_id")
	in := MemberAdd{SkipWelcome: p.Bool("skip_welcome_email", false)}
	in.Role = checkRole(p, "role", roleText)
	if place.SiteWide && subsiteID == nil {
		p.Fail(api.Invalid("subsite_id", "On the site-wide URL, give \"subsite_id\", or call the subsite's URL."))
	}
	if err := p.Err(); err != nil {
		return err
	}
	if subsiteID == nil {
		subsiteID = &place.Subsite.ID
	}
	sub, err := s.AddMember(c.Request.Context(), actor, *subsiteID, id, in)
	if err != nil {
		return err
	}
	return s.answerPerson(c, id, sub)
}

func (s *Service) removeFromSubsite(c *gin.Context) error {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	if err := s.RemoveMember(c.Request.Context(), actor, place.Subsite.ID, id); err != nil {
		return err
	}
	return s.answerPerson(c, id, place.Subsite)
}

func (s *Service) setPermission(c *gin.Context) error {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("role")
	p.Require("role")
	role, ok := ParseRole(p.String("role"))
	if p.Err() == nil && !ok {
		p.Fail(errNotRole("role"))
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := s.SetRole(c.Request.Context(), actor, place.Subsite.ID, id, role); err != nil {
		return err
	}
	return s.answerPerson(c, id, place.Subsite)
}

func (s *Service) setNotifications(c *gin.Context) error {
	actor, place := RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("notifications")
	p.Require("notifications")
	level, ok := ParseNotifications(p.String("notifications"))
	if p.Err() == nil && !ok {
		p.Fail(api.Invalid("notifications", "Parameter \"notifications\" must be off, on or digest."))
	}
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := s.SetNotifications(c.Request.Context(), actor, place.Subsite.ID, id, level); err != nil {
		return err
	}
	return s.answerPerson(c, id, place.Subsite)
}

func (s *Service) listSubsites(c *gin.Context) error {
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
	read, err := s.SubsitesReader(ActorFrom(c.Request.Context()))
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*Subsite]{DB: s.DB, Budget: s.Budget, Query: list, Read: read, ItemBytes: maxSubsiteItemBytes})
	return nil
}

func (s *Service) createSubsite(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("title", "description", "slug", "default_role", "auto_join")
	ns := NewSubsite{Title: p.String("title"), Description: p.String("description"), Slug: p.String("slug"),
		AutoJoin: p.Bool("auto_join", false)}
	p.Require("title")
	ns.DefaultRole = checkRole(p, "default_role", p.String("default_role"))
	if err := p.Err(); err != nil {
		return err
	}
	sub, err := s.AddSubsite(c.Request.Context(), ActorFrom(c.Request.Context()), ns)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, sub)
	return nil
}

func (s *Service) updateSubsite(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("subsite_id"), 10, 64)
	if err != nil || id <= 0 {
		return api.Invalid("subsite_id", "The subsite_id in the URL must be a positive integer, not %q.", c.Param("subsite_id"))
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("title", "description", "default_role", "auto_join")
	ch := SubsiteChange{Title: p.OptString("title"), Description: p.OptString("description")}
	if p.Has("auto_join") {
		v := p.Bool("auto_join", false)
		ch.AutoJoin = &v
	}
	if r := p.OptString("default_role"); r != nil {
		role, ok := ParseRole(*r)
		if !ok {
			p.Fail(errNotRole("default_role"))
		}
		ch.DefaultRole = &role
	}
	if err := p.Err(); err != nil {
		return err
	}
	sub, err := s.UpdateSubsite(c.Request.Context(), ActorFrom(c.Request.Context()), id, ch)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, sub)
	return nil
}

func (s *Service) listOutbox(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("limit", "cursor")
	list := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.OutboxReader(ActorFrom(c.Request.Context()))
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*mail.Mail]{DB: s.DB, Budget: s.Budget, Query: list, Read: read})
	return nil
}

// authDebug answers who the caller is: user, token, scopes, rate and expiry.
func (s *Service) authDebug(c *gin.Context) error {
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
	return nil
}
