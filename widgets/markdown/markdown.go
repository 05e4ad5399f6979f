// Package markdown turns a Markdown document into the contents of text widgets (headings and
// paragraphs), for /page/:id/markdown/create. It bounds the document before goldmark parses it
// (limits.go) and sanitizes what goldmark renders with widgets' policy for Markdown output
// (widgets.SanitizeMarkdownHTML), so what it returns is what may be stored. It imports widgets;
// widgets never imports it.
package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"

	"quire/app/api"
	"quire/widgets"
)

// engine renders CommonMark with GitHub's extensions (tables, strikethrough, task lists,
// autolinks). Raw HTML is let through to the sanitizer rather than dropped by goldmark, so that
// harmless inline HTML (<kbd>, <sup>) keeps working; the sanitizer removes anything unsafe.
var engine = sync.OnceValue(func() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
})

// MaxBytes bounds one Markdown document.
const MaxBytes = 2 << 20

// Split splits a Markdown document into widget contents: each top-level heading becomes a
// widgets.Heading (# = h1 ... #### = h4; deeper levels are h4), and the blocks between headings
// one widgets.Paragraph. The HTML of each is sanitized. An empty heading makes no widget, and an
// empty document gives no contents. Line endings CR LF and CR are read as LF, as CommonMark says.
//
// Before parsing, the document is held to MaxBytes (a too_large error) and to the limits of
// checkMarkdown, and refused when it holds NUL or invalid UTF-8 (api.Markup: CommonMark would
// make them U+FFFD); before rendering, to maxWidgets widgets; after, each widget's HTML to
// widgets.MaxHTMLBytes and widgets.MaxHTMLDepth, and each heading's text to the rule for a line
// (widgets.CheckHeadingText). Each refusal is an error on field that names the limit. A heading,
// or a run of blocks between headings, that would show something and shows nothing once
// sanitized is an error on field that names its lines (checkKept), never a widget left out.
func Split(field, source string, maxWidgets int) ([]widgets.Content, error) {
	if len(source) > MaxBytes {
		return nil, api.TooLarge("Parameter %q is over the limit of %d KB.", field, MaxBytes>>10)
	}
	if err := api.Markup(field, source); err != nil {
		return nil, err
	}
	source = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(source)
	if err := checkMarkdown(field, source); err != nil {
		return nil, err
	}
	src := []byte(source)
	md := engine()
	doc := md.Parser().Parse(text.NewReader(src))
	if err := countWidgets(field, doc, maxWidgets); err != nil {
		return nil, err
	}
	var out []widgets.Content
	var pending bytes.Buffer
	var run []ast.Node // the blocks whose HTML is pending
	flush := func() error {
		if pending.Len() > widgets.MaxHTMLBytes {
			return errWidgetTooLarge(field, pending.Len())
		}
		rendered := pending.String()
		pending.Reset()
		blocks := run
		run = nil
		h, err := widgets.SanitizeMarkdownHTML(field, rendered)
		if err != nil {
			return err
		}
		if err := checkKept(field, rendered, h, src, blocks...); err != nil {
			return err
		}
		if strings.TrimSpace(h) != "" {
			out = append(out, widgets.Content{Classname: widgets.Paragraph, HTML: strings.TrimSpace(h), Format: widgets.FormatHTML})
		}
		return nil
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		var buf bytes.Buffer
		if err := md.Renderer().Render(&buf, src, n); err != nil {
			return nil, fmt.Errorf("render markdown: %w", err)
		}
		heading, ok := n.(*ast.Heading)
		if !ok {
			if pending.Len()+buf.Len() > widgets.MaxHTMLBytes {
				return nil, errWidgetTooLarge(field, pending.Len()+buf.Len())
			}
			pending.Write(buf.Bytes())
			run = append(run, n)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		inner := strings.TrimSpace(buf.String())
		if i := strings.IndexByte(inner, '>'); i >= 0 {
			inner = inner[i+1:]
		}
		if i := strings.LastIndex(inner, "</h"); i >= 0 {
			inner = inner[:i]
		}
		h, err := widgets.SanitizeMarkdownHTML(field, inner)
		if err != nil {
			return nil, err
		}
		if err := checkKept(field, inner, h, src, n); err != nil {
			return nil, err
		}
		if h = strings.TrimSpace(h); !widgets.ShowsSomething(h) { // "#" alone, or "# <b></b>"
			continue
		}
		if err := checkMarkdownHeading(field, h, src, n); err != nil {
			return nil, err
		}
		out = append(out, widgets.Content{Classname: widgets.Heading, HTML: h, Format: widgets.FormatHTML,
			Heading: fmt.Sprintf("h%d", min(heading.Level, 4))})
	}
	if err := flush(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Text = widgets.PlainText(out[i].HTML)
	}
	return out, nil
}

// checkMarkdownHeading is widgets.CheckHeadingText for the sanitized HTML h of a Markdown heading n: its
// error names the heading's line.
func checkMarkdownHeading(field, h string, src []byte, n ast.Node) error {
	err := widgets.CheckHeadingText(field, widgets.PlainText(h))
	var e *api.Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	if first, _ := lineSpan(src, []ast.Node{n}); first > 0 {
		return api.Invalid(field, "The heading at line %d: %s", first, e.Message)
	}
	return err
}

// checkKept applies to Markdown the rule of Input.Apply: rendered, the HTML that the blocks of
// one widget made, showed something, and sanitized, what is left of it, would show nothing. That
// is a validation error on field naming the blocks' lines, rather than a widget that vanishes or
// stays empty. Blocks that keep something visible keep only that, as a text widget's HTML does.
func checkKept(field, rendered, sanitized string, src []byte, blocks ...ast.Node) error {
	if widgets.ShowsSomething(sanitized) || !widgets.ShowsSomething(rendered) {
		return nil
	}
	where := "The Markdown"
	if first, last := lineSpan(src, blocks); first == last && first > 0 {
		where = fmt.Sprintf("The Markdown at line %d", first)
	} else if first > 0 {
		where = fmt.Sprintf("The Markdown at lines %d to %d", first, last)
	}
	return api.Invalid(field, "%s makes a widget of which nothing visible is left once unsafe HTML is removed "+
		"(scripts, styles, frames, forms, event handlers, unsafe links). Remove that HTML, write it as code "+
		"(between backticks) to show it as written, or add text that shows.", where)
}

// lineSpan returns the 1-based numbers of the first and last lines of src that the blocks span,
// read from the text lines of the blocks and of the blocks inside them (a list or a quote has
// none of its own); 0, 0 when none has any.
func lineSpan(src []byte, blocks []ast.Node) (first, last int) {
	start, stop := -1, -1
	for _, b := range blocks {
		_ = ast.Walk(b, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering || n.Type() != ast.TypeBlock {
				return ast.WalkContinue, nil
			}
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				if start < 0 || seg.Start < start {
					start = seg.Start
				}
				stop = max(stop, seg.Stop)
			}
			return ast.WalkContinue, nil
		})
	}
	if start < 0 {
		return 0, 0
	}
	lineOf := func(offset int) int { return bytes.Count(src[:min(offset, len(src))], []byte("\n")) + 1 }
	return lineOf(start), lineOf(max(stop-1, start))
}

// countWidgets refuses a document that would make more than max widgets: a widget per top-level
// heading and per run of blocks between them (empty headings, which make none, count too).
func countWidgets(field string, doc ast.Node, max int) error {
	headings, runs, inRun := 0, 0, false
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() == ast.KindHeading {
			headings, inRun = headings+1, false
		} else if !inRun {
			runs, inRun = runs+1, true
		}
	}
	if headings+runs > max {
		return api.Invalid(field, "The Markdown has %d top-level headings and %d runs of blocks between them, each a widget; "+
			"one call may make at most %d widgets: send it in parts.", headings, runs, max)
	}
	return nil
}

// errWidgetTooLarge refuses Markdown whose blocks between two headings make more HTML than one
// widget holds.
func errWidgetTooLarge(field string, n int) error {
	return api.Invalid(field, "Parameter %q makes a widget of more than %d KB of HTML (the blocks between two headings "+
		"make one widget; these make %d KB or more). Add headings to split it, or send it in parts.",
		field, widgets.MaxHTMLBytes>>10, n>>10)
}
