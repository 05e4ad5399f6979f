package pages_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"quire/app/apptest"
)

// Answers built whole in memory (search results, a page, a widget, a folder, a post) are sent
// with their Content-Length, never chunked, whatever their size: here each is over the 2 KB past
// which net/http would otherwise chunk. So are the OpenAPI document and a keyed request's answer
// replayed.
func TestBufferedAnswersHaveContentLength(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	long := strings.Repeat("lemur facts and figures ", 200) // 4.8 KB
	page := c.Post("pages/create/", map[string]any{"title": "Lemurs", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": long}, {"classname": "Discussion"}}}}).Want(200).ID()
	for i := range 20 {
		c.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Lemur note %d", i), "json": body1("a lemur was seen")}).Want(200)
	}
	widget := c.Post(fmt.Sprintf("page/%d/paragraph/create/", page), map[string]any{"val": long}).Want(200).ID()
	cases := []struct{ name, method, path string }{
		{"search", "GET", "search/query/?q=lemur"},
		{"page", "GET", fmt.Sprintf("pages/get/%d/", page)},
		{"widget", "GET", fmt.Sprintf("page/%d/paragraph/get/%d/", page, widget)},
		{"widget update", "POST", fmt.Sprintf("page/%d/paragraph/update/%d/?val=%s", page, widget, url.QueryEscape(long+" more"))},
		{"post", "POST", fmt.Sprintf("feed/post/%d/?msg=%s", page, url.QueryEscape(long))},
		{"folder", "POST", "folder/create/?path=" + url.QueryEscape("Archive/Older")},
		{"the OpenAPI document", "GET", "openapi.json"},
		// The same keyed request twice: the second answer is the first one's, replayed.
		{"keyed", "POST", fmt.Sprintf("page/%d/paragraph/create/?val=%s", page, url.QueryEscape(long))},
		{"keyed replay", "POST", fmt.Sprintf("page/%d/paragraph/create/?val=%s", page, url.QueryEscape(long))},
	}
	keyed := site.Client(site.OwnerTk)
	keyed.Headers = http.Header{"Idempotency-Key": {"length-1"}}
	for _, tc := range cases {
		c := c
		if strings.HasPrefix(tc.name, "keyed") {
			c = keyed
		}
		r := c.Do(tc.method, c.URL(tc.path), nil, "").Want(200)
		if tc.name == "keyed replay" && r.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("%s: not a replay (%v)", tc.name, r.Header)
		}
		if len(r.Body) <= 2048 && tc.name != "folder" {
			t.Errorf("%s: an answer of %d bytes proves nothing; make it larger than 2 KB", tc.name, len(r.Body))
		}
		if got := r.Header.Get("Content-Length"); got != strconv.Itoa(len(r.Body)) {
			t.Errorf("%s: Content-Length %q for %d bytes (Transfer-Encoding %q)", tc.name, got, len(r.Body), r.Header.Get("Transfer-Encoding"))
		}
	}
}
