package pages_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/pages"
	"quire/people"
)

func TestUpdatePage(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	type want struct {
		title, slug, category string
		tags                  []string
		layout                [][]int
	}
	start := want{"Start", "start", "", []string{"a", "b"}, [][]int{{50, 50}}}
	cases := []struct {
		name string
		body func(c *apptest.Client) map[string]any // nil: the form below
		want want
	}{
		{"nothing given", func(*apptest.Client) map[string]any { return map[string]any{} }, start},
		{"title", func(*apptest.Client) map[string]any { return map[string]any{"title": "  New name  "} },
			want{"New name", "new-name", "", []string{"a", "b"}, [][]int{{50, 50}}}},
		{"title with the same slug", func(*apptest.Client) map[string]any { return map[string]any{"title": "START!"} },
			want{"START!", "start", "", []string{"a", "b"}, [][]int{{50, 50}}}},
		{"tags replaced", func(*apptest.Client) map[string]any { return map[string]any{"tags": []string{"x", "X", "y"}} },
			want{"Start", "start", "", []string{"x", "y"}, [][]int{{50, 50}}}},
		{"tags cleared", func(*apptest.Client) map[string]any { return map[string]any{"tags": []string{}} },
			want{"Start", "start", "", []string{}, [][]int{{50, 50}}}},
		{"path, its folders made", func(*apptest.Client) map[string]any { return map[string]any{"path": "HR/Guides"} },
			want{"Start", "start", "HR/Guides", []string{"a", "b"}, [][]int{{50, 50}}}},
		{"category", func(*apptest.Client) map[string]any { return map[string]any{"category": "/Kept/"} },
			want{"Start", "start", "Kept", []string{"a", "b"}, [][]int{{50, 50}}}},
		{"folder_id", func(c *apptest.Client) map[string]any {
			return map[string]any{"folder_id": c.Post("folder/create/", map[string]any{"path": "By id"}).Want(200).ID()}
		}, want{"Start", "start", "By id", []string{"a", "b"}, [][]int{{50, 50}}}},
		{"layout, same columns", func(*apptest.Client) map[string]any { return map[string]any{"layout": []int{66, 34}} },
			want{"Start", "start", "", []string{"a", "b"}, [][]int{{66, 34}}}},
		{"layout, more columns", func(*apptest.Client) map[string]any { return map[string]any{"layout": [][]int{{25, 25, 50}}} },
			want{"Start", "start", "", []string{"a", "b"}, [][]int{{25, 25, 50}}}},
		{"everything, as a form", nil, want{"Form title", "form-title", "Kept", []string{"one", "two"}, [][]int{{100}}}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub := s.Subsite(tc.name, fmt.Sprintf("upd%d", i))
			c := s.Client(s.OwnerTk).In(sub.Slug)
			var p page
			c.Post("pages/create/", map[string]any{"title": "Start", "tags": "a,b",
				"json": []column{{para("left")}, {para("right")}}}).Want(200).Decode(&p)
			u := fmt.Sprintf("pages/update/%d/", p.ID)
			var r *apptest.Response
			if tc.body == nil {
				form := url.Values{"title": {"Form title"}, "tags": {"one, two"}, "path": {"Kept"}, "layout": {"[100]"}}
				r = c.PostRaw(u, "application/x-www-form-urlencoded", form.Encode())
			} else {
				r = c.Post(u, tc.body(c))
			}
			var got page
			r.Want(200).Decode(&got)
			g := want{got.Title, got.Slug, got.Category, got.Tags, got.Layout}
			if !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got %+v, want %+v", g, tc.want)
			}
			if wantURL := s.URL + "/@" + sub.Slug + "/" + tc.want.slug + "/"; got.URL != wantURL {
				t.Errorf("url %q, want %q", got.URL, wantURL)
			}
			again := getPage(t, c, p.ID)
			if g := (want{again.Title, again.Slug, again.Category, again.Tags, again.Layout}); !reflect.DeepEqual(g, tc.want) {
				t.Errorf("pages/get afterwards: %+v, want %+v", g, tc.want)
			}
			if texts := widgetTexts(again); !reflect.DeepEqual(texts, []string{"left", "right"}) {
				t.Errorf("widgets %v, want left and right", texts)
			}
		})
	}
}

// widgetTexts returns the texts of the page's widgets, column after column.
func widgetTexts(p page) []string {
	out := []string{}
	for _, col := range p.JSON {
		for _, w := range col {
			out = append(out, w.Text)
		}
	}
	return out
}

// TestUpdatePageRefuses holds every refusal of pages/update to a 4xx that names the field and
// changes nothing.
func TestUpdatePageRefuses(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	c := s.Client(s.OwnerTk).In("home")
	p := newPage(t, c, "Unchanged", column{para("one")}, column{para("two")})
	long := strings.Repeat("x", 201)
	cases := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"empty title", map[string]any{"title": " "}, 400, "invalid_request", "title"},
		{"long title", map[string]any{"title": long}, 400, "invalid_request", "title"},
		{"two-line title", map[string]any{"title": "a\nb"}, 400, "invalid_request", "title"},
		{"long tag", map[string]any{"tags": []string{strings.Repeat("t", 51)}}, 400, "invalid_request", "tags"},
		{"tags not strings", map[string]any{"tags": []any{1}}, 400, "invalid_request", "tags"},
		{"layout not 100", map[string]any{"layout": []int{50, 40}}, 400, "invalid_request", "layout"},
		{"layout of 5 columns", map[string]any{"layout": []int{20, 20, 20, 20, 20}}, 400, "invalid_request", "layout"},
		{"layout empty", map[string]any{"layout": []int{}}, 400, "invalid_request", "layout"},
		{"layout a width of 0", map[string]any{"layout": []int{100, 0}}, 400, "invalid_request", "layout"},
		{"layout not JSON", map[string]any{"layout": "[50,"}, 400, "invalid_request", "layout"},
		{"no such folder", map[string]any{"folder_id": 999999}, 400, "invalid_request", "folder_id"},
		{"folder twice", map[string]any{"folder_id": 1, "path": "X"}, 400, "invalid_request", "path"},
		{"unknown parameter", map[string]any{"slug": "mine"}, 400, "invalid_request", "slug"},
		{"good title, bad layout", map[string]any{"title": "Changed", "layout": []int{99}}, 400, "invalid_request", "layout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := c.Post(fmt.Sprintf("pages/update/%d/", p.ID), tc.body).Error(tc.status, tc.code)
			if m["field"] != tc.field {
				t.Errorf("field %v, want %q (%v)", m["field"], tc.field, m["error"])
			}
			after := getPage(t, c, p.ID)
			if after.Title != p.Title || after.Slug != p.Slug || after.FolderID != p.FolderID ||
				!reflect.DeepEqual(after.Layout, p.Layout) || !reflect.DeepEqual(after.Tags, p.Tags) || after.UpdatedAt != p.UpdatedAt {
				t.Errorf("page changed: %+v, was %+v", after, p)
			}
		})
	}
	c.Post("pages/update/999999/", map[string]any{"title": "x"}).Error(404, "not_found")
	c.Post("pages/update/abc/", map[string]any{"title": "x"}).Error(400, "invalid_request")
	_, viewer := s.Member("Viewer", s.Home(), people.RoleViewer)
	viewer.Post(fmt.Sprintf("pages/update/%d/", p.ID), map[string]any{"title": "x"}).Error(403, "forbidden")
}

// TestUpdatePageLayoutKeepsWidgets: a layout of fewer columns moves the widgets of the columns it
// drops, in order, to the end of its last column.
func TestUpdatePageLayoutKeepsWidgets(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	c := s.Client(s.OwnerTk).In("home")
	p := newPage(t, c, "Columns", column{para("a")}, column{para("b1"), para("b2")}, column{para("c1"), para("c2")})
	updated(t, c, p.ID, map[string]any{"layout": []int{50, 50}})
	if got, want := layoutOf(t, c, p.ID), [][]string{{"a"}, {"b1", "b2", "c1", "c2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("two columns: %v, want %v", got, want)
	}
	updated(t, c, p.ID, map[string]any{"layout": []int{100}})
	if got, want := layoutOf(t, c, p.ID), [][]string{{"a", "b1", "b2", "c1", "c2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("one column: %v, want %v", got, want)
	}
	updated(t, c, p.ID, map[string]any{"layout": []int{30, 70}})
	if got, want := layoutOf(t, c, p.ID), [][]string{{"a", "b1", "b2", "c1", "c2"}, {}}; !reflect.DeepEqual(got, want) {
		t.Errorf("two columns again: %v, want %v", got, want)
	}
}

// TestRenameKeepsOldSlug: after a rename the old slugs still find the page (FindRenamedPage; a
// live page's slug wins over them in the page view); renaming back drops the record.
func TestRenameKeepsOldSlug(t *testing.T) {
	t.Parallel()
	s := apptest.Start(t)
	c := s.Client(s.OwnerTk).In("home")
	svc, home := s.Inst.Pages, s.Home()
	owner, err := s.Inst.People.Authenticate(t.Context(), s.OwnerTk)
	if err != nil {
		t.Fatal(err)
	}
	p := newPage(t, c, "Old name")
	updated(t, c, p.ID, map[string]any{"title": "Middle name"})
	updated(t, c, p.ID, map[string]any{"title": "New name"})
	for _, slug := range []string{"old-name", "middle-name"} {
		got, err := svc.FindRenamedPage(t.Context(), owner, home, slug)
		if err != nil || got.ID != p.ID || got.Slug != "new-name" {
			t.Errorf("%s: %+v, %v; want page %d at new-name", slug, got, err, p.ID)
		}
	}
	if _, err := svc.FindRenamedPage(t.Context(), owner, home, "new-name"); err != pages.ErrPageNotFound {
		t.Errorf("the live slug is no old one: %v", err)
	}
	other := newPage(t, c, "Old name")
	if other.Slug != "old-name" {
		t.Fatalf("a new page takes the free slug: %q", other.Slug)
	}
	if back := updated(t, c, p.ID, map[string]any{"title": "Middle name"}); back.Slug != "middle-name" {
		t.Errorf("renamed back: slug %q, want middle-name", back.Slug)
	}
	if _, err := svc.FindRenamedPage(t.Context(), owner, home, "middle-name"); err != pages.ErrPageNotFound {
		t.Errorf("renamed back, middle-name is live again: %v", err)
	}
	got, err := svc.FindRenamedPage(t.Context(), owner, home, "new-name")
	if err != nil || got.ID != p.ID {
		t.Errorf("new-name now leads to page %d: %+v %v", p.ID, got, err)
	}
	if r := apptest.Titles(apptest.SearchResults(t, c, "Middle")); !reflect.DeepEqual(r, []string{"Page:Middle name"}) {
		t.Errorf("search for the new title: %v", r)
	}
}

// updated calls pages/update and returns the page it answers.
func updated(t *testing.T, c *apptest.Client, id int64, body map[string]any) page {
	t.Helper()
	var p page
	c.Post(fmt.Sprintf("pages/update/%d/", id), body).Want(200).Decode(&p)
	return p
}
