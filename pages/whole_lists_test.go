package pages_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"quire/app/api"
	"quire/app/apptest"
	"quire/pages"
	"quire/widgets"
)

// past is one more than the most a list page answers: a list this long does not fit one page.
const past = api.MaxLimit + 5

// seeded names what seedLists made: the page with the posts, the widget with the versions and
// the page of the form with the records.
type seeded struct {
	pageID, widgetID int64
	formPageID       string
}

// seedLists makes past items of every list: people, subsites, pages (each in its own folder),
// pages in the trash, posts on a page and in the activity stream, versions of a widget, records
// of a form and mail in the outbox.
func seedLists(t *testing.T, site *apptest.Site) (made seeded) {
	t.Helper()
	ctx := context.Background()
	var formID int64
	made.formPageID, formID = formPage(t, site.Client(site.OwnerTk), "Sign-ups", []map[string]any{{"label": "N", "type": "number"}})
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
		pageID := ids[0]
		made.pageID = pageID
		cur, err := widgets.ListByPage(ctx, tx, pageID)
		if err != nil {
			return err
		}
		w := cur[pageID][0]
		made.widgetID = w.ID
		formPageID, _ := strconv.ParseInt(made.formPageID, 10, 64)
		form, err := widgets.FindForm(ctx, tx, formPageID, formID, false)
		if err != nil {
			return err
		}
		field := widgets.FormFields(form)[0]
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
			if _, err := widgets.CreatePost(ctx, tx, widgets.NewPost{SubsiteID: home.ID, AuthorID: site.Owner.ID,
				Text: fmt.Sprint("news ", i), HTML: fmt.Sprint("<p>news ", i, "</p>")}, now); err != nil {
				return err
			}
			if _, err := widgets.CreateRecord(ctx, tx, form, []widgets.Answer{{Name: field.Name, Label: field.Label, Value: fmt.Sprint(i)}},
				now, site.Owner.ID); err != nil {
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
	return made
}

var nextLink = regexp.MustCompile(`^<([^>]+)>; rel="next"$`)

// keys returns each item's key field, as text: of a JSON array, the field named key; of a CSV
// answer, the column whose header is key.
func keys(t *testing.T, r *apptest.Response, key string) []string {
	t.Helper()
	var out []string
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		for _, item := range r.List() {
			out = append(out, fmt.Sprint(item[key]))
		}
		return out
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("the CSV (%d bytes) does not parse: %v", len(r.Body), err)
	}
	col := slices.Index(rows[0], key)
	if col < 0 {
		t.Fatalf("the CSV's header %q has no %q", rows[0], key)
	}
	for _, row := range rows[1:] {
		out = append(out, row[col])
	}
	return out
}

// TestListsAnswerEverything: without limit and cursor, every list answers all its items in one
// array without a Link header, as Papyrs clients read them; with limit, the Link headers walk
// the same items in the same order.
func TestListsAnswerEverything(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	made := seedLists(t, site)
	owner := site.Client(site.OwnerTk)
	count := func(query string, args ...any) int {
		var n int
		if err := site.Inst.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	home := site.Home()
	csvOf := url.Values{"format": {"csv"}}
	cases := []struct {
		name   string
		client *apptest.Client
		path   string
		query  url.Values // always sent
		key    string
		want   int
		// cursorPage is how many items a cursor without limit answers (MaxLimit when 0).
		cursorPage int
	}{
		{"pages/all", owner.In("home"), "pages/all/", nil, "id", past + 1, 0}, // and the form's page
		{"pages/trash", owner.In("home"), "pages/trash/", nil, "id", past, 0},
		{"folder/tree", owner.In("home"), "folder/tree/", nil, "path", past + 1, 0},
		{"people/all site-wide", owner, "people/all/", nil, "id", count(`SELECT COUNT(*) FROM users WHERE deleted_at IS NULL`), 0},
		{"people/all of a subsite", owner.In("home"), "people/all/", nil, "id", count(`SELECT COUNT(*) FROM memberships WHERE subsite_id = ?`, home.ID), 0},
		{"subsites/all", owner, "subsites/all/", nil, "id", past + 1, 0},
		{"feed/page", owner.In("home"), fmt.Sprintf("feed/page/%d/", made.pageID), nil, "id", past, 0},
		{"feed/all", owner.In("home"), "feed/all/", nil, "id", past, 0},
		{"widget versions", owner.In("home"), fmt.Sprintf("page/%d/paragraph/versions/%d/", made.pageID, made.widgetID), nil, "id", past, 0},
		{"mail/outbox", owner, "mail/outbox/", nil, "id", count(`SELECT COUNT(*) FROM outbox`), 0},
		// The records as CSV: Papyrs' pages/records pages by items_per_page (50 unless told),
		// so that a cursor alone answers 50.
		{"records as CSV", owner.In("home"), "pages/records/" + made.formPageID + "/", csvOf, "Record ID", past, 50},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want < past {
				t.Fatalf("the site has %d items for this list; want at least %d", tc.want, past)
			}
			ask := func(more url.Values) url.Values {
				q := url.Values{}
				for _, v := range []url.Values{tc.query, more} {
					for k, vs := range v {
						q[k] = vs
					}
				}
				return q
			}
			r := tc.client.Get(tc.path, ask(nil)).Want(http.StatusOK)
			whole := keys(t, r, tc.key)
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
			r = tc.client.Get(tc.path, ask(url.Values{"limit": {"400"}})).Want(http.StatusOK)
			for pages := 1; ; pages++ {
				page := keys(t, r, tc.key)
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
			cursorPage := api.MaxLimit
			if tc.cursorPage != 0 {
				cursorPage = tc.cursorPage
			}
			first := tc.client.Get(tc.path, ask(url.Values{"limit": {"1"}})).Want(http.StatusOK)
			m := nextLink.FindStringSubmatch(first.Header.Get("Link"))
			if m == nil {
				t.Fatalf("a page of 1 of %d items has no Link", tc.want)
			}
			u, _ := url.Parse(m[1])
			q := u.Query()
			q.Del("limit")
			rest := tc.client.Get(tc.path, q).Want(http.StatusOK)
			if got := keys(t, rest, tc.key); len(got) != cursorPage || !reflect.DeepEqual(got, whole[1:1+cursorPage]) ||
				!strings.Contains(rest.Header.Get("Link"), "cursor=") {
				t.Errorf("a cursor alone answered %d items and Link %q; want the next %d and a Link", len(got), rest.Header.Get("Link"), cursorPage)
			}
		})
	}
}
