package pages

import (
	"context"
	"net/url"
	"strconv"

	"quire/app/api"
	"quire/people"
	"quire/widgets"
	"quire/widgets/blobs"
)

// NewFile is an uploaded file, stored in the blob store already (blobs.Store.Save) and not yet
// a file of any page: its content, its clean name (widgets.CleanFilename) and its type
// (widgets.DetectType). Blob is nil when no file was sent.
type NewFile struct {
	Blob        *blobs.Blob
	Filename    string
	ContentType string
}

// fileURL is where a file of the subsite is downloaded.
func (s *Service) fileURL(sub *people.Subsite, id int64, filename string) string {
	return s.BaseURL + "/@" + sub.Slug + "/files/" + strconv.FormatInt(id, 10) + "/" + url.PathEscape(filename)
}

// storeFile records an upload as a file of the page and indexes it for search, in the caller's
// transaction. It claims the upload's blob first (blobs.Store.Claim): when the blob was
// cleared away while the rest of the request arrived, it returns blobs.ErrGone, and the
// caller's transaction must roll back.
func (s *Service) storeFile(ctx context.Context, tx DBTX, page *Page, up NewFile, now api.Time, by int64) (*widgets.StoredFile, error) {
	if err := s.Blobs.Claim(up.Blob.SHA256); err != nil {
		return nil, err
	}
	f, err := widgets.CreateFile(ctx, tx, page.ID, up.Blob, up.Filename, up.ContentType, now, by)
	if err != nil {
		return nil, err
	}
	return f, s.indexFile(ctx, tx, page, f)
}

// indexFile makes the file findable by its name and, for text files, its text (search.Service.IndexFile).
func (s *Service) indexFile(ctx context.Context, tx DBTX, page *Page, f *widgets.StoredFile) error {
	return s.Search.IndexFile(ctx, tx, page.SubsiteID, page.ID, f)
}
