package pages

import (
	"database/sql"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// maxCaption bounds an image's caption.
const maxCaption = 500

// beginUpload checks, before a byte of the upload is read, that the caller may edit the page.
func (s *Service) beginUpload(c *gin.Context) *request {
	r := start(c, people.Edit)
	if r == nil {
		return nil
	}
	pageID, err := r.id("page_id")
	if err == nil {
		_, err = s.FindPage(r.ctx, s.DB.R, r.sub, pageID)
	}
	if r.failed(err) {
		return nil
	}
	return r
}

// attachmentContent is an Attachment widget listing files.
func attachmentContent(files []widgets.File) widgets.Content {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Filename
	}
	return widgets.Content{Classname: widgets.Attachment, Format: widgets.FormatHTML, Text: strings.Join(names, "\n"),
		Extra: widgets.Extra{Files: &files}}
}

func (s *Service) createAttachment(c *gin.Context) {
	r := s.beginUpload(c)
	if r == nil {
		return
	}
	up, err := s.readUpload(r, "column", "position")
	if err == nil && up.blob == nil {
		err = api.Invalid("file", "Send the file in the multipart field \"file\".")
	}
	if r.failed(err) {
		return
	}
	col, pos, err := up.place(r.p)
	if r.failed(err) {
		return
	}
	s.addFileWidget(r, up, col, pos, func(f widgets.File) widgets.Content { return attachmentContent([]widgets.File{f}) })
}

// addFileWidget stores the upload as a file of the page and places a new widget whose content
// shows it, in one transaction, and answers the widget.
func (s *Service) addFileWidget(r *request, up *upload, col int, pos *int, content func(widgets.File) widgets.Content) {
	var w *widgets.Widget
	err := s.widgetWrite(r, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, col); err != nil {
			return err
		}
		f, err := s.storeFile(r.ctx, tx, page, up, now, r.actor.User.ID)
		if err != nil {
			return err
		}
		if w, err = widgets.Create(r.ctx, tx, page.ID, content(f.Answer()), col, pos, now, r.actor.User.ID); err != nil {
			return err
		}
		return widgets.AttachFiles(r.ctx, tx, w.FirstID(), f.Answer())
	})
	if r.failed(err) {
		return
	}
	s.answerWidgets(r, w)
}

// updateAttachment adds the uploaded file to the widget's files, as a new version. A file the
// widget lists already (the same bytes under the same name) adds nothing: the answer is the
// current version, and neither a file nor a version is stored.
func (s *Service) updateAttachment(c *gin.Context) {
	r := s.beginUpload(c)
	if r == nil {
		return
	}
	widgetID, err := r.id("widget_id")
	if r.failed(err) {
		return
	}
	up, err := s.readUpload(r)
	if err == nil && up.blob == nil {
		err = api.Invalid("file", "Send the file to add in the multipart field \"file\".")
	}
	if r.failed(err) {
		return
	}
	var w *widgets.Widget
	err = s.widgetWrite(r, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(r.ctx, tx, page.ID, widgetID, widgets.Attachment)
		if err != nil {
			return err
		}
		if listed, err := widgets.ListedFile(r.ctx, tx, cur.FirstID(), *cur.Files, up.blob.SHA256, up.filename); err != nil {
			return err
		} else if listed != nil {
			w = cur
			return errUnchanged
		}
		f, err := s.storeFile(r.ctx, tx, page, up, now, r.actor.User.ID)
		if err != nil {
			return err
		}
		files := append(append([]widgets.File{}, *cur.Files...), f.Answer())
		if w, err = widgets.Update(r.ctx, tx, cur, attachmentContent(files), now, r.actor.User.ID); err != nil {
			return err
		}
		return widgets.AttachFiles(r.ctx, tx, w.FirstID(), f.Answer())
	})
	if r.failed(err) {
		return
	}
	s.answerWidgets(r, w)
}

// imageContent is an Image widget showing one file with a caption.
func imageContent(f widgets.File, caption string) widgets.Content {
	files := []widgets.File{f}
	return widgets.Content{Classname: widgets.Image, Format: widgets.FormatText, Text: caption,
		HTML: widgets.TextToHTML(caption), Extra: widgets.Extra{Files: &files, Caption: &caption}}
}

// readImage reads an image upload: the file must be a PNG, JPEG, GIF or WebP image.
func (s *Service) readImage(r *request, fileRequired bool) (*upload, *string, error) {
	up, err := s.readUpload(r, "caption", "column", "position")
	if err != nil {
		return nil, nil, err
	}
	switch {
	case up.blob == nil && fileRequired:
		return nil, nil, api.Invalid("file", "Send the image in the multipart field \"file\".")
	case up.blob != nil && !widgets.IsSafeImage(up.contentType):
		return nil, nil, api.Invalid("file", "An image widget shows PNG, JPEG, GIF or WebP images; this file is %s. Attach it instead.", up.contentType)
	}
	caption, given, err := up.value(r.p, "caption")
	if err != nil || !given {
		return up, nil, err
	}
	caption, err = api.Line("caption", caption, maxCaption)
	if err != nil {
		return nil, nil, err
	}
	return up, &caption, nil
}

func (s *Service) createImage(c *gin.Context) {
	r := s.beginUpload(c)
	if r == nil {
		return
	}
	up, caption, err := s.readImage(r, true)
	if r.failed(err) {
		return
	}
	col, pos, err := up.place(r.p)
	if r.failed(err) {
		return
	}
	if caption == nil {
		caption = new(string)
	}
	s.addFileWidget(r, up, col, pos, func(f widgets.File) widgets.Content { return imageContent(f, *caption) })
}

// updateImage stores a new version with a new image, a new caption, or both. The image it shows
// already (the same bytes under the same name) is no new image, and the caption it has no new
// caption: with neither new, the answer is the current version and nothing is stored.
func (s *Service) updateImage(c *gin.Context) {
	r := s.beginUpload(c)
	if r == nil {
		return
	}
	widgetID, err := r.id("widget_id")
	if r.failed(err) {
		return
	}
	up, caption, err := s.readImage(r, false)
	if err == nil && up.blob == nil && caption == nil {
		err = api.Invalid("file", "Send a new image in \"file\", a new \"caption\", or both.")
	}
	if r.failed(err) {
		return
	}
	var w *widgets.Widget
	err = s.widgetWrite(r, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(r.ctx, tx, page.ID, widgetID, widgets.Image)
		if err != nil {
			return err
		}
		file, text := (*cur.Files)[0], *cur.Caption
		if up.blob != nil {
			listed, err := widgets.ListedFile(r.ctx, tx, cur.FirstID(), *cur.Files, up.blob.SHA256, up.filename)
			if err != nil {
				return err
			}
			if listed == nil {
				f, err := s.storeFile(r.ctx, tx, page, up, now, r.actor.User.ID)
				if err != nil {
					return err
				}
				file = f.Answer()
				if err := widgets.AttachFiles(r.ctx, tx, cur.FirstID(), file); err != nil {
					return err
				}
			}
		}
		if caption != nil {
			text = *caption
		}
		w, err = widgets.Update(r.ctx, tx, cur, imageContent(file, text), now, r.actor.User.ID)
		return unchanged(w, cur, err)
	})
	if r.failed(err) {
		return
	}
	s.answerWidgets(r, w)
}

// serveFile answers GET /@slug/files/:file_id/:filename to those who may read the file's page:
// Content-Type as stored, Content-Disposition (inline only for safe images), ETag (the SHA-256),
// If-None-Match and Range requests.
func (s *Service) serveFile(c *gin.Context) {
	actor, place := people.RequestContext(c)
	if err := actor.Can(people.View, place.Subsite.ID); err != nil {
		c.Error(err)
		return
	}
	id, err := strconv.ParseInt(c.Param("file_id"), 10, 64)
	if err != nil || id <= 0 {
		c.Error(widgets.ErrFileNotFound)
		return
	}
	f, err := widgets.FindFile(c.Request.Context(), s.DB.R, id)
	if err == nil {
		// A file of another subsite's page, or of a page in the trash, is not found here.
		_, err = s.FindPage(c.Request.Context(), s.DB.R, place.Subsite, f.PageID)
	}
	if err != nil {
		if err == ErrPageNotFound {
			err = widgets.ErrFileNotFound
		}
		c.Error(err)
		return
	}
	blob, err := s.Blobs.Open(f.SHA256)
	if err != nil {
		c.Error(fmt.Errorf("open file %d: %w", f.ID, err))
		return
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
}
