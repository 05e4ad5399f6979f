package markdown

import (
	"errors"
	"strings"
	"testing"

	"quire/app/api"
	"quire/widgets"
)

// part is what one widget made from Markdown should hold: its kind, heading level, plain text,
// and strings its HTML must contain.
type part struct {
	classname string
	heading   string
	text      string
	html      []string
}

func TestSplitSplits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		source string
		want   []part
	}{
		{name: "empty", source: "", want: nil},
		{name: "only blank lines", source: "  \n\n\t\n", want: nil},
		{name: "one paragraph", source: "Hello **world**", want: []part{
			{classname: widgets.Paragraph, text: "Hello world", html: []string{"<p>Hello <strong>world</strong></p>"}}}},
		{name: "heading levels", source: "# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "One"},
			{classname: widgets.Heading, heading: "h2", text: "Two"},
			{classname: widgets.Heading, heading: "h3", text: "Three"},
			{classname: widgets.Heading, heading: "h4", text: "Four"},
			{classname: widgets.Heading, heading: "h4", text: "Five"},
			{classname: widgets.Heading, heading: "h4", text: "Six"}}},
		{name: "setext headings", source: "Title\n=====\n\nSub\n---\n\nx", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "Title"},
			{classname: widgets.Heading, heading: "h2", text: "Sub"},
			{classname: widgets.Paragraph, text: "x"}}},
		{name: "text before the first heading and blocks between headings", source: "intro\n\n# T\n\npara\n\n- a\n- b\n\n> q\n\n## U\n\ntail",
			want: []part{
				{classname: widgets.Paragraph, text: "intro", html: []string{"<p>intro</p>"}},
				{classname: widgets.Heading, heading: "h1", text: "T", html: []string{"T"}},
				{classname: widgets.Paragraph, text: "para\na\nb\nq", html: []string{"<p>para</p>", "<ul>", "<li>a</li>", "<blockquote>"}},
				{classname: widgets.Heading, heading: "h2", text: "U"},
				{classname: widgets.Paragraph, text: "tail"}}},
		{name: "inline markup in a heading", source: "# Hello *world* `x` [link](https://example.com/)", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "Hello world x link",
				html: []string{"Hello <em>world</em> <code>x</code> <a href=\"https://example.com/\""}}}},
		{name: "heading html holds no heading element", source: "## Plain", want: []part{
			{classname: widgets.Heading, heading: "h2", text: "Plain", html: []string{"Plain"}}}},
		{name: "nested heading stays in its paragraph", source: "> # quoted\n\n- # listed", want: []part{
			{classname: widgets.Paragraph, text: "quoted\nlisted", html: []string{"<blockquote>", "<h1>quoted</h1>"}}}},
		{name: "empty headings make no widget", source: "#\n\ntext\n\n## <b> </b>\n\nmore", want: []part{
			{classname: widgets.Paragraph, text: "text"},
			{classname: widgets.Paragraph, text: "more"}}},
		{name: "blocks that keep something visible keep only that", source: "text\n\n<script>alert(1)</script>\n\n# A <script>x</script>", want: []part{
			{classname: widgets.Paragraph, text: "text", html: []string{"<p>text</p>"}},
			{classname: widgets.Heading, heading: "h1", text: "A", html: []string{"A"}}}},
		{name: "blocks that showed nothing make no widget", source: "<!-- note -->\n\n[ref]: /x\n\n# T", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "T"}}},
		{name: "heading of an image only", source: "# ![logo](/files/logo.png)", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "", html: []string{`<img src="/files/logo.png" alt="logo"`}}}},
		{name: "headings back to back", source: "# A\n# B", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "A"},
			{classname: widgets.Heading, heading: "h1", text: "B"}}},
		{name: "windows line endings", source: "# A\r\n\r\nb\r\n", want: []part{
			{classname: widgets.Heading, heading: "h1", text: "A"},
			{classname: widgets.Paragraph, text: "b"}}},
		{name: "gfm", source: "~~old~~ www.example.com\n\n| a |\n|---|\n| 1 |\n\n- [x] done", want: []part{
			{classname: widgets.Paragraph, text: "old www.example.com\na\n1\ndone",
				html: []string{"<del>old</del>", `href="http://www.example.com"`, "<table>", `<input type="checkbox" checked="" disabled=""/>`}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split("val", tc.source, anyWidgets)
			if err != nil {
				t.Fatalf("Split(%q): %v", tc.source, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Split(%q) made %d contents, want %d:\n%s", tc.source, len(got), len(tc.want), describe(got))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Classname != w.classname || g.Heading != w.heading || g.Text != w.text || g.Format != widgets.FormatHTML {
					t.Errorf("content %d = %s %q text %q format %q; want %s %q text %q format html",
						i, g.Classname, g.Heading, g.Text, g.Format, w.classname, w.heading, w.text)
				}
				for _, s := range w.html {
					if !strings.Contains(g.HTML, s) {
						t.Errorf("content %d HTML %q lacks %q", i, g.HTML, s)
					}
				}
				if g.Classname == widgets.Heading && strings.Contains(g.HTML, "<h") {
					t.Errorf("content %d: heading HTML %q keeps its <h> element", i, g.HTML)
				}
				if g.HTML != strings.TrimSpace(g.HTML) {
					t.Errorf("content %d HTML %q has space at its ends", i, g.HTML)
				}
			}
		})
	}
}

func TestSplitTooLong(t *testing.T) {
	t.Parallel()
	_, err := Split("val", strings.Repeat("a", MaxBytes+1), anyWidgets)
	var apiErr *api.Error
	if !errors.As(err, &apiErr) || apiErr.Code != api.CodeTooLarge {
		t.Fatalf("Split of %d bytes: err = %v; want a %s error", MaxBytes+1, err, api.CodeTooLarge)
	}
	if _, err := Split("val", strings.Repeat("a ", 1000), anyWidgets); err != nil {
		t.Fatalf("Split of 2000 bytes: %v", err)
	}
}

func describe(cs []widgets.Content) string {
	var b strings.Builder
	for i, c := range cs {
		b.WriteString("  ")
		b.WriteString(strings.Join([]string{string(rune('0' + i%10)), c.Classname, c.Heading, c.HTML}, " "))
		b.WriteString("\n")
	}
	return b.String()
}

// TestSplitNeverEmpties: as for a text widget's HTML (TestApplyNeverEmpties), a heading or
// a run of blocks between headings that shows something and would show nothing once sanitized is
// refused, naming its lines, rather than left out or stored empty, so that the call makes all of
// the document's widgets or none.
func TestSplitNeverEmpties(t *testing.T) {
	tests := []struct{ name, source, where string }{
		{"a form between headings", "# A\n\n<form><input name=x value=secret></form>\n\n# B\n\ntext", "at line 3"},
		{"a heading of a script", "# A\n\n# <script>x</script>\n\ntext", "at line 3"},
		{"a setext heading of a script", "intro\n\n<span><script>x</script></span>\n===\n\ntext", "at line 3"},
		{"a script in a div", "<div><script>x</script></div>", "at line 1"},
		{"a style and an iframe", "<style>p{color:red}</style>\n\n<iframe src=\"https://example.com/\"></iframe>", "at lines 1 to 3"},
		{"a list of scripts and a quoted frame", "# x\n\n- <script>a</script>\n- <style>b\n  </style>\n\n> <iframe src=x></iframe>\n\n# y", "at lines 3 to 7"},
		{"windows line endings", "# A\r\n\r\n\r\n<script>x</script>\r\n", "at line 4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split("val", tc.source, anyWidgets)
			var e *api.Error
			if !errors.As(err, &e) || e.Code != api.CodeInvalid || e.Field != "val" ||
				!strings.Contains(e.Message, "The Markdown "+tc.where+" ") || !strings.Contains(e.Message, "nothing visible is left") {
				t.Fatalf("Split(%q) = %s, %v; want a validation error on \"val\" naming %q", tc.source, describe(got), err, tc.where)
			}
		})
	}
}
