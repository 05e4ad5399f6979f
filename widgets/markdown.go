package widgets

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// markdown renders CommonMark with GitHub's extensions (tables, strikethrough, task lists,
// autolinks). Raw HTML is let through to the sanitizer rather than dropped by goldmark, so that
// harmless inline HTML (<kbd>, <sup>) keeps working; the sanitizer removes anything unsafe.
var markdown = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
})

// MaxMarkdownBytes bounds one Markdown document.
const MaxMarkdownBytes = 2 << 20

// FromMarkdown splits a Markdown document into widget contents: each top-level heading becomes a
// Heading (# = h1 ... #### = h4; deeper levels are h4), and the blocks between headings one
// Paragraph. The HTML of each is sanitized. An empty heading makes no widget, and an empty
// document gives no contents.
func FromMarkdown(source string) ([]Content, error) {
	if len(source) > MaxMarkdownBytes {
		return nil, errTooLong("val", MaxMarkdownBytes)
	}
	src := []byte(source)
	md := markdown()
	doc := md.Parser().Parse(text.NewReader(src))
	var out []Content
	var pending bytes.Buffer
	flush := func() {
		h := SanitizeMarkdownHTML(pending.String())
		pending.Reset()
		if strings.TrimSpace(h) != "" {
			out = append(out, Content{Classname: Paragraph, HTML: strings.TrimSpace(h), Format: FormatHTML})
		}
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		var buf bytes.Buffer
		if err := md.Renderer().Render(&buf, src, n); err != nil {
			return nil, fmt.Errorf("render markdown: %w", err)
		}
		heading, ok := n.(*ast.Heading)
		if !ok {
			pending.Write(buf.Bytes())
			continue
		}
		flush()
		inner := strings.TrimSpace(buf.String())
		if i := strings.IndexByte(inner, '>'); i >= 0 {
			inner = inner[i+1:]
		}
		if i := strings.LastIndex(inner, "</h"); i >= 0 {
			inner = inner[:i]
		}
		h := strings.TrimSpace(SanitizeMarkdownHTML(inner))
		if h == "" { // "#" alone, or a heading of nothing but removed HTML
			continue
		}
		out = append(out, Content{Classname: Heading, HTML: h, Format: FormatHTML,
			Heading: fmt.Sprintf("h%d", min(heading.Level, 4))})
	}
	flush()
	for i := range out {
		out[i].Text = PlainText(out[i].HTML)
	}
	return out, nil
}
