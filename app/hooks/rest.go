package hooks

import (
	"embed"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/events"
	"quire/app/httpapi"
	"quire/people"
)

// OpenAPI holds this package's part of the OpenAPI document (openapi/*.yaml).
//
//go:embed openapi/*.yaml
var OpenAPI embed.FS

// Routes registers hooks/* and activity/ on the API group, whose middleware has already resolved
// the place and the actor.
func Routes(r gin.IRoutes, svc *Service) {
	h := httpapi.Handle
	r.POST("/hooks/subscribe/", h(svc.subscribe))
	r.POST("/hooks/unsubscribe/:hook_id/", h(svc.unsubscribe))
	r.GET("/hooks/all/", h(svc.listHooks))
	r.GET("/hooks/deliveries/:hook_id/", h(svc.listDeliveries))
	r.GET("/activity/", h(svc.listActivity))
}

func (s *Service) subscribe(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("target_url", "event")
	p.Require("target_url", "event")
	target, event := p.String("target_url"), p.String("event")
	if err := p.Err(); err != nil {
		return err
	}
	hook, err := s.Subscribe(c.Request.Context(), actor, place, target, event)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, hook)
	return nil
}

// hookID reads the :hook_id of the URL.
func hookID(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("hook_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid("hook_id", "The hook_id in the URL must be a positive integer, not %q.", c.Param("hook_id"))
	}
	return id, nil
}

func (s *Service) unsubscribe(c *gin.Context) error {
	actor, _ := people.RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow()
	if err := p.Err(); err != nil {
		return err
	}
	id, err := hookID(c)
	if err != nil {
		return err
	}
	if err := s.Unsubscribe(c.Request.Context(), actor, id); err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true})
	return nil
}

func (s *Service) listHooks(c *gin.Context) error {
	actor, _ := people.RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	q := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.HooksReader(actor)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*events.Hook]{DB: s.DB, Budget: s.Budget, Query: q, Read: read})
	return nil
}

func (s *Service) listDeliveries(c *gin.Context) error {
	actor, _ := people.RequestContext(c)
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	q := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		return err
	}
	id, err := hookID(c)
	if err != nil {
		return err
	}
	read, err := s.DeliveriesReader(c.Request.Context(), actor, id)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*events.Delivery]{DB: s.DB, Budget: s.Budget, Query: q, Read: read})
	return nil
}

func (s *Service) listActivity(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	read, err := s.ActivityReader(actor, place)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	q := httpapi.ParseList(p)
	if err := p.Err(); err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*events.Item]{DB: s.DB, Budget: s.Budget, Query: q, Read: read})
	return nil
}
