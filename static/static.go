// Package static holds the CSS, scripts and vendored front-end libraries the web UI serves
// under /static/, embedded in the binary, and serves them at content-hashed URLs.
//
// A file's URL is /static/HASH/NAME, HASH being the first 12 hex digits of the SHA-256 of its
// content, computed once at start. Such a URL names one content for ever, so it is served with
// a one-year immutable cache; a new build that changes a file changes its URL, and the pages
// (never cached) link the new one. A URL whose hash is not the file's current one is not found:
// answering it with other content would break the promise the immutable cache makes.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// FS is the static files, by name (quire.css, vendor/htmx.min.js). static/vendor/ also holds the
// npm manifest, licenses and checksums of `make vendor`; only the files pages load are embedded.
//
//go:embed *.css vendor/*.js vendor/*.css
var FS embed.FS

// hashLen is how many hex digits of the SHA-256 a URL carries: 48 bits, enough that two
// versions of one file never share a URL.
const hashLen = 12

// CacheControl is the Cache-Control of a file served at its hashed URL: a year, the most
// RFC 9111 advises, and immutable, so a browser does not even revalidate it on reload.
const CacheControl = "public, max-age=31536000, immutable"

type file struct {
	hash, contentType string
	body              []byte
}

var files = sync.OnceValue(func() map[string]file {
	m := map[string]file{}
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := FS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		m[name] = file{hash: hex.EncodeToString(sum[:])[:hashLen], contentType: ctype, body: b}
		return nil
	})
	if err != nil { // the files are in the binary: reading them cannot fail
		panic(err)
	}
	return m
})

// URL returns the path at which the static file name ("quire.css", "vendor/htmx.min.js") is
// served: /static/HASH/NAME. It is the templates' function `static`. A name that is not a
// static file is an error, so a page linking a file that does not exist fails to render.
func URL(name string) (string, error) {
	f, ok := files()[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return "/static/" + f.hash + "/" + name, nil
}

// Serve answers a request for the static file at rest, the part of the URL after /static/
// ("HASH/NAME"), with its content, type, ETag and the immutable CacheControl, and reports
// whether it did. It answers nothing and reports false when no file has that name and hash;
// the caller answers the not-found page. Conditional and range requests are answered as
// net/http's ServeContent does.
func Serve(w http.ResponseWriter, r *http.Request, rest string) bool {
	hash, name, ok := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	f, found := files()[name]
	if !ok || !found || hash != f.hash {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", CacheControl)
	h.Set("ETag", `"`+f.hash+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
	return true
}
