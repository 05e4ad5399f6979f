package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
)

func TestWrongMethodOrUnknownAction(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	// Every 405 carries Allow (RFC 9110, 15.5.6): the methods of the route, or, for an action
	// that does not exist, an empty list, which says that no method is allowed there.
	cases := []struct {
		method, path string
		allow        string // the methods the answer's Allow lists, and its message offers
	}{
		{http.MethodGet, "pages/create/", "POST"},
		{http.MethodPost, "pages/get/1/", "GET, HEAD"},
		{http.MethodPut, "pages/all/", "GET, HEAD"},
		{http.MethodDelete, "pages/delete/1/", "POST"},
		{http.MethodGet, "pages/nosuch/", ""},
		{http.MethodPost, "page/1/paragraph/frobnicate/2/", ""},
		{http.MethodPost, "page/1/video/create/", ""},
		{http.MethodGet, "nothing/here/at/all/", ""},
		{http.MethodHead, "nothing/here/at/all/", ""},
	}
	for _, tc := range cases {
		for _, cl := range []*apptest.Client{c, c.In("home")} {
			r := cl.Do(tc.method, cl.URL(tc.path), nil, "").Want(405)
			if allow, sent := r.Header["Allow"]; !sent || len(allow) != 1 || allow[0] != tc.allow {
				t.Errorf("%s %s: Allow %q (sent: %v), want %q", tc.method, r.URL, allow, sent, tc.allow)
			}
			if tc.method == http.MethodHead {
				continue // no body to read
			}
			m := r.Error(405, "method_not_allowed")
			msg := m["error"].(string)
			if m["type"] != "invalid_request_error" || (tc.allow != "" && !strings.Contains(msg, strings.ReplaceAll(tc.allow, ",", " or"))) ||
				(tc.allow == "" && !strings.Contains(msg, "openapi.json")) {
				t.Errorf("%s %s: %v, want a message offering %q or pointing at the document", tc.method, r.URL, m, tc.allow)
			}
		}
	}
	// Outside the API, an unknown path is simply not found.
	c.Do(http.MethodGet, site.URL+"/no/such/page", nil, "").Error(404, "not_found")
}

func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	cases := []struct {
		name, contentType, body, field, msg string
	}{
		{"cut short", "application/json", `{"title": "x", "json": [[`, "", "not valid JSON"},
		{"syntax error", "application/json", `{"title": 'x'}`, "", "not valid JSON"},
		{"a list", "application/json", `[{"title": "x"}]`, "", "must be a JSON object"},
		{"two objects", "application/json", `{"title": "x"} {"json": []}`, "", "not valid JSON"},
		{"a string", "application/json", `"hello"`, "", "must be a JSON object"},
		{"JSON sent as a form", "application/x-www-form-urlencoded", `{"title": "x", "json": [[]], "extra": 1}`, "extra", "Unknown parameter"},
		{"bad escape in a form", "application/x-www-form-urlencoded", `title=%zz&json=[[]]`, "", "malformed"},
		{"unknown field", "application/json", `{"title": "x", "json": [[]], "Title": "y"}`, "Title", "Unknown parameter"},
		{"json not JSON in a form", "application/x-www-form-urlencoded", `title=x&json=%5B%5B`, "json", "must be JSON"},
		{"not UTF-8 in a form", "application/x-www-form-urlencoded", `title=caf%E9&json=[[]]`, "", "not valid UTF-8"},
		{"too many form parameters", "application/x-www-form-urlencoded", "title=x&json=[[]]" + strings.Repeat("&a=1", 1000), "", "at most 1000"},
	}
	for _, tc := range cases {
		m := c.PostRaw("pages/create/", tc.contentType, tc.body).Error(400, "invalid_request")
		field, _ := m["field"].(string)
		if field != tc.field || !strings.Contains(m["error"].(string), tc.msg) {
			t.Errorf("%s: field %q message %q, want field %q and %q", tc.name, field, m["error"], tc.field, tc.msg)
		}
	}
	m := c.PostRaw("pages/create/?title=caf%E9", "application/json", `{"json": [[]]}`).Error(400, "invalid_request")
	if !strings.Contains(m["error"].(string), "not valid UTF-8") {
		t.Errorf("a URL parameter that is not UTF-8: %q", m["error"])
	}
	if list := c.Get("pages/all/").Want(200).List(); len(list) != 0 {
		t.Errorf("malformed requests made pages: %v", list)
	}
}

func TestFormsURLParametersAndSlashes(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	form := url.Values{"title": {"From a form"}, "json": {`[[{"classname": "Paragraph", "val": "hello"}]]`}, "tags": {"a,b"}}
	p := c.PostRaw("pages/create/", "application/x-www-form-urlencoded", form.Encode()).Want(200).Object()
	if p["title"] != "From a form" || fmt.Sprint(p["tags"]) != "[a b]" {
		t.Errorf("form-encoded create: %v", p)
	}
	id := int64(p["id"].(float64))

	// Without the trailing slash, on both URLs, for GET and POST.
	for _, u := range []string{
		site.URL + "/api/v1/pages/get/" + strconv.FormatInt(id, 10),
		site.URL + "/@home/api/v1/pages/get/" + strconv.FormatInt(id, 10),
		site.URL + "/@home/api/v1/pages/all",
	} {
		if r := c.Do(http.MethodGet, u, nil, ""); r.Status != 200 {
			t.Errorf("GET %s: %d, want 200", u, r.Status)
		}
	}
	r := c.Do(http.MethodPost, site.URL+fmt.Sprintf("/@home/api/v1/page/%d/paragraph/create", id),
		strings.NewReader(`{"widget": {"val": "no slash"}}`), "application/json")
	if r.Status != 200 || r.Object()["html"] != "no slash" {
		t.Errorf("POST without the slash: %d %s", r.Status, r.Body)
	}
	// URL parameters alone, as a browser bookmark or a Zapier webhook sends them.
	q := url.Values{"title": {"From the URL"}, "json": {"[[]]"}}
	r = c.Do(http.MethodPost, c.URL("pages/create/")+"?"+q.Encode(), nil, "")
	if r.Status != 200 || r.Object()["title"] != "From the URL" {
		t.Errorf("create from URL parameters: %d %s", r.Status, r.Body)
	}
	// A parameter in both the URL and the body is given twice: which was meant cannot be told.
	r = c.Do(http.MethodPost, c.URL("pages/create/")+"?title=URL", strings.NewReader(`{"title": "Body", "json": [[]]}`), "application/json")
	if m := r.Error(400, "invalid_request"); m["field"] != "title" {
		t.Errorf("body and URL: %d %s, want a 400 naming title", r.Status, r.Body)
	}
	r = c.Do(http.MethodPost, c.URL("pages/create/")+"?title=Both", strings.NewReader(`{"title": "Both", "json": [[]]}`), "application/json")
	if r.Status != 200 || r.Object()["title"] != "Both" {
		t.Errorf("the same title in the body and the URL: %d %s", r.Status, r.Body)
	}
	// A subsite address without a slash at all is redirected.
	r = c.Do(http.MethodGet, site.URL+"/@home", nil, "")
	if r.Status != http.StatusPermanentRedirect || r.Header.Get("Location") != "/@home/" {
		t.Errorf("GET /@home: %d to %q, want 308 to /@home/", r.Status, r.Header.Get("Location"))
	}
}

func TestOpenAPIAndHealth(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	anon := site.Client("")
	r := anon.Do(http.MethodGet, site.URL+"/api/v1/openapi.json", nil, "").Want(200)
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	r.Decode(&doc)
	if doc.OpenAPI != "3.1.0" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("openapi %q, content type %q", doc.OpenAPI, r.Header.Get("Content-Type"))
	}
	for _, op := range []string{
		"get /pages/get/{page_id}/", "get /pages/all/", "post /pages/create/", "post /pages/delete/{page_id}/",
		"post /pages/copy/{page_id}/", "get /pages/trash/", "post /pages/restore/{page_id}/",
		"get /page/{page_id}/paragraph/get/{widget_id}/", "post /page/{page_id}/paragraph/create/",
		"post /page/{page_id}/paragraph/update/{widget_id}/", "post /page/{page_id}/paragraph/delete/{widget_id}/",
		"get /page/{page_id}/paragraph/versions/{widget_id}/", "post /page/{page_id}/paragraph/restore/{widget_id}/",
		"get /page/{page_id}/heading/get/{widget_id}/", "post /page/{page_id}/heading/create/",
		"post /page/{page_id}/heading/update/{widget_id}/", "post /page/{page_id}/markdown/create/",
		"post /page/{page_id}/widgets/move/", "get /people/all/", "post /people/delete/{user_id}/",
		"post /people/add_to_subsite/{user_id}/", "post /people/remove_from_subsite/{user_id}/",
		"post /people/set_permission/{user_id}/", "post /people/set_notifications/{user_id}/",
		"get /subsites/all/", "post /subsites/all/", "post /subsites/create/", "get /auth/debug/", "get /openapi.json",
	} {
		method, path, _ := strings.Cut(op, " ")
		if doc.Paths[path][method] == nil {
			t.Errorf("the document lacks %s", op)
		}
	}
	h := anon.Do(http.MethodGet, site.URL+"/healthz", nil, "").Want(200).Object()
	if h["status"] != "ok" {
		t.Errorf("healthz %v", h)
	}
}

func TestRequestIDs(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	r := c.Get("pages/get/999/")
	m := r.Error(404, "not_found")
	id := r.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^req_[0-9a-f]{16}$`).MatchString(id) || m["request_id"] != id {
		t.Errorf("request id header %q, body %v", id, m["request_id"])
	}
	c.Headers = http.Header{"X-Request-Id": {"zap-123.abc"}}
	if got := c.Get("pages/all/").Header.Get("X-Request-Id"); got != "zap-123.abc" {
		t.Errorf("a client's sane request id came back as %q", got)
	}
	c.Headers = http.Header{"X-Request-Id": {"bad id with spaces"}}
	if got := c.Get("pages/all/").Header.Get("X-Request-Id"); !strings.HasPrefix(got, "req_") {
		t.Errorf("an unusable client request id was kept: %q", got)
	}

	// The error body: Papyrs' two fields first, then Quire's, and nothing else.
	r = site.Client("").Get("pages/all/")
	var body map[string]json.RawMessage
	r.Decode(&body)
	if !strings.HasPrefix(string(r.Body), `{"error":"`) || !strings.Contains(string(r.Body), `","status":401,"code":"invalid_token","type":"authentication_error","request_id":"req_`) ||
		len(body) != 5 || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("error body %s (%s), want error and status first, then code, type and request_id", r.Body, r.Header.Get("Content-Type"))
	}
}

var logField = regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S*)`)

// accessLine waits for the one access-log line of the request id and returns its fields.
func accessLine(t *testing.T, site *apptest.Site, id string) map[string]string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var lines []string
		for _, line := range strings.Split(site.LogText(), "\n") {
			if strings.Contains(line, " msg=request ") && strings.Contains(line, " id="+id+" ") {
				lines = append(lines, line)
			}
		}
		if len(lines) > 1 {
			t.Fatalf("%d access-log lines for %s:\n%s", len(lines), id, strings.Join(lines, "\n"))
		}
		if len(lines) == 1 {
			fields := map[string]string{}
			for _, m := range logField.FindAllStringSubmatch(lines[0], -1) {
				v := m[2]
				if u, err := strconv.Unquote(v); err == nil {
					v = u
				}
				fields[m[1]] = v
			}
			return fields
		}
		if time.Now().After(deadline) {
			t.Fatalf("no access-log line for %s in:\n%s", id, site.LogText())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	p := owner.Post("pages/create/", map[string]any{"title": "Logged", "json": [][]any{{}}}).Want(200)
	pageID := int64(p.Object()["id"].(float64))
	cases := []struct {
		name     string
		c        *apptest.Client
		method   string
		path     string
		template string
		status   int
		user     int64
	}{
		{"a page", owner.In("home"), http.MethodGet, fmt.Sprintf("pages/get/%d/", pageID), "/api/v1/pages/get/:page_id/", 200, site.Owner.ID},
		{"not found", owner, http.MethodGet, "pages/get/999/", "/api/v1/pages/get/:page_id/", 404, site.Owner.ID},
		{"no token", site.Client(""), http.MethodGet, "pages/all/", "/api/v1/pages/all/", 401, 0},
		{"wrong method", owner, http.MethodPost, "pages/all/", "(no route)", 405, site.Owner.ID},
		{"health", owner, http.MethodGet, "/healthz", "/healthz", 200, 0},
	}
	for i, tc := range cases {
		id := fmt.Sprintf("log-test-%d", i)
		c := *tc.c
		c.Headers = http.Header{"X-Request-Id": {id}}
		r := c.Do(tc.method, c.URL(tc.path), nil, "")
		if r.Status != tc.status {
			t.Fatalf("%s: status %d, want %d", tc.name, r.Status, tc.status)
		}
		f := accessLine(t, site, id)
		ms, err := strconv.ParseFloat(f["duration_ms"], 64)
		want := map[string]string{"method": tc.method, "path": tc.template, "status": strconv.Itoa(tc.status),
			"bytes": strconv.Itoa(len(r.Body)), "user": strconv.FormatInt(tc.user, 10)}
		for k, v := range want {
			if f[k] != v {
				t.Errorf("%s: log %s=%q, want %q (line %v)", tc.name, k, f[k], v, f)
			}
		}
		if err != nil || ms < 0 || ms > 60_000 {
			t.Errorf("%s: duration_ms=%q", tc.name, f["duration_ms"])
		}
	}
}
