package app_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/static"
)

// headFixtures makes something for every parameter of every GET route to name: a page with a
// widget of each kind, a file, an image, a record, a post, and an invitation. It returns the
// value of each route parameter, the widget ids by kind ("paragraph"), an invitation token and a
// password reset token.
func headFixtures(t *testing.T, site *apptest.Site) (params map[string]string, widgetIDs map[string]string) {
	t.Helper()
	c := site.Client(site.OwnerTk)
	page := c.Post("pages/create/", map[string]any{"title": "Everything", "json": []any{[]any{
		map[string]any{"classname": "Heading", "val": "Hello"},
		map[string]any{"classname": "Paragraph", "val": "<p>Some text</p>"},
		map[string]any{"classname": "Form", "val": "Sign up", "fields": []any{map[string]any{"label": "Name"}}},
		map[string]any{"classname": "Discussion"},
	}}}).Want(200).Object()
	pageID := fmt.Sprint(page["id"])
	widgetIDs = map[string]string{}
	for _, w := range page["json"].([]any)[0].([]any) {
		w := w.(map[string]any)
		widgetIDs[strings.ToLower(w["classname"].(string))] = fmt.Sprint(w["id"])
	}
	att := c.Upload("page/"+pageID+"/attachment/create/", nil, "notes.txt", strings.NewReader("Some notes.\n")).Want(200).Object()
	widgetIDs["attachment"] = fmt.Sprint(att["id"])
	var pic bytes.Buffer
	if err := png.Encode(&pic, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	img := c.Upload("page/"+pageID+"/image/create/", map[string]string{"caption": "A square"}, "square.png", &pic).Want(200).Object()
	widgetIDs["image"] = fmt.Sprint(img["id"])
	file := att["files"].([]any)[0].(map[string]any)
	c.Post("pages/records/"+pageID+"/", map[string]any{"name": "Ada"}).Want(200)
	c.Post("feed/post/"+pageID+"/", map[string]any{"msg": "Hello"}).Want(200)
	c.Post("people/invite/", map[string]any{"email_address": "mae@example.com", "name": "Mae"}).Want(200)
	token := regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`).FindStringSubmatch(string(c.Get("mail/outbox/").Body))
	if token == nil {
		t.Fatal("no invitation link in the outbox")
	}
	statics, err := fs.Glob(static.FS, "*.css")
	if err != nil || len(statics) == 0 {
		t.Fatalf("no static file to ask for: %v", err)
	}
	staticURL, err := static.URL(statics[0])
	if err != nil {
		t.Fatal(err)
	}
	link := c.Post("page/"+pageID+"/links/create/", map[string]any{"allow_download": true}).Want(200).Object()
	return map[string]string{
		":page_id":   pageID,
		":file_id":   fmt.Sprint(file["id"]),
		":filename":  fmt.Sprint(file["filename"]),
		":file":      fmt.Sprintf("%d.svg", site.Owner.ID),
		":token":     token[1],
		":reset":     strings.TrimPrefix(c.Post(fmt.Sprintf("people/reset_link/%d/", site.Owner.ID), nil).Want(200).Object()["link"].(string), site.URL+"/password/reset/"),
		"*filepath":  strings.TrimPrefix(staticURL, "/static"),
		"*tag":       "/", // the tag list
		"search/q":   "text",
		":widget_id": "", // by kind, from widgetIDs
		":page":      "everything",
		":folder_id": fmt.Sprint(c.Get("folder/tree/").Want(200).List()[0]["id"]),
		// A hook to a documentation address (TEST-NET-1): nothing happens after it to send.
		":hook_id": fmt.Sprint(c.Post("hooks/subscribe/", map[string]any{"target_url": "https://192.0.2.1/hook", "event": "page.created"}).Want(200).ID()),
		":link_id": fmt.Sprint(link["id"]),
		":secret":  link["url"].(string)[strings.LastIndex(link["url"].(string), "/")+1:],
	}, widgetIDs
}

// routeURL fills in a route's parameters from params and widgetIDs.
func routeURL(t *testing.T, path string, params, widgetIDs map[string]string) string {
	t.Helper()
	segments := strings.Split(path, "/")
	for i, seg := range segments {
		if !strings.HasPrefix(seg, ":") && !strings.HasPrefix(seg, "*") {
			continue
		}
		v, ok := params[seg]
		if seg == ":widget_id" {
			v, ok = widgetIDs[segments[i-2]] // /page/:page_id/KIND/get/:widget_id/
			if segments[i-1] == "history" {  // /:page/history/:widget_id
				v, ok = widgetIDs["paragraph"]
			}
		}
		if !ok || v == "" {
			t.Fatalf("route %s: this test has no value for %s; add one to headFixtures", path, seg)
		}
		segments[i] = strings.TrimPrefix(v, "/")
	}
	u := strings.Join(segments, "/")
	if strings.HasSuffix(path, "/search/query/") {
		u += "?q=" + params["search/q"]
	}
	return u
}

var cspNonce = regexp.MustCompile(`'nonce-[^']*'`)

// sameHeaders are the headers a HEAD must answer as its GET does; the others change from one
// request to the next (Date, the request id, the rate limit's count) or describe the body's
// transfer. A web page's CSP nonce is new for each request; the rest of its policy is compared.
func differingHeaders(get, head http.Header) []string {
	var out []string
	for k := range get {
		switch k {
		case "Date", "X-Request-Id", "Ratelimit-Remaining", "Ratelimit-Reset", "Transfer-Encoding", "Content-Length",
			"Set-Cookie": // a form cookie is a new random value each time the browser has none
			continue
		}
		if k == "Content-Security-Policy" {
			if cspNonce.ReplaceAllString(get.Get(k), "'nonce-'") != cspNonce.ReplaceAllString(head.Get(k), "'nonce-'") {
				out = append(out, fmt.Sprintf("%s: GET %q, HEAD %q", k, get.Get(k), head.Get(k)))
			}
			continue
		}
		if get.Get(k) != head.Get(k) {
			out = append(out, fmt.Sprintf("%s: GET %q, HEAD %q", k, get.Get(k), head.Get(k)))
		}
	}
	return out
}

// subsitePages are the web pages read inside a subsite (/@home/...); "/:page" leads to "/:page/".
var subsitePages = map[string]bool{"/": true, "/:page": true, "/:page/": true, "/-/folders/:folder_id/": true,
	"/-/tags/*tag": true, // pages/web's tag list (tags.go)
	// pages/web's editing pages (edit*.go)
	"/-/new/": true, "/-/trash/": true, "/:page/edit/": true, "/:page/edit/presence/": true, "/:page/settings/": true,
	"/:page/edit/w/:widget_id/": true,
	// pages/web's history pages (history*.go)
	"/:page/history": true, "/:page/history/:widget_id": true,
	// pages/links' Share screen
	"/:page/share/": true, "/:page/share/:link_id/": true}

// redirectPages answer a GET with a redirect: "/:page" to "/:page/", and a widget's editor,
// without htmx, to the page's editor with that widget open.
var redirectPages = map[string]bool{"/:page": true, "/:page/edit/w/:widget_id/": true}

// TestHeadAnswersLikeGet asks every GET route of the router (API lists and gets, files, avatars,
// health, the OpenAPI document, web pages and static files) with GET and then HEAD: HEAD must
// answer the same status and headers, and no body.
func TestHeadAnswersLikeGet(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	params, widgetIDs := headFixtures(t, site)
	widgetIDs["edit"] = widgetIDs["paragraph"] // /:page/edit/w/:widget_id/
	c := site.Client(site.OwnerTk)
	n := 0
	for _, route := range site.Inst.Routes() {
		if route.Method != http.MethodGet {
			continue
		}
		n++
		u := site.URL + routeURL(t, route.Path, params, widgetIDs)
		if subsitePages[route.Path] {
			u = site.URL + "/@home" + routeURL(t, route.Path, params, widgetIDs)
		}
		get := c.Do(http.MethodGet, u, nil, "")
		head := c.Do(http.MethodHead, u, nil, "")
		if get.Status >= 300 && get.Status != http.StatusNotModified && !redirectPages[route.Path] {
			t.Errorf("GET %s (%s): %d %s; the fixtures should make it succeed", u, route.Path, get.Status, get.Body)
		}
		if head.Status != get.Status || len(head.Body) != 0 {
			t.Errorf("HEAD %s: %d with %d bytes of body; want %d as GET, and none", u, head.Status, len(head.Body), get.Status)
		}
		if d := differingHeaders(get.Header, head.Header); len(d) > 0 {
			t.Errorf("HEAD %s: headers differ from GET: %s", u, strings.Join(d, "; "))
		}
		if cl := get.Header.Get("Content-Length"); cl != "" && head.Header.Get("Content-Length") != cl {
			t.Errorf("HEAD %s: Content-Length %q, GET %q", u, head.Header.Get("Content-Length"), cl)
		}
	}
	if n < 20 {
		t.Errorf("only %d GET routes; the router's list looks wrong", n)
	}
	// A file's HEAD tells a download manager its size, version and that ranges work.
	file := c.Do(http.MethodHead, site.URL+routeURL(t, "/files/:file_id/:filename", params, widgetIDs), nil, "").Want(http.StatusOK)
	if file.Header.Get("Content-Length") != fmt.Sprint(len("Some notes.\n")) || file.Header.Get("ETag") == "" ||
		file.Header.Get("Accept-Ranges") != "bytes" {
		t.Errorf("HEAD of a file: %v; want its Content-Length, ETag and Accept-Ranges", file.Header)
	}
}

func TestHeadWhereOnlyPostIsAllowed(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	for _, cl := range []*apptest.Client{c, c.In("home")} {
		r := cl.Do(http.MethodHead, cl.URL("pages/create/"), nil, "").Want(http.StatusMethodNotAllowed)
		if r.Header.Get("Allow") != "POST" || len(r.Body) != 0 {
			t.Errorf("HEAD pages/create/: Allow %q and %d bytes; want POST and no body", r.Header.Get("Allow"), len(r.Body))
		}
	}
	// A wrong method on a GET route offers HEAD too.
	r := c.Do(http.MethodPost, c.URL("pages/all/"), nil, "")
	r.Error(http.StatusMethodNotAllowed, "method_not_allowed")
	if allow := r.Header.Get("Allow"); allow != "GET, HEAD" {
		t.Errorf("POST pages/all/: Allow %q, want GET, HEAD", allow)
	}
	if !strings.Contains(string(r.Body), "use GET or HEAD") {
		t.Errorf("POST pages/all/: %s; want it to offer GET or HEAD", r.Body)
	}
}

// TestHeadCountsAgainstTheRateLimit: HEAD costs a GET, and is counted as one.
func TestHeadCountsAgainstTheRateLimit(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.Token(site.Owner, "2/1h"))
	c.Do(http.MethodHead, c.URL("pages/all/"), nil, "").Want(http.StatusOK)
	r := c.Do(http.MethodHead, c.URL("pages/all/"), nil, "").Want(http.StatusOK)
	if r.Header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("after two HEADs RateLimit-Remaining is %q, want 0", r.Header.Get("RateLimit-Remaining"))
	}
	c.Get("pages/all/").Error(http.StatusTooManyRequests, "rate_limited")
}
