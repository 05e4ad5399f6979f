package tags

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// maxTagItemBytes bounds one tag of tags/all in JSON: a name of MaxNameSize characters (4 bytes
// each, escaped at worst) twice, in the name and the URL, and the rest of the object.
const maxTagItemBytes = 2048

// Routes registers the tag endpoints of the REST API v1 on r, the API group (subsite and caller
// resolved): GET tags/all/, POST tags/rename/, tags/merge/, tags/delete/.
func Routes(r gin.IRoutes, s *Service) {
	h := httpapi.Handle
	r.GET("/tags/all/", h(s.listTags))
	r.POST("/tags/rename/", h(s.renameTag))
	r.POST("/tags/merge/", h(s.mergeTags))
	r.POST("/tags/delete/", h(s.deleteTag))
}

// listTags answers the subsite's tags with their page counts (ReadTags), with limit and cursor.
func (s *Service) listTags(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	list := httpapi.ParseList(p)
	if list.Since != nil {
		p.Fail(api.Invalid("since", "Parameter \"since\" is not taken by tags/all: tags have no time of their own; "+
			"poll pages/all with since for retagged pages."))
	}
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.ReadTags(c.Request.Context(), actor, place.Subsite)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*Tag]{DB: s.Pages.DB, Budget: s.Pages.Budget, Query: list, ItemBytes: maxTagItemBytes, Read: read})
	return nil
}

// renameTag answers RenameTag of {"tag", "to"}.
func (s *Service) renameTag(c *gin.Context) error {
	return s.change(c, []string{"tag", "to"}, func(r *request) (*Change, error) {
		from, to := r.p.String("tag"), r.p.String("to")
		if err := r.p.Err(); err != nil {
			return nil, err
		}
		return s.RenameTag(r.ctx, r.actor, r.sub, from, to)
	})
}

// mergeTags answers MergeTags of {"tags": [...], "into"}.
func (s *Service) mergeTags(c *gin.Context) error {
	return s.change(c, []string{"tags", "into"}, func(r *request) (*Change, error) {
		from, into := r.p.Strings("tags"), r.p.String("into")
		if err := r.p.Err(); err != nil {
			return nil, err
		}
		return s.MergeTags(r.ctx, r.actor, r.sub, from, into)
	})
}

// deleteTag answers DeleteTag of {"tag"}.
func (s *Service) deleteTag(c *gin.Context) error {
	return s.change(c, []string{"tag"}, func(r *request) (*Change, error) {
		name := r.p.String("tag")
		if err := r.p.Err(); err != nil {
			return nil, err
		}
		return s.DeleteTag(r.ctx, r.actor, r.sub, name)
	})
}

// request is what a tag write reads of its HTTP request.
type request struct {
	ctx   context.Context
	actor *people.Actor
	sub   *people.Subsite
	p     *httpapi.Params
}

// change checks that the caller may edit before reading the body, allows and requires exactly
// names, runs op (which reads them, and returns p.Err() for one of the wrong type) and answers its
// Change.
func (s *Service) change(c *gin.Context, names []string, op func(r *request) (*Change, error)) error {
	actor, place := people.RequestContext(c)
	if err := actor.Can(people.Edit, place.Subsite.ID); err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow(names...)
	p.Require(names...)
	if err := p.Err(); err != nil {
		return err
	}
	ch, err := op(&request{ctx: c.Request.Context(), actor: actor, sub: place.Subsite, p: p})
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, ch)
	return nil
}
