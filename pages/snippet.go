package pages

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Snippets are made here rather than by FTS5's snippet(), which would need the full-text query to
// run again for each result: from the stored text of the few results a page shows, tokenized as
// the index's unicode61 tokenizer does (letters and numbers; the CJK separators split), with the
// query's words marked.

// snippetTokens is how many words a snippet shows.
const snippetTokens = 24

// snippetScan bounds how much of a text is read for its snippet.
const snippetScan = 32 << 10

// token is a word of a text: its byte span and its folded form.
type token struct {
	start, end int
	folded     string
}

// fold lower-cases a word and removes its diacritics, as the index's tokenizer does.
func fold(word string) string {
	lower := strings.ToLower(word)
	if isASCII(lower) {
		return lower
	}
	// A transformer keeps state: each call makes its own.
	folded, _, err := transform.String(transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC), lower)
	if err != nil {
		return lower
	}
	return folded
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// tokenize splits text into words.
func tokenize(text string) []token {
	var out []token
	start := -1
	for i, r := range text {
		if isTokenRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, token{start: start, end: i, folded: fold(text[start:i])})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, token{start: start, end: len(text), folded: fold(text[start:])})
	}
	return out
}

// matchWords returns, for each token, whether it is part of a match of one of the terms.
func matchWords(tokens []token, terms []term) []bool {
	hit := make([]bool, len(tokens))
	for _, t := range terms {
		words := tokenize(segment(t.text))
		if len(words) == 0 {
			continue
		}
		for i := 0; i+len(words) <= len(tokens); i++ {
			matched := true
			for j, w := range words {
				got := tokens[i+j].folded
				last := j == len(words)-1
				if got != w.folded && !(last && t.prefix && strings.HasPrefix(got, w.folded)) {
					matched = false
					break
				}
			}
			if matched {
				for j := range words {
					hit[i+j] = true
				}
			}
		}
	}
	return hit
}

// makeSnippet returns safe HTML of the part of body (or, when the words are not in it, of title)
// around the first match, with matched words in <mark>.
func makeSnippet(title, body string, terms []term) string {
	text := body
	if len(text) > snippetScan {
		cut := snippetScan
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	tokens := tokenize(text)
	hits := matchWords(tokens, terms)
	first := indexTrue(hits)
	if first < 0 {
		if titleTokens := tokenize(title); indexTrue(matchWords(titleTokens, terms)) >= 0 || len(tokens) == 0 {
			text, tokens = title, titleTokens
			hits = matchWords(tokens, terms)
			first = 0
		} else {
			first = 0
		}
	}
	if len(tokens) == 0 {
		return html.EscapeString(unsegment(text))
	}
	from := max(0, first-snippetTokens/4)
	to := min(len(tokens), from+snippetTokens)
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := tokens[from].start
	for i := from; i < to; i++ {
		b.WriteString(html.EscapeString(unsegment(text[pos:tokens[i].start])))
		word := html.EscapeString(text[tokens[i].start:tokens[i].end])
		if hits[i] {
			word = "<mark>" + word + "</mark>"
		}
		b.WriteString(word)
		pos = tokens[i].end
	}
	if to < len(tokens) {
		b.WriteString(" …")
	} else {
		b.WriteString(html.EscapeString(unsegment(text[pos:])))
	}
	// Words matched side by side (a phrase, CJK characters) make one mark.
	return strings.ReplaceAll(strings.TrimSpace(b.String()), "</mark><mark>", "")
}

func indexTrue(list []bool) int {
	for i, v := range list {
		if v {
			return i
		}
	}
	return -1
}
