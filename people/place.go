package people

import (
	"context"

	"github.com/gin-gonic/gin"

	"quire/app/api"
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

// SiteWideOnly refuses a subsite URL for endpoints that act on the whole site.
func SiteWideOnly(c *gin.Context) {
	if !PlaceFrom(c.Request.Context()).SiteWide {
		c.Error(api.Invalid("", "This action is site-wide: call %s without the /@%s prefix.",
			c.Request.URL.Path, PlaceFrom(c.Request.Context()).Subsite.Slug))
		c.Abort()
	}
}

// SubsiteOnly refuses the site-wide URL for endpoints that act on one subsite's members.
func SubsiteOnly(c *gin.Context) {
	if PlaceFrom(c.Request.Context()).SiteWide {
		c.Error(api.Invalid("", "This action acts on one subsite: call it on the subsite's URL, such as /@%s%s.",
			DefaultSlug, c.Request.URL.Path))
		c.Abort()
	}
}

// RequestContext returns the actor and place of an API request, which app's middleware set.
func RequestContext(c *gin.Context) (*Actor, Place) {
	ctx := c.Request.Context()
	return ActorFrom(ctx), PlaceFrom(ctx)
}
