package pages_test

import (
	"fmt"
	"strings"
	"testing"

	"quire/app/apptest"
)

// TestContentThatCannotBeKeptIsRefused: HTML nested too deep, Markdown that would take the
// parser too long, and HTML that sanitizing would empty are a 400 naming the field and the
// limit, on every path that stores HTML or Markdown, and change nothing.
func TestContentThatCannotBeKeptIsRefused(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Kept", column{para("<p>original</p>"), head("Heading", "h1")})
	paraID, headID := p.JSON[0][0].ID, p.JSON[0][1].ID
	deep := strings.Repeat("<blockquote>", 520) + "quoted" + strings.Repeat("</blockquote>", 520)
	deepList := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(strings.Repeat("  ", i) + "* item\n")
		}
		return b.String()
	}
	tests := []struct {
		name, field, says string
		send              func() *apptest.Response
	}{
		{"paragraph update, 520 blockquotes", "val", "100 deep", func() *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "update", paraID), map[string]any{"widget": map[string]any{"val": deep}})
		}},
		{"paragraph create, 520 blockquotes", "val", "100 deep", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"widget": map[string]any{"val": deep}})
		}},
		{"heading update, deep", "val", "100 deep", func() *apptest.Response {
			return c.Post(widgetURL(p.ID, "heading", "update", headID), map[string]any{"val": strings.Repeat("<span>", 101) + "h"})
		}},
		{"pages/create widget, deep", "json[0][1].val", "100 deep", func() *apptest.Response {
			return c.Post("pages/create/", map[string]any{"title": "Deep", "json": [][]any{{para("fine"), para(deep)}}})
		}},
		{"discussion intro, deep", "val", "100 deep", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/discussion/create/", p.ID), map[string]any{"val": deep})
		}},
		{"form intro, deep", "val", "100 deep", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{"val": deep, "fields": []map[string]any{{"label": "A"}}})
		}},
		{"markdown, list nested 1400 deep", "val", "nests lists and quotes", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"widget": map[string]any{"val": deepList(1400)}})
		}},
		{"markdown, 320 KB of list markers on one line", "val", "nests lists and quotes", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"widget": map[string]any{"val": strings.Repeat("* ", 160<<10) + "x"}})
		}},
		{"markdown, quotes nested", "val", "nests lists and quotes", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": strings.Repeat("> ", 100) + "x"})
		}},
		{"markdown, emphasis that takes quadratic time", "val", "*, _ and ~", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "a**b" + strings.Repeat("c* ", 50000)})
		}},
		{"markdown, unclosed links", "val", "link targets", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": strings.Repeat("[a](b", 100000)})
		}},
		{"markdown, raw HTML nested", "val", "100 deep", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "# T\n\n" + deep})
		}},
		{"paragraph update, nothing left once sanitized", "val", "Nothing visible", func() *apptest.Response {
			return c.Post(widgetURL(p.ID, "paragraph", "update", paraID), map[string]any{"widget": map[string]any{"val": "<script>alert(1)</script>"}})
		}},
		{"pages/create widget, nothing left once sanitized", "json[0][0].val", "Nothing visible", func() *apptest.Response {
			return c.Post("pages/create/", map[string]any{"title": "Empty", "json": [][]any{{para(`<iframe src="https://example.com/"></iframe>`)}}})
		}},
		{"heading update, nothing left once sanitized", "val", "Nothing visible", func() *apptest.Response {
			return c.Post(widgetURL(p.ID, "heading", "update", headID), map[string]any{"val": "<script>x</script>"})
		}},
		{"discussion intro, nothing left once sanitized", "val", "Nothing visible", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/discussion/create/", p.ID), map[string]any{"val": "<style>p{}</style>"})
		}},
		{"form intro, nothing left once sanitized", "val", "Nothing visible", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{"val": "<form><input name=x value=secret></form>",
				"fields": []map[string]any{{"label": "A"}}})
		}},
		{"pages/create discussion intro, nothing left once sanitized", "json[0][0].val", "Nothing visible", func() *apptest.Response {
			return c.Post("pages/create/", map[string]any{"title": "Empty", "json": [][]any{{map[string]any{"classname": "Discussion", "val": "<script>x</script>"}}}})
		}},
		{"markdown, a block and a heading that sanitizing empties", "val", "at line 3", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID),
				map[string]any{"val": "# A\n\n<form><input name=x value=secret></form>\n\n# <script>x</script>\n\ntext"})
		}},
		{"markdown, a heading that sanitizing empties", "val", "at line 3", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"widget": map[string]any{"val": "# A\n\n## <script>x</script>\n\ntext"}})
		}},
		{"markdown, a div left empty", "val", "at line 1", func() *apptest.Response {
			return c.Post(fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": "<div><script>x</script></div>"})
		}},
		{"stream post of a NUL, which HTML drops", "msg", "U+0000", func() *apptest.Response {
			return c.Post("feed/post/", map[string]any{"msg": "\x00"})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := wantInvalid(t, tc.send(), tc.field)
			if msg, _ := m["error"].(string); !strings.Contains(msg, tc.says) {
				t.Errorf("message %q; want it to say %q", msg, tc.says)
			}
		})
	}
	after := getPage(t, c, p.ID)
	if len(after.JSON[0]) != 2 || after.JSON[0][0].HTML != "<p>original</p>" || after.JSON[0][0].ID != paraID || after.UpdatedAt != p.UpdatedAt {
		t.Errorf("the page changed: %+v", after.JSON)
	}
	var pages []page
	c.Get("pages/all/").Want(200).Decode(&pages)
	if len(pages) != 1 {
		t.Errorf("%d pages; the refused creates made some", len(pages))
	}
	if posts := c.Get("feed/all/").Want(200).List(); len(posts) != 0 {
		t.Errorf("the refused post was stored: %v", posts)
	}
}

// TestJSONTypesOfContent: a JSON value of another type than the OpenAPI document gives is a 400
// naming the field, never converted ("title": 5 is not the title "5").
func TestJSONTypesOfContent(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	p := newPage(t, c, "Typed")
	w := p.JSON[0][0]
	tests := []struct {
		path  string
		body  map[string]any
		field string
	}{
		{"pages/create/", map[string]any{"title": 5, "json": [][]any{{para("x")}}}, "title"},
		{"pages/create/", map[string]any{"title": "T", "folder_id": "1", "json": [][]any{{para("x")}}}, "folder_id"},
		{"pages/create/", map[string]any{"title": "T", "tags": []any{"a", 1}, "json": [][]any{{para("x")}}}, "tags"},
		{"pages/create/", map[string]any{"title": "T", "path": true, "json": [][]any{{para("x")}}}, "path"},
		{fmt.Sprintf("pages/copy/%d/", p.ID), map[string]any{"subsite_id": "1"}, "subsite_id"},
		{fmt.Sprintf("pages/copy/%d/", p.ID), map[string]any{"title": 12}, "title"},
		{fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"widget": map[string]any{"val": 5}}, "val"},
		{fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "x", "column": "0"}, "column"},
		{fmt.Sprintf("page/%d/paragraph/create/", p.ID), map[string]any{"val": "x", "position": 0.5}, "position"},
		{widgetURL(p.ID, "paragraph", "update", w.ID), map[string]any{"widget": map[string]any{"val": true}}, "val"},
		{widgetURL(p.ID, "paragraph", "update", w.ID), map[string]any{"widget": map[string]any{"styleclass": 1}}, "styleclass"},
		{widgetURL(p.ID, "paragraph", "restore", w.ID), map[string]any{"version_id": fmt.Sprint(w.ID)}, "version_id"},
		{fmt.Sprintf("page/%d/widgets/move/", p.ID), map[string]any{"widget_id": fmt.Sprint(w.ID), "column": 0}, "widget_id"},
		{fmt.Sprintf("page/%d/markdown/create/", p.ID), map[string]any{"val": 42}, "val"},
		{fmt.Sprintf("page/%d/form/create/", p.ID), map[string]any{"fields": []map[string]any{{"label": "A"}}, "column": false}, "column"},
		{"folder/create/", map[string]any{"path": 5}, "path"},
		{"folder/copy/", map[string]any{"copy_folder_id": "1", "target_path": "X"}, "copy_folder_id"},
		{fmt.Sprintf("feed/post/%d/", p.ID), map[string]any{"msg": 5}, "msg"},
	}
	for _, tc := range tests {
		m := c.Post(tc.path, tc.body).Error(400, "invalid_request")
		if m["field"] != tc.field {
			t.Errorf("%s %v: field %v (%v); want %q", tc.path, tc.body, m["field"], m["error"], tc.field)
		}
	}
	// Form and URL parameters are text, read as the type asked for.
	c.PostRaw(fmt.Sprintf("page/%d/paragraph/create/", p.ID), "application/x-www-form-urlencoded", "val=five&column=0&position=1").Want(200)
	if got := getPage(t, c, p.ID); len(got.JSON[0]) != 2 || got.JSON[0][1].Text != "five" {
		t.Errorf("after the refusals and one form post: %+v", got.JSON)
	}
}
