package pages_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"quire/app/api"
	"quire/app/apptest"
	"quire/pages"
	"quire/widgets"
)

// past is one more than the most a list page answers: a list this long does not fit one page.
const past = api.MaxLimit + 5

// seedLists makes past items of every list: people, subsites, pages (each in its own folder),
// pages in the trash, posts on a page, versions of a widget and mail in the outbox. It returns
// the page with the posts and the widget with the versions.
func seedLists(t *testing.T, site *apptest.Site) (pageID, widgetID int64) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < past; i++ {
		site.User(fmt.Sprintf("Person %d", i))
	}
	for i := 0; i < past; i++ {
		site.Subsite(fmt.Sprintf("Team %d", i), fmt.Sprintf("team-%d", i))
	}
	home := site.Home()
	seed := make([]pages.SeedPage, 2*past)
	for i := range seed {
		seed[i] = pages.SeedPage{Title: fmt.Sprintf("Page %d", i), Path: fmt.Sprintf("Folder %04d", i%past), Texts: []string{"v0"}}
	}
	ids, err := site.Inst.Pages.SeedPages(ctx, home, site.Owner.ID, seed)
	if err != nil {
		t.Fatal(err)
	}
	db := site.Inst.DB
	err = db.Write(ctx, func(tx *sql.Tx) error {
		now := api.NewTime(db.Now())
		for _, id := range ids[past:] {
			if _, err := tx.ExecContext(ctx, `UPDATE pages SET deleted_at = ?, deleted_by = ? WHERE id = ?`, now, site.Owner.ID, id); err != nil {
				return err
			}
		}
		pageID = ids[0]
		cur, err := widgets.ListByPage(ctx, tx, pageID)
		if err != nil {
			return err
		}
		w := cur[pageID][0]
		widgetID = w.ID
		for i := 1; i < past; i++ {
			c := widgets.ContentOf(w)
			c.HTML, c.Text = fmt.Sprintf("<p>v%d</p>", i), fmt.Sprintf("v%d", i)
			if w, err = widgets.Update(ctx, tx, w, c, now, site.Owner.ID); err != nil {
				return err
			}
		}
		for i := 0; i < past; i++ {
			if _, err := widgets.CreatePost(ctx, tx, widgets.NewPost{PageID: pageID, SubsiteID: home.ID, AuthorID: site.Owner.ID,
				Text: fmt.Sprint("post ", i), HTML: fmt.Sprint("<p>post ", i, "</p>")}, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (to_addr, subject, body, created_at, next_attempt_at)
				VALUES (?, ?, ?, ?, ?)`, fmt.Sprintf("p%d@example.com", i), "Hello", "Hello", now, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pageID, widgetID
}

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// keys returns each item's key field, as text.
func keys(r *apptest.Response, key string) []string {
	var out []string
	for _, item := range r.List() {
		out = append(out, fmt.Sprint(item[key]))
	}
	return out
}

// TestListsAnswerEverything: without limit and cursor, every list answers all its items in one
// array without a Link header, as Papyrs clients read them; with limit, the Link headers walk
// the same items in the same order.
func TestListsAnswerEverything(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	pageID, widgetID := seedLists(t, site)
	owner := site.Client(site.OwnerTk)
	count := func(query string, args ...any) int {
		var n int
		if err := site.Inst.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	home := site.Home()
	cases := []struct {
		name   string
		client *apptest.Client
		path   string
		key    string
		want   int
	}{
		{"pages/all", owner.In("home"), "pages/all/", "id", past},
		{"pages/trash", owner.In("home"), "pages/trash/", "id", past},
		{"folder/tree", owner.In("home"), "folder/tree/", "path", past + 1},
		{"people/all site-wide", owner, "people/all/", "id", count(`SELECT COUNT(*) FROM users WHERE deleted_at IS NULL`)},
		{"people/all of a subsite", owner.In("home"), "people/all/", "id", count(`SELECT COUNT(*) FROM memberships WHERE subsite_id = ?`, home.ID)},
		{"subsites/all", owner, "subsites/all/", "id", past + 1},
		{"feed/page", owner.In("home"), fmt.Sprintf("feed/page/%d/", pageID), "id", past},
		{"widget versions", owner.In("home"), fmt.Sprintf("page/%d/paragraph/versions/%d/", pageID, widgetID), "id", past},
		{"mail/outbox", owner, "mail/outbox/", "id", count(`SELECT COUNT(*) FROM outbox`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want < past {
				t.Fatalf("the site has %d items for this list; want at least %d", tc.want, past)
			}
			r := tc.client.Get(tc.path).Want(http.StatusOK)
			whole := keys(r, tc.key)
			if len(whole) != tc.want || r.Header.Get("Link") != "" {
				t.Fatalf("%d items and Link %q; want all %d and no Link", len(whole), r.Header.Get("Link"), tc.want)
			}
			seen := map[string]bool{}
			for _, k := range whole {
				if seen[k] {
					t.Fatalf("%s %s is answered twice", tc.key, k)
				}
				seen[k] = true
			}
			// Pages of 400 follow each other through their Link headers to the same list.
			var walked []string
			r = tc.client.Get(tc.path, url.Values{"limit": {"400"}}).Want(http.StatusOK)
			for pages := 1; ; pages++ {
				page := keys(r, tc.key)
				walked = append(walked, page...)
				m := nextLink.FindStringSubmatch(r.Header.Get("Link"))
				if m == nil {
					if len(page) > 400 || pages != (tc.want+399)/400 {
						t.Errorf("%d pages, the last of %d items; want pages of at most 400", pages, len(page))
					}
					break
				}
				if len(page) != 400 {
					t.Fatalf("page %d has %d items and a Link; want 400", pages, len(page))
				}
				r = tc.client.Do(http.MethodGet, m[1], nil, "").Want(http.StatusOK)
			}
			if !reflect.DeepEqual(walked, whole) {
				t.Errorf("the pages hold %d items, not the %d of the whole list in its order", len(walked), len(whole))
			}
			// A cursor without limit answers the page after it of at most 1000, as before.
			first := tc.client.Get(tc.path, url.Values{"limit": {"1"}}).Want(http.StatusOK)
			m := nextLink.FindStringSubmatch(first.Header.Get("Link"))
			if m == nil {
				t.Fatalf("a page of 1 of %d items has no Link", tc.want)
			}
			u, _ := url.Parse(m[1])
			q := u.Query()
			q.Del("limit")
			rest := tc.client.Get(tc.path, q).Want(http.StatusOK)
			if got := keys(rest, tc.key); len(got) != api.MaxLimit || !reflect.DeepEqual(got, whole[1:1+api.MaxLimit]) ||
				!strings.Contains(rest.Header.Get("Link"), "cursor=") {
				t.Errorf("a cursor alone answered %d items and Link %q; want the next %d and a Link", len(got), rest.Header.Get("Link"), api.MaxLimit)
			}
		})
	}
}
