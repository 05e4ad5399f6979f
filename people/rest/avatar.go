package rest

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/people"
)

// serveAvatar answers GET /avatar/ID.svg: the person's picture (people.Service.AvatarSVG) to
// those who may see the person; others get 404.
func (s handlers) serveAvatar(c *gin.Context) error {
	idText, ok := strings.CutSuffix(c.Param("file"), ".svg")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return api.NotFound("No such avatar; avatars are at /avatar/ID.svg.")
	}
	svg, err := s.AvatarSVG(c.Request.Context(), people.ActorFrom(c.Request.Context()), id)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "private, max-age=3600")
	c.Header("Content-Security-Policy", "default-src 'none'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, "image/svg+xml", svg)
	return nil
}
