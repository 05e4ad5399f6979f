package app_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
)

type webAnswer struct {
	status int
	header http.Header
	body   string
}

func webGet(t *testing.T, u string) webAnswer {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webAnswer{resp.StatusCode, resp.Header, string(b)}
}

// TestWebPageHeaders reads the security headers of a web page (an invitation link's, which
// carries a token): the strict CSP with a new style nonce each time, the same nonce in the page
// for Trix, and no Referer.
func TestWebPageHeaders(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	csp := regexp.MustCompile(`^default-src 'none'; script-src 'self'; style-src 'self' 'nonce-([A-Za-z0-9_-]{22})'; ` +
		`img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; ` +
		`base-uri 'none'; object-src 'none'$`)
	seen := map[string]bool{}
	for range 2 {
		page := webGet(t, site.URL+"/invite/not-a-token")
		m := csp.FindStringSubmatch(page.header.Get("Content-Security-Policy"))
		if page.status != http.StatusNotFound || m == nil {
			t.Fatalf("invitation page: %d, Content-Security-Policy %q; want 404 and the strict policy",
				page.status, page.header.Get("Content-Security-Policy"))
		}
		if seen[m[1]] {
			t.Errorf("nonce %q answered twice", m[1])
		}
		seen[m[1]] = true
		if !strings.Contains(page.body, `<meta name="trix-csp-nonce" content="`+m[1]+`">`) {
			t.Errorf("the page does not carry its header's nonce %q for Trix:\n%s", m[1], page.body)
		}
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
			"X-Frame-Options": "DENY", "Cache-Control": "no-store"} {
			if got := page.header.Get(k); got != want {
				t.Errorf("%s: %q, want %q", k, got, want)
			}
		}
		for _, banned := range []string{"<script>", "<style", " style=", "unsafe-"} {
			if strings.Contains(page.body, banned) || strings.Contains(page.header.Get("Content-Security-Policy"), banned) {
				t.Errorf("the page or its policy has %q, which the strict CSP forbids", banned)
			}
		}
	}
}

// TestStaticFilesHashedAndCached follows every /static/ link of a web page: each is served with
// its type and a year's immutable cache; the same file under another hash is not found.
func TestStaticFilesHashedAndCached(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	page := webGet(t, site.URL+"/invite/not-a-token")
	links := regexp.MustCompile(`(?:href|src)="(/static/([0-9a-f]{12})/([^"]+))"`).FindAllStringSubmatch(page.body, -1)
	types := map[string]string{"quire.css": "text/css; charset=utf-8", "vendor/htmx.min.js": "text/javascript; charset=utf-8"}
	if len(links) != len(types) {
		t.Fatalf("the page links %d static files, want %d (%v):\n%s", len(links), len(types), types, page.body)
	}
	for _, l := range links {
		a := webGet(t, site.URL+l[1])
		if a.status != 200 || a.header.Get("Content-Type") != types[l[3]] || a.header.Get("ETag") != `"`+l[2]+`"` ||
			a.header.Get("Cache-Control") != "public, max-age=31536000, immutable" || a.body == "" {
			t.Errorf("GET %s: %d %v; want 200, %q, ETag %q and a year's immutable cache", l[1], a.status, a.header, types[l[3]], l[2])
		}
		for _, wrong := range []string{"/static/" + strings.Repeat("0", 12) + "/" + l[3], "/static/" + l[3]} {
			a := webGet(t, site.URL+wrong)
			if a.status != http.StatusNotFound || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") ||
				a.header.Get("Cache-Control") != "no-store" {
				t.Errorf("GET %s: %d %v; want the 404 page, not cached", wrong, a.status, a.header)
			}
		}
	}
}
