package search

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// Routes registers the search endpoint on the API group, whose middleware has already resolved
// the subsite and the caller.
func (s *Service) Routes(r gin.IRoutes) {
	r.GET("/search/query/", httpapi.Handle(s.query))
}

// categories are the values of the cat filter.
var categories = []string{CatPage, CatFile, CatContact, CatForm, CatComment}

// query answers search/query: on the site URL, what the caller may see anywhere (a token needs
// the read scope); on a subsite URL, what the caller may see there.
func (s *Service) query(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	if place.SiteWide {
		if !actor.HasScope(people.ScopePagesRead) {
			return people.MissingScope(people.ScopePagesRead)
		}
	} else if err := actor.Can(people.View, place.Subsite.ID); err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	q := Query{Reader: actor}
	if !place.SiteWide {
		q.Subsite = place.Subsite
	}
	if err := parseQuery(p, &q); err != nil {
		return err
	}
	results, more, err := s.Search(c.Request.Context(), q)
	if err != nil {
		return err
	}
	if more {
		httpapi.SetNextLink(c, api.EncodeCursor(strconv.Itoa(q.Offset+q.Limit)))
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"results": results})
	return nil
}

// parseQuery reads the parameters q, limit, cat and cursor into q. It returns the validation
// errors of all of them.
func parseQuery(p *httpapi.Params, q *Query) error {
	q.Limit, q.Cat = int(p.Int("limit", defaultResults)), p.String("cat")
	if q.Limit < 1 || q.Limit > maxSearchLimit {
		p.Fail(api.Invalid("limit", "Parameter \"limit\" must be between 1 and %d.", maxSearchLimit))
	}
	if q.Cat != "" && !slices.Contains(categories, q.Cat) {
		p.Fail(api.Invalid("cat", "Parameter \"cat\" must be one of Page, File, Contact, Form, Comment."))
	}
	if cursor := httpapi.ParseList(p).Cursor; len(cursor) == 1 {
		offset, err := strconv.Atoi(cursor[0])
		if err != nil || offset < 0 {
			p.Fail(api.Invalid("cursor", "Parameter \"cursor\" is not a cursor this server gave out; start again without it."))
		}
		q.Offset = offset
	}
	p.Require("q")
	if p.Err() == nil {
		parsed, err := ParseQuery(p.String("q"))
		p.Fail(err)
		q.Match, q.terms = parsed.Match, parsed.terms
	}
	return p.Err()
}
