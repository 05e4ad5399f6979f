package web_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// TestPageJSON: ?json on a page's URL answers the API's pages/get for it byte for byte, with the
// caller's credential (header) or ?auth_token=; a renamed slug's ?json leads there too.
func TestPageJSON(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	api := w.owner.Get(fmt.Sprintf("pages/get/%d/", w.welcome)).Want(200)
	anon := w.site.Client("")
	for name, u := range map[string]string{
		"header":     w.site.URL + "/@home/team-handbook/?json",
		"auth_token": w.site.URL + "/@home/team-handbook/?json&auth_token=" + url.QueryEscape(w.site.OwnerTk),
	} {
		c := w.owner
		if name == "auth_token" {
			c = anon
		}
		r := c.Do("GET", u, nil, "")
		if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %s: %.300s", name, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if !bytes.Equal(r.Body, api.Body) {
			t.Errorf("%s: ?json differs from pages/get:\n%s\nwant:\n%s", name, r.Body, api.Body)
		}
	}
	// The page view and ?json agree with the API after a write, too (no stale cache).
	w.owner.Post(fmt.Sprintf("page/%d/paragraph/create/", w.welcome), map[string]any{"val": "<p>Added later.</p>"}).Want(200)
	api = w.owner.Get(fmt.Sprintf("pages/get/%d/", w.welcome)).Want(200)
	if r := get(w.owner, "/@home/team-handbook/?json").Want(200); !bytes.Equal(r.Body, api.Body) || !bytes.Contains(r.Body, []byte("Added later.")) {
		t.Errorf("?json after a write: %.300s", r.Body)
	}
	if r := get(w.owner, "/@home/team-handbook/").Want(200); !bytes.Contains(r.Body, []byte("<p>Added later.</p>")) {
		t.Errorf("the page view misses the added paragraph")
	}
}
