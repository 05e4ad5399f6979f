package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/app/webui"
	"quire/people"
)

// SignedInRoutes registers the people pages that live inside the frame, on app's signed-in web
// group (person, place and frame known): the site's people, for owners, with a password reset
// link for each. They are site-wide: on a subsite's URL they are the web's one 404.
func (h *Handler) SignedInRoutes(r gin.IRoutes) {
	r.GET("/-/people/", httpapi.Handle(h.peoplePage))
	r.POST("/-/people/:user_id/reset-link/", httpapi.Handle(h.makeResetLink))
}

// peopleBatch is how many people the people page lists at a time.
const peopleBatch = 100

// peopleData is the owners' people page: a batch of the site's people, and, after "Make reset
// link", the link made, shown this once.
type peopleData struct {
	People []*people.Person
	Next   string // the next batch, "" at the end
	CSRF   string
	Made   *madeLink
	Error  string
}

type madeLink struct {
	For     *people.Person
	URL     string
	Expires string
}

// ownerSiteWide checks that the request is an owner's on the site-wide URL: anyone else, and a
// subsite's URL, get the web's 404, as for a page that does not exist.
func ownerSiteWide(c *gin.Context) (*people.Actor, error) {
	actor, place := people.RequestContext(c)
	if !place.SiteWide || actor.Can(people.ManageSite, 0) != nil {
		return nil, people.ErrNotFound
	}
	return actor, nil
}

// peoplePage lists the site's people (the People Directory as owners read it, site-wide),
// newest first, each with a button that makes a password reset link.
func (h *Handler) peoplePage(c *gin.Context) error {
	if _, err := ownerSiteWide(c); err != nil {
		return err
	}
	return h.renderPeople(c, http.StatusOK, nil, "")
}

func (h *Handler) renderPeople(c *gin.Context, status int, made *madeLink, problem string) error {
	actor, place := people.RequestContext(c)
	read, err := h.People.DirectoryReader(actor, place)
	if err != nil {
		return err
	}
	list, next, err := read(c.Request.Context(), h.People.DB.R, api.ListQuery{Limit: peopleBatch, Cursor: c.QueryArray("c")})
	if err != nil {
		return err
	}
	d := peopleData{People: list, CSRF: webui.CSRFToken(c), Made: made, Error: problem}
	if len(next) > 0 {
		d.Next = "/-/people/?" + url.Values{"c": next}.Encode()
	}
	return webui.Render(c, status, "people.html", webui.Page{Title: "People", Crumbs: []webui.Crumb{{Name: "People"}}, Data: d})
}

// makeResetLink makes a one-time password reset link for a person (people.Service.IssueResetLink,
// as the API's people/reset_link) and shows it on the people page, once: it is in this answer
// only, never in a URL or a later page.
func (h *Handler) makeResetLink(c *gin.Context) error {
	actor, err := ownerSiteWide(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("user_id"), 10, 64)
	if err != nil || id <= 0 {
		return people.ErrUserNotFound
	}
	link, err := h.People.IssueResetLink(c.Request.Context(), actor, id)
	if r := webui.RefusalOf(err); r != nil {
		return h.renderPeople(c, http.StatusUnprocessableEntity, nil, r.Message)
	}
	if err != nil {
		return err
	}
	person, _, err := h.People.PersonView(c.Request.Context(), actor, id, 0)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	return h.renderPeople(c, http.StatusOK, &madeLink{For: person, URL: link.URL,
		Expires: link.ExpiresAt.UTC().Format("2 Jan 2006 15:04 UTC")}, "")
}
