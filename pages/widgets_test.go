package pages_test

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
)

func widgetURL(pageID int64, kind, action string, widgetID int64) string {
	return fmt.Sprintf("page/%d/%s/%s/%d/", pageID, kind, action, widgetID)
}

// layoutOf returns the page's widgets as "html@col.pos" by column, to compare whole layouts.
func layoutOf(t *testing.T, c *apptest.Client, pageID int64) [][]string {
	t.Helper()
	p := getPage(t, c, pageID)
	out := make([][]string, len(p.JSON))
	for i, col := range p.JSON {
		out[i] = []string{}
		for j, w := range col {
			if w.Column != i || w.Position != j {
				t.Errorf("widget %d in column %d at %d says column %d position %d", w.ID, i, j, w.Column, w.Position)
			}
			out[i] = append(out[i], w.Text)
		}
	}
	return out
}

func decodeWidget(t *testing.T, r *apptest.Response) widget {
	t.Helper()
	var w widget
	r.Want(200).Decode(&w)
	return w
}

func TestCreateTextWidgets(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	p := newPage(t, c, "Widgets", column{para("first")}, column{para("right")})
	create := fmt.Sprintf("page/%d/paragraph/create/", p.ID)

	w := decodeWidget(t, c.Post(create, map[string]any{"widget": map[string]any{"val": "<p>Hello <b>World</b>!</p>", "styleclass": "note"}}))
	if w.ID <= 0 || w.VersionOfID != nil || w.PageID != p.ID || w.Classname != "Paragraph" || w.HTML != "<p>Hello <b>World</b>!</p>" ||
		w.Text != "Hello World!" || w.Format != "html" || w.Styleclass == nil || *w.Styleclass != "note" || w.Heading != nil ||
		w.Column != 0 || w.Position != 1 || w.CreatedBy != (userRef{site.Owner.ID, "Site Owner"}) || !isoSecond.MatchString(w.CreatedAt) {
		t.Errorf("paragraph %+v", w)
	}
	if again := decodeWidget(t, c.Get(widgetURL(p.ID, "paragraph", "get", w.ID))); !reflect.DeepEqual(again, w) {
		t.Errorf("get answered %+v, want the create answer %+v", again, w)
	}

	cases := []struct {
		name        string
		send        func() *apptest.Response
		html, text  string
		format      string
		col, pos    int
		styleclass  string
		headingWant string
	}{
		{"bare keys", func() *apptest.Response { return c.Post(create, map[string]any{"val": "bare", "styleclass": "quote"}) },
			"bare", "bare", "html", 0, 2, "quote", ""},
		{"form encoded", func() *apptest.Response {
			return c.PostRaw(create, "application/x-www-form-urlencoded", "widget%5Bval%5D=from+a+form&widget%5Bstyleclass%5D=thin")
		}, "from a form", "from a form", "html", 0, 3, "thin", ""},
		{"form encoded bare", func() *apptest.Response {
			return c.PostRaw(create, "application/x-www-form-urlencoded", "val=plain+form&column=1")
		}, "plain form", "plain form", "html", 1, 1, "", ""},
		{"URL parameters", func() *apptest.Response {
			return c.Do(http.MethodPost, c.URL(create)+"?"+url.Values{"val": {"from the URL"}, "column": {"1"}, "position": {"0"}}.Encode(), nil, "")
		}, "from the URL", "from the URL", "html", 1, 0, "", ""},
		{"URL parameters Papyrs style", func() *apptest.Response {
			return c.Do(http.MethodPost, c.URL(create)+"?widget%5Bval%5D=papyrs+url&widget%5Bformat%5D=text", nil, "")
		}, "papyrs url", "papyrs url", "text", 0, 4, "", ""},
		{"text format", func() *apptest.Response {
			return c.Post(create, map[string]any{"widget": map[string]any{"val": "a < b & c\nnext <b>line</b>", "format": "TEXT"}})
		}, "a &lt; b &amp; c<br>next &lt;b&gt;line&lt;/b&gt;", "a < b & c\nnext <b>line</b>", "text", 0, 5, "", ""},
		{"at the top", func() *apptest.Response { return c.Post(create, map[string]any{"val": "top", "position": 0}) },
			"top", "top", "html", 0, 0, "", ""},
		{"heading default level", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/heading/create/", p.ID), map[string]any{"widget": map[string]any{"val": "Title"}})
		}, "Title", "Title", "html", 0, 7, "", "h1"},
		{"heading with level and style", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/heading/create/", p.ID), map[string]any{"widget": map[string]any{"val": "Big", "heading": "H0", "styleclass": "bars"}})
		}, "Big", "Big", "html", 0, 8, "bars", "h0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := decodeWidget(t, tc.send())
			style, level := "", ""
			if w.Styleclass != nil {
				style = *w.Styleclass
			}
			if w.Heading != nil {
				level = *w.Heading
			}
			got := []any{w.HTML, w.Text, w.Format, w.Column, w.Position, style, level}
			want := []any{tc.html, tc.text, tc.format, tc.col, tc.pos, tc.styleclass, tc.headingWant}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("html, text, format, column, position, styleclass, heading:\n got %q\nwant %q", got, want)
			}
		})
	}
	want := [][]string{
		{"top", "first", "Hello World!", "bare", "from a form", "papyrs url", "a < b & c\nnext <b>line</b>", "Title", "Big"},
		{"from the URL", "right", "plain form"},
	}
	if got := layoutOf(t, c, p.ID); !reflect.DeepEqual(got, want) {
		t.Errorf("layout\n got %q\nwant %q", got, want)
	}
}

func TestTextWidgetsRejectBadInput(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	p := newPage(t, c, "Strict", column{para("one"), head("Two", "h2")})
	par, hd := p.JSON[0][0].ID, p.JSON[0][1].ID
	paraCreate := fmt.Sprintf("page/%d/paragraph/create/", p.ID)
	headCreate := fmt.Sprintf("page/%d/heading/create/", p.ID)
	paraUpdate := widgetURL(p.ID, "paragraph", "update", par)
	headUpdate := widgetURL(p.ID, "heading", "update", hd)
	cases := []struct {
		name  string
		path  string
		body  any
		field string
	}{
		{"create without val", paraCreate, map[string]any{"widget": map[string]any{"styleclass": "note"}}, "val"},
		{"create with empty body", paraCreate, nil, "val"},
		{"bad format", paraCreate, map[string]any{"val": "x", "format": "markdown"}, "format"},
		{"format without val", paraUpdate, map[string]any{"format": "text"}, "val"},
		{"heading styleclass on a paragraph", paraCreate, map[string]any{"val": "x", "styleclass": "bars"}, "styleclass"},
		{"paragraph styleclass on a heading", headCreate, map[string]any{"val": "x", "styleclass": "note"}, "styleclass"},
		{"heading level on a paragraph", paraCreate, map[string]any{"val": "x", "heading": "h2"}, "heading"},
		{"heading level h5", headCreate, map[string]any{"val": "x", "heading": "h5"}, "heading"},
		{"heading without text", headCreate, map[string]any{"val": "<i> </i>"}, "val"},
		{"heading update to no text", headUpdate, map[string]any{"val": ""}, "val"},
		{"column past the last", paraCreate, map[string]any{"val": "x", "column": 1}, "column"},
		{"negative column", paraCreate, map[string]any{"val": "x", "column": -1}, "column"},
		{"column not a number", paraCreate, map[string]any{"val": "x", "column": "left"}, "column"},
		{"position past the end", paraCreate, map[string]any{"val": "x", "position": 3}, "position"},
		{"negative position", paraCreate, map[string]any{"val": "x", "position": -1}, "position"},
		{"unknown parameter", paraCreate, map[string]any{"val": "x", "colour": "red"}, "colour"},
		{"unknown parameter inside widget", paraUpdate, map[string]any{"widget": map[string]any{"val": "x", "colour": "red"}}, "colour"},
		{"column on update", paraUpdate, map[string]any{"val": "x", "column": 0}, "column"},
		{"widget not an object", paraCreate, map[string]any{"widget": []string{"x"}}, "widget"},
		{"val not a string", paraCreate, map[string]any{"val": []string{"x"}}, "val"},
		{"page id not a number", "page/abc/paragraph/create/", map[string]any{"val": "x"}, "page_id"},
		{"widget id not a number", fmt.Sprintf("page/%d/paragraph/update/x/", p.ID), map[string]any{"val": "x"}, "widget_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wantInvalid(t, c.Post(tc.path, tc.body), tc.field)
		})
	}
	t.Run("too large", func(t *testing.T) {
		c.Post(paraCreate, map[string]any{"val": strings.Repeat("a", 1<<20+1)}).Error(413, "too_large")
	})
	t.Run("unknown page or widget", func(t *testing.T) {
		c.Post("page/999999/paragraph/create/", map[string]any{"val": "x"}).Error(404, "not_found")
		c.Post(widgetURL(p.ID, "paragraph", "update", 999999), map[string]any{"val": "x"}).Error(404, "not_found")
		c.Get(widgetURL(p.ID, "paragraph", "get", 999999)).Error(404, "not_found")
		other := newPage(t, c, "Other", column{para("elsewhere")})
		c.Get(widgetURL(p.ID, "paragraph", "get", other.JSON[0][0].ID)).Error(404, "not_found")
		c.Post(widgetURL(p.ID, "paragraph", "update", other.JSON[0][0].ID), map[string]any{"val": "x"}).Error(404, "not_found")
		c.Post(widgetURL(other.ID, "paragraph", "delete", par), nil).Error(404, "not_found")
	})
	if got, want := layoutOf(t, c, p.ID), [][]string{{"one", "Two"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("bad requests changed the page: %q, want %q", got, want)
	}
	var versions []widget
	c.Get(widgetURL(p.ID, "paragraph", "versions", par)).Want(200).Decode(&versions)
	if len(versions) != 1 {
		t.Errorf("bad updates made versions: %d, want 1", len(versions))
	}
}

func TestWidgetVersions(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	ed, edClient := site.Member("Vera Versions", site.Home(), "editor")
	p := newPage(t, c, "Versions", column{para("above")}, column{para("r0"), para("v1"), para("r2")})
	first := p.JSON[1][1]
	A := first.ID
	update := func(via int64, body any) widget {
		t.Helper()
		return decodeWidget(t, edClient.Post(widgetURL(p.ID, "paragraph", "update", via), body))
	}

	b := update(A, map[string]any{"widget": map[string]any{"val": "v2", "styleclass": "note"}})
	if b.ID == A || b.VersionOfID == nil || *b.VersionOfID != A || b.Column != 1 || b.Position != 1 ||
		b.HTML != "v2" || b.CreatedBy != (userRef{ed.ID, "Vera Versions"}) {
		t.Fatalf("first update %+v: want a new id, version_of_id %d, column 1 position 1, by the editor", b, A)
	}
	c3 := update(b.ID, map[string]any{"val": "v3"}) // the newest id works
	d := update(A, map[string]any{"val": "v4"})     // the first id works
	e := update(b.ID, map[string]any{"val": "v5"})  // an old version's id works
	f := update(c3.ID, map[string]any{"styleclass": ""})
	chain := []widget{first, b, c3, d, e, f}
	seen := map[int64]bool{}
	for i, w := range chain {
		if seen[w.ID] {
			t.Errorf("version %d reuses id %d", i, w.ID)
		}
		seen[w.ID] = true
		if i > 0 && (w.VersionOfID == nil || *w.VersionOfID != A || w.Column != 1 || w.Position != 1) {
			t.Errorf("version %d: %+v, want version_of_id %d at column 1 position 1", i, w, A)
		}
	}
	if f.HTML != "v5" || f.Styleclass != nil || e.Styleclass == nil || *e.Styleclass != "note" {
		t.Errorf("styleclass-only update: html %q styleclass %v (before: %v), want v5, cleared (was note)", f.HTML, f.Styleclass, e.Styleclass)
	}

	t.Run("any id gets the newest", func(t *testing.T) {
		for _, w := range chain {
			if got := decodeWidget(t, c.Get(widgetURL(p.ID, "paragraph", "get", w.ID))); got.ID != f.ID || got.HTML != "v5" {
				t.Errorf("get via %d: id %d html %q, want %d v5", w.ID, got.ID, got.HTML, f.ID)
			}
		}
		if got := layoutOf(t, c, p.ID); !reflect.DeepEqual(got, [][]string{{"above"}, {"r0", "v5", "r2"}}) {
			t.Errorf("layout %q: the widget moved", got)
		}
		pg := getPage(t, c, p.ID)
		if pg.JSON[1][1].ID != f.ID {
			t.Errorf("pages/get shows version %d, want the newest %d", pg.JSON[1][1].ID, f.ID)
		}
	})
	var versions []widget
	t.Run("versions newest first", func(t *testing.T) {
		for _, via := range []int64{A, c3.ID, f.ID} {
			versions = nil
			c.Get(widgetURL(p.ID, "paragraph", "versions", via)).Want(200).Decode(&versions)
			var gotIDs, wantIDs []int64
			var gotHTML []string
			for _, v := range versions {
				gotIDs = append(gotIDs, v.ID)
				gotHTML = append(gotHTML, v.HTML)
			}
			for i := len(chain) - 1; i >= 0; i-- {
				wantIDs = append(wantIDs, chain[i].ID)
			}
			if !reflect.DeepEqual(gotIDs, wantIDs) || !reflect.DeepEqual(gotHTML, []string{"v5", "v5", "v4", "v3", "v2", "v1"}) {
				t.Errorf("versions via %d: ids %v html %q, want %v and v5 v5 v4 v3 v2 v1", via, gotIDs, gotHTML, wantIDs)
			}
		}
		if versions[5].VersionOfID != nil || versions[5].CreatedBy.Name != "Site Owner" || versions[0].CreatedBy.Name != "Vera Versions" {
			t.Errorf("oldest version %+v, newest %+v: want the first with version_of_id null by the owner", versions[5], versions[0])
		}
	})
	t.Run("restore an old version", func(t *testing.T) {
		r := decodeWidget(t, c.Post(widgetURL(p.ID, "paragraph", "restore", d.ID), map[string]any{"version_id": b.ID}))
		if r.HTML != "v2" || r.Styleclass == nil || *r.Styleclass != "note" || r.VersionOfID == nil || *r.VersionOfID != A ||
			seen[r.ID] || r.Column != 1 || r.Position != 1 {
			t.Errorf("restore answered %+v, want a new version with v2's content in place", r)
		}
		var after []widget
		c.Get(widgetURL(p.ID, "paragraph", "versions", A)).Want(200).Decode(&after)
		if len(after) != 7 || after[0].ID != r.ID {
			t.Errorf("%d versions, newest %d; want 7 with %d first", len(after), after[0].ID, r.ID)
		}
		restoreURL := widgetURL(p.ID, "paragraph", "restore", A)
		wantInvalid(t, c.Post(restoreURL, map[string]any{"version_id": p.JSON[1][0].ID}), "version_id")
		wantInvalid(t, c.Post(restoreURL, map[string]any{"version_id": 999999}), "version_id")
		wantInvalid(t, c.Post(restoreURL, map[string]any{}), "version_id")
		wantInvalid(t, c.Post(restoreURL, map[string]any{"version_id": A, "val": "x"}), "val")
	})
	t.Run("the page changes with its widgets", func(t *testing.T) {
		since := time.Now().UTC()
		if list, _ := listPages(t, c, url.Values{"since": {since.Format(time.RFC3339Nano)}}); len(list) != 0 {
			t.Fatalf("pages changed since %s: %v, want none yet", since, ids(list))
		}
		update(A, map[string]any{"val": "touch"})
		if list, _ := listPages(t, c, url.Values{"since": {since.Format(time.RFC3339Nano)}}); !reflect.DeepEqual(ids(list), []int64{p.ID}) {
			t.Errorf("pages changed since the update: %v, want [%d]", ids(list), p.ID)
		}
	})
	t.Run("delete keeps the versions", func(t *testing.T) {
		var del struct {
			Success bool   `json:"success"`
			Widget  widget `json:"widget"`
		}
		c.Post(widgetURL(p.ID, "paragraph", "delete", b.ID), nil).Want(200).Decode(&del)
		if !del.Success || del.Widget.VersionOfID == nil || *del.Widget.VersionOfID != A {
			t.Errorf("delete answered %+v, want success and the widget's newest version", del)
		}
		if got := layoutOf(t, c, p.ID); !reflect.DeepEqual(got, [][]string{{"above"}, {"r0", "r2"}}) {
			t.Errorf("layout after delete %q, want the widget gone and r2 moved up", got)
		}
		c.Get(widgetURL(p.ID, "paragraph", "get", A)).Error(404, "not_found")
		c.Post(widgetURL(p.ID, "paragraph", "update", A), map[string]any{"val": "x"}).Error(404, "not_found")
		c.Post(widgetURL(p.ID, "paragraph", "delete", A), nil).Error(404, "not_found")
		var kept []widget
		c.Get(widgetURL(p.ID, "paragraph", "versions", f.ID)).Want(200).Decode(&kept)
		if len(kept) != 8 || kept[len(kept)-1].ID != A {
			t.Errorf("versions after delete: %d, want all 8 back to %d", len(kept), A)
		}
	})
}

func TestWidgetOfAnotherKind(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	p := newPage(t, c, "Kinds", column{head("Heading", "h2"), para("text")})
	h := p.JSON[0][0]
	for _, tc := range []struct {
		method, action string
		body           any
	}{
		{http.MethodGet, "get", nil},
		{http.MethodGet, "versions", nil},
		{http.MethodPost, "update", map[string]any{"val": "now a paragraph?"}},
		{http.MethodPost, "delete", nil},
		{http.MethodPost, "restore", map[string]any{"version_id": h.ID}},
	} {
		t.Run(tc.action, func(t *testing.T) {
			var r *apptest.Response
			if tc.method == http.MethodGet {
				r = c.Get(widgetURL(p.ID, "paragraph", tc.action, h.ID))
			} else {
				r = c.Post(widgetURL(p.ID, "paragraph", tc.action, h.ID), tc.body)
			}
			m := r.Error(400, "invalid_request")
			if msg := m["error"].(string); !strings.Contains(msg, fmt.Sprintf("/page/%d/heading/", p.ID)) {
				t.Errorf("message %q does not name the heading URL", msg)
			}
		})
	}
	c.Get(widgetURL(p.ID, "attachment", "get", h.ID)).Error(400, "invalid_request")
	got := decodeWidget(t, c.Get(widgetURL(p.ID, "heading", "get", h.ID)))
	if got.ID != h.ID || got.HTML != "Heading" {
		t.Errorf("the heading changed: %+v", got)
	}
	if l := layoutOf(t, c, p.ID); !reflect.DeepEqual(l, [][]string{{"Heading", "text"}}) {
		t.Errorf("layout %q", l)
	}
	// The heading URL works on a heading, with its own options.
	up := decodeWidget(t, c.Post(widgetURL(p.ID, "heading", "update", h.ID), map[string]any{"heading": "h4", "styleclass": "boxquote"}))
	if up.Heading == nil || *up.Heading != "h4" || up.HTML != "Heading" || *up.Styleclass != "boxquote" {
		t.Errorf("heading update %+v, want level h4, style boxquote, same text", up)
	}
	var versions []widget
	c.Get(widgetURL(p.ID, "heading", "versions", up.ID)).Want(200).Decode(&versions)
	if len(versions) != 2 || versions[0].ID != up.ID || versions[1].ID != h.ID {
		t.Errorf("heading versions %+v, want %d then %d", versions, up.ID, h.ID)
	}
	back := decodeWidget(t, c.Post(widgetURL(p.ID, "heading", "restore", up.ID), map[string]any{"version_id": h.ID}))
	if back.Heading == nil || *back.Heading != "h2" || back.Styleclass != nil || back.HTML != "Heading" || back.Position != 0 {
		t.Errorf("heading restored to %+v, want the first version's level h2 and no styleclass, in place", back)
	}
	c.Post(widgetURL(p.ID, "heading", "delete", h.ID), nil).Want(200)
	if l := layoutOf(t, c, p.ID); !reflect.DeepEqual(l, [][]string{{"text"}}) {
		t.Errorf("layout after deleting the heading: %q", l)
	}
}

func TestMoveWidgets(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	p := newPage(t, c, "Moves", column{para("A"), para("B"), para("C")}, column{para("D")})
	a, b, cc, d := p.JSON[0][0], p.JSON[0][1], p.JSON[0][2], p.JSON[1][0]
	move := fmt.Sprintf("page/%d/widgets/move/", p.ID)
	newA := decodeWidget(t, c.Post(widgetURL(p.ID, "paragraph", "update", a.ID), map[string]any{"val": "A"}))

	steps := []struct {
		name string
		body map[string]any
		want [][]string
	}{
		{"down within a column", map[string]any{"widget_id": a.ID, "column": 0, "position": 2}, [][]string{{"B", "C", "A"}, {"D"}}},
		{"up within a column by a newer id", map[string]any{"widget_id": newA.ID, "column": 0, "position": 0}, [][]string{{"A", "B", "C"}, {"D"}}},
		{"to the top of another column", map[string]any{"widget_id": cc.ID, "column": 1, "position": 0}, [][]string{{"A", "B"}, {"C", "D"}}},
		{"to the end of a column", map[string]any{"widget_id": b.ID, "column": 1}, [][]string{{"A"}, {"C", "D", "B"}}},
		{"as form parameters", nil, [][]string{{"D", "A"}, {"C", "B"}}},
		{"to its own place", map[string]any{"widget_id": a.ID, "column": 0, "position": 1}, [][]string{{"D", "A"}, {"C", "B"}}},
	}
	for _, st := range steps {
		var r *apptest.Response
		if st.body == nil {
			r = c.PostRaw(move, "application/x-www-form-urlencoded", fmt.Sprintf("widget_id=%d&column=0&position=0", d.ID))
		} else {
			r = c.Post(move, st.body)
		}
		w := decodeWidget(t, r)
		if got := layoutOf(t, c, p.ID); !reflect.DeepEqual(got, st.want) {
			t.Fatalf("%s: layout %q, want %q", st.name, got, st.want)
		}
		if w.Text != w.HTML || w.Column < 0 {
			t.Errorf("%s: answered %+v", st.name, w)
		}
	}
	other := newPage(t, c, "Other", column{para("x")})
	c.Post(widgetURL(p.ID, "paragraph", "delete", cc.ID), nil).Want(200)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no widget", map[string]any{"column": 0}, "widget_id"},
		{"no column", map[string]any{"widget_id": a.ID}, "column"},
		{"column past the last", map[string]any{"widget_id": a.ID, "column": 2}, "column"},
		{"position past the end", map[string]any{"widget_id": a.ID, "column": 1, "position": 2}, "position"},
		{"position past the end of its own column", map[string]any{"widget_id": a.ID, "column": 0, "position": 2}, "position"},
		{"unknown parameter", map[string]any{"widget_id": a.ID, "column": 0, "after": 1}, "after"},
	} {
		wantInvalid(t, c.Post(move, tc.body), tc.field)
	}
	c.Post(move, map[string]any{"widget_id": cc.ID, "column": 0}).Error(404, "not_found")
	c.Post(move, map[string]any{"widget_id": other.JSON[0][0].ID, "column": 0}).Error(404, "not_found")
	c.Post(move, map[string]any{"widget_id": 999999, "column": 0}).Error(404, "not_found")
	if got := layoutOf(t, c, p.ID); !reflect.DeepEqual(got, [][]string{{"D", "A"}, {"B"}}) {
		t.Errorf("layout %q after refused moves, want D A | B", got)
	}
}

func TestMarkdownCreate(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	p := newPage(t, c, "Markdown", column{para("existing")}, column{})
	md := fmt.Sprintf("page/%d/markdown/create/", p.ID)

	var list []widget
	c.Post(md, map[string]any{"widget": map[string]any{"val": "# Title\n\nSome *text*.\n\nMore text.\n\n## Sub\n\n- a\n- b\n\n#### Four\n\n###### Six\n"}}).
		Want(200).Decode(&list)
	type shape struct {
		Classname, Heading, Text string
		Col, Pos                 int
	}
	var got []shape
	for _, w := range list {
		h := ""
		if w.Heading != nil {
			h = *w.Heading
		}
		got = append(got, shape{w.Classname, h, w.Text, w.Column, w.Position})
	}
	want := []shape{
		{"Heading", "h1", "Title", 0, 1},
		{"Paragraph", "", "Some text.\nMore text.", 0, 2},
		{"Heading", "h2", "Sub", 0, 3},
		{"Paragraph", "", "a\nb", 0, 4},
		{"Heading", "h4", "Four", 0, 5},
		{"Heading", "h4", "Six", 0, 6},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("widgets\n got %+v\nwant %+v", got, want)
	}

	one := decodeWidget(t, c.Post(md, map[string]any{"val": "just **one** paragraph", "column": 1}))
	if one.Classname != "Paragraph" || one.Text != "just one paragraph" || one.Column != 1 || one.Position != 0 {
		t.Errorf("a single block answered %+v, want one paragraph object in column 1", one)
	}
	list = nil
	c.PostRaw(md, "application/x-www-form-urlencoded", "widget%5Bval%5D=%23+Top%0A%0Afirst&column=1&position=0").Want(200).Decode(&list)
	if len(list) != 2 || list[0].Position != 0 || list[1].Position != 1 || list[0].Text != "Top" || list[1].Text != "first" {
		t.Errorf("form-encoded at the top: %+v", list)
	}
	if l := layoutOf(t, c, p.ID); !reflect.DeepEqual(l[1], []string{"Top", "first", "just one paragraph"}) {
		t.Errorf("column 1: %q", l[1])
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no val", map[string]any{"widget": map[string]any{}}, "val"},
		{"blank", map[string]any{"val": "  \n\n "}, "val"},
		{"nothing visible", map[string]any{"val": "<!-- only a comment -->"}, "val"},
		{"bad column", map[string]any{"val": "x", "column": 2}, "column"},
		{"bad position", map[string]any{"val": "x", "column": 1, "position": 9}, "position"},
		{"unknown parameter", map[string]any{"val": "x", "format": "html"}, "format"},
	} {
		wantInvalid(t, c.Post(md, tc.body), tc.field)
	}
	if pg := getPage(t, c, p.ID); len(pg.JSON[0]) != 7 || len(pg.JSON[1]) != 3 {
		t.Errorf("refused Markdown changed the page: %d and %d widgets, want 7 and 3", len(pg.JSON[0]), len(pg.JSON[1]))
	}
}

// TestConcurrentUpdates sends 50 updates of one widget at once: the single writer serialises
// them, and none is lost.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	p := newPage(t, c, "Busy", column{para("above"), para("original"), para("below")})
	w := p.JSON[0][1]
	const n = 50
	answers := make([]*apptest.Response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			answers[i] = c.Post(widgetURL(p.ID, "paragraph", "update", w.ID), map[string]any{"widget": map[string]any{"val": fmt.Sprintf("update %d", i)}})
		}(i)
	}
	close(start)
	wg.Wait()
	answered := map[int64]bool{}
	for i, r := range answers {
		got := decodeWidget(t, r)
		if got.HTML != fmt.Sprintf("update %d", i) || got.VersionOfID == nil || *got.VersionOfID != w.ID || answered[got.ID] {
			t.Errorf("update %d answered %+v", i, got)
		}
		answered[got.ID] = true
	}
	var versions []widget
	c.Get(widgetURL(p.ID, "paragraph", "versions", w.ID)).Want(200).Decode(&versions)
	if len(versions) != n+1 {
		t.Fatalf("%d versions, want %d", len(versions), n+1)
	}
	count := map[string]int{}
	for i, v := range versions {
		count[v.HTML]++
		if i > 0 && v.ID >= versions[i-1].ID {
			t.Errorf("versions not newest first at %d: %d after %d", i, v.ID, versions[i-1].ID)
		}
	}
	for i := 0; i < n; i++ {
		if text := fmt.Sprintf("update %d", i); count[text] != 1 {
			t.Errorf("%q is in %d versions, want 1", text, count[text])
		}
	}
	if count["original"] != 1 {
		t.Errorf("the original is in %d versions, want 1", count["original"])
	}
	current := decodeWidget(t, c.Get(widgetURL(p.ID, "paragraph", "get", w.ID)))
	if current.ID != versions[0].ID || current.Position != 1 {
		t.Errorf("current version %d at %d, want the newest %d at position 1", current.ID, current.Position, versions[0].ID)
	}
	if l := layoutOf(t, c, p.ID); len(l[0]) != 3 || l[0][0] != "above" || l[0][2] != "below" {
		t.Errorf("layout %q", l)
	}
}

// A request makes at most 200 widgets, and a page holds at most 1000.
func TestWidgetLimits(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk).In("home")
	many := make([]map[string]any, 201)
	for i := range many {
		many[i] = map[string]any{"classname": "Paragraph", "val": "x"}
	}
	bad := c.Post("pages/create/", map[string]any{"title": "Too many", "json": [][]map[string]any{many}}).Error(400, "invalid_request")
	if bad["field"] != "json" {
		t.Errorf("201 widgets: field %v, want json", bad["field"])
	}
	p := c.Post("pages/create/", map[string]any{"title": "Full", "json": [][]map[string]any{many[:200]}}).Want(200).ID()
	md := fmt.Sprintf("page/%d/markdown/create/", p)
	c.Post(md, map[string]any{"widget": map[string]any{"val": strings.Repeat("# h\n\n", 201)}}).Error(400, "invalid_request")
	for range 4 {
		c.Post(md, map[string]any{"widget": map[string]any{"val": strings.Repeat("# h\n\n", 200)}}).Want(200)
	}
	c.Post(fmt.Sprintf("page/%d/paragraph/create/", p), map[string]any{"widget": map[string]any{"val": "one more"}}).Error(409, "conflict")
	var got struct{ JSON [][]any }
	c.Get(fmt.Sprintf("pages/get/%d/", p)).Want(200).Decode(&got)
	if n := len(got.JSON[0]); n != 1000 {
		t.Errorf("the page has %d widgets, want 1000", n)
	}
}
