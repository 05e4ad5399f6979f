package pages_test

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// page and widget are the API's shapes as these tests read them; the OpenAPI check in apptest
// makes sure every field is present.
type page struct {
	ID        int64      `json:"id"`
	Title     string     `json:"title"`
	Slug      string     `json:"slug"`
	URL       string     `json:"url"`
	SubsiteID int64      `json:"subsite_id"`
	FolderID  int64      `json:"folder_id"`
	Category  string     `json:"category"`
	Tags      []string   `json:"tags"`
	IsPublic  bool       `json:"is_public"`
	Layout    [][]int    `json:"layout"`
	CreatedAt string     `json:"created_at"`
	UpdatedAt string     `json:"updated_at"`
	CreatedBy userRef    `json:"created_by"`
	DeletedAt *string    `json:"deleted_at"`
	JSON      [][]widget `json:"json"`
}

type widget struct {
	ID          int64   `json:"id"`
	VersionOfID *int64  `json:"version_of_id"`
	PageID      int64   `json:"page_id"`
	Classname   string  `json:"classname"`
	HTML        string  `json:"html"`
	Text        string  `json:"text"`
	Format      string  `json:"format"`
	Styleclass  *string `json:"styleclass"`
	Heading     *string `json:"heading"`
	Column      int     `json:"column"`
	Position    int     `json:"position"`
	CreatedAt   string  `json:"created_at"`
	CreatedBy   userRef `json:"created_by"`
}

type userRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type column = []map[string]any

func para(val string) map[string]any { return map[string]any{"classname": "Paragraph", "val": val} }

func head(val, level string) map[string]any {
	return map[string]any{"classname": "Heading", "val": val, "heading": level}
}

// newPage creates a page through the API (one paragraph when no columns are given).
func newPage(t *testing.T, c *apptest.Client, title string, cols ...column) page {
	t.Helper()
	if len(cols) == 0 {
		cols = []column{{para("Body of " + title)}}
	}
	var p page
	c.Post("pages/create/", map[string]any{"title": title, "json": cols}).Want(200).Decode(&p)
	return p
}

func getPage(t *testing.T, c *apptest.Client, id int64) page {
	t.Helper()
	var p page
	c.Get(fmt.Sprintf("pages/get/%d/", id)).Want(200).Decode(&p)
	return p
}

func listPages(t *testing.T, c *apptest.Client, q url.Values) ([]page, *apptest.Response) {
	t.Helper()
	var list []page
	r := c.Get("pages/all/", q).Want(200)
	r.Decode(&list)
	return list, r
}

func ids(list []page) []int64 {
	out := make([]int64, len(list))
	for i, p := range list {
		out[i] = p.ID
	}
	return out
}

// wantInvalid checks a 400 that names field.
func wantInvalid(t *testing.T, r *apptest.Response, field string) map[string]any {
	t.Helper()
	m := r.Error(400, "invalid_request")
	if got, _ := m["field"].(string); got != field {
		t.Fatalf("%s %s: field %q, want %q; body %s", r.Method, r.URL, got, field, r.Body)
	}
	return m
}

var isoSecond = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)

func TestCreatePageAnswersEveryField(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	var p page
	c.Post("pages/create/", map[string]any{
		"title":  "  Onboarding  ",
		"json":   []column{{para("<p>Hello <b>World</b>!</p>"), head("Steps", "h2")}, {para("Side")}},
		"layout": []int{66, 34},
		"tags":   "welcome, HR, hr, ",
		"path":   "/HR/Guides/",
	}).Want(200).Decode(&p)

	home := site.Home()
	want := page{ID: p.ID, Title: "Onboarding", Slug: "onboarding", URL: site.URL + "/@home/onboarding/",
		SubsiteID: home.ID, FolderID: p.FolderID, Category: "HR/Guides", Tags: []string{"HR", "welcome"},
		Layout: [][]int{{66, 34}}, CreatedAt: p.CreatedAt, UpdatedAt: p.CreatedAt,
		CreatedBy: userRef{site.Owner.ID, "Site Owner"}, JSON: p.JSON}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("page\n got %+v\nwant %+v", p, want)
	}
	if p.ID <= 0 || p.FolderID <= 0 || !isoSecond.MatchString(p.CreatedAt) {
		t.Errorf("id %d, folder_id %d, created_at %q: want positive ids and an ISO time", p.ID, p.FolderID, p.CreatedAt)
	}
	type slot struct {
		classname, html, text string
		col, pos              int
		heading               string
	}
	var got []slot
	for _, col := range p.JSON {
		for _, w := range col {
			h := ""
			if w.Heading != nil {
				h = *w.Heading
			}
			got = append(got, slot{w.Classname, w.HTML, w.Text, w.Column, w.Position, h})
			if w.VersionOfID != nil || w.PageID != p.ID || w.CreatedBy != want.CreatedBy || w.Format != "html" {
				t.Errorf("widget %+v: want a first version (version_of_id null) of page %d by the owner, format html", w, p.ID)
			}
		}
	}
	wantSlots := []slot{
		{"Paragraph", "<p>Hello <b>World</b>!</p>", "Hello World!", 0, 0, ""},
		{"Heading", "Steps", "Steps", 0, 1, "h2"},
		{"Paragraph", "Side", "Side", 1, 0, ""},
	}
	if !reflect.DeepEqual(got, wantSlots) {
		t.Errorf("widgets\n got %+v\nwant %+v", got, wantSlots)
	}
	if again := getPage(t, c, p.ID); !reflect.DeepEqual(again, p) {
		t.Errorf("pages/get differs from the create answer\n got %+v\nwant %+v", again, p)
	}
}

func TestCreatePageDefaults(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	cases := []struct {
		name   string
		layout any
		cols   int
		want   [][]int
	}{
		{"one column", nil, 1, [][]int{{100}}},
		{"two equal", nil, 2, [][]int{{50, 50}}},
		{"three equal", nil, 3, [][]int{{33, 33, 34}}},
		{"nested layout", [][]int{{25, 75}}, 2, [][]int{{25, 75}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols := make([]column, tc.cols)
			for i := range cols {
				cols[i] = column{}
			}
			body := map[string]any{"title": tc.name, "json": cols}
			if tc.layout != nil {
				body["layout"] = tc.layout
			}
			var p page
			c.Post("pages/create/", body).Want(200).Decode(&p)
			if !reflect.DeepEqual(p.Layout, tc.want) || len(p.JSON) != tc.cols || p.Category != "" || len(p.Tags) != 0 {
				t.Errorf("layout %v, %d columns, category %q, tags %v; want %v, %d, \"\", []", p.Layout, len(p.JSON), p.Category, p.Tags, tc.want, tc.cols)
			}
		})
	}
}

func TestPageSlugsAreUniqueInASubsite(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	other := site.Subsite("Other", "other")
	first := newPage(t, owner, "Team Notes")
	second := newPage(t, owner, "Team notes!")
	owner.Post(fmt.Sprintf("pages/delete/%d/", first.ID), nil).Want(200)
	third := newPage(t, owner, "team notes")
	elsewhere := newPage(t, owner.In(other.Slug), "Team Notes")
	untitled := newPage(t, owner, "日本語")
	got := []string{first.Slug, second.Slug, third.Slug, elsewhere.Slug, untitled.Slug}
	want := []string{"team-notes", "team-notes-2", "team-notes-3", "team-notes", "page"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("slugs %v, want %v (a trashed page keeps its slug; another subsite has its own)", got, want)
	}
	if elsewhere.URL != site.URL+"/@other/team-notes/" || elsewhere.SubsiteID != other.ID {
		t.Errorf("page in other: url %q subsite %d, want %q and %d", elsewhere.URL, elsewhere.SubsiteID, site.URL+"/@other/team-notes/", other.ID)
	}
}

func TestCreatePageRejectsBadInput(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	ok := []column{{para("x")}}
	cases := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no title", map[string]any{"json": ok}, "title"},
		{"blank title", map[string]any{"title": "   ", "json": ok}, "title"},
		{"long title", map[string]any{"title": strings.Repeat("t", 201), "json": ok}, "title"},
		{"no json", map[string]any{"title": "T"}, "json"},
		{"json not a list", map[string]any{"title": "T", "json": map[string]any{"a": 1}}, "json"},
		{"no columns", map[string]any{"title": "T", "json": []column{}}, "json"},
		{"five columns", map[string]any{"title": "T", "json": []column{{}, {}, {}, {}, {}}}, "json"},
		{"column not a list", map[string]any{"title": "T", "json": []any{"text"}}, "json[0]"},
		{"widget not an object", map[string]any{"title": "T", "json": []any{[]any{"text"}}}, "json[0][0]"},
		{"unknown classname", map[string]any{"title": "T", "json": []column{{{"classname": "Video", "val": "x"}}}}, "json[0][0].classname"},
		{"attachment in create", map[string]any{"title": "T", "json": []column{{{"classname": "Attachment"}}}}, "json[0][0].classname"},
		{"widget without val", map[string]any{"title": "T", "json": []column{{para("a")}, {{"classname": "Paragraph"}}}}, "json[1][0].val"},
		{"widget val not a string", map[string]any{"title": "T", "json": []column{{{"classname": "Paragraph", "val": 3}}}}, "json[0][0].val"},
		{"widget unknown key", map[string]any{"title": "T", "json": []column{{{"classname": "Paragraph", "val": "a", "colour": "red"}}}}, "json[0][0].colour"},
		{"heading on a paragraph", map[string]any{"title": "T", "json": []column{{{"classname": "Paragraph", "val": "a", "heading": "h1"}}}}, "json[0][0].heading"},
		{"bad heading level", map[string]any{"title": "T", "json": []column{{head("a", "h7")}}}, "json[0][0].heading"},
		{"bad styleclass", map[string]any{"title": "T", "json": []column{{{"classname": "Paragraph", "val": "a", "styleclass": "bars"}}}}, "json[0][0].styleclass"},
		{"bad format", map[string]any{"title": "T", "json": []column{{{"classname": "Paragraph", "val": "a", "format": "rtf"}}}}, "json[0][0].format"},
		{"empty heading", map[string]any{"title": "T", "json": []column{{head("<b></b>", "h1")}}}, "json[0][0].val"},
		{"layout of wrong length", map[string]any{"title": "T", "json": ok, "layout": []int{50, 50}}, "layout"},
		{"layout not summing to 100", map[string]any{"title": "T", "json": []column{{}, {}}, "layout": []int{50, 40}}, "layout"},
		{"layout not numbers", map[string]any{"title": "T", "json": ok, "layout": []string{"100"}}, "layout"},
		{"tag too long", map[string]any{"title": "T", "json": ok, "tags": []string{strings.Repeat("x", 51)}}, "tags"},
		{"tags not strings", map[string]any{"title": "T", "json": ok, "tags": []any{1}}, "tags"},
		{"unknown folder", map[string]any{"title": "T", "json": ok, "folder_id": 999}, "folder_id"},
		{"folder_id and path", map[string]any{"title": "T", "json": ok, "folder_id": 1, "path": "A"}, "path"},
		{"empty folder name", map[string]any{"title": "T", "json": ok, "path": "A//B"}, "path"},
		{"unknown parameter", map[string]any{"title": "T", "json": ok, "colour": "red"}, "colour"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, c.Post("pages/create/", tc.body), tc.field)
		})
	}
	if list, _ := listPages(t, c, nil); len(list) != 0 {
		t.Errorf("bad requests created %d pages: %v", len(list), ids(list))
	}
}

func TestGetPageErrors(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	other := site.Subsite("Other", "other")
	inOther := newPage(t, owner.In("other"), "Elsewhere")
	trashed := newPage(t, owner, "Trashed")
	owner.Post(fmt.Sprintf("pages/delete/%d/", trashed.ID), nil).Want(200)

	owner.Get("pages/get/999999/").Error(404, "not_found")
	owner.Get(fmt.Sprintf("pages/get/%d/", inOther.ID)).Error(404, "not_found") // site-wide URL is home
	owner.In("home").Get(fmt.Sprintf("pages/get/%d/", inOther.ID)).Error(404, "not_found")
	owner.Get(fmt.Sprintf("pages/get/%d/", trashed.ID)).Error(404, "not_found")
	wantInvalid(t, owner.Get("pages/get/abc/"), "page_id")
	wantInvalid(t, owner.Get("pages/get/0/"), "page_id")
	if got := getPage(t, owner.In(other.Slug), inOther.ID); got.Title != "Elsewhere" {
		t.Errorf("title %q, want Elsewhere", got.Title)
	}
	owner.In("nosuch").Get(fmt.Sprintf("pages/get/%d/", inOther.ID)).Error(404, "not_found")
}

func TestTrashAndRestore(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	keep := newPage(t, c, "Keep")
	p := newPage(t, c, "Old news", column{para("old")})

	var del struct {
		Success bool `json:"success"`
		Page    page `json:"page"`
	}
	bad := c.Post(fmt.Sprintf("pages/delete/%d/", p.ID), map[string]any{"permanent": true}).Error(400, "invalid_request")
	if bad["field"] != "permanent" || !strings.Contains(bad["error"].(string), "takes no parameters") {
		t.Errorf("pages/delete with an unknown parameter: %v", bad)
	}
	c.Post(fmt.Sprintf("pages/delete/%d/", p.ID), nil).Want(200).Decode(&del)
	if !del.Success || del.Page.ID != p.ID || del.Page.DeletedAt == nil || !isoSecond.MatchString(*del.Page.DeletedAt) {
		t.Fatalf("delete answered %+v, want success with the page and its deleted_at", del)
	}
	c.Get(fmt.Sprintf("pages/get/%d/", p.ID)).Error(404, "not_found")
	c.Post(fmt.Sprintf("pages/delete/%d/", p.ID), nil).Error(404, "not_found")
	c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "x"}).Error(404, "not_found")
	if list, _ := listPages(t, c, nil); !reflect.DeepEqual(ids(list), []int64{keep.ID}) {
		t.Errorf("pages/all %v, want only %d", ids(list), keep.ID)
	}
	var trash []page
	c.Get("pages/trash/").Want(200).Decode(&trash)
	if len(trash) != 1 || trash[0].ID != p.ID || trash[0].DeletedAt == nil {
		t.Fatalf("trash %+v, want page %d with deleted_at", trash, p.ID)
	}

	var res struct {
		Success bool `json:"success"`
		Page    page `json:"page"`
	}
	c.Post(fmt.Sprintf("pages/restore/%d/", p.ID), nil).Want(200).Decode(&res)
	if !res.Success || res.Page.ID != p.ID || res.Page.DeletedAt != nil || res.Page.Slug != p.Slug {
		t.Fatalf("restore answered %+v, want success with the page, no deleted_at, slug %q", res, p.Slug)
	}
	back := getPage(t, c, p.ID)
	if len(back.JSON[0]) != 1 || back.JSON[0][0].HTML != "old" {
		t.Errorf("restored page has widgets %+v, want its paragraph", back.JSON)
	}
	c.Post(fmt.Sprintf("pages/restore/%d/", p.ID), nil).Error(404, "not_found")
	c.Post("pages/restore/999999/", nil).Error(404, "not_found")
	if trash := c.Get("pages/trash/").Want(200).List(); len(trash) != 0 {
		t.Errorf("trash after restore: %v, want empty", trash)
	}
}

func TestCopyPage(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	home := site.Home()
	eng := site.Subsite("Engineering", "eng")
	ops := site.Subsite("Operations", "ops")
	secret := site.Subsite("Secret", "secret")
	ed := site.User("Eddie Editor")
	site.Join(home, ed, people.RoleEditor)
	site.Join(eng, ed, people.RoleEditor)
	site.Join(ops, ed, people.RoleViewer)
	c := site.Client(site.Token(ed)).In("home")

	src := newPage(t, c, "Runbook", column{para("v1"), head("Title", "h2")}, column{para("side")})
	first := src.JSON[0][0]
	var updated widget
	c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", src.ID, first.ID), map[string]any{"widget": map[string]any{"val": "v2"}}).
		Want(200).Decode(&updated)
	c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", src.ID, first.ID), map[string]any{"val": "v3", "styleclass": "note"}).Want(200)
	c.Post(fmt.Sprintf("page/%d/paragraph/delete/%d/", src.ID, src.JSON[1][0].ID), nil).Want(200)

	// The content a copy must carry: every widget's newest version, in the same places.
	type content struct {
		Classname, HTML string
		Col, Pos        int
		Style           string
	}
	contents := func(p page) []content {
		var out []content
		for _, col := range p.JSON {
			for _, w := range col {
				s := ""
				if w.Styleclass != nil {
					s = *w.Styleclass
				}
				out = append(out, content{w.Classname, w.HTML, w.Column, w.Position, s})
				if w.VersionOfID != nil || w.PageID != p.ID {
					t.Errorf("copied widget %+v: want a new first version on page %d", w, p.ID)
				}
			}
		}
		return out
	}
	wantContent := []content{{"Paragraph", "v3", 0, 0, "note"}, {"Heading", "Title", 0, 1, ""}}

	t.Run("same subsite with title tags and path", func(t *testing.T) {
		var cp page
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"title": "Runbook 2027", "tags": "a, b", "path": "Archive/2027"}).
			Want(200).Decode(&cp)
		if cp.ID == src.ID || cp.Title != "Runbook 2027" || cp.Slug != "runbook-2027" || cp.Category != "Archive/2027" ||
			!reflect.DeepEqual(cp.Tags, []string{"a", "b"}) || cp.SubsiteID != home.ID || !reflect.DeepEqual(cp.Layout, src.Layout) {
			t.Errorf("copy %+v", cp)
		}
		if got := contents(cp); !reflect.DeepEqual(got, wantContent) {
			t.Errorf("copied widgets %+v, want %+v", got, wantContent)
		}
		if again := getPage(t, c, cp.ID); !reflect.DeepEqual(again, cp) {
			t.Errorf("pages/get of the copy differs from the copy answer:\n got %+v\nwant %+v", again, cp)
		}
	})
	t.Run("no parameters keeps title and tags", func(t *testing.T) {
		var withTags page
		c.Post("pages/create/", map[string]any{"title": "With tags", "json": []column{{}}, "tags": []string{"k"}}).Want(200).Decode(&withTags)
		var cp page
		c.Post(fmt.Sprintf("pages/copy/%d/", withTags.ID), nil).Want(200).Decode(&cp)
		if cp.Title != "With tags" || cp.Slug != "with-tags-2" || !reflect.DeepEqual(cp.Tags, []string{"k"}) || cp.Category != "" {
			t.Errorf("copy %+v, want the same title with slug with-tags-2, tags [k], Main folder", cp)
		}
	})
	t.Run("into another subsite by subsite_id", func(t *testing.T) {
		var cp page
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"subsite_id": eng.ID, "path": "Imported"}).Want(200).Decode(&cp)
		if cp.SubsiteID != eng.ID || cp.Category != "Imported" || cp.URL != site.URL+"/@eng/runbook/" {
			t.Errorf("copy %+v, want subsite %d, category Imported, url .../@eng/runbook/", cp, eng.ID)
		}
		if got := contents(cp); !reflect.DeepEqual(got, wantContent) {
			t.Errorf("copied widgets %+v, want %+v", got, wantContent)
		}
		getPage(t, c.In("eng"), cp.ID)
		c.In("home").Get(fmt.Sprintf("pages/get/%d/", cp.ID)).Error(404, "not_found")
	})
	t.Run("into another subsite by @slug path", func(t *testing.T) {
		var cp page
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"path": "@eng/Guides/Ops"}).Want(200).Decode(&cp)
		if cp.SubsiteID != eng.ID || cp.Category != "Guides/Ops" {
			t.Errorf("copy in subsite %d category %q, want %d and Guides/Ops", cp.SubsiteID, cp.Category, eng.ID)
		}
	})
	t.Run("refused", func(t *testing.T) {
		before, _ := listPages(t, c.In("ops"), nil)
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"subsite_id": ops.ID}).Error(403, "forbidden")
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"subsite_id": secret.ID}).Error(404, "not_found")
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"path": "@secret/X"}).Error(404, "not_found")
		c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"subsite_id": 99999}).Error(404, "not_found")
		c.Post("pages/copy/99999/", nil).Error(404, "not_found")
		wantInvalid(t, c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"name": "x"}), "name")
		wantInvalid(t, c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"title": " "}), "title")
		wantInvalid(t, c.Post(fmt.Sprintf("pages/copy/%d/", src.ID), map[string]any{"folder_id": 99999}), "folder_id")
		if after, _ := listPages(t, c.In("ops"), nil); len(after) != len(before) {
			t.Errorf("a refused copy changed ops: %d pages, want %d", len(after), len(before))
		}
	})
}

func TestConcurrentPageCreations(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	const n = 20
	answers := make([]*apptest.Response, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			answers[i] = c.Post("pages/create/", map[string]any{"title": "Same title",
				"json": []column{{para(fmt.Sprintf("body %d", i))}}})
		}(i)
	}
	wg.Wait()
	slugs := map[string]bool{}
	for i, r := range answers {
		var p page
		r.Want(200).Decode(&p)
		if slugs[p.Slug] {
			t.Errorf("answer %d: slug %q given twice", i, p.Slug)
		}
		slugs[p.Slug] = true
		if len(p.JSON[0]) != 1 || p.JSON[0][0].HTML != fmt.Sprintf("body %d", i) {
			t.Errorf("answer %d has widgets %+v, want its own body", i, p.JSON)
		}
	}
	list, _ := listPages(t, c, nil)
	var got []string
	for _, p := range list {
		got = append(got, p.Slug)
	}
	sort.Strings(got)
	want := []string{"same-title"}
	for i := 2; i <= n; i++ {
		want = append(want, fmt.Sprintf("same-title-%d", i))
	}
	sort.Strings(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("slugs %v, want %v", got, want)
	}
}
