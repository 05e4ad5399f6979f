package widgets_test

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"quire/app/api"
	"quire/widgets"
	"quire/widgets/markdown"
)

// allowlist is what a sanitized fragment may contain, written independently of the policies in
// sanitize.go so that a policy that grows too permissive fails here: each allowed element with the
// attributes it may carry.
type allowlist map[string][]string

// richAllowlist is what widget HTML and Markdown output may contain.
var richAllowlist = func() allowlist {
	a := allowlist{
		"a":          {"href", "rel", "target"},
		"img":        {"src", "alt", "title", "width", "height"},
		"blockquote": {"cite"},
		"q":          {"cite"},
		"ol":         {"start"},
		"td":         {"colspan", "rowspan", "style"},
		"th":         {"colspan", "rowspan", "style"},
		"p":          {"style"},
		"div":        {"style"},
		"code":       {"class"},
		"input":      {"type", "checked", "disabled"},
	}
	for _, el := range strings.Fields(`br hr span wbr h1 h2 h3 h4 h5 h6
		b strong i em u s strike del ins mark small sub sup pre kbd samp var abbr cite dfn tt
		figure figcaption details summary ul li dl dt dd
		table thead tbody tfoot tr caption colgroup col`) {
		a[el] = nil
	}
	return a
}()

// commentAllowlist is what a discussion post may contain.
var commentAllowlist = func() allowlist {
	a := allowlist{"a": {"href", "rel", "target"}}
	for _, el := range strings.Fields(`p br b strong i em u s del mark code pre blockquote ul ol li`) {
		a[el] = nil
	}
	return a
}()

// textAllowlist is what plain text turned into HTML may contain.
var textAllowlist = allowlist{"br": nil}

var (
	// safeStyle is the only inline style allowed: an alignment.
	safeStyle = regexp.MustCompile(`^\s*text-align:\s*(left|center|right)\s*;?\s*$`)
	// safeCodeClass is a highlighting hint, nothing else.
	safeCodeClass = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]+$`)
	urlScheme     = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*):`)
	// urlAttributes are every attribute a browser resolves as a URL, on any element.
	urlAttributes = map[string]bool{
		"href": true, "src": true, "cite": true, "action": true, "formaction": true, "xlink:href": true,
		"poster": true, "background": true, "data": true, "codebase": true, "srcset": true,
		"lowsrc": true, "dynsrc": true, "longdesc": true, "usemap": true, "manifest": true,
		"ping": true, "profile": true, "classid": true, "archive": true, "icon": true, "srcdoc": true,
	}
	safeSchemes = map[string]bool{"http": true, "https": true, "mailto": true}
)

// unsafeReasons parses fragment as a browser would inside a widget's <div> and returns every way
// it breaks the allowlist: an element or attribute not allowed, an event handler, a style other
// than an alignment, a URL with a scheme other than http, https or mailto, a comment, SVG or
// MathML content.
func unsafeReasons(fragment string, allow allowlist) []string {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	var reasons []string
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch n.Type {
		case xhtml.CommentNode:
			reasons = append(reasons, fmt.Sprintf("comment <!--%s-->", n.Data))
		case xhtml.DoctypeNode:
			reasons = append(reasons, "doctype")
		case xhtml.ElementNode:
			reasons = append(reasons, elementReasons(n, allow)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return append(reasons, unbalanced(fragment)...)
}

// unbalanced returns the end tags without their start and the elements left open in fragment,
// read token by token as they are written: stored HTML that closes the widget's container, or
// leaves an element open to swallow the rest of the page, is unsafe too.
func unbalanced(fragment string) []string {
	var reasons, open []string
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			for _, el := range open {
				reasons = append(reasons, fmt.Sprintf("<%s> left open", el))
			}
			return reasons
		case xhtml.StartTagToken:
			name, _ := z.TagName()
			if !voidElements[string(name)] {
				open = append(open, string(name))
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			if len(open) == 0 || open[len(open)-1] != string(name) {
				reasons = append(reasons, fmt.Sprintf("</%s> closes what it did not open", name))
				continue
			}
			open = open[:len(open)-1]
		}
	}
}

var voidElements = map[string]bool{"br": true, "hr": true, "img": true, "input": true, "wbr": true, "col": true}

func elementReasons(n *xhtml.Node, allow allowlist) []string {
	name := n.Data
	if n.Namespace != "" {
		return []string{fmt.Sprintf("<%s> in the %s namespace", name, n.Namespace)}
	}
	attrs, ok := allow[name]
	if !ok {
		return []string{fmt.Sprintf("element <%s> not allowed", name)}
	}
	var reasons []string
	typ := ""
	for _, a := range n.Attr {
		key := a.Key
		if a.Namespace != "" {
			key = a.Namespace + ":" + a.Key
		}
		switch {
		case strings.HasPrefix(strings.ToLower(key), "on"):
			reasons = append(reasons, fmt.Sprintf("event handler %s=%q on <%s>", key, a.Val, name))
			continue
		case !slices.Contains(attrs, key):
			reasons = append(reasons, fmt.Sprintf("attribute %s=%q not allowed on <%s>", key, a.Val, name))
		}
		switch {
		case key == "style" && !safeStyle.MatchString(a.Val):
			reasons = append(reasons, fmt.Sprintf("style %q on <%s>", a.Val, name))
		case key == "class" && !safeCodeClass.MatchString(a.Val):
			reasons = append(reasons, fmt.Sprintf("class %q on <%s>", a.Val, name))
		case key == "target" && a.Val != "_blank":
			reasons = append(reasons, fmt.Sprintf("target %q on <%s>", a.Val, name))
		case key == "type":
			typ = strings.ToLower(a.Val)
		case urlAttributes[key]:
			if scheme := schemeOf(a.Val); scheme != "" && !safeSchemes[scheme] {
				reasons = append(reasons, fmt.Sprintf("%s with scheme %q on <%s>: %q", key, scheme, name, a.Val))
			}
		}
	}
	if name == "input" && typ != "checkbox" {
		reasons = append(reasons, fmt.Sprintf("<input> of type %q, not a checkbox", typ))
	}
	return reasons
}

// schemeOf returns the scheme a browser would see in an attribute value (entities already
// decoded by the parser): it drops tabs and line breaks anywhere, and control characters and
// spaces at the ends, as the URL standard does. A relative URL has no scheme ("").
func schemeOf(val string) string {
	val = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, val)
	val = strings.TrimFunc(val, func(r rune) bool { return r <= ' ' })
	if m := urlScheme.FindStringSubmatch(val); m != nil {
		return strings.ToLower(m[1])
	}
	return ""
}

// assertSafe fails the test, printing input and output, if output breaks the allowlist.
func assertSafe(t testing.TB, path, input, output string, allow allowlist) {
	t.Helper()
	if reasons := unsafeReasons(output, allow); len(reasons) > 0 {
		t.Errorf("%s let something through:\ninput:  %q\noutput: %q\n  - %s",
			path, input, output, strings.Join(reasons, "\n  - "))
	}
}

// anyWidgets lets markdown.Split make as many widgets as a test's document holds.
const anyWidgets = 1 << 30

// assertAllSafe runs input through every path that stores HTML and checks each output.
func assertAllSafe(t testing.TB, input string) {
	t.Helper()
	assertSafe(t, "SanitizeHTML", input, refusedOr(t, input)(widgets.SanitizeHTML("val", input)), richAllowlist)
	assertSafe(t, "SanitizeMarkdownHTML", input, refusedOr(t, input)(widgets.SanitizeMarkdownHTML("val", input)), richAllowlist)
	assertSafe(t, "SanitizeComment", input, refusedOr(t, input)(widgets.SanitizeComment("msg", input)), commentAllowlist)
	assertSafe(t, "TextToHTML", input, widgets.TextToHTML(input), textAllowlist)
	contents, err := markdown.Split("val", input, anyWidgets)
	if err != nil {
		refusedOr(t, input)("", err)
		return
	}
	for i, c := range contents {
		assertSafe(t, fmt.Sprintf("markdown.Split content %d (%s)", i, c.Classname), input, c.HTML, richAllowlist)
	}
}

// refusedOr returns what a path stored, or "" when it refused the input with a validation error
// (nothing stored is safe); any other error fails the test.
func refusedOr(t testing.TB, input string) func(string, error) string {
	return func(out string, err error) string {
		t.Helper()
		var e *api.Error
		if err != nil && (!errors.As(err, &e) || e.Code != api.CodeInvalid) {
			t.Errorf("%q: %v", input, err)
		}
		return out
	}
}

// TestCheckerCatches makes sure the checker itself fails on what it must catch, so that a
// passing corpus means something.
func TestCheckerCatches(t *testing.T) {
	t.Parallel()
	unsafe := []string{
		`<script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="java&#x09;script:alert(1)">x</a>`,
		`<a href=" JAVASCRIPT:alert(1)">x</a>`,
		`<a href="data:text/html,x">x</a>`,
		`<p style="color:red">x</p>`,
		`<table><tr><td style="text-align:left;background:url(x)">x</td></tr></table>`,
		`<span style="text-align:left">x</span>`,
		`<code class="x">x</code>`,
		`<input>`,
		`<input type=text checked>`,
		`<svg><a href="http://x">x</a></svg>`,
		`<math><mi>x</mi></math>`,
		`<!-- x -->`,
		`<iframe></iframe>`,
		`<a href="http://x" id="location">x</a>`,
		`<a href="http://x" target="_top">x</a>`,
		`x</div>`,
		`<a href="http://x">x`,
		`<b><i>x</b></i>`,
		`<a href="http://x" ping="javascript:x">x</a>`,
		`<blockquote cite="vbscript:x">x</blockquote>`,
	}
	for _, s := range unsafe {
		if len(unsafeReasons(s, richAllowlist)) == 0 {
			t.Errorf("checker accepts %q", s)
		}
	}
	safe := []string{
		`<p style="text-align: center;">x</p>`,
		`<a href="https://example.com/" rel="nofollow noreferrer noopener" target="_blank">x</a>`,
		`<a href="/relative?javascript:x">x</a>`,
		`<a href="mailto:a@example.com">x</a>`,
		`<code class="language-go">x</code>`,
		`<input type="checkbox" checked="" disabled="">`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
	}
	for _, s := range safe {
		if r := unsafeReasons(s, richAllowlist); len(r) > 0 {
			t.Errorf("checker refuses %q: %v", s, r)
		}
	}
}
