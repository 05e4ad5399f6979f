package rest

import (
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/pages"
	"quire/widgets"
)

// maxFormValue bounds a non-file field of a multipart upload.
const maxFormValue = 64 << 10

// upload is a multipart request read: its file (stored already) and its other fields.
type upload struct {
	pages.NewFile
	fields map[string]string
}

// readUpload streams a multipart/form-data body: the part named "file" goes straight to the blob
// store (never whole into memory), other parts named in allowed are read as short text, and the
// body is read to its end. A body over the upload limit, the bytes after its closing boundary
// included, is a 413 and changes nothing (a file stored by then is a leftover, for Collect).
func (s handlers) readUpload(r *request, allowed ...string) (*upload, error) {
	max := s.MaxUploadBytes
	// The multipart envelope and the other fields add a little to the file's size.
	if err := httpapi.LimitBody(r.c, max+uploadEnvelope, uploadTooLarge(max)); err != nil {
		return nil, err
	}
	mr, err := r.c.Request.MultipartReader()
	if err != nil {
		return nil, api.Invalid("file", "Send the file as multipart/form-data, in the field \"file\".")
	}
	up := &upload{fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			// What follows the closing boundary (an epilogue, which RFC 2046 says to ignore) is
			// read to the end within the same limit, so that the body is read whole, as the
			// Idempotency-Key's fingerprint needs, and never past the limit.
			if _, err := io.Copy(io.Discard, r.c.Request.Body); err != nil {
				return nil, uploadError(r, err, max)
			}
			break
		}
		if err != nil {
			return nil, uploadError(r, err, max)
		}
		name := part.FormName()
		switch {
		case name == "file" && up.Blob != nil:
			return nil, api.Invalid("file", "Send one file per request.")
		case name == "file":
			if up.Filename, err = widgets.CleanFilename("file", part.FileName()); err != nil {
				return nil, err
			}
			if up.Blob, err = s.Blobs.Save(part, max); err != nil {
				return nil, uploadError(r, err, max)
			}
			up.ContentType = widgets.DetectType(up.Filename, up.Blob.Head)
		case slices.Contains(allowed, name):
			if _, twice := up.fields[name]; twice {
				return nil, api.Invalid(name, "Field %q is given twice in the form; give it once.", name)
			}
			value, err := io.ReadAll(io.LimitReader(part, maxFormValue+1))
			if err != nil {
				return nil, uploadError(r, err, max)
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

// uploadEnvelope is what an upload's body may carry besides the file: the multipart boundaries
// and headers, and the short fields beside the file.
const uploadEnvelope = 1 << 20

func uploadTooLarge(max int64) *api.Error {
	return api.TooLarge("The upload is over the limit of %d MB.", max>>20)
}

// uploadError is the answer to an error met reading an upload: a too_large past the limit, the
// error itself when it has a code (a file over the limit, a body arriving too slowly), or a 400.
func uploadError(r *request, err error, max int64) error {
	return httpapi.ReadError(r.c, err, uploadTooLarge(max), "file")
}

// value returns the upload's field name, given in the multipart form or in the URL: once, or in
// both with the same text (as httpapi.Params holds every parameter); the same name with two texts is a
// 400 naming it, never one silently winning.
func (up *upload) value(p *httpapi.Params, name string) (string, bool, error) {
	v, inForm := up.fields[name]
	switch {
	case inForm && p.Has(name) && p.String(name) != v:
		return "", false, api.Invalid(name, "Parameter %q is given twice, in the URL and in the form; give it once.", name)
	case inForm:
		return v, true, nil
	case p.Has(name):
		return p.String(name), true, p.Err()
	}
	return "", false, nil
}

// place reads column (default 0) and position (default: the end) from an upload's fields or the
// URL.
func (up *upload) place(p *httpapi.Params) (pages.Place, error) {
	var at pages.Place
	for _, name := range []string{"column", "position"} {
		v, given, err := up.value(p, name)
		if err != nil || !given {
			if err != nil {
				return pages.Place{}, err
			}
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return pages.Place{}, api.Invalid(name, "Parameter %q must be an integer.", name)
		}
		if name == "column" {
			at.Column = n
		} else {
			at.Position = &n
		}
	}
	return at, p.Err()
}

// contentDisposition says whether a browser shows the file or saves it, with its name.
func contentDisposition(f *widgets.StoredFile) string {
	kind := "attachment"
	if widgets.IsSafeImage(f.ContentType) {
		kind = "inline"
	}
	return dispositionHeader(kind, f.Filename)
}

// dispositionHeader is a Content-Disposition value of kind ("attachment" or "inline") for a file
// named name, as RFC 6266 section 4.3 advises: filename= always, holding the name itself when it
// is plain ASCII and an ASCII stand-in otherwise (for clients that read nothing more), and then
// filename*= with the name in UTF-8 (RFC 8187), which clients that know it prefer.
func dispositionHeader(kind, name string) string {
	fallback := asciiFilename(name)
	v := kind + `; filename="` + fallback + `"`
	if fallback != name {
		v += "; filename*=UTF-8''" + encodeExtValue(name)
	}
	return v
}

// asciiFilename returns name with accents dropped ("Café" gives "Cafe") and every other
// character that is not printable ASCII, or is one of " \ %, replaced by "_" (one for a run); a
// name left with no letter or digit before its extension becomes "file" and the extension.
func asciiFilename(name string) string {
	var b strings.Builder
	replaced := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%':
			if !replaced {
				b.WriteByte('_')
			}
			replaced = true
			continue
		}
		b.WriteRune(r)
		replaced = false
	}
	out := b.String()
	ext := path.Ext(out)
	if !strings.ContainsFunc(strings.TrimSuffix(out, ext), func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}) {
		if strings.Trim(ext, "._") == "" {
			ext = ""
		}
		return "file" + ext
	}
	return out
}

// encodeExtValue percent-encodes s as RFC 8187's value-chars: UTF-8, every byte outside attr-char
// as %XX.
func encodeExtValue(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
