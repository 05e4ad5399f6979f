package rest

import (
	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// handlers are the REST API v1 handlers (httpapi.Handler) of the people domain: each parses its
// parameters, calls one operation of the embedded people.Service and answers.
type handlers struct{ *people.Service }

// Routes registers the people, subsite, outbox and auth endpoints on the API group, whose
// middleware has already resolved the place and the actor. Every route is written out, so that a
// path found in API.md or a log is found here by grep.
func Routes(r gin.IRoutes, svc *people.Service) {
	s := handlers{svc}
	w, h := httpapi.WithSuccessField, httpapi.Handle // a handler's error goes to app's one error writer
	r.GET("/people/all/", h(s.listPeople))
	r.POST("/people/invite/", w, siteWideOnly, h(s.invite))
	r.POST("/people/delete/:user_id/", w, siteWideOnly, h(s.deletePerson))
	r.POST("/people/reset_link/:user_id/", w, siteWideOnly, h(s.issueResetLink))
	r.POST("/people/add_to_subsite/:user_id/", w, h(s.addToSubsite))
	r.POST("/people/remove_from_subsite/:user_id/", w, subsiteOnly, h(s.removeFromSubsite))
	r.POST("/people/set_permission/:user_id/", w, subsiteOnly, h(s.setPermission))
	r.POST("/people/set_notifications/:user_id/", w, subsiteOnly, h(s.setNotifications))

	r.GET("/subsites/all/", siteWideOnly, h(s.listSubsites))
	r.POST("/subsites/all/", siteWideOnly, h(s.listSubsites))
	r.POST("/subsites/create/", siteWideOnly, h(s.createSubsite))
	r.POST("/subsites/update/:subsite_id/", h(s.updateSubsite))

	r.GET("/mail/outbox/", siteWideOnly, h(s.listOutbox))
	r.GET("/auth/debug/", h(s.authDebug))
}

// AvatarRoutes registers the avatar route on a group that authenticates like the API.
func AvatarRoutes(r gin.IRoutes, svc *people.Service) {
	s := handlers{svc}
	r.GET("/avatar/:file", httpapi.Handle(s.serveAvatar))
}

// siteWideOnly refuses a subsite URL for endpoints that act on the whole site.
func siteWideOnly(c *gin.Context) {
	if !people.PlaceFrom(c.Request.Context()).SiteWide {
		c.Error(api.Invalid("", "This action is site-wide: call %s without the /@%s prefix.",
			c.Request.URL.Path, people.PlaceFrom(c.Request.Context()).Subsite.Slug))
		c.Abort()
	}
}

// subsiteOnly refuses the site-wide URL for endpoints that act on one subsite's members.
func subsiteOnly(c *gin.Context) {
	if people.PlaceFrom(c.Request.Context()).SiteWide {
		c.Error(api.Invalid("", "This action acts on one subsite: call it on the subsite's URL, such as /@%s%s.",
			people.DefaultSlug, c.Request.URL.Path))
		c.Abort()
	}
}
