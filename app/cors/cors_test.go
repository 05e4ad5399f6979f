package cors_test

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/app/cors"
)

// TestParseOrigins takes exact origins as browsers send them and refuses anything else with a
// message naming the item.
func TestParseOrigins(t *testing.T) {
	t.Parallel()
	got, err := cors.ParseOrigins(" https://App.Example.com , http://localhost:3000/,https://x.example:443,http://[::1]:8080")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://app.example.com", "http://localhost:3000", "https://x.example", "http://[::1]:8080"}
	if !slices.Equal(got, want) {
		t.Errorf("ParseOrigins = %q, want %q", got, want)
	}
	if got, err := cors.ParseOrigins(""); err != nil || len(got) != 0 {
		t.Errorf("empty list: %q, %v; want none", got, err)
	}
	for _, bad := range []string{"*", "null", "example.com", "ftp://example.com", "https://example.com/app",
		"https://user@example.com", "https://example.com?x=1", "https://*.example.com", "https://"} {
		if _, err := cors.ParseOrigins("https://ok.example," + bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseOrigins(%q): %v, want an error naming it", bad, err)
		}
	}
}

// TestBadOriginStopsTheStart: a server told an origin that is not one does not start.
func TestBadOriginStopsTheStart(t *testing.T) {
	t.Parallel()
	_, _, code := apptest.Start(t).CLI("serve", "--addr", "127.0.0.1:0", "--cors-origins", "*")
	if code == 0 {
		t.Error("serve --cors-origins '*' started")
	}
}

func do(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestCORS talks to a server that allows one origin, through real HTTP, as a browser would.
func TestCORS(t *testing.T) {
	t.Parallel()
	const app = "https://app.example.com"
	site := apptest.Start(t, apptest.WithEnv("QUIRE_CORS_ORIGINS", app+", http://localhost:3000"))
	site.Subsite("Team", "team")
	preflight := map[string]string{"Origin": app, "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "content-type,idempotency-key,x-auth-token"} // lowercase and sorted, as the Fetch standard has browsers send it

	t.Run("preflight of an allowed origin", func(t *testing.T) {
		// No token, as a browser's preflight: answered before authentication and the rate limit,
		// on the site-wide and the subsite API, for any API path.
		for _, path := range []string{"/api/v1/pages/create/", "/@team/api/v1/pages/all", "/@nowhere/api/v1/pages/all/"} {
			resp, body := do(t, http.MethodOptions, site.URL+path, preflight)
			h := resp.Header
			if resp.StatusCode != http.StatusNoContent || body != "" {
				t.Errorf("OPTIONS %s: %d %q, want 204 without a body", path, resp.StatusCode, body)
			}
			if h.Get("Access-Control-Allow-Origin") != app || h.Get("Access-Control-Allow-Methods") != "POST" ||
				!strings.EqualFold(h.Get("Access-Control-Allow-Headers"), "content-type,idempotency-key,x-auth-token") ||
				h.Get("Access-Control-Max-Age") != "7200" || h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("OPTIONS %s: headers %v", path, h)
			}
			if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
				t.Errorf("OPTIONS %s: Vary %q, want Origin", path, h.Values("Vary"))
			}
			if h.Get("RateLimit-Limit") != "" {
				t.Errorf("OPTIONS %s counted against a rate limit", path)
			}
		}
	})

	t.Run("preflight of another origin", func(t *testing.T) {
		for _, hdr := range []map[string]string{
			{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
			{"Origin": "https://app.example.com.evil.example", "Access-Control-Request-Method": "GET"},
			{"Origin": app, "Access-Control-Request-Method": "DELETE"},                                                 // a method the API has not
			{"Origin": app, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-csrf-token"}, // a session's header
		} {
			resp, _ := do(t, http.MethodOptions, site.URL+"/api/v1/pages/all/", hdr)
			if resp.StatusCode != http.StatusNoContent {
				t.Errorf("preflight %v: %d, want 204", hdr, resp.StatusCode)
			}
			for k := range resp.Header {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("preflight %v answered %s: %q", hdr, k, resp.Header.Get(k))
				}
			}
		}
	})

	t.Run("answers", func(t *testing.T) {
		resp, _ := do(t, http.MethodGet, site.URL+"/api/v1/pages/all/", map[string]string{"Origin": app, "X-Auth-Token": site.OwnerTk})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != app ||
			resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("GET from %s: %d, headers %v", app, resp.StatusCode, resp.Header)
		}
		exposed := strings.Split(resp.Header.Get("Access-Control-Expose-Headers"), ", ")
		for _, h := range []string{"Ratelimit-Limit", "Ratelimit-Remaining", "Ratelimit-Reset", "Link", "Retry-After", "X-Request-Id", "Idempotent-Replayed"} {
			if !slices.ContainsFunc(exposed, func(e string) bool { return strings.EqualFold(e, h) }) {
				t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, h)
			}
		}
		// An error answer (no token) carries them too, so the script can read why.
		resp, _ = do(t, http.MethodGet, site.URL+"/@team/api/v1/pages/all/", map[string]string{"Origin": app})
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Access-Control-Allow-Origin") != app {
			t.Errorf("GET without a token from %s: %d, Allow-Origin %q", app, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
		for _, c := range []struct{ path, origin string }{
			{"/api/v1/pages/all/", "https://evil.example"}, // another origin
			{"/api/v1/pages/all/", ""},                     // no origin: same-origin or not a browser
			{"/login", app},                                // a web page: never CORS
		} {
			resp, _ := do(t, http.MethodGet, site.URL+c.path, map[string]string{"Origin": c.origin, "X-Auth-Token": site.OwnerTk})
			if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
				t.Errorf("GET %s from %q: Access-Control-Allow-Origin %q, want none", c.path, c.origin, v)
			}
			vary := strings.Join(resp.Header.Values("Vary"), ",")
			if api := strings.HasPrefix(c.path, "/api/"); api != strings.Contains(vary, "Origin") {
				t.Errorf("GET %s from %q: Vary %q", c.path, c.origin, vary)
			}
		}
	})
}

// TestNoOriginsByDefault: a server with no --cors-origins allows no origin.
func TestNoOriginsByDefault(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	resp, _ := do(t, http.MethodOptions, site.URL+"/api/v1/pages/all/", map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"})
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight: %d, Allow-Origin %q; want 204 without it", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	resp, _ = do(t, http.MethodGet, site.URL+"/api/v1/pages/all/", map[string]string{"Origin": "http://localhost:3000", "X-Auth-Token": site.OwnerTk})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET: %d, Allow-Origin %q; want 200 without it", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}
