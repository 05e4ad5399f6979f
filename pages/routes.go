package pages

import (
	"strings"

	"github.com/gin-gonic/gin"

	"quire/widgets"
)

// Routes registers the page, widget and folder endpoints on the API group, whose middleware has
// already resolved the subsite and the caller.
func (s *Service) Routes(r gin.IRoutes) {
	r.GET("/pages/get/:page_id/", s.getPage)
	r.GET("/pages/all/", s.listPages)
	r.POST("/pages/create/", s.createPageHandler)
	r.POST("/pages/delete/:page_id/", s.trashPage)
	r.POST("/pages/copy/:page_id/", s.copyPageHandler)
	r.GET("/pages/trash/", s.listTrash)
	r.POST("/pages/restore/:page_id/", s.restorePage)
	r.GET("/pages/records/:page_id/", s.listRecords)
	r.POST("/pages/records/:page_id/", s.submitRecord)

	r.GET("/folder/tree/", s.folderTree)
	r.POST("/folder/create/", s.createFolder)
	r.POST("/folder/delete/", s.deleteFolder)
	r.POST("/folder/copy/", s.copyFolder)

	for _, name := range widgets.Classnames {
		kind := "/page/:page_id/" + strings.ToLower(name)
		r.GET(kind+"/get/:widget_id/", s.getWidget(name))
		r.POST(kind+"/delete/:widget_id/", s.deleteWidget(name))
		r.GET(kind+"/versions/:widget_id/", s.widgetVersions(name))
		r.POST(kind+"/restore/:widget_id/", s.restoreWidget(name))
	}
	for _, name := range []string{widgets.Paragraph, widgets.Heading} {
		kind := "/page/:page_id/" + strings.ToLower(name)
		r.POST(kind+"/create/", s.createTextWidget(name))
		r.POST(kind+"/update/:widget_id/", s.updateTextWidget(name))
	}
	r.POST("/page/:page_id/attachment/create/", s.createAttachment)
	r.POST("/page/:page_id/attachment/update/:widget_id/", s.updateAttachment)
	r.POST("/page/:page_id/image/create/", s.createImage)
	r.POST("/page/:page_id/image/update/:widget_id/", s.updateImage)
	r.POST("/page/:page_id/form/create/", s.createForm)
	r.POST("/page/:page_id/discussion/create/", s.createDiscussion)
	r.POST("/page/:page_id/form/update/:widget_id/", s.updateForm)
	r.POST("/page/:page_id/markdown/create/", s.createMarkdown)
	r.POST("/page/:page_id/widgets/move/", s.moveWidget)

	r.POST("/feed/post/:page_id/", s.postMessage)
	r.GET("/feed/page/:page_id/", s.listPosts)
	r.POST("/feed/post/", s.postToStream)
	r.GET("/feed/all/", s.listStream)
}

// FileRoutes registers the download of uploaded files, outside the API but behind its gate
// (authentication, rate limit, subsite).
func (s *Service) FileRoutes(r gin.IRoutes) {
	r.GET("/files/:file_id/:filename", s.serveFile)
}
