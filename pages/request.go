package pages

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

// start checks that the caller may do act in the request's subsite (non-members get 404) and
// parses the parameters. On failure it records the error and returns nil.
func start(c *gin.Context, act people.Action) *request {
	actor, place := people.RequestContext(c)
	if err := actor.Can(act, place.Subsite.ID); err != nil {
		c.Error(err)
		return nil
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		c.Error(err)
		return nil
	}
	return &request{c: c, ctx: c.Request.Context(), actor: actor, sub: place.Subsite, p: p}
}

// failed records err, if any, as the answer and reports whether there was one.
func (r *request) failed(err error) bool {
	if err != nil {
		r.c.Error(err)
		return true
	}
	return false
}

// id reads a positive integer path parameter such as :page_id.
func (r *request) id(name string) (int64, error) {
	id, err := strconv.ParseInt(r.c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid(name, "The %s in the URL must be a positive integer, not %q.", name, r.c.Param(name))
	}
	return id, nil
}
