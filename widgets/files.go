package widgets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"quire/app/api"
	"quire/app/sqldb"
	"quire/widgets/blobs"
)

// StoredFile is an uploaded file: a name and a type given to stored bytes, on a page.
type StoredFile struct {
	ID          int64
	PageID      int64
	WidgetID    *int64 // the first id of the widget it belongs to
	SHA256      string
	Size        int64
	Filename    string
	ContentType string
	CreatedAt   api.Time
	CreatedBy   int64
}

// ErrFileNotFound is a file that does not exist, or that the caller may not see.
var ErrFileNotFound = api.NotFound("No such file.")

// maxFilename bounds a file's name, in bytes, as most file systems do.
const maxFilename = 255

// CleanFilename returns the name to keep for a client's file name: its last path element (some
// browsers send a whole Windows path), as one line of text under api.Line's rule (so NFC: macOS
// sends names decomposed), at most maxFilename bytes; "file" when it is empty, "." or "..". A name
// that breaks the rule, or is longer, is a validation error on field: a name is kept whole or not
// at all.
func CleanFilename(field, name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name, err := api.Line(field, name, 0)
	switch {
	case err != nil:
		return "", err
	case len(name) > maxFilename:
		return "", api.Invalid(field, "The file name is %d bytes long; at most %d are kept. Rename the file.", len(name), maxFilename)
	case name == "" || name == "." || name == "..":
		return "file", nil
	}
	return name, nil
}

// dangerousTypes are never served as what they are: a browser would run them.
var dangerousTypes = map[string]bool{"text/html": true, "image/svg+xml": true, "application/xhtml+xml": true,
	"text/javascript": true, "application/javascript": true, "text/xml": true, "application/xml": true}

// DetectType names the type of a file from its first bytes, and from its extension when the
// bytes say no more than "some text" or "some bytes". Types a browser would run are served as
// plain text or bytes.
func DetectType(filename string, head []byte) string {
	sniffed := http.DetectContentType(head)
	base, _, _ := mime.ParseMediaType(sniffed)
	if base == "text/plain" || base == "application/octet-stream" {
		if byExt := mime.TypeByExtension(strings.ToLower(filepath.Ext(filename))); byExt != "" {
			sniffed = byExt
			base, _, _ = mime.ParseMediaType(byExt)
		}
	}
	if dangerousTypes[base] {
		if strings.HasPrefix(base, "text/") || base == "image/svg+xml" || strings.HasSuffix(base, "+xml") || strings.HasSuffix(base, "/xml") {
			return "text/plain; charset=utf-8"
		}
		return "application/octet-stream"
	}
	return sniffed
}

// SafeImageTypes are the image types served inline and accepted by Image widgets.
var SafeImageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// IsSafeImage reports whether a content type is an image browsers show without running anything.
func IsSafeImage(contentType string) bool {
	base, _, _ := mime.ParseMediaType(contentType)
	return SafeImageTypes[base]
}

// IsTextLike reports whether a file's text is worth indexing for search.
func IsTextLike(contentType string) bool {
	base, _, _ := mime.ParseMediaType(contentType)
	return strings.HasPrefix(base, "text/") || base == "application/json" || base == "application/csv" ||
		base == "application/x-yaml" || base == "application/yaml"
}

// VanitySize writes a size as people read it: "532 bytes", "14.2 KB", "3.1 MB".
func VanitySize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	case n < 1024*1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
	return fmt.Sprintf("%.1f GB", float64(n)/(1024*1024*1024))
}

// Answer returns the file as widgets list it; URL is filled by whoever knows the site's address.
func (f *StoredFile) Answer() File {
	return File{ID: f.ID, Filename: f.Filename, Size: f.Size, VanitySize: VanitySize(f.Size), ContentType: f.ContentType}
}

// CreateFile records stored bytes as a file of the page, not yet in a widget.
func CreateFile(ctx context.Context, tx DBTX, pageID int64, blob *blobs.Blob, filename, contentType string, now api.Time, by int64) (*StoredFile, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO files (page_id, sha256, size, filename, content_type, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, pageID, blob.SHA256, blob.Size, filename, contentType, now, by)
	if err != nil {
		return nil, fmt.Errorf("create file: %w", err)
	}
	id, _ := res.LastInsertId()
	return &StoredFile{ID: id, PageID: pageID, SHA256: blob.SHA256, Size: blob.Size, Filename: filename,
		ContentType: contentType, CreatedAt: now, CreatedBy: by}, nil
}

// AttachFiles records that the files belong to the widget (its first id).
func AttachFiles(ctx context.Context, tx DBTX, widgetID int64, files ...File) error {
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, `UPDATE files SET widget_id = ? WHERE id = ?`, widgetID, f.ID); err != nil {
			return fmt.Errorf("attach file %d: %w", f.ID, err)
		}
	}
	return nil
}

const fileColumns = `id, page_id, widget_id, sha256, size, filename, content_type, created_at, created_by`

func scanFile(row interface{ Scan(...any) error }) (*StoredFile, error) {
	f := &StoredFile{}
	var by sql.NullInt64
	err := row.Scan(&f.ID, &f.PageID, &f.WidgetID, &f.SHA256, &f.Size, &f.Filename, &f.ContentType, &f.CreatedAt, &by)
	f.CreatedBy = by.Int64
	return f, err
}

// FindFile returns a file by id. Returns ErrFileNotFound if there is none.
func FindFile(ctx context.Context, db DBTX, id int64) (*StoredFile, error) {
	f, err := scanFile(db.QueryRowContext(ctx, `SELECT `+fileColumns+` FROM files WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrFileNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find file %d: %w", id, err)
	}
	return f, nil
}

// FilesOf returns the files of a widget (by its first id), oldest first.
func FilesOf(ctx context.Context, db DBTX, widgetID int64) ([]*StoredFile, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+fileColumns+` FROM files WHERE widget_id = ? ORDER BY id LIMIT 10000`, widgetID)
	if err != nil {
		return nil, fmt.Errorf("files of widget %d: %w", widgetID, err)
	}
	defer rows.Close()
	var out []*StoredFile
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ListedFile returns the file of listed (the files a version of the widget whose first id is
// widgetID shows) that holds the bytes whose SHA-256 is sum under the name filename, or nil when
// none does: uploading those bytes under that name again would add nothing to the widget.
func ListedFile(ctx context.Context, db DBTX, widgetID int64, listed []File, sum, filename string) (*File, error) {
	named := map[int64]int{}
	for i, f := range listed {
		if f.Filename == filename {
			named[f.ID] = i
		}
	}
	if len(named) == 0 {
		return nil, nil
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM files WHERE widget_id = ? AND sha256 = ? AND filename = ? LIMIT 10000`,
		widgetID, sum, filename)
	if err != nil {
		return nil, fmt.Errorf("files of widget %d: %w", widgetID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if i, ok := named[id]; ok {
			return &listed[i], nil
		}
	}
	return nil, rows.Err()
}

// copyFiles gives page to copies of the files a widget lists, so that the copy's readers may
// download them whatever subsite it is in; the bytes are shared.
func copyFiles(ctx context.Context, tx DBTX, files []File, to int64, now api.Time, by int64) ([]File, error) {
	out := make([]File, 0, len(files))
	for _, f := range files {
		src, err := FindFile(ctx, tx, f.ID)
		if err != nil {
			return nil, err
		}
		cp, err := CreateFile(ctx, tx, to, &blobs.Blob{SHA256: src.SHA256, Size: src.Size}, src.Filename, src.ContentType, now, by)
		if err != nil {
			return nil, err
		}
		out = append(out, cp.Answer())
	}
	return out, nil
}

// BlobsInUse is, for blobs.Store.Collect, which of the blobs a row of files refers to, read
// through db.
func BlobsInUse(db DBTX) blobs.InUse {
	return func(ctx context.Context, sums []string) (map[string]bool, error) {
		args := make([]any, len(sums))
		for i, s := range sums {
			args[i] = s
		}
		rows, err := db.QueryContext(ctx, `SELECT DISTINCT sha256 FROM files WHERE sha256 IN (`+sqldb.Placeholders(len(sums))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("collect leftovers: %w", err)
		}
		defer rows.Close()
		refs := map[string]bool{}
		for rows.Next() {
			var sum string
			if err := rows.Scan(&sum); err != nil {
				return nil, err
			}
			refs[sum] = true
		}
		return refs, rows.Err()
	}
}
