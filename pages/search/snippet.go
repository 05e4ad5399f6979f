package search

import (
	"html"
	"strings"
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

// makeSnippet returns safe HTML of the part of body (or, when the terms are not in it, of title)
// around the first match, with matched tokens in <mark>.
func makeSnippet(title, body string, terms []term) string {
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
		return html.EscapeString(text)
	}
	from := max(0, first-snippetTokens/4)
	to := min(len(tokens), from+snippetTokens)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := tokens[from].start
	for i := from; i < to; i++ {
		b.WriteString(html.EscapeString(text[pos:tokens[i].start]))
		word := html.EscapeString(text[tokens[i].start:tokens[i].end])
		if hits[i] && tokens[i].kind != gapToken {
			word = "<mark>" + word + "</mark>"
		}
		b.WriteString(word)
		pos = tokens[i].end
	}
	if to < len(tokens) {
		b.WriteString(" …")
	} else {
		b.WriteString(html.EscapeString(text[pos:]))
	}
	// Tokens matched side by side (a phrase, CJK and Thai characters, C++) make one mark.
	return strings.ReplaceAll(strings.TrimSpace(b.String()), "</mark><mark>", "")
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
