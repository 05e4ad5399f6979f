package app

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// webRoutes are the routes that serve people, not programs: HTML pages and their static files,
// outside the API's document.
var webRoutes = map[string]bool{
	"GET /static/*filepath": true, "HEAD /static/*filepath": true,
	"GET /invite/:token": true, "POST /invite/:token": true,
	// pages/web: a subsite's home, folders and pages, and the page's form and comment posts.
	"GET /": true, "GET /-/folders/:folder_id/": true, "GET /-/tags/*tag": true, "GET /:page": true, "GET /:page/": true,
	"POST /:page/form/:widget_id/": true, "POST /:page/comments/": true,
	// pages/web's editing pages: a new page, the trash, a page's editor and settings
	"GET /-/new/": true, "POST /-/new/": true, "GET /-/trash/": true, "POST /-/trash/:page_id/restore/": true,
	"GET /:page/settings/": true, "POST /:page/settings/": true, "POST /:page/delete/": true,
	"GET /:page/edit/": true, "GET /:page/edit/presence/": true, "POST /:page/edit/done/": true,
	"POST /:page/edit/add/": true, "POST /:page/edit/markdown/": true, "GET /:page/edit/w/:widget_id/": true,
	"POST /:page/edit/w/:widget_id/": true, "POST /:page/edit/w/:widget_id/delete/": true,
	// pages/search: the search page and its box's suggestions.
	"GET /search": true, "GET /search/suggest": true,
	// app/apidocs: the API reference for people
	"GET /docs": true,
	// people/web: signing in and out, passwords, the account page
	"GET /login": true, "POST /login": true, "POST /logout": true,
	"GET /password/forgot": true, "POST /password/forgot": true,
	"GET /password/reset/:reset": true, "POST /password/reset/:reset": true,
	"GET /account": true, "POST /account": true, "POST /account/sessions/end-others": true,
	// people/web: the owners' people page and its reset links
	"GET /-/people/": true, "POST /-/people/:user_id/reset-link/": true,
	"GET /account/tokens": true, "POST /account/tokens": true, "POST /account/tokens/:token_id/rename": true,
	"POST /account/tokens/:token_id/revoke": true,
	// pages/web: history
	"GET /:page/history": true, "GET /:page/history/:widget_id": true,
	"POST /:page/history/:widget_id/restore": true,
	// pages/links: a page's Share screen, and a share link's own pages (the page, its form, its files)
	"GET /:page/share/": true, "POST /:page/share/": true, "GET /:page/share/:link_id/": true,
	"POST /:page/share/:link_id/revoke/": true,
	"GET /s/:secret":                     true, "POST /s/:secret": true, "GET /s/:secret/files/:file_id/:filename": true,
}

var ginParam = regexp.MustCompile(`:([A-Za-z_]+)`)

// TestOpenAPIDocumentsEveryRoute checks that every route the server registers is an operation of
// the OpenAPI document, and every operation of the document a route: nothing served is
// undocumented, and nothing documented is missing. A HEAD route counts as its path's GET.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	s, _, _ := newTestServer(t, func(*gin.Engine) {})
	raw, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{} // "GET /api/v1/pages/get/{page_id}/"
	for path, item := range doc.Paths {
		_, ownServers := item["servers"]
		for _, m := range httpMethods {
			if _, ok := item[m]; ok {
				full := path
				if !ownServers {
					full = "/api/v1" + path
				}
				documented[strings.ToUpper(m)+" "+full] = true
			}
		}
	}
	served := map[string]bool{}
	var missing []string
	for _, r := range s.engine.Routes() {
		if webRoutes[r.Method+" "+r.Path] {
			continue
		}
		key := r.Method + " " + ginParam.ReplaceAllString(r.Path, "{$1}")
		served[key] = true
		if r.Method == "GET" { // Server.ServeHTTP answers HEAD on every GET route
			served["HEAD"+strings.TrimPrefix(key, "GET")] = true
		}
		if !documented[key] && !(r.Method == "HEAD" && documented["GET"+strings.TrimPrefix(key, "HEAD")]) {
			missing = append(missing, key)
		}
	}
	var stale []string
	for key := range documented {
		if !served[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, k := range missing {
		t.Errorf("served but not in the OpenAPI document: %s", k)
	}
	for _, k := range stale {
		t.Errorf("in the OpenAPI document but not served: %s", k)
	}
	if len(served) < 60 {
		t.Errorf("only %d routes seen; the test reads the wrong router", len(served))
	}
}

// TestOperationIDs checks that every operation has an operationId of its own, and the rule that
// makes them.
func TestOperationIDs(t *testing.T) {
	t.Parallel()
	raw, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	type operation struct {
		OperationID string         `json:"operationId"`
		Responses   map[string]any `json:"responses"`
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	ops := map[string]map[string]operation{}
	seen := map[string]string{}
	for path, item := range doc.Paths {
		ops[path] = map[string]operation{}
		for _, method := range httpMethods {
			if item[method] == nil {
				continue
			}
			var op operation
			if err := json.Unmarshal(item[method], &op); err != nil {
				t.Fatal(err)
			}
			ops[path][method] = op
			if op.OperationID == "" || !regexp.MustCompile(`^[a-z][A-Za-z0-9]*$`).MatchString(op.OperationID) {
				t.Errorf("%s %s: operationId %q", method, path, op.OperationID)
			}
			if other, dup := seen[op.OperationID]; dup {
				t.Errorf("operationId %q of %s %s is also %s's", op.OperationID, method, path, other)
			}
			seen[op.OperationID] = method + " " + path
			if _, ok := op.Responses["default"]; ok {
				t.Errorf("%s %s keeps a default answer instead of its statuses", method, path)
			}
		}
	}
	for _, tc := range []struct{ path, method, want string }{
		{"/pages/get/{page_id}/", "get", "pagesGet"},
		{"/page/{page_id}/paragraph/create/", "post", "pageParagraphCreate"},
		{"/people/add_to_subsite/{user_id}/", "post", "peopleAddToSubsite"},
		{"/subsites/all/", "post", "postSubsitesAll"},
		{"/feed/post/", "post", "feedPostToStream"},
		{"/feed/post/{page_id}/", "post", "feedPost"},
	} {
		if got := ops[tc.path][tc.method].OperationID; got != tc.want {
			t.Errorf("%s %s: operationId %q, want %q", tc.method, tc.path, got, tc.want)
		}
	}
}
