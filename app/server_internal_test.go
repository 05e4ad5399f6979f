package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"quire/app/apptest/syncbuf"
)

// newTestServer builds the server of a new site with extra routes, served by httptest.
func newTestServer(t *testing.T, routes func(e *gin.Engine)) (*Server, *httptest.Server, *syncbuf.Buffer) {
	t.Helper()
	cfg, err := ConfigFromEnv(map[string]string{"QUIRE_DATA": t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	site, err := OpenSite(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { site.Close() })
	logs := &syncbuf.Buffer{}
	s, err := NewServer(site, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	routes(s.engine)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts, logs
}

func get(t *testing.T, url, requestID string) (*http.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("X-Request-Id", requestID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("GET %s: %d %q is not JSON: %v", url, resp.StatusCode, raw, err)
	}
	return resp, body
}

func TestPanicAnswersJSON500(t *testing.T) {
	t.Parallel()
	_, ts, logs := newTestServer(t, func(e *gin.Engine) {
		e.GET("/api/v1/boom/", func(*gin.Context) { panic("kaboom in the handler") })
		e.GET("/api/v1/broken/", func(c *gin.Context) { c.Error(errors.New("disk I/O error: secret detail")) })
	})
	for _, tc := range []struct {
		path, id, logged string
	}{
		{"/api/v1/boom/", "panic-1", `msg=panic request_id=panic-1 method=GET path=/api/v1/boom/ panic="kaboom in the handler" stack=`},
		{"/api/v1/broken/", "broken-1", `msg="internal error" request_id=broken-1 method=GET path=/api/v1/broken/ error="disk I/O error: secret detail"`},
	} {
		resp, body := get(t, ts.URL+tc.path, tc.id)
		want := map[string]any{"error": "Internal error. Quote the request id when you report it.", "status": float64(500),
			"code": "internal_error", "type": "api_error", "request_id": tc.id}
		if resp.StatusCode != 500 || !equalJSON(body, want) || resp.Header.Get("X-Request-Id") != tc.id {
			t.Errorf("GET %s: %d %v, want 500 %v", tc.path, resp.StatusCode, body, want)
		}
		log := logs.String()
		if !strings.Contains(log, tc.logged) {
			t.Errorf("the log lacks %q:\n%s", tc.logged, log)
		}
		if n := regexp.MustCompile(`msg=request id=`+tc.id+` .* status=500 `).FindAllString(log, -1); len(n) != 1 {
			t.Errorf("%d access-log lines with status 500 for %s, want 1:\n%s", len(n), tc.id, log)
		}
	}
	if !strings.Contains(logs.String(), "server_internal_test.go") {
		t.Errorf("the panic's stack is not in the log:\n%s", logs.String())
	}
	// The server goes on answering.
	if resp, body := get(t, ts.URL+"/healthz", "after"); resp.StatusCode != 200 || body["status"] != "ok" {
		t.Errorf("healthz after a panic: %d %v", resp.StatusCode, body)
	}
}

func equalJSON(a, b map[string]any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestEveryRouteIsDocumented compares the router with the OpenAPI document: an endpoint added
// without its documentation fails here even before a test calls it.
func TestEveryRouteIsDocumented(t *testing.T) {
	t.Parallel()
	s, _, _ := newTestServer(t, func(*gin.Engine) {})
	raw, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	param := regexp.MustCompile(`:(\w+)`)
	documented := 0
	for _, r := range s.engine.Routes() {
		path, ok := strings.CutPrefix(r.Path, "/api/v1")
		if !ok {
			continue
		}
		path = param.ReplaceAllString(path, "{$1}")
		if doc.Paths[path][strings.ToLower(r.Method)] == nil {
			t.Errorf("%s %s is served but not in the OpenAPI document", r.Method, r.Path)
		}
		documented++
	}
	if documented < 40 {
		t.Errorf("only %d API routes found", documented)
	}
}
