package rest

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/pages"
	"quire/people"
	"quire/widgets"
)

// beginUpload checks, before a byte of the upload is read, that the caller may edit the page, and
// returns the page's id.
func (s handlers) beginUpload(c *gin.Context) (*request, int64, error) {
	r, err := start(c, people.Edit)
	if err != nil {
		return nil, 0, err
	}
	pageID, err := r.id("page_id")
	if err == nil {
		err = s.CheckPageEditable(r.ctx, r.actor, r.sub, pageID)
	}
	return r, pageID, err
}

func (s handlers) createAttachment(c *gin.Context) error {
	r, pageID, err := s.beginUpload(c)
	if err != nil {
		return err
	}
	up, err := s.readUpload(r, "column", "position")
	if err == nil && up.Blob == nil {
		err = pages.NoAttachment()
	}
	if err != nil {
		return err
	}
	at, err := up.place(r.p)
	if err != nil {
		return err
	}
	w, err := s.CreateAttachment(r.ctx, r.actor, r.sub, pageID, up.NewFile, at)
	return answerWidgets(c, w, err)
}

// updateAttachment adds the uploaded file to an Attachment widget (UpdateAttachment).
func (s handlers) updateAttachment(c *gin.Context) error {
	r, pageID, err := s.beginUpload(c)
	if err != nil {
		return err
	}
	widgetID, err := r.id("widget_id")
	if err != nil {
		return err
	}
	up, err := s.readUpload(r)
	if err == nil && up.Blob == nil {
		err = api.Invalid("file", "Send the file to add in the multipart field \"file\".")
	}
	if err != nil {
		return err
	}
	w, err := s.UpdateAttachment(r.ctx, r.actor, r.sub, pageID, widgetID, up.NewFile)
	return answerWidgets(c, w, err)
}

func (s handlers) createImage(c *gin.Context) error {
	r, pageID, err := s.beginUpload(c)
	if err != nil {
		return err
	}
	up, caption, err := s.readImage(r, true)
	if err != nil {
		return err
	}
	at, err := up.place(r.p)
	if err != nil {
		return err
	}
	if caption == nil {
		caption = new(string)
	}
	w, err := s.CreateImage(r.ctx, r.actor, r.sub, pageID, up.NewFile, *caption, at)
	return answerWidgets(c, w, err)
}

// updateImage stores a new version of an Image widget (UpdateImage).
func (s handlers) updateImage(c *gin.Context) error {
	r, pageID, err := s.beginUpload(c)
	if err != nil {
		return err
	}
	widgetID, err := r.id("widget_id")
	if err != nil {
		return err
	}
	up, caption, err := s.readImage(r, false)
	if err == nil && up.Blob == nil && caption == nil {
		err = api.Invalid("file", "Send a new image in \"file\", a new \"caption\", or both.")
	}
	if err != nil {
		return err
	}
	w, err := s.UpdateImage(r.ctx, r.actor, r.sub, pageID, widgetID, up.NewFile, caption)
	return answerWidgets(c, w, err)
}

// readImage reads an image upload: the file must be a PNG, JPEG, GIF or WebP image.
func (s handlers) readImage(r *request, fileRequired bool) (*upload, *string, error) {
	up, err := s.readUpload(r, "caption", "column", "position")
	if err != nil {
		return nil, nil, err
	}
	switch {
	case up.Blob == nil && fileRequired:
		return nil, nil, api.Invalid("file", "Send the image in the multipart field \"file\".")
	case up.Blob != nil:
		if err := pages.CheckImage(up.NewFile); err != nil {
			return nil, nil, err
		}
	}
	caption, given, err := up.value(r.p, "caption")
	if err != nil || !given {
		return up, nil, err
	}
	caption, err = api.Line("caption", caption, pages.MaxCaption)
	if err != nil {
		return nil, nil, err
	}
	return up, &caption, nil
}

// serveFile answers GET /@slug/files/:file_id/:filename (OpenFile): Content-Type as stored,
// Content-Disposition (inline only for safe images), ETag (the SHA-256), If-None-Match and Range
// requests.
func (s handlers) serveFile(c *gin.Context) error {
	actor, place := people.RequestContext(c)
	if err := actor.Can(people.View, place.Subsite.ID); err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("file_id"), 10, 64)
	if err != nil || id <= 0 {
		return widgets.ErrFileNotFound
	}
	f, blob, err := s.OpenFile(c.Request.Context(), actor, place.Subsite, id)
	if err != nil {
		return err
	}
	defer blob.Close()
	h := c.Writer.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", contentDisposition(f))
	h.Set("ETag", `"`+f.SHA256+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=0, must-revalidate")
	http.ServeContent(c.Writer, c.Request, "", f.CreatedAt.Time, blob)
	return nil
}
