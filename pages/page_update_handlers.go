package pages

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/people"
)

// UpdateRoutes registers pages/update on the API group.
func (s *Service) UpdateRoutes(r gin.IRoutes) {
	r.POST("/pages/update/:page_id/", httpapi.Handle(s.updatePageHandler))
}

// updatePageHandler changes what pages/update is given of title, tags, folder (folder_id, path or
// category, as pages/create takes them) and layout.
func (s *Service) updatePageHandler(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	id, err := r.id("page_id")
	if err != nil {
		return err
	}
	r.p.Allow("title", "tags", "folder_id", "path", "category", "layout")
	var in PageUpdate
	in.Title = r.p.OptString("title")
	if r.p.Has("tags") {
		tags := r.p.Strings("tags")
		in.Tags = &tags
	}
	in.Folder = readFolderChoice(r.p)
	if r.p.Has("layout") {
		if v := r.p.JSON("layout"); r.p.Err() == nil {
			in.Layout, err = ParseLayout(v)
			r.p.Fail(err)
		}
	}
	if err := r.p.Err(); err != nil {
		return err
	}
	p, err := s.UpdatePage(r.ctx, r.actor, r.sub, id, in)
	if err != nil {
		return err
	}
	httpapi.JSON(c, http.StatusOK, p)
	return nil
}
