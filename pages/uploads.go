package pages

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
)

// maxFormValue bounds a non-file field of a multipart upload.
const maxFormValue = 64 << 10

// upload is a multipart request read: its file (stored already) and its other fields.
type upload struct {
	blob        *widgets.Blob
	filename    string
	contentType string
	fields      map[string]string
}

// readUpload streams a multipart/form-data body: the part named "file" goes straight to the blob
// store (never whole into memory), other parts named in allowed are read as short text. A body
// over the upload limit is a 413 and leaves nothing behind.
func (s *Service) readUpload(r *request, allowed ...string) (*upload, error) {
	max := s.MaxUploadBytes
	// The multipart envelope adds a little to the file's size.
	r.c.Request.Body = http.MaxBytesReader(r.c.Writer, r.c.Request.Body, max+1<<20)
	mr, err := r.c.Request.MultipartReader()
	if err != nil {
		return nil, api.Invalid("file", "Send the file as multipart/form-data, in the field \"file\".")
	}
	up := &upload{fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, uploadError(err, max)
		}
		name := part.FormName()
		switch {
		case name == "file" && up.blob != nil:
			return nil, api.Invalid("file", "Send one file per request.")
		case name == "file":
			if up.blob, err = s.Blobs.Save(part, max); err != nil {
				return nil, uploadError(err, max)
			}
			up.filename = widgets.CleanFilename(part.FileName())
			up.contentType = widgets.DetectType(up.filename, up.blob.Head)
		case contains(allowed, name):
			value, err := io.ReadAll(io.LimitReader(part, maxFormValue+1))
			if err != nil {
				return nil, uploadError(err, max)
			}
			if len(value) > maxFormValue {
				return nil, api.Invalid(name, "Field %q is longer than %d KB.", name, maxFormValue>>10)
			}
			up.fields[name] = string(value)
		default:
			return nil, api.Invalid(name, "Unknown field %q. This upload takes: file, %s.", name, strings.Join(allowed, ", "))
		}
	}
	return up, nil
}

func uploadError(err error, max int64) error {
	var tooBig *http.MaxBytesError
	var apiErr *api.Error
	switch {
	case errors.As(err, &tooBig):
		return api.TooLarge("The upload is over the limit of %d MB.", max>>20)
	case errors.As(err, &apiErr):
		return err
	}
	return api.Invalid("file", "The upload could not be read: %v.", err)
}

// place reads column and position from an upload's fields or the URL.
func (up *upload) place(p *api.Params) (int, *int, error) {
	col, pos := readPlace(p)
	if v, ok := up.fields["column"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, nil, api.Invalid("column", "Parameter \"column\" must be an integer.")
		}
		col = n
	}
	if v, ok := up.fields["position"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, nil, api.Invalid("position", "Parameter \"position\" must be an integer.")
		}
		pos = &n
	}
	return col, pos, p.Err()
}

// fileURL is where a file of the subsite is downloaded.
func (s *Service) fileURL(sub *people.Subsite, id int64, filename string) string {
	return s.BaseURL + "/@" + sub.Slug + "/files/" + strconv.FormatInt(id, 10) + "/" + url.PathEscape(filename)
}

// storeFile records an upload as a file of the page and indexes it for search.
func (s *Service) storeFile(ctx context.Context, tx DBTX, page *Page, up *upload, now api.Time, by int64) (*widgets.StoredFile, error) {
	f, err := widgets.CreateFile(ctx, tx, page.ID, up.blob, up.filename, up.contentType, now, by)
	if err != nil {
		return nil, err
	}
	return f, s.indexFile(ctx, tx, page, f)
}

// indexFile makes the file findable by its name and, for text files, its text (indexFileText).
func (s *Service) indexFile(ctx context.Context, tx DBTX, page *Page, f *widgets.StoredFile) error {
	return s.indexFileText(ctx, tx, page, f)
}

// unindexFiles removes a widget's files from search, when the widget leaves its page.
func (s *Service) unindexFiles(ctx context.Context, tx DBTX, w *widgets.Widget) error {
	if w.Files == nil {
		return nil
	}
	files, err := widgets.FilesOf(ctx, tx, w.FirstID())
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := unindexDocs(ctx, tx, CatFile, f.ID); err != nil {
			return err
		}
	}
	return nil
}

// contentDisposition says whether a browser shows the file or saves it, with its name.
func contentDisposition(f *widgets.StoredFile) string {
	kind := "attachment"
	if widgets.IsSafeImage(f.ContentType) {
		kind = "inline"
	}
	if v := mime.FormatMediaType(kind, map[string]string{"filename": f.Filename}); v != "" {
		return v
	}
	return kind
}
