package static

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestServeHashedURL serves every embedded file at the URL URL gives, with its type, the
// immutable cache and an ETag that a conditional request answers with 304.
func TestServeHashedURL(t *testing.T) {
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	shape := regexp.MustCompile(`^/static/[0-9a-f]{12}/`)
	n := 0
	err := fs.WalkDir(FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		want, err := FS.ReadFile(name)
		if err != nil {
			return err
		}
		u, err := URL(name)
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(u) || !strings.HasSuffix(u, "/"+name) {
			t.Errorf("URL(%q) = %q, want /static/HASH/%s", name, u, name)
		}
		w := httptest.NewRecorder()
		if !Serve(w, httptest.NewRequest(http.MethodGet, u, nil), strings.TrimPrefix(u, "/static")) {
			t.Fatalf("Serve(%q) found nothing", u)
		}
		ext := name[strings.LastIndex(name, "."):]
		if w.Code != 200 || w.Body.String() != string(want) || w.Header().Get("Content-Type") != types[ext] ||
			w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || w.Header().Get("ETag") == "" {
			t.Errorf("GET %s: %d, %d bytes (want %d), headers %v; want 200, the file, Content-Type %q, a year's immutable cache, an ETag",
				u, w.Code, w.Body.Len(), len(want), w.Header(), types[ext])
		}
		r := httptest.NewRequest(http.MethodGet, u, nil)
		r.Header.Set("If-None-Match", w.Header().Get("ETag"))
		w2 := httptest.NewRecorder()
		Serve(w2, r, strings.TrimPrefix(u, "/static"))
		if w2.Code != http.StatusNotModified || w2.Body.Len() != 0 {
			t.Errorf("GET %s If-None-Match its ETag: %d with %d bytes, want 304 and none", u, w2.Code, w2.Body.Len())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 4 { // quire.css, htmx, Trix's script and stylesheet
		t.Errorf("only %d static files embedded", n)
	}
}

// TestServeWrongURL finds nothing at a URL whose hash is not the file's, or that has no hash or
// no file, so that a stale or made-up URL is a 404 and never other content under a URL cached
// for a year.
func TestServeWrongURL(t *testing.T) {
	u, err := URL("quire.css")
	if err != nil {
		t.Fatal(err)
	}
	hash := strings.Split(u, "/")[2]
	for _, rest := range []string{
		"/000000000000/quire.css",       // an old or made-up hash
		"/" + hash[:11] + "/quire.css",  // a hash cut short
		"/" + hash + "0/quire.css",      // a hash too long
		"/quire.css",                    // no hash
		"/" + hash + "/",                // no file
		"/" + hash + "/nothing.css",     // no such file
		"/" + hash + "/vendor/trix.css", // another file's hash
		"/" + hash + "/../quire.css",
		"/" + hash + "/vendor/package.json", // in the folder, not embedded
	} {
		w := httptest.NewRecorder()
		if Serve(w, httptest.NewRequest(http.MethodGet, "/static"+rest, nil), rest) || w.Body.Len() != 0 || len(w.Header()) != 0 {
			t.Errorf("Serve(%q) answered %d %v; want nothing found and nothing written", rest, w.Code, w.Header())
		}
	}
	if _, err := URL("nothing.css"); err == nil {
		t.Error("URL of a file that does not exist: no error")
	}
}
