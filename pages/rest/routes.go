package rest

import (
	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/pages"
	"quire/pages/discussions"
	"quire/pages/records"
	"quire/pages/tags"
	"quire/widgets"
)

// handlers are the REST API v1 handlers (httpapi.Handler) of the pages domain: each parses its
// parameters, calls one operation of the embedded pages.Service (or of a sub-package's: Records,
// Discussions) and answers.
type handlers struct {
	*pages.Service
	Records     *records.Service
	Discussions *discussions.Service
}

// Routes registers the page, widget and folder endpoints on the API group, whose middleware has
// already resolved the subsite and the caller. Every route is written out, so that a path found
// in API.md or a log is found here by grep.
func Routes(r gin.IRoutes, svc *pages.Service) {
	s := handlers{Service: svc, Records: &records.Service{Pages: svc}, Discussions: &discussions.Service{Pages: svc}}
	h := httpapi.Handle // a handler's error goes to app's one error writer
	r.GET("/pages/get/:page_id/", h(s.getPage))
	r.GET("/pages/all/", h(s.listPages))
	r.POST("/pages/create/", h(s.createPageHandler))
	r.POST("/pages/delete/:page_id/", h(s.trashPage))
	r.POST("/pages/copy/:page_id/", h(s.copyPageHandler))
	r.POST("/pages/update/:page_id/", h(s.updatePageHandler))
	r.GET("/pages/trash/", h(s.listTrash))
	r.POST("/pages/restore/:page_id/", h(s.restorePage))
	r.GET("/pages/records/:page_id/", h(s.listRecords))
	r.POST("/pages/records/:page_id/", h(s.submitRecord))

	r.GET("/folder/tree/", h(s.folderTree))
	r.POST("/folder/create/", h(s.createFolder))
	r.POST("/folder/delete/", h(s.deleteFolder))
	r.POST("/folder/copy/", h(s.copyFolder))

	// Paragraph widgets
	r.GET("/page/:page_id/paragraph/get/:widget_id/", h(s.getWidget(widgets.Paragraph)))
	r.POST("/page/:page_id/paragraph/create/", h(s.createTextWidget(widgets.Paragraph)))
	r.POST("/page/:page_id/paragraph/update/:widget_id/", h(s.updateTextWidget(widgets.Paragraph)))
	r.POST("/page/:page_id/paragraph/delete/:widget_id/", h(s.deleteWidget(widgets.Paragraph)))
	r.GET("/page/:page_id/paragraph/versions/:widget_id/", h(s.widgetVersions(widgets.Paragraph)))
	r.POST("/page/:page_id/paragraph/restore/:widget_id/", h(s.restoreWidget(widgets.Paragraph)))

	// Heading widgets
	r.GET("/page/:page_id/heading/get/:widget_id/", h(s.getWidget(widgets.Heading)))
	r.POST("/page/:page_id/heading/create/", h(s.createTextWidget(widgets.Heading)))
	r.POST("/page/:page_id/heading/update/:widget_id/", h(s.updateTextWidget(widgets.Heading)))
	r.POST("/page/:page_id/heading/delete/:widget_id/", h(s.deleteWidget(widgets.Heading)))
	r.GET("/page/:page_id/heading/versions/:widget_id/", h(s.widgetVersions(widgets.Heading)))
	r.POST("/page/:page_id/heading/restore/:widget_id/", h(s.restoreWidget(widgets.Heading)))

	// Attachment widgets
	r.GET("/page/:page_id/attachment/get/:widget_id/", h(s.getWidget(widgets.Attachment)))
	r.POST("/page/:page_id/attachment/create/", h(s.createAttachment))
	r.POST("/page/:page_id/attachment/update/:widget_id/", h(s.updateAttachment))
	r.POST("/page/:page_id/attachment/delete/:widget_id/", h(s.deleteWidget(widgets.Attachment)))
	r.GET("/page/:page_id/attachment/versions/:widget_id/", h(s.widgetVersions(widgets.Attachment)))
	r.POST("/page/:page_id/attachment/restore/:widget_id/", h(s.restoreWidget(widgets.Attachment)))

	// Image widgets
	r.GET("/page/:page_id/image/get/:widget_id/", h(s.getWidget(widgets.Image)))
	r.POST("/page/:page_id/image/create/", h(s.createImage))
	r.POST("/page/:page_id/image/update/:widget_id/", h(s.updateImage))
	r.POST("/page/:page_id/image/delete/:widget_id/", h(s.deleteWidget(widgets.Image)))
	r.GET("/page/:page_id/image/versions/:widget_id/", h(s.widgetVersions(widgets.Image)))
	r.POST("/page/:page_id/image/restore/:widget_id/", h(s.restoreWidget(widgets.Image)))

	// Form widgets
	r.GET("/page/:page_id/form/get/:widget_id/", h(s.getWidget(widgets.Form)))
	r.POST("/page/:page_id/form/create/", h(s.createForm))
	r.POST("/page/:page_id/form/update/:widget_id/", h(s.updateForm))
	r.POST("/page/:page_id/form/delete/:widget_id/", h(s.deleteWidget(widgets.Form)))
	r.GET("/page/:page_id/form/versions/:widget_id/", h(s.widgetVersions(widgets.Form)))
	r.POST("/page/:page_id/form/restore/:widget_id/", h(s.restoreWidget(widgets.Form)))

	// Discussion widgets
	r.GET("/page/:page_id/discussion/get/:widget_id/", h(s.getWidget(widgets.Discussion)))
	r.POST("/page/:page_id/discussion/create/", h(s.createDiscussion))
	r.POST("/page/:page_id/discussion/delete/:widget_id/", h(s.deleteWidget(widgets.Discussion)))
	r.GET("/page/:page_id/discussion/versions/:widget_id/", h(s.widgetVersions(widgets.Discussion)))
	r.POST("/page/:page_id/discussion/restore/:widget_id/", h(s.restoreWidget(widgets.Discussion)))

	r.POST("/page/:page_id/markdown/create/", h(s.createMarkdown))
	r.POST("/page/:page_id/widgets/move/", h(s.moveWidget))

	r.POST("/feed/post/:page_id/", h(s.postMessage))
	r.GET("/feed/page/:page_id/", h(s.listPosts))
	r.POST("/feed/post/", h(s.postToStream))
	r.GET("/feed/all/", h(s.listStream))

	tags.Routes(r, &tags.Service{Pages: svc})
}

// FileRoutes registers the download of uploaded files, outside the API but behind its gate
// (authentication, rate limit, subsite).
func FileRoutes(r gin.IRoutes, svc *pages.Service) {
	s := handlers{Service: svc, Records: &records.Service{Pages: svc}, Discussions: &discussions.Service{Pages: svc}}
	h := httpapi.Handle
	r.GET("/files/:file_id/:filename", h(s.serveFile))
}
