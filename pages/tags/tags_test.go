package tags_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// tagPage makes a page with the tags and answers its id.
func tagPage(t *testing.T, c *apptest.Client, title string, tags any) int64 {
	t.Helper()
	return c.Post("pages/create/", map[string]any{"title": title, "json": []any{[]any{}}, "tags": tags}).Want(200).ID()
}

// tagList answers tags/all as "name=count" in order.
func tagList(t *testing.T, c *apptest.Client, q ...url.Values) string {
	t.Helper()
	var out []string
	for _, tag := range c.Get("tags/all/", q...).Want(200).List() {
		out = append(out, fmt.Sprintf("%s=%v", tag["name"], tag["page_count"]))
	}
	return strings.Join(out, " ")
}

// pageTags answers the tags of the page as pages/get has them.
func pageTags(t *testing.T, c *apptest.Client, id int64) string {
	t.Helper()
	var p struct {
		Tags []string `json:"tags"`
	}
	c.Get(fmt.Sprintf("pages/get/%d/", id)).Want(200).Decode(&p)
	return strings.Join(p.Tags, ",")
}

// titles answers the titles of pages/all with the query, in order.
func titles(t *testing.T, c *apptest.Client, q url.Values) string {
	t.Helper()
	var out []string
	for _, p := range c.Get("pages/all/", q).Want(200).List() {
		out = append(out, p["title"].(string))
	}
	return strings.Join(out, ",")
}

func TestTags(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	sub := site.Subsite("Tagged", "tagged")
	_, ed := site.Member("Eddie Editor", sub, people.RoleEditor)
	_, viewer := site.Member("Vera Viewer", sub, people.RoleViewer)
	a := tagPage(t, ed, "Alpha", "hr,welcome")
	b := tagPage(t, ed, "Beta", []string{"Hr", "onboarding"})
	trashed := tagPage(t, ed, "Gamma", "hr")
	ed.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)
	tagPage(t, site.Client(site.OwnerTk).In("home"), "Elsewhere", "hr,secret")

	t.Run("list: live pages of the subsite, one entry per name ignoring case", func(t *testing.T) {
		if got, want := tagList(t, viewer), "Hr=2 onboarding=1 welcome=1"; got != want {
			t.Errorf("tags/all %q, want %q", got, want)
		}
		r := viewer.Get("tags/all/", url.Values{"limit": {"2"}}).Want(200)
		link := r.Header.Get("Link")
		if len(r.List()) != 2 || !strings.Contains(link, "cursor=") {
			t.Fatalf("limit 2: %s with Link %q", r.Body, link)
		}
		next := strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		rest := viewer.Do("GET", next, nil, "").Want(200).List()
		if len(rest) != 1 || rest[0]["name"] != "welcome" || rest[0]["url"] != site.URL+"/@tagged/-/tags/welcome/" {
			t.Errorf("second page %v, want welcome with its tag page", rest)
		}
		viewer.Get("tags/all/", url.Values{"since": {"2026-01-01T00:00:00Z"}}).Error(400, "invalid_request")
	})
	t.Run("pages/all filters by tag ignoring case", func(t *testing.T) {
		if got := titles(t, viewer, url.Values{"tag": {"HR"}}); got != "Beta,Alpha" {
			t.Errorf("pages/all?tag=HR: %q, want Beta,Alpha", got)
		}
	})
	t.Run("viewers may not change tags", func(t *testing.T) {
		viewer.Post("tags/rename/", map[string]any{"tag": "hr", "to": "people"}).Error(403, "forbidden")
		viewer.Post("tags/delete/", map[string]any{"tag": "hr"}).Error(403, "forbidden")
	})
	t.Run("refused input changes nothing", func(t *testing.T) {
		cases := []struct {
			path  string
			body  map[string]any
			field string
		}{
			{"tags/rename/", map[string]any{"tag": "hr"}, "to"},
			{"tags/rename/", map[string]any{"tag": "", "to": "x"}, "tag"},
			{"tags/rename/", map[string]any{"tag": "hr", "to": "a,b"}, "to"},
			{"tags/rename/", map[string]any{"tag": "hr", "to": strings.Repeat("x", 51)}, "to"},
			{"tags/rename/", map[string]any{"tag": "hr", "to": "bad\u202etag"}, "to"},
			{"tags/rename/", map[string]any{"tag": "hr", "to": "hr"}, "to"},
			{"tags/rename/", map[string]any{"tag": "hr", "to": 5}, "to"},
			{"tags/rename/", map[string]any{"tag": "hr", "to": "x", "extra": 1}, "extra"},
			{"tags/merge/", map[string]any{"tags": []string{}, "into": "x"}, "tags"},
			{"tags/merge/", map[string]any{"tags": []any{"hr", 3}, "into": "x"}, "tags"},
			{"tags/merge/", map[string]any{"tags": []string{"hr"}, "into": " "}, "into"},
			{"tags/delete/", map[string]any{}, "tag"},
		}
		for _, tc := range cases {
			e := ed.Post(tc.path, tc.body).Error(400, "invalid_request")
			if e["field"] != tc.field {
				t.Errorf("%s %v: error on %v (%s), want %q", tc.path, tc.body, e["field"], e["error"], tc.field)
			}
		}
		ed.Post("tags/rename/", map[string]any{"tag": "nosuch", "to": "x"}).Error(404, "not_found")
		ed.Post("tags/merge/", map[string]any{"tags": []string{"nosuch", "none"}, "into": "x"}).Error(404, "not_found")
		ed.Post("tags/delete/", map[string]any{"tag": "secret"}).Error(404, "not_found") // only home's page has it
		if got := tagList(t, viewer); got != "Hr=2 onboarding=1 welcome=1" {
			t.Errorf("after refusals tags/all %q", got)
		}
	})

	before := time.Now().UTC().Add(-time.Second).Format(time.RFC3339)
	t.Run("rename respells every page, the trash too, and counts as a page update", func(t *testing.T) {
		since := time.Now().UTC().Format(time.RFC3339Nano)
		ch := ed.Post("tags/rename/", map[string]any{"tag": "HR", "to": "People"}).Want(200).Object()
		tag := ch["tag"].(map[string]any)
		if ch["success"] != true || tag["name"] != "People" || tag["page_count"] != 2.0 || ch["pages_changed"] != 3.0 {
			t.Errorf("rename answered %v, want People on 2 live pages, 3 changed", ch)
		}
		if got := pageTags(t, viewer, a) + " " + pageTags(t, viewer, b); got != "People,welcome People,onboarding" {
			t.Errorf("tags of the pages %q", got)
		}
		ed.Post(fmt.Sprintf("pages/restore/%d/", trashed), nil).Want(200)
		if got := pageTags(t, viewer, trashed); got != "People" {
			t.Errorf("the restored page has %q, want People", got)
		}
		if got := titles(t, viewer, url.Values{"since": {since}}); got != "Alpha,Beta,Gamma" {
			t.Errorf("pages changed since the rename: %q, want Alpha,Beta,Gamma", got)
		}
		if got := tagList(t, site.Client(site.OwnerTk).In("home")); got != "hr=1 secret=1" {
			t.Errorf("another subsite's tags changed: %q", got)
		}
		res := apptest.SearchResults(t, viewer, "People")
		found := map[string]bool{}
		for _, r := range res {
			found[fmt.Sprint(r["title"])] = true
		}
		if !found["Alpha"] || !found["Beta"] {
			t.Errorf("search for the new tag found %v, want Alpha and Beta", res)
		}
	})
	t.Run("rename onto a tag pages have, then merge and delete", func(t *testing.T) {
		ch := ed.Post("tags/rename/", map[string]any{"tag": "welcome", "to": "people"}).Want(200).Object()
		if ch["tag"].(map[string]any)["page_count"] != 3.0 || ch["pages_changed"] != 1.0 {
			t.Errorf("rename onto people answered %v, want 3 pages, 1 changed", ch)
		}
		if got := pageTags(t, viewer, a); got != "people" {
			t.Errorf("Alpha has %q, want one people", got)
		}
		ch = ed.Post("tags/merge/", map[string]any{"tags": []string{"people", "ONBOARDING"}, "into": "Guides"}).Want(200).Object()
		if ch["tag"].(map[string]any)["page_count"] != 3.0 || ch["pages_changed"] != 3.0 {
			t.Errorf("merge answered %v", ch)
		}
		if got := tagList(t, viewer); got != "Guides=3" {
			t.Errorf("after the merge tags/all %q, want Guides=3", got)
		}
		ch = ed.Post("tags/delete/", map[string]any{"tag": "guides"}).Want(200).Object()
		if ch["pages_changed"] != 3.0 || ch["tag"].(map[string]any)["page_count"] != 0.0 {
			t.Errorf("delete answered %v", ch)
		}
		if got := tagList(t, viewer); got != "" {
			t.Errorf("after the delete tags/all %q, want none", got)
		}
		if got := titles(t, viewer, url.Values{"since": {before}}); got != "Alpha,Beta,Gamma" {
			t.Errorf("pages since: %q", got)
		}
	})
}
