package widgets

import (
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
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
	// GFM task lists: read-only checkboxes, nothing else of <input>.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^(|checked|disabled)$`)).OnElements("input")
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

// SanitizeHTML makes HTML sent for a text or heading widget safe to render.
func SanitizeHTML(html string) string { return widgetPolicy().Sanitize(html) }

// SanitizeMarkdownHTML makes the HTML that Markdown rendered safe to render.
func SanitizeMarkdownHTML(html string) string { return markdownPolicy().Sanitize(html) }

// SanitizeComment makes the HTML of a discussion post safe to render.
func SanitizeComment(html string) string { return commentPolicy().Sanitize(html) }
