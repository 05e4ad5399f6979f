package browser

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestMain(m *testing.M) { Main(m) }

// serve serves html under a CSP as strict as the wiki's, and sets a cookie at /login.
func serve(t *testing.T, html string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/login" {
			http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("as")})
		}
		w.Write([]byte(html))
	}))
	t.Cleanup(srv.Close)
	return srv
}

const goodPage = `<!doctype html><html lang="en"><head><title>Fine</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Fine</h1><p>Nothing wrong here.</p></main></body></html>`

// TestContextsAreIsolated signs two people in, each in a context of their own: neither sees
// the other's cookie.
func TestContextsAreIsolated(t *testing.T) {
	t.Parallel()
	srv := serve(t, goodPage)
	ada, bob := New(t), New(t)
	Step(t, ada, "Ada signs in", chromedp.Navigate(srv.URL+"/login?as=ada"))
	Step(t, bob, "Bob signs in", chromedp.Navigate(srv.URL+"/login?as=bob"))
	if a, b := Read(t, ada, chromedp.Evaluate[string](`document.cookie`)), Read(t, bob, chromedp.Evaluate[string](`document.cookie`)); a != "who=ada" || b != "who=bob" {
		t.Errorf("cookies: Ada's tab %q, Bob's %q; want who=ada and who=bob", a, b)
	}
}

// TestAxeRunsUnderStrictCSP finds nothing on a good page and fails a test for a page with a
// critical violation, though the page's CSP admits no script at all.
func TestAxeRunsUnderStrictCSP(t *testing.T) {
	t.Parallel()
	ctx := New(t)
	Step(t, ctx, "open a good page", chromedp.Navigate(serve(t, goodPage).URL))
	for _, w := range []int64{Desktop, Phone} {
		Viewport(t, ctx, w)
		Axe(t, ctx)
		if got := Read(t, ctx, chromedp.Evaluate[int](`window.innerWidth`)); got != int(w) {
			t.Errorf("viewport %d: the page is %d px wide", w, got)
		}
	}
	CSPViolations(t, ctx)

	bad := serve(t, strings.Replace(goodPage, "<p>Nothing wrong here.</p>", `<img src="/x.png"><form><input name="q"></form>`, 1))
	Step(t, ctx, "open a page with an unlabelled input and an image without alt", chromedp.Navigate(bad.URL))
	rec := &recorder{TB: t}
	Axe(rec, ctx)
	for _, id := range []string{"image-alt", "label"} {
		if !strings.Contains(strings.Join(rec.errors, "\n"), "axe critical on "+bad.URL+"/: "+id+" ") {
			t.Errorf("axe reported %q, want the critical violation %s", rec.errors, id)
		}
	}
}

// TestCSPViolationsReported fails a test for what the page's CSP refused: an inline style.
func TestCSPViolationsReported(t *testing.T) {
	t.Parallel()
	ctx := New(t)
	Step(t, ctx, "open a page with an inline style", chromedp.Navigate(serve(t, strings.Replace(goodPage, "<h1>", `<h1 style="color:red">`, 1)).URL))
	rec := &recorder{TB: t}
	CSPViolations(rec, ctx)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "style-src-attr refused inline") {
		t.Errorf("reported %q, want the refused inline style", rec.errors)
	}
}

// TestScreenshotIsPNG saves a PNG of the page's size under $QUIRE_SCREENSHOTS.
func TestScreenshotIsPNG(t *testing.T) {
	t.Setenv("QUIRE_SCREENSHOTS", t.TempDir()+"/shots")
	ctx := New(t)
	Viewport(t, ctx, Phone)
	Step(t, ctx, "open a page", chromedp.Navigate(serve(t, goodPage).URL))
	file := Screenshot(t, ctx, "fine")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != Phone {
		t.Errorf("%s: %v, width %v; want a PNG %d px wide", file, err, img, Phone)
	}
}

// recorder keeps the errors a helper reports instead of failing the test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Error(args ...any) {
	r.errors = append(r.errors, strings.TrimSpace(fmt.Sprintln(args...)))
}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
