package rest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

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
func checkRole(p *httpapi.Params, name, text string) people.Role {
	role, ok := people.ParseRole(text)
	if text != "" && !ok {
		p.Fail(errNotRole(name))
	}
	return role
}

// requiredChoice reads name, the one parameter p may hold, with parse, recording in p's errors
// its absence or, failing that, notOne when parse refuses its value.
func requiredChoice[T any](p *httpapi.Params, name string, parse func(string) (T, bool), notOne error) T {
	p.Allow(name)
	p.Require(name)
	v, ok := parse(p.String(name))
	if p.Err() == nil && !ok {
		p.Fail(notOne)
	}
	return v
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

func (s handlers) listPeople(c *gin.Context) error {
	actor, place := people.RequestContext(c)
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
	httpapi.AnswerList(c, httpapi.List[*people.Person]{DB: s.DB, Budget: s.Budget, Query: list, Read: read, ItemBytes: maxPersonItemBytes})
	return nil
}

// answerPerson answers a people write: the person as a member of sub (or site-wide when sub is
// nil), with every membership when the caller is an owner.
func (s handlers) answerPerson(c *gin.Context, userID int64, sub *people.Subsite) error {
	var subsiteID int64
	if sub != nil {
		subsiteID = sub.ID
	}
	person, memberships, err := s.PersonView(c.Request.Context(), people.ActorFrom(c.Request.Context()), userID, subsiteID)
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

func (s handlers) invite(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("email_address", "name", "auto_join", "skip_welcome_email")
	p.Require("email_address")
	in := people.NewInvite{Email: p.String("email_address"), Name: p.String("name"), AutoJoin: p.Bool("auto_join", true),
		SkipWelcome: p.Bool("skip_welcome_email", false)}
	if err := p.Err(); err != nil {
		return err
	}
	u, err := s.InvitePerson(c.Request.Context(), people.ActorFrom(c.Request.Context()), in)
	if err != nil {
		return err
	}
	return s.answerPerson(c, u.ID, nil)
}

func (s handlers) issueResetLink(c *gin.Context) error {
	id, err := userParam(c)
	if err != nil {
		return err
	}
	link, err := s.IssueResetLink(c.Request.Context(), people.ActorFrom(c.Request.Context()), id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "link": link.URL, "expires_at": api.NewTime(link.ExpiresAt)})
	return nil
}

func (s handlers) deletePerson(c *gin.Context) error {
	id, err := userParam(c)
	if err != nil {
		return err
	}
	u, err := s.DeletePerson(c.Request.Context(), people.ActorFrom(c.Request.Context()), id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "user": s.PersonOf(u, nil), "subsites": []people.Membership{}})
	return nil
}

func (s handlers) addToSubsite(c *gin.Context) error {
	actor, place := people.RequestContext(c)
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
	in := people.MemberAdd{SkipWelcome: p.Bool("skip_welcome_email", false)}
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

func (s handlers) removeFromSubsite(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	if err := s.RemoveMember(c.Request.Context(), actor, place.Subsite.ID, id); err != nil {
		return err
	}
	return s.answerPerson(c, id, place.Subsite)
}

func (s handlers) setPermission(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	role := requiredChoice(p, "role", people.ParseRole, errNotRole("role"))
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := s.SetRole(c.Request.Context(), actor, place.Subsite.ID, id, role); err != nil {
		return err
	}
	return s.answerPerson(c, id, place.Subsite)
}

func (s handlers) setNotifications(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	id, err := userParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	level := requiredChoice(p, "notifications", people.ParseNotifications,
		api.Invalid("notifications", "Parameter \"notifications\" must be off, on or digest."))
	if err := p.Err(); err != nil {
		return err
	}
	if _, err := s.SetNotifications(c.Request.Context(), actor, place.Subsite.ID, id, level); err != nil {
		return err
	}
	return s.answerPerson(c, id, place.Subsite)
}
