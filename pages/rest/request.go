package rest

import (
	"context"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// request is what every handler of this package starts with: the caller, allowed to do the
// action in the subsite the URL names, and the request's parameters.
type request struct {
	c     *gin.Context
	ctx   context.Context
	actor *people.Actor
	sub   *people.Subsite
	p     *httpapi.Params
}

// start checks that the caller may do act in the request's subsite (non-members get 404), before
// a parameter is read, and parses the parameters. The operation the handler calls checks again:
// this check only keeps the order of errors (not found before invalid) that clients see.
func start(c *gin.Context, act people.Action) (*request, error) {
	actor, place := people.RequestContext(c)
	if err := actor.Can(act, place.Subsite.ID); err != nil {
		return nil, err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return nil, err
	}
	return &request{c: c, ctx: c.Request.Context(), actor: actor, sub: place.Subsite, p: p}, nil
}

// id reads a positive integer path parameter such as :page_id.
func (r *request) id(name string) (int64, error) {
	id, err := strconv.ParseInt(r.c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid(name, "The %s in the URL must be a positive integer, not %q.", name, r.c.Param(name))
	}
	return id, nil
}

// ids reads the positive integer path parameters :page_id and :widget_id, in that order.
func (r *request) ids() (pageID, widgetID int64, err error) {
	if pageID, err = r.id("page_id"); err != nil {
		return 0, 0, err
	}
	widgetID, err = r.id("widget_id")
	return pageID, widgetID, err
}
