package templates

import (
	"html/template"
	"net/http/httptest"
	"strings"
	"testing"

	"quire/static"
)

type errorPage struct{ Title, Message, RequestID string }

// TestLayoutLinksHashedStatics renders a page: its stylesheet and script are linked at their
// content-hashed URLs, through the template function static.
func TestLayoutLinksHashedStatics(t *testing.T) {
	w := httptest.NewRecorder()
	if err := Render(w, 404, "error.html", errorPage{"Not Found", "Nothing here", "req_1"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"quire.css", "vendor/htmx.min.js"} {
		u, err := static.URL(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(w.Body.String(), `="`+u+`"`) {
			t.Errorf("the page does not link %s at %s:\n%s", name, u, w.Body)
		}
	}
}

// TestStaticFuncRefusesUnknownFile fails the render of a template that links a file that does
// not exist, rather than linking a 404.
func TestStaticFuncRefusesUnknownFile(t *testing.T) {
	tpl, err := template.New("t").Funcs(funcs).Parse(`{{static "nothing.css"}}`)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tpl.Execute(&b, nil); err == nil || !strings.Contains(err.Error(), "nothing.css") {
		t.Errorf("rendering a link to nothing.css: %v, %q; want an error naming the file", err, b.String())
	}
}

// TestRenderFillsCSPNonce puts the nonce of the answer's Content-Security-Policy into the page,
// where Trix reads it, and nothing when the answer has no policy.
func TestRenderFillsCSPNonce(t *testing.T) {
	for _, c := range []struct{ csp, want string }{
		{"default-src 'none'; style-src 'self' 'nonce-abc_DEF-123'", `<meta name="trix-csp-nonce" content="abc_DEF-123">`},
		{"", `<meta name="trix-csp-nonce" content="">`},
	} {
		w := httptest.NewRecorder()
		if c.csp != "" {
			w.Header().Set("Content-Security-Policy", c.csp)
		}
		if err := Render(w, 200, "error.html", errorPage{"Error", "quire-nonce-", "req_2"}); err != nil {
			t.Fatal(err)
		}
		if body := w.Body.String(); !strings.Contains(body, c.want) || strings.Contains(body, nonceMark) {
			t.Errorf("CSP %q: page\n%s\nwant %s and no mark left", c.csp, body, c.want)
		}
	}
}
