package tokens

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// Routes registers the token endpoints on the API group, whose middleware has already resolved
// the place and the actor. They act on the caller's tokens whatever the URL's subsite: a token's
// subsite is in its body.
func (s *Service) Routes(r gin.IRoutes) {
	h := httpapi.Handle
	r.GET("/tokens/all/", h(s.listTokens))
	r.POST("/tokens/create/", h(s.createToken))
	r.POST("/tokens/rename/:token_id/", h(s.renameToken))
	r.POST("/tokens/revoke/:token_id/", h(s.revokeToken))
}

// maxTokenItemBytes is the most one token of tokens/all takes in JSON (a name of 200
// characters, nine scopes, a slug, times).
const maxTokenItemBytes = 4 << 10

// Created is the answer of tokens/create: the token, and its secret, shown this once.
type Created struct {
	*people.Token
	Secret string `json:"token"`
}

func (s *Service) listTokens(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("limit", "cursor", "all")
	list := httpapi.ParseList(p)
	everyone := p.Bool("all", false)
	if err := p.Err(); err != nil {
		return err
	}
	read, err := s.Lister(people.ActorFrom(c.Request.Context()), everyone)
	if err != nil {
		return err
	}
	httpapi.AnswerList(c, httpapi.List[*people.Token]{DB: s.People.DB, Budget: s.People.Budget, Query: list, Read: read, ItemBytes: maxTokenItemBytes})
	return nil
}

func (s *Service) createToken(c *gin.Context) error {
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("name", "scopes", "subsite", "expires_at")
	p.Require("name", "scopes")
	req := Request{Name: p.String("name"), Scopes: p.Strings("scopes"), Subsite: p.String("subsite")}
	if at := p.String("expires_at"); at != "" {
		t, err := api.ParseTime(at)
		if err != nil {
			p.Fail(api.Invalid("expires_at", "Parameter \"expires_at\": %v.", err))
		}
		req.ExpiresAt = &t.Time
	}
	if err := p.Err(); err != nil {
		return err
	}
	secret, tok, err := s.Create(c.Request.Context(), people.ActorFrom(c.Request.Context()), req)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, Created{Token: tok, Secret: secret})
	return nil
}

func (s *Service) renameToken(c *gin.Context) error {
	id, err := tokenParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow("name")
	p.Require("name")
	name := p.String("name")
	if err := p.Err(); err != nil {
		return err
	}
	tok, err := s.Rename(c.Request.Context(), people.ActorFrom(c.Request.Context()), id, name)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, tok)
	return nil
}

func (s *Service) revokeToken(c *gin.Context) error {
	id, err := tokenParam(c)
	if err != nil {
		return err
	}
	p, err := httpapi.ParseParams(c)
	if err != nil {
		return err
	}
	p.Allow()
	if err := p.Err(); err != nil {
		return err
	}
	tok, err := s.Revoke(c.Request.Context(), people.ActorFrom(c.Request.Context()), id)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, gin.H{"success": true, "token": tok})
	return nil
}

// tokenParam reads the :token_id path parameter.
func tokenParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("token_id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, api.Invalid("token_id", "The token id in the URL must be a positive integer.")
	}
	return id, nil
}
