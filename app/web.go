package app

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/app/webui"
	"quire/pages/activity"
	"quire/pages/discussions"
	"quire/pages/records"
	pagesweb "quire/pages/web"
	"quire/people"
	peopleweb "quire/people/web"
)

// webPages registers the signed-in web pages of each domain on r.
func (s *Server) webPages(r gin.IRoutes) {
	pw := &pagesweb.Handler{Pages: s.Pages, Activity: &activity.Service{Pages: s.Pages},
		Records: &records.Service{Pages: s.Pages}, Discussions: &discussions.Service{Pages: s.Pages}, People: s.People}
	pw.Routes(r)
	pw.EditRoutes(r)
	s.Search.Sidebar = func(c *gin.Context) (template.HTML, error) { return pw.Sidebar(c, nil) }
	s.Search.WebRoutes(r)
	(&peopleweb.Handler{People: s.People}).SignedInRoutes(r)
	s.Links.WebRoutes(r)
}

// limitSignedIn limits web pages per person once authenticated, at --session-rate (a person
// reading and opening folders, not a script), and per address before (webRate), so that
// colleagues behind one address do not share one budget.
func (s *Server) limitSignedIn(c *gin.Context) {
	key, rate := "web:"+c.ClientIP(), webRate
	if a := people.ActorFrom(c.Request.Context()); a != nil {
		key, rate = "webuser:"+strconv.FormatInt(a.User.ID, 10), s.cfg.sessionRate
	}
	if v := s.limiter.take(key, rate); !v.allowed {
		c.Header("Retry-After", ceilSeconds(v.retry))
		s.answerErrorPage(c, http.StatusTooManyRequests, "Too many requests; try again in a minute.")
	}
}

// requireWebPlace is requirePlace for web pages, after webSession: someone signed out is sent to
// sign in (303 to /login?next=the page), and a subsite the person is not a member of is the web's one 404. It then
// records the frame's person and subsites (webui.SetFrame).
func (s *Server) requireWebPlace(c *gin.Context) {
	if people.ActorFrom(c.Request.Context()) == nil { // webSession found no one
		next := httpapi.PathPrefix(c.Request.Context()) + c.Request.URL.Path
		if c.Request.URL.RawQuery != "" {
			next += "?" + c.Request.URL.RawQuery
		}
		c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		c.Abort()
		return
	}
	s.requirePlace(c)
	if c.IsAborted() {
		return
	}
	s.setFrame(c)
}

// optionalFrame records the frame of a page that signed-out visitors may see too (/docs): a
// signed-in person's top bar, with the place the URL names; nothing for a visitor.
func (s *Server) optionalFrame(c *gin.Context) {
	if people.ActorFrom(c.Request.Context()) == nil {
		return
	}
	s.requirePlace(c)
	if !c.IsAborted() {
		s.setFrame(c)
	}
}

// setFrame records the frame's person and subsites (webui.SetFrame), once the actor and place
// are known.
func (s *Server) setFrame(c *gin.Context) {
	ctx := c.Request.Context()
	actor, place := people.ActorFrom(ctx), people.PlaceFrom(ctx)
	subs, err := s.People.MemberSubsites(ctx, actor)
	if err != nil {
		c.Error(err)
		c.Abort()
		return
	}
	f := webui.Frame{UserName: actor.User.Name, Owner: actor.User.IsOwner, SecureCookies: strings.HasPrefix(s.People.BaseURL, "https://")}
	for _, sub := range subs {
		link := webui.SubsiteLink{Slug: sub.Slug, Title: sub.Title, URL: "/@" + sub.Slug + "/",
			Current: !place.SiteWide && sub.ID == place.Subsite.ID}
		f.Subsites = append(f.Subsites, link)
	}
	for i := range f.Subsites {
		if f.Subsites[i].Current {
			f.Subsite = &f.Subsites[i]
		}
	}
	webui.SetFrame(c, f)
}
