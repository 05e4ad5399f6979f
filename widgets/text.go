package widgets

import (
	"html"
	"strings"

	xhtml "golang.org/x/net/html"
)

// blockElements start a new line in the plain text of HTML.
var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "hr": true, "li": true, "ul": true, "ol": true, "dl": true, "dt": true, "dd": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"table": true, "tr": true, "figure": true, "figcaption": true, "details": true, "summary": true, "section": true,
}

// PlainText returns the text of an HTML fragment: tags dropped, entities decoded, a line per
// block, runs of spaces folded. It is what search indexes and what the API answers as "text".
func PlainText(fragment string) string {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	newline := func() {
		s := b.String()
		if len(s) > 0 && !strings.HasSuffix(s, "\n") {
			b.WriteByte('\n')
		}
	}
	cellSeparator := func() {
		s := b.String()
		if len(s) > 0 && !strings.HasSuffix(s, "\n") && !strings.HasSuffix(s, " ") {
			b.WriteByte(' ')
		}
	}
	inPre := 0
	for {
		tok := z.Next()
		switch tok {
		case xhtml.ErrorToken:
			return tidyText(b.String())
		case xhtml.TextToken:
			text := string(z.Text())
			if inPre == 0 {
				// Outside <pre>, a line break in the source is only white space.
				text = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(text)
			}
			b.WriteString(text)
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if string(name) == "pre" && tok == xhtml.StartTagToken {
				inPre++
			} else if string(name) == "pre" && tok == xhtml.EndTagToken && inPre > 0 {
				inPre--
			}
			switch tag := string(name); {
			case blockElements[tag]:
				newline()
			case tag == "td" || tag == "th":
				cellSeparator()
			}
		}
	}
}

// tidyText folds runs of white space inside lines and drops empty lines at the ends.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, line := range lines {
		line = strings.Join(strings.Fields(line), " ")
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TextToHTML turns plain text into HTML: special characters escaped, line breaks (\n, \r\n or
// a lone \r) as <br>.
func TextToHTML(text string) string {
	text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text)
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br>")
}

// ShowsSomething reports whether an HTML fragment, as sent, holds anything a reader would see or
// that its author meant as content: text that is not white space (the text of a <script> or
// <style> counts, since its author typed it), or an image, rule or checkbox.
func ShowsSomething(fragment string) bool {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return false
		case xhtml.TextToken:
			if strings.TrimSpace(html.UnescapeString(string(z.Text()))) != "" {
				return true
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			switch name, _ := z.TagName(); string(name) {
			case "img", "hr", "input", "video", "audio", "iframe", "object", "embed", "svg", "math", "canvas":
				return true
			}
		}
	}
}

// InlineHTML returns an HTML fragment with its block elements' tags (blockElements: div, p,
// h1-h6, lists, blockquote...) removed and their content kept: what a heading holds, since a
// heading is itself the block (an editor such as Trix wraps every line in a <div>, which inside
// the page's <h2> is invalid HTML). fragment is sanitized HTML; for one line of text (a
// heading's, CheckHeadingText) nothing of its text is lost.
func InlineHTML(fragment string) string {
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	for {
		tok := z.Next()
		switch tok {
		case xhtml.ErrorToken:
			return strings.TrimSpace(b.String())
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			if name, _ := z.TagName(); blockElements[string(name)] && string(name) != "br" && string(name) != "hr" {
				continue
			}
		}
		b.Write(z.Raw())
	}
}
