package pages_test

// Listing pages: order, limit and cursor, Link headers and since.

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
)

// linkNext returns the URL of a Link: <...>; rel="next" header, or "".
func linkNext(t *testing.T, r *apptest.Response) string {
	t.Helper()
	h := r.Header.Get("Link")
	if h == "" {
		return ""
	}
	m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("Link header %q, want <URL>; rel=\"next\"", h)
	}
	return m[1]
}

// walk follows a list's Link headers from its first page and returns every page's ids.
func walk(t *testing.T, c *apptest.Client, q url.Values) [][]int64 {
	t.Helper()
	var out [][]int64
	list, r := listPages(t, c, q)
	for {
		out = append(out, ids(list))
		next := linkNext(t, r)
		if next == "" {
			return out
		}
		if len(out) > 20 {
			t.Fatalf("the Link headers do not end")
		}
		r = c.Do(http.MethodGet, next, nil, "").Want(200)
		list = nil
		r.Decode(&list)
	}
}

func TestListPages(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Subsite("Lists", "lists")
	c := site.Client(site.OwnerTk).In("lists")
	var made []page
	for i := 0; i < 5; i++ {
		made = append(made, newPage(t, c, fmt.Sprintf("Page %d", i)))
	}
	newPage(t, site.Client(site.OwnerTk).In("home"), "Not in lists")

	t.Run("newest first without json", func(t *testing.T) {
		list, r := listPages(t, c, nil)
		if want := []int64{made[4].ID, made[3].ID, made[2].ID, made[1].ID, made[0].ID}; !reflect.DeepEqual(ids(list), want) {
			t.Errorf("ids %v, want %v", ids(list), want)
		}
		if r.Header.Get("Link") != "" || strings.Contains(string(r.Body), `"json"`) {
			t.Errorf("a complete list has Link %q and json in %s; want neither", r.Header.Get("Link"), r.Body)
		}
	})
	t.Run("limit and cursor", func(t *testing.T) {
		got := walk(t, c, url.Values{"limit": {"2"}})
		want := [][]int64{{made[4].ID, made[3].ID}, {made[2].ID, made[1].ID}, {made[0].ID}}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("pages %v, want %v", got, want)
		}
		r := site.Client("").In("lists").Get("pages/all/", url.Values{"limit": {"2"}, "auth_token": {site.OwnerTk}}).Want(200)
		if next := linkNext(t, r); strings.Contains(next, "auth_token") || !strings.Contains(next, "cursor=") {
			t.Errorf("next link %q; want a cursor and no auth_token", next)
		}
		exact := walk(t, c, url.Values{"limit": {"5"}})
		if len(exact) != 1 {
			t.Errorf("limit equal to the count gave %d pages, want 1 with no Link", len(exact))
		}
	})
	t.Run("since, oldest change first", func(t *testing.T) {
		before := time.Now().UTC().Add(-time.Hour)
		mid := time.Now().UTC()
		// Change page 1 and page 3 after mid: they come last, in the order they changed.
		c.Post(fmt.Sprintf("page/%d/paragraph/create/", made[3].ID), map[string]any{"val": "more"}).Want(200)
		c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", made[1].ID, made[1].JSON[0][0].ID), map[string]any{"val": "new"}).Want(200)
		all := walk(t, c, url.Values{"since": {before.Format(time.RFC3339)}})
		want := [][]int64{{made[0].ID, made[2].ID, made[4].ID, made[3].ID, made[1].ID}}
		if !reflect.DeepEqual(all, want) {
			t.Errorf("since an hour ago: %v, want %v", all, want)
		}
		recent := walk(t, c, url.Values{"since": {mid.Format(time.RFC3339Nano)}, "limit": {"1"}})
		if want := [][]int64{{made[3].ID}, {made[1].ID}}; !reflect.DeepEqual(recent, want) {
			t.Errorf("since %s by one: %v, want %v", mid.Format(time.RFC3339Nano), recent, want)
		}
		future := walk(t, c, url.Values{"since": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}})
		if !reflect.DeepEqual(future, [][]int64{{}}) {
			t.Errorf("since the future: %v, want nothing", future)
		}
	})
	t.Run("tag and folder filters", func(t *testing.T) {
		var red, both, team page
		c.Post("pages/create/", map[string]any{"title": "Red", "json": []column{{}}, "tags": "red"}).Want(200).Decode(&red)
		c.Post("pages/create/", map[string]any{"title": "Both", "json": []column{{}}, "tags": []string{"blue", "red"}}).Want(200).Decode(&both)
		c.Post("pages/create/", map[string]any{"title": "Team", "json": []column{{}}, "path": "Team/A", "tags": "blue"}).Want(200).Decode(&team)
		cases := []struct {
			q    url.Values
			want []int64
		}{
			{url.Values{"tag": {"red"}}, []int64{both.ID, red.ID}},
			{url.Values{"tag": {"blue"}}, []int64{team.ID, both.ID}},
			{url.Values{"tag": {"green"}}, []int64{}},
			{url.Values{"folder_id": {fmt.Sprint(team.FolderID)}}, []int64{team.ID}},
			{url.Values{"folder_id": {fmt.Sprint(team.FolderID)}, "tag": {"red"}}, []int64{}},
			{url.Values{"tag": {"red"}, "limit": {"1"}}, []int64{both.ID}},
		}
		for _, tc := range cases {
			if list, _ := listPages(t, c, tc.q); !reflect.DeepEqual(ids(list), tc.want) {
				t.Errorf("pages/all?%s: %v, want %v", tc.q.Encode(), ids(list), tc.want)
			}
		}
		if list, _ := listPages(t, c, url.Values{"tag": {"red"}}); !reflect.DeepEqual(list[0].Tags, []string{"blue", "red"}) {
			t.Errorf("tags in the list %v, want [blue red]", list[0].Tags)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		for q, field := range map[string]string{"limit=0": "limit", "limit=1001": "limit", "limit=x": "limit",
			"cursor=nonsense": "cursor", "since=yesterday": "since", "folder_id=x": "folder_id"} {
			wantInvalid(t, c.Do(http.MethodGet, c.URL("pages/all/")+"?"+q, nil, ""), field)
		}
	})
}
