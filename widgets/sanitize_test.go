package widgets_test

import (
	"quire/widgets"
	"quire/widgets/markdown"
	"regexp"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// formattingCase is ordinary formatting that must come through sanitizing whole: every selector
// in want must match an element of the output, and every string in text must be in its plain text.
type formattingCase struct {
	name  string
	path  string // "html" (widget HTML), "comment" or "markdown"
	input string
	want  []string // tag, tag[attr], tag[attr=value]
	text  []string
}

var formattingCases = []formattingCase{
	{name: "bold italic underline strike", path: "html",
		input: `<p><b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <s>s</s> <strike>k</strike> <del>d</del></p>`,
		want:  []string{"p", "b", "strong", "i", "em", "u", "s", "strike", "del"}},
	{name: "marks and small print", path: "html",
		input: `<p><mark>m</mark> <small>s</small> H<sub>2</sub>O x<sup>2</sup> <kbd>Ctrl</kbd> <abbr>API</abbr> <ins>new</ins></p>`,
		want:  []string{"mark", "small", "sub", "sup", "kbd", "abbr", "ins"}},
	{name: "links", path: "html",
		input: `<a href="https://example.com/a?b=1&amp;c=2#d">s</a> <a href="http://example.com/">h</a> <a href="mailto:ada@example.com">m</a> <a href="/@eng/onboarding/">r</a> <a href="../x">up</a> <a href="#top">t</a>`,
		want: []string{`a[href=https://example.com/a?b=1&c=2#d][target=_blank]`, `a[href=http://example.com/]`,
			`a[href=mailto:ada@example.com]`, `a[href=/@eng/onboarding/]`, `a[href=../x]`, `a[href=#top]`}},
	{name: "headings", path: "html",
		input: `<h1>One</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4><h5>Five</h5><h6>Six</h6>`,
		want:  []string{"h1", "h2", "h3", "h4", "h5", "h6"}, text: []string{"One", "Six"}},
	{name: "nested lists and ordered start", path: "html",
		input: `<ul><li>a<ul><li>a1</li></ul></li></ul><ol start="3"><li>c</li></ol><dl><dt>t</dt><dd>d</dd></dl>`,
		want:  []string{"ul", "li", `ol[start=3]`, "dl", "dt", "dd"}, text: []string{"a1"}},
	{name: "table with alignment", path: "html",
		input: `<table><caption>c</caption><thead><tr><th style="text-align: center">h</th></tr></thead><tbody><tr><td style="text-align:right" colspan="2">1</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>`,
		want: []string{"table", "caption", "thead", "tbody", "tfoot", "tr", `th[style=text-align: center]`,
			`td[style=text-align: right][colspan=2]`}},
	{name: "paragraph alignment", path: "html",
		input: `<p style="text-align:center">c</p><div style="text-align:left">l</div>`,
		want:  []string{`p[style=text-align: center]`, `div[style=text-align: left]`}},
	{name: "code and pre", path: "html",
		input: `<pre><code class="language-go">func main() {}</code></pre><p><code>x := 1</code></p>`,
		want:  []string{"pre", `code[class=language-go]`}, text: []string{"func main() {}"}},
	{name: "blockquote with cite", path: "html",
		input: `<blockquote cite="https://example.com/">quoted</blockquote><q>q</q>`,
		want:  []string{`blockquote[cite=https://example.com/]`, "q"}},
	{name: "images", path: "html",
		input: `<img src="https://example.com/a.png" alt="A" title="T" width="20" height="10"><img src="/files/1/b.png" alt="B">`,
		want:  []string{`img[src=https://example.com/a.png][alt=A][title=T][width=20][height=10]`, `img[src=/files/1/b.png][alt=B]`}},
	{name: "details and figure", path: "html",
		input: `<details><summary>more</summary>hidden</details><figure><img src="/a.png" alt="a"><figcaption>cap</figcaption></figure><hr>`,
		want:  []string{"details", "summary", "figure", "figcaption", "hr"}},
	{name: "task list checkbox", path: "html",
		input: `<ul><li><input type="checkbox" checked disabled> done</li></ul>`,
		want:  []string{`input[type=checkbox][checked][disabled]`}},
	{name: "entities kept as text", path: "html",
		input: `<p>5 &lt; 6 &amp; &quot;ok&quot; &copy;</p>`,
		text:  []string{`5 < 6 & "ok" ©`}},

	{name: "comment formatting", path: "comment",
		input: `<p><b>b</b> <i>i</i> <u>u</u> <s>s</s> <del>d</del> <code>c</code></p><blockquote>q</blockquote><ul><li>a</li></ul><ol><li>b</li></ol><pre>p</pre>`,
		want:  []string{"p", "b", "i", "u", "s", "del", "code", "blockquote", "ul", "ol", "li", "pre"}},
	{name: "comment links", path: "comment",
		input: `<a href="https://example.com/">s</a> <a href="mailto:a@example.com">m</a> <a href="/page/1/">r</a>`,
		want:  []string{`a[href=https://example.com/]`, `a[href=mailto:a@example.com]`, `a[href=/page/1/]`}},

	{name: "markdown emphasis", path: "markdown",
		input: "**bold** *italic* ~~gone~~ `code`",
		want:  []string{"strong", "em", "del", "code"}},
	{name: "markdown links", path: "markdown",
		input: "[s](https://example.com/) [h](http://example.com/) [m](mailto:ada@example.com) [r](/@eng/x/) [ref][1]\n\n[1]: https://example.com/ref",
		want: []string{`a[href=https://example.com/]`, `a[href=http://example.com/]`, `a[href=mailto:ada@example.com]`,
			`a[href=/@eng/x/]`, `a[href=https://example.com/ref]`}},
	{name: "markdown autolinks", path: "markdown",
		input: "<https://example.com/a> and www.example.com and ada@example.com",
		want:  []string{`a[href=https://example.com/a]`, `a[href=http://www.example.com]`, `a[href=mailto:ada@example.com]`}},
	{name: "markdown lists", path: "markdown",
		input: "- a\n  - a1\n- b\n\n3. c\n4. d",
		want:  []string{"ul", "li", `ol[start=3]`}, text: []string{"a1"}},
	{name: "markdown table", path: "markdown",
		input: "| l | c | r |\n|:--|:-:|--:|\n| 1 | 2 | 3 |",
		want:  []string{"table", "thead", "tbody", `th[style=text-align: left]`, `td[style=text-align: center]`, `td[style=text-align: right]`}},
	{name: "markdown fenced code", path: "markdown",
		input: "```go\nfunc main() {}\n```",
		want:  []string{"pre", `code[class=language-go]`}, text: []string{"func main() {}"}},
	{name: "markdown quote and rule", path: "markdown",
		input: "> quoted\n\n---\n\nafter",
		want:  []string{"blockquote", "hr"}},
	{name: "markdown images", path: "markdown",
		input: "![alt text](https://example.com/a.png \"T\") ![b](/files/b.png)",
		want:  []string{`img[src=https://example.com/a.png][alt=alt text][title=T]`, `img[src=/files/b.png][alt=b]`}},
	{name: "markdown task list", path: "markdown",
		input: "- [x] done\n- [ ] todo",
		want:  []string{`input[type=checkbox][checked][disabled]`, `input[type=checkbox][disabled]`}, text: []string{"done", "todo"}},
	{name: "markdown inline html", path: "markdown",
		input: "Press <kbd>Ctrl</kbd> and H<sub>2</sub>O",
		want:  []string{"kbd", "sub"}},
}

// must returns what a sanitizer returned, failing the test on an error.
func must(t testing.TB) func(string, error) string {
	return func(out string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("sanitize: %v", err)
		}
		return out
	}
}

func TestFormattingSurvives(t *testing.T) {
	t.Parallel()
	for _, tc := range formattingCases {
		t.Run(tc.name, func(t *testing.T) {
			var out string
			allow := richAllowlist
			switch tc.path {
			case "html":
				out = must(t)(widgets.SanitizeHTML("val", tc.input))
			case "comment":
				out = must(t)(widgets.SanitizeComment("msg", tc.input))
				allow = commentAllowlist
			case "markdown":
				contents, err := markdown.Split("val", tc.input, anyWidgets)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range contents {
					out += c.HTML
				}
			}
			assertSafe(t, tc.path, tc.input, out, allow)
			nodes := parseFragment(t, out)
			for _, sel := range tc.want {
				if !anyMatches(nodes, sel) {
					t.Errorf("no %s in the output\ninput:  %q\noutput: %q", sel, tc.input, out)
				}
			}
			text := widgets.PlainText(out)
			for _, s := range tc.text {
				if !strings.Contains(text, s) {
					t.Errorf("plain text %q lacks %q\ninput:  %q\noutput: %q", text, s, tc.input, out)
				}
			}
		})
	}
}

// TestMarkdownTaskListIsReadOnly checks that task-list checkboxes from Markdown are disabled and
// that an <input> written in raw HTML comes through only as a checkbox.
func TestMarkdownTaskListIsReadOnly(t *testing.T) {
	t.Parallel()
	contents, err := markdown.Split("val", "- [x] done\n- [ ] todo", anyWidgets)
	if err != nil || len(contents) != 1 {
		t.Fatalf("markdown.Split = %+v, %v", contents, err)
	}
	nodes := parseFragment(t, contents[0].HTML)
	if n := countMatches(nodes, "input"); n != 2 || countMatches(nodes, "input[disabled]") != 2 {
		t.Errorf("want 2 disabled checkboxes, got %q", contents[0].HTML)
	}
}

// TestLinksOpenSafely checks that links to other sites open in a new tab without handing the
// page to it (window.opener) or leaking the wiki's URL.
func TestLinksOpenSafely(t *testing.T) {
	t.Parallel()
	out := must(t)(widgets.SanitizeHTML("val", `<a href="https://example.com/">x</a><a href="/local/">y</a>`))
	nodes := parseFragment(t, out)
	if !anyMatches(nodes, `a[href=https://example.com/][target=_blank]`) {
		t.Errorf("external link not opened in a new tab: %q", out)
	}
	for _, n := range findAll(nodes, "a") {
		if attr(n, "target") == "" {
			continue
		}
		rel := " " + attr(n, "rel") + " "
		if !strings.Contains(rel, " noopener ") && !strings.Contains(rel, " noreferrer ") {
			t.Errorf("link with target but without noopener/noreferrer: %q", out)
		}
	}
}

var selector = regexp.MustCompile(`\[([\w:-]+)(?:=([^\]]*))?\]`)

// anyMatches reports whether an element under nodes matches sel: "tag", "tag[attr]" or
// "tag[attr=value]" (a style value compared without spaces or a trailing semicolon).
func anyMatches(nodes []*xhtml.Node, sel string) bool { return countMatches(nodes, sel) > 0 }

func countMatches(nodes []*xhtml.Node, sel string) int {
	tag, _, _ := strings.Cut(sel, "[")
	count := 0
	for _, n := range findAll(nodes, tag) {
		ok := true
		for _, m := range selector.FindAllStringSubmatch(sel, -1) {
			got, present := attrOK(n, m[1])
			switch {
			case !present:
				ok = false
			case strings.Contains(m[0], "=") && normalise(m[1], got) != normalise(m[1], m[2]):
				ok = false
			}
		}
		if ok {
			count++
		}
	}
	return count
}

func normalise(key, val string) string {
	if key == "style" {
		return strings.TrimSuffix(strings.ReplaceAll(val, " ", ""), ";")
	}
	return val
}

func findAll(nodes []*xhtml.Node, tag string) []*xhtml.Node {
	var out []*xhtml.Node
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

func attrOK(n *xhtml.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *xhtml.Node, key string) string {
	v, _ := attrOK(n, key)
	return v
}

func parseFragment(t *testing.T, fragment string) []*xhtml.Node {
	t.Helper()
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment),
		&xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("parse %q: %v", fragment, err)
	}
	return nodes
}
