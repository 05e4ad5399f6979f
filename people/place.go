package people

import (
	"context"

	"github.com/gin-gonic/gin"
)

// Place is where a request is addressed: a subsite URL (/@slug/...), or the site-wide URL, where
// subsite endpoints act on the default subsite.
type Place struct {
	Subsite  *Subsite
	SiteWide bool
}

type placeKey struct{}

// WithPlace returns ctx carrying the request's place.
func WithPlace(ctx context.Context, p Place) context.Context {
	return context.WithValue(ctx, placeKey{}, p)
}

// PlaceFrom returns the request's place; app's subsite middleware always sets one on API routes.
func PlaceFrom(ctx context.Context) Place {
	p, _ := ctx.Value(placeKey{}).(Place)
	return p
}

// RequestContext returns the actor and place of an API request, which app's middleware set.
func RequestContext(c *gin.Context) (*Actor, Place) {
	ctx := c.Request.Context()
	return ActorFrom(ctx), PlaceFrom(ctx)
}
