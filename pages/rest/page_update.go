package rest

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/pages"
	"quire/people"
)

// updatePageHandler changes what pages/update is given of title, tags, folder (folder_id, path or
// category, as pages/create takes them) and layout.
func (s handlers) updatePageHandler(c *gin.Context) error {
	r, err := start(c, people.Edit)
	if err != nil {
		return err
	}
	id, err := r.id("page_id")
	if err != nil {
		return err
	}
	r.p.Allow("title", "tags", "folder_id", "path", "category", "layout")
	var in pages.PageUpdate
	in.Title = r.p.OptString("title")
	if r.p.Has("tags") {
		tags := r.p.Strings("tags")
		in.Tags = &tags
	}
	in.Folder = readFolderChoice(r.p)
	if r.p.Has("layout") {
		if v := r.p.JSON("layout"); r.p.Err() == nil {
			in.Layout, err = parseAnyLayout(v)
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

// parseAnyLayout reads the layout of pages/update, of 1 to pages.MaxColumns columns, given as
// [[66, 34]] or [66, 34]. Returns a validation error on "layout".
func parseAnyLayout(v any) ([][]int, error) {
	row, _ := v.([]any)
	if len(row) == 1 {
		if inner, isList := row[0].([]any); isList {
			row = inner
		}
	}
	if n := len(row); n >= 1 && n <= pages.MaxColumns {
		if layout, err := parseLayout(v, n); err == nil {
			return layout, nil
		}
	}
	return nil, api.Invalid("layout", "Parameter \"layout\" must be a list of 1 to %d column widths in percent that sum to 100, such as [66, 34].",
		pages.MaxColumns)
}
