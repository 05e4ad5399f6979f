package pages

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// searchCategories are the values of the cat filter.
var searchCategories = []string{CatPage, CatFile, CatContact, CatForm, CatComment}

func (s *Service) search(c *gin.Context) {
	actor, place := people.RequestContext(c)
	var err error
	if place.SiteWide {
		if !actor.HasScope(people.ScopeRead) {
			err = people.MissingScope(people.ScopeRead)
		}
	} else {
		err = actor.Can(people.View, place.Subsite.ID)
	}
	p, perr := httpapi.ParseParams(c)
	if err != nil || perr != nil {
		c.Error(firstError(err, perr))
		return
	}
	q := SearchQuery{Reader: actor, Limit: int(p.Int("limit", defaultResults)), Cat: p.String("cat")}
	if !place.SiteWide {
		q.Subsite = place.Subsite
	}
	if q.Limit < 1 || q.Limit > maxSearchLimit {
		p.Fail(api.Invalid("limit", "Parameter \"limit\" must be between 1 and %d.", maxSearchLimit))
	}
	if q.Cat != "" && !contains(searchCategories, q.Cat) {
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
		parsed, err := ParseSearch(p.String("q"))
		p.Fail(err)
		q.Match, q.terms = parsed.Match, parsed.terms
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	results, more, err := s.Search(c.Request.Context(), q)
	if err != nil {
		c.Error(err)
		return
	}
	if more {
		httpapi.SetNextLink(c, api.EncodeCursor(strconv.Itoa(q.Offset+q.Limit)))
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"results": results})
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
