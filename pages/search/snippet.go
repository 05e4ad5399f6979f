package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Snippets are made here rather than by FTS5's snippet(), which would need the full-text query to
// run again for each result (and the index keeps no text): from the stored text of the few
// results a page shows, cut into tokens as the index cuts it (text.go), with the query's
// tokens marked.

// snippetTokens is how many tokens a snippet shows.
const snippetTokens = 24

// snippetScan bounds how much of a text is read for its snippet.
const snippetScan = 32 << 10

// matchTokens returns, for each token, whether it is part of a match of one of the terms.
func matchTokens(tokens []token, terms []term) []bool {
	hit := make([]bool, len(tokens))
	for _, t := range terms {
		for i := 0; i+len(t.keys) <= len(tokens); i++ {
			matched := true
			for j, key := range t.keys {
				got := tokens[i+j].key
				last := j == len(t.keys)-1
				if got != key && !(last && t.prefix && strings.HasPrefix(got, key)) {
					matched = false
					break
				}
			}
			if matched {
				for j := range t.keys {
					hit[i+j] = true
				}
			}
		}
	}
	return hit
}

// SnippetPart is a run of a snippet's text, as stored (not escaped), marked when it matched the
// query. A snippet is a list of them, so that a web page can escape the text and add the marks
// itself rather than trust HTML.
type SnippetPart struct {
	Text   string
	Marked bool
}

// makeSnippet returns safe HTML of the part of body (or, when the terms are not in it, of title)
// around the first match, with matched tokens in <mark>: snippetParts, escaped.
func makeSnippet(parts []SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Marked {
			b.WriteString("<mark>" + html.EscapeString(p.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(p.Text))
		}
	}
	return b.String()
}

// snippetParts returns the part of body (or, when the terms are not in it, of title) around the
// first match, cut into runs, the matched tokens' runs marked. Tokens matched side by side (a
// phrase, CJK and Thai characters, C++) make one run; the space between two matched words does
// not.
func snippetParts(title, body string, terms []term) []SnippetPart {
	text := body
	if len(text) > snippetScan {
		cut := snippetScan
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	tokens := tokenizeToMatch(text, terms)
	hits := matchTokens(tokens, terms)
	first := indexTrue(hits)
	if first < 0 {
		if titleTokens := tokenize(title); indexTrue(matchTokens(titleTokens, terms)) >= 0 || len(tokens) == 0 {
			text, tokens = title, titleTokens
			hits = matchTokens(tokens, terms)
		}
		first = 0
	}
	if len(tokens) == 0 {
		return plainPart(strings.TrimSpace(text))
	}
	var out []SnippetPart
	add := func(s string, marked bool) {
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Marked == marked {
			out[n-1].Text += s
			return
		}
		out = append(out, SnippetPart{Text: s, Marked: marked})
	}
	from := max(0, first-snippetTokens/4)
	to := min(len(tokens), from+snippetTokens)
	if from > 0 {
		add("…", false)
	}
	pos := tokens[from].start
	for i := from; i < to; i++ {
		add(text[pos:tokens[i].start], false)
		add(text[tokens[i].start:tokens[i].end], hits[i] && tokens[i].kind != gapToken)
		pos = tokens[i].end
	}
	if to < len(tokens) {
		add(" …", false)
	} else {
		add(text[pos:], false)
	}
	return trimParts(out)
}

func plainPart(s string) []SnippetPart {
	if s == "" {
		return nil
	}
	return []SnippetPart{{Text: s}}
}

// trimParts trims the space at the snippet's two ends.
func trimParts(parts []SnippetPart) []SnippetPart {
	for len(parts) > 0 {
		if parts[0].Text = strings.TrimLeftFunc(parts[0].Text, unicode.IsSpace); parts[0].Text != "" {
			break
		}
		parts = parts[1:]
	}
	for len(parts) > 0 {
		n := len(parts) - 1
		if parts[n].Text = strings.TrimRightFunc(parts[n].Text, unicode.IsSpace); parts[n].Text != "" {
			break
		}
		parts = parts[:n]
	}
	return parts
}

// tokenizeToMatch returns the tokens of text up to snippetTokens past the end of the first match
// of a term (all of them when there is none): what a snippet needs.
func tokenizeToMatch(text string, terms []term) []token {
	var out []token
	k := keyer{}
	stopAt := -1
	scanTokens(text, func(t token) bool {
		t.key = k.key(text, t)
		out = append(out, t)
		if stopAt < 0 && endsMatch(out, terms) {
			stopAt = len(out) + snippetTokens
		}
		return stopAt < 0 || len(out) < stopAt
	})
	return out
}

// endsMatch reports whether the last tokens are a match of a term.
func endsMatch(tokens []token, terms []term) bool {
	for _, t := range terms {
		n := len(t.keys)
		if n > len(tokens) {
			continue
		}
		matched := true
		for j, key := range t.keys {
			got := tokens[len(tokens)-n+j].key
			if got != key && !(j == n-1 && t.prefix && strings.HasPrefix(got, key)) {
				matched = false
				break
			}
		}
		if matched {
			return true
		}
	}
	return false
}

func indexTrue(list []bool) int {
	for i, v := range list {
		if v {
			return i
		}
	}
	return -1
}
