package rest

import (
	"github.com/gin-gonic/gin"

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
	r.POST("/people/invite/", w, people.SiteWideOnly, h(s.invite))
	r.POST("/people/delete/:user_id/", w, people.SiteWideOnly, h(s.deletePerson))
	r.POST("/people/reset_link/:user_id/", w, people.SiteWideOnly, h(s.issueResetLink))
	r.POST("/people/add_to_subsite/:user_id/", w, h(s.addToSubsite))
	r.POST("/people/remove_from_subsite/:user_id/", w, people.SubsiteOnly, h(s.removeFromSubsite))
	r.POST("/people/set_permission/:user_id/", w, people.SubsiteOnly, h(s.setPermission))
	r.POST("/people/set_notifications/:user_id/", w, people.SubsiteOnly, h(s.setNotifications))

	r.GET("/subsites/all/", people.SiteWideOnly, h(s.listSubsites))
	r.POST("/subsites/all/", people.SiteWideOnly, h(s.listSubsites))
	r.POST("/subsites/create/", people.SiteWideOnly, h(s.createSubsite))
	r.POST("/subsites/update/:subsite_id/", h(s.updateSubsite))

	r.GET("/mail/outbox/", people.SiteWideOnly, h(s.listOutbox))
	r.GET("/auth/debug/", h(s.authDebug))
}

// AvatarRoutes registers the avatar route on a group that authenticates like the API.
func AvatarRoutes(r gin.IRoutes, svc *people.Service) {
	s := handlers{svc}
	r.GET("/avatar/:file", httpapi.Handle(s.serveAvatar))
}
