package pages

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// MaxCaption bounds an image's caption.
const MaxCaption = 500

// NoAttachment is the error of an attachment upload without a file.
func NoAttachment() error {
	return api.Invalid("file", "Send the file in the multipart field \"file\".")
}

// CheckImage refuses a file an Image widget does not show.
func CheckImage(f NewFile) error {
	if !widgets.IsSafeImage(f.ContentType) {
		return api.Invalid("file", "An image widget shows PNG, JPEG, GIF or WebP images; this file is %s. Attach it instead.", f.ContentType)
	}
	return nil
}

// CheckPageEditable returns nil when actor may edit the page pageID of sub now, so that an upload
// to it is worth reading: the operations below check again in their transaction. Returns
// people.ErrNotFound for a subsite actor is not in, a forbidden error, and ErrPageNotFound for a
// page not in sub or in the trash.
func (s *Service) CheckPageEditable(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64) error {
	if err := actor.Can(people.Edit, sub.ID); err != nil {
		return err
	}
	_, err := s.FindPage(ctx, s.DB.R, sub, pageID)
	return err
}

// The operations on files of a page. Each stores its upload, file (its Blob saved already), as a
// file of the page, indexed for search, in the one transaction of the widget's write, and returns
// the errors of the widget operations (widget_handlers.go), blobs.ErrGone when the blob was
// cleared away meanwhile (see storeFile), and a validation error on "file" for no file or one the
// widget does not show, or on "column".

// CreateAttachment places a new Attachment widget listing file on the page, at at.
func (s *Service) CreateAttachment(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, file NewFile, at Place) (*widgets.Widget, error) {
	if file.Blob == nil {
		return nil, NoAttachment()
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
		return nil, NoAttachment()
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
// (one line, at most MaxCaption characters) on the page, at at.
func (s *Service) CreateImage(ctx context.Context, actor *people.Actor, sub *people.Subsite, pageID int64, file NewFile, caption string, at Place) (*widgets.Widget, error) {
	if file.Blob == nil {
		return nil, api.Invalid("file", "Send the image in the multipart field \"file\".")
	}
	if err := CheckImage(file); err != nil {
		return nil, err
	}
	caption, err := api.Line("caption", caption, MaxCaption)
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
		if err := CheckImage(file); err != nil {
			return nil, err
		}
	}
	if caption != nil {
		c, err := api.Line("caption", *caption, MaxCaption)
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
