package pages

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// maxCaption bounds an image's caption.
const maxCaption = 500

// beginUpload checks, before a byte of the upload is read, that the caller may edit the page, and
// returns the page's id.
func (s *Service) beginUpload(c *gin.Context) (*request, int64, error) {
	r, err := start(c, people.Edit)
	if err != nil {
		return nil, 0, err
	}
	pageID, err := r.id("page_id")
	if err == nil {
		_, err = s.FindPage(r.ctx, s.DB.R, r.sub, pageID)
	}
	return r, pageID, err
}

func (s *Service) createAttachment(c *gin.Context) error {
	r, pageID, err := s.beginUpload(c)
	if err != nil {
		return err
	}
	up, err := s.readUpload(r, "column", "position")
	if err == nil && up.Blob == nil {
		err = noAttachment()
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
func (s *Service) updateAttachment(c *gin.Context) error {
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

func (s *Service) createImage(c *gin.Context) error {
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
func (s *Service) updateImage(c *gin.Context) error {
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
func (s *Service) readImage(r *request, fileRequired bool) (*upload, *string, error) {
	up, err := s.readUpload(r, "caption", "column", "position")
	if err != nil {
		return nil, nil, err
	}
	switch {
	case up.Blob == nil && fileRequired:
		return nil, nil, api.Invalid("file", "Send the image in the multipart field \"file\".")
	case up.Blob != nil:
		if err := checkImage(up.NewFile); err != nil {
			return nil, nil, err
		}
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

// noAttachment is the error of an attachment upload without a file.
func noAttachment() error {
	return api.Invalid("file", "Send the file in the multipart field \"file\".")
}

// checkImage refuses a file an Image widget does not show.
func checkImage(f NewFile) error {
	if !widgets.IsSafeImage(f.ContentType) {
		return api.Invalid("file", "An image widget shows PNG, JPEG, GIF or WebP images; this file is %s. Attach it instead.", f.ContentType)
	}
	return nil
}

// The operations on files of a page. Each stores its upload, file (its Blob saved already), as a
// file of the page, indexed for search, in the one transaction of the widget's write, and returns
// the errors of the widget operations (widget_handlers.go), widgets.ErrBlobGone when the blob was
// cleared away meanwhile (see storeFile), and a validation error on "file" for no file or one the
// widget does not show, or on "column".

// CreateAttachment places a new Attachment widget listing file on the page, at at.
func (s *Service) CreateAttachment(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, file NewFile, at Place) (*widgets.Widget, error) {
	if file.Blob == nil {
		return nil, noAttachment()
	}
	return s.addFileWidget(ctx, actor, sub, pageID, file, at, func(f widgets.File) widgets.Content {
		return attachmentContent([]widgets.File{f})
	})
}

// UpdateAttachment adds file to the Attachment widget's files, as a new version. A file the widget
// lists already (the same bytes under the same name) adds nothing: it returns the current version,
// and neither a file nor a version is stored.
func (s *Service) UpdateAttachment(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, file NewFile) (*widgets.Widget, error) {
	if file.Blob == nil {
		return nil, noAttachment()
	}
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(ctx, tx, page.ID, widgetID, widgets.Attachment)
		if err != nil {
			return err
		}
		if listed, err := widgets.ListedFile(ctx, tx, cur.FirstID(), *cur.Files, file.Blob.SHA256, file.Filename); err != nil {
			return err
		} else if listed != nil {
			w = cur
			return errUnchanged
		}
		f, err := s.storeFile(ctx, tx, page, file, now, actor.User.ID)
		if err != nil {
			return err
		}
		files := append(append([]widgets.File{}, *cur.Files...), f.Answer())
		if w, err = widgets.Update(ctx, tx, cur, attachmentContent(files), now, actor.User.ID); err != nil {
			return err
		}
		return widgets.AttachFiles(ctx, tx, w.FirstID(), f.Answer())
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// CreateImage places a new Image widget showing file (a PNG, JPEG, GIF or WebP image) with caption
// (one line, at most maxCaption characters) on the page, at at.
func (s *Service) CreateImage(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, file NewFile, caption string, at Place) (*widgets.Widget, error) {
	if file.Blob == nil {
		return nil, api.Invalid("file", "Send the image in the multipart field \"file\".")
	}
	if err := checkImage(file); err != nil {
		return nil, err
	}
	caption, err := api.Line("caption", caption, maxCaption)
	if err != nil {
		return nil, err
	}
	return s.addFileWidget(ctx, actor, sub, pageID, file, at, func(f widgets.File) widgets.Content { return imageContent(f, caption) })
}

// UpdateImage stores a new version of the Image widget with a new image (file, when its Blob is
// not nil), a new caption (when not nil), or both. The image it shows already (the same bytes
// under the same name) is no new image, and the caption it has no new caption: with neither new,
// it returns the current version and stores nothing.
func (s *Service) UpdateImage(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID, widgetID int64, file NewFile, caption *string) (*widgets.Widget, error) {
	if file.Blob != nil {
		if err := checkImage(file); err != nil {
			return nil, err
		}
	}
	if caption != nil {
		c, err := api.Line("caption", *caption, maxCaption)
		if err != nil {
			return nil, err
		}
		caption = &c
	}
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		cur, err := widgets.FindKind(ctx, tx, page.ID, widgetID, widgets.Image)
		if err != nil {
			return err
		}
		shown, text := (*cur.Files)[0], *cur.Caption
		if file.Blob != nil {
			listed, err := widgets.ListedFile(ctx, tx, cur.FirstID(), *cur.Files, file.Blob.SHA256, file.Filename)
			if err != nil {
				return err
			}
			if listed == nil {
				f, err := s.storeFile(ctx, tx, page, file, now, actor.User.ID)
				if err != nil {
					return err
				}
				shown = f.Answer()
				if err := widgets.AttachFiles(ctx, tx, cur.FirstID(), shown); err != nil {
					return err
				}
			}
		}
		if caption != nil {
			text = *caption
		}
		w, err = widgets.Update(ctx, tx, cur, imageContent(shown, text), now, actor.User.ID)
		return unchanged(w, cur, err)
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
}

// addFileWidget stores file as a file of the page and places a new widget whose content shows it,
// in one transaction, and returns the widget presented.
func (s *Service) addFileWidget(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, file NewFile, at Place, content func(widgets.File) widgets.Content) (*widgets.Widget, error) {
	var w *widgets.Widget
	err := s.writePage(ctx, actor, sub, pageID, indexNow, func(tx *sql.Tx, page *Page, now api.Time) error {
		if err := checkColumn(page, at.Column); err != nil {
			return err
		}
		f, err := s.storeFile(ctx, tx, page, file, now, actor.User.ID)
		if err != nil {
			return err
		}
		if w, err = widgets.Create(ctx, tx, page.ID, content(f.Answer()), at.Column, at.Position, now, actor.User.ID); err != nil {
			return err
		}
		return widgets.AttachFiles(ctx, tx, w.FirstID(), f.Answer())
	})
	if err != nil {
		return nil, err
	}
	return w, s.presentWritten(ctx, actor, sub, w)
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

// imageContent is an Image widget showing one file with a caption.
func imageContent(f widgets.File, caption string) widgets.Content {
	files := []widgets.File{f}
	return widgets.Content{Classname: widgets.Image, Format: widgets.FormatText, Text: caption,
		HTML: widgets.TextToHTML(caption), Extra: widgets.Extra{Files: &files, Caption: &caption}}
}

// serveFile answers GET /@slug/files/:file_id/:filename (OpenFile): Content-Type as stored,
// Content-Disposition (inline only for safe images), ETag (the SHA-256), If-None-Match and Range
// requests.
func (s *Service) serveFile(c *gin.Context) error {
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

// OpenFile returns the file id of a page of sub and its content, to those who may read the page;
// the caller closes the content. Returns people.ErrNotFound for a subsite actor is not in, a
// forbidden error, and widgets.ErrFileNotFound for a file that is not of a page of sub, or whose
// page is in the trash.
func (s *Service) OpenFile(ctx context.Context, actor *people.Actor, sub *people.Subsite, id int64) (*widgets.StoredFile, *os.File, error) {
	if err := actor.Can(people.View, sub.ID); err != nil {
		return nil, nil, err
	}
	f, err := widgets.FindFile(ctx, s.DB.R, id)
	if err == nil {
		// A file of another subsite's page, or of a page in the trash, is not found here.
		_, err = s.FindPage(ctx, s.DB.R, sub, f.PageID)
	}
	if err != nil {
		if err == ErrPageNotFound {
			err = widgets.ErrFileNotFound
		}
		return nil, nil, err
	}
	blob, err := s.Blobs.Open(f.SHA256)
	if err != nil {
		return nil, nil, fmt.Errorf("open file %d: %w", f.ID, err)
	}
	return f, blob, nil
}
