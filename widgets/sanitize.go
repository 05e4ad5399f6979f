package widgets

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"quire/app/api"
)

// The sanitizing policies, one per use. Everything users or the API send as HTML, and everything
// Markdown renders, goes through one of them before it is stored: what the database holds is safe
// to render as it is. Each is an allowlist written here rather than bluemonday's UGCPolicy, which
// allows id attributes everywhere (a DOM-clobbering risk for the page's own scripts).

var (
	languageClass = regexp.MustCompile(`^language-[A-Za-z0-9_+#.-]{1,40}$`)
	alignment     = []string{"left", "center", "right"}
	smallNumber   = regexp.MustCompile(`^[0-9]{1,4}$`)
)

// basePolicy is the rich-text core shared by widget and Markdown HTML: text structure, lists,
// tables, links and images on http(s), mailto and relative URLs; no scripts, styles, frames,
// forms or event handlers.
func basePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs() // parseable URLs, relative or http/https/mailto, rel="nofollow" on links
	p.AllowElements("p", "br", "hr", "div", "span", "wbr",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"b", "strong", "i", "em", "u", "s", "strike", "del", "ins", "mark", "small", "sub", "sup",
		"code", "pre", "kbd", "samp", "var", "abbr", "cite", "dfn", "q", "tt",
		"blockquote", "figure", "figcaption", "details", "summary",
		"ul", "ol", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "caption", "colgroup", "col")
	p.AllowAttrs("href").OnElements("a")
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AllowAttrs("src", "alt", "title").OnElements("img")
	p.AllowAttrs("width", "height").Matching(smallNumber).OnElements("img")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowAttrs("start").Matching(smallNumber).OnElements("ol")
	p.AllowAttrs("colspan", "rowspan").Matching(smallNumber).OnElements("td", "th")
	p.AllowElements("td", "th")
	p.AllowStyles("text-align").MatchingEnum(alignment...).OnElements("td", "th", "p", "div")
	// Fenced code keeps its language for highlighting.
	p.AllowAttrs("class").Matching(languageClass).OnElements("code")
	// GFM task lists: checkboxes, nothing else of <input>. bluemonday cannot require an
	// attribute, so an <input> without type=checkbox is removed after it (readOnlyCheckboxes).
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^(?i)checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(?i)(|checked|disabled)$`)).OnElements("input")
	return p
}

var (
	widgetPolicy   = sync.OnceValue(basePolicy)
	markdownPolicy = sync.OnceValue(basePolicy)
	commentPolicy  = sync.OnceValue(func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowStandardURLs()
		p.AllowElements("p", "br", "b", "strong", "i", "em", "u", "s", "del", "mark", "code", "pre",
			"blockquote", "ul", "ol", "li")
		p.AllowAttrs("href").OnElements("a")
		p.AddTargetBlankToFullyQualifiedLinks(true)
		p.RequireNoReferrerOnFullyQualifiedLinks(true)
		return p
	})
)

// MaxHTMLDepth is how deeply elements may nest in the HTML of a widget or comment, and in the HTML
// that Markdown renders (a Markdown list level is two elements, <ul> and <li>; a quote one).
// golang.org/x/net/html gives up past 512 open elements, so the limit stays well below that, and
// no wiki page needs more.
const MaxHTMLDepth = 100

// SanitizeHTML makes HTML sent for a text or heading widget safe to render. It returns a
// validation error on field when the HTML nests deeper than MaxHTMLDepth; never "" for HTML it
// could not read.
func SanitizeHTML(field, s string) (string, error) { return sanitize(widgetPolicy(), field, s) }

// SanitizeMarkdownHTML makes the HTML that Markdown rendered safe to render; errors as SanitizeHTML.
func SanitizeMarkdownHTML(field, s string) (string, error) {
	return sanitize(markdownPolicy(), field, s)
}

// SanitizeComment makes the HTML of a discussion post safe to render; errors as SanitizeHTML.
func SanitizeComment(field, s string) (string, error) { return sanitize(commentPolicy(), field, s) }

// errTooDeep refuses HTML nested deeper than MaxHTMLDepth.
func errTooDeep(field string) error {
	return api.Invalid(field, "Parameter %q nests HTML elements more than %d deep (Markdown lists and quotes "+
		"count as elements too); a widget may nest at most %d. Flatten the deepest part.", field, MaxHTMLDepth, MaxHTMLDepth)
}

// sanitize applies the policy, then writes the result out again as the tree a browser builds
// from it inside a widget's <div>. bluemonday works on tokens and keeps an allowed end tag without
// its start ("</div>") or a start tag never closed ("<a href=...>", "<details>"): stored as it is,
// such HTML would close the widget's container or swallow the rest of the page. The tree closes
// every element it opens and has no stray end tags. Only allowed elements reach the parser, so
// the round trip meets none of the foreign-content (SVG, MathML) or raw-text cases that make
// re-parsing risky.
//
// Nesting is measured twice: before any work, on the tokens of the input (nestsDeeper), and on the
// tree that is stored, which is exact. The parser's own limit of 512 open elements is the only way
// it fails on a string in memory; that too is the nesting error, never an empty result.
func sanitize(p *bluemonday.Policy, field, s string) (string, error) {
	if nestsDeeper(s, MaxHTMLDepth) {
		return "", errTooDeep(field)
	}
	clean := p.Sanitize(s)
	if clean == "" {
		return "", nil
	}
	container := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(clean), container)
	if err != nil {
		return "", errTooDeep(field)
	}
	var b strings.Builder
	for _, n := range nodes {
		if !readOnlyCheckboxes(n) {
			continue
		}
		if depth(n) > MaxHTMLDepth {
			return "", errTooDeep(field)
		}
		if err := html.Render(&b, n); err != nil {
			return "", fmt.Errorf("render sanitized HTML: %w", err)
		}
	}
	return b.String(), nil
}

// depth returns how many elements deep the tree under n goes, n included.
func depth(n *html.Node) int {
	deepest := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		deepest = max(deepest, depth(c))
	}
	if n.Type == html.ElementNode {
		deepest++
	}
	return deepest
}

// readOnlyCheckboxes reports whether n may stay: an <input> only as a checkbox, which it makes
// disabled (a widget is not a form). It removes the children of n that may not stay.
func readOnlyCheckboxes(n *html.Node) bool {
	if n.Type == html.ElementNode && n.DataAtom == atom.Input {
		checkbox, checked := false, false
		for _, a := range n.Attr {
			checkbox = checkbox || (a.Key == "type" && strings.EqualFold(a.Val, "checkbox"))
			checked = checked || a.Key == "checked"
		}
		if !checkbox {
			return false
		}
		n.Attr = []html.Attribute{{Key: "type", Val: "checkbox"}}
		if checked {
			n.Attr = append(n.Attr, html.Attribute{Key: "checked", Val: ""})
		}
		n.Attr = append(n.Attr, html.Attribute{Key: "disabled", Val: ""})
		return true
	}
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if !readOnlyCheckboxes(c) {
			n.RemoveChild(c)
		}
		c = next
	}
	return true
}
