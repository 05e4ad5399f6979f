package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// Search text: how text is cut into the tokens the index holds. The index, the query and the
// snippets all cut text here, the same way, so that what a person types finds what was written.
//
// SQLite's unicode61 tokenizer then only splits the result at spaces (every token is made of
// letters, numbers, marks or private-use characters, which it keeps together) and folds case
// and Latin diacritics; see migrations/004_search_parts.sql.
//
// Three kinds of token:
//   - a word: a run of letters, numbers and marks, as in "Vitamin", "naïve", "हिन्दी";
//   - a glyph: one character with its marks, of a script written without spaces between words
//     (Chinese, Japanese, Korean, Thai, Lao, Khmer, Myanmar, ...). A query of any length, made a
//     phrase of its glyphs, finds itself inside longer runs, as "ภาษา" in "ภาษาไทยเป็นภาษาที่สวยงาม";
//     a vowel or tone mark stays with its consonant, so "ที่" is not "ท";
//   - a symbol: one symbol character (+ # @ % & $ € © → 🎉 ...), or a dot that starts a word
//     (".NET"). Symbols are tokens of their own between the words around them, so "C++" is the
//     phrase C, +, + (which "Vitamin C" does not hold) while "a+b" still holds the word "a".
//
// Where a symbol and the token next to it do not touch (a space or punctuation between them), a
// gap token stands between them, so that a phrase with a symbol finds its characters only as they
// stand: "c+" finds "C++" but not "Try C + C.", and "C + +" is not "C++". Between two words or
// glyphs nothing marks a gap: "two words" finds "two, words", as a phrase search should.
//
// Full-width and half-width forms are read as their ordinary forms (Unicode's <wide> and <narrow>
// compatibility mappings, golang.org/x/text/width), as CJK input methods type them: "Ｃ＋＋" is
// "C++", "ｖｉｔａｍｉｎ" is "vitamin", half-width "ﾃｽﾄ" is "テスト", and U+3000 is a space. Other
// compatibility forms (ligatures, superscripts, circled numbers) stay as written.

// tokenKind says what a token is.
type tokenKind uint8

const (
	wordToken tokenKind = iota
	glyphToken
	symbolToken
	gapToken // between a symbol and a token that does not touch it; its span is empty
)

// token is a token of a text: its byte span in the text, its kind, and its key, the form the
// index holds.
type token struct {
	start, end int
	kind       tokenKind
	key        string
}

// symbolMark starts the key of a symbol token: a private-use character, which the tokenizer keeps
// inside a token and which text never brings (private-use characters separate words here), so a
// symbol's key can be no word's.
const symbolMark = '\ue000'

// gapKey is the key of a gap token: a private-use character, as symbolMark, of no symbol's key.
const gapKey = "\ue001"

// symbolKey is the key of a symbol token: the mark and the code point in six hex digits (one
// length for all, so a prefix query cannot reach another symbol).
func symbolKey(r rune) string {
	const hex = "0123456789abcdef"
	var b [9]byte
	n := utf8.EncodeRune(b[:], symbolMark)
	for i := 5; i >= 0; i-- {
		b[n+i] = hex[r&0xf]
		r >>= 4
	}
	return string(b[:n+6])
}

// spacelessScripts are written without spaces between words.
var spacelessScripts = []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
	unicode.Bopomofo, unicode.Yi, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tai_Tham,
	unicode.Tai_Le, unicode.New_Tai_Lue, unicode.Tai_Viet, unicode.Javanese, unicode.Balinese}

// isSpaceless reports whether r is a letter or number of a script written without spaces (the
// Japanese prolonged sound mark and iteration marks, of no script of their own, included).
func isSpaceless(r rune) bool {
	if r < 0x1000 && !(r >= 0x0e00 && r < 0x0f00) { // below Myanmar, only Thai and Lao are spaceless
		return false
	}
	return (r >= 0x3000 && r <= 0x30ff) || unicode.In(r, spacelessScripts...)
}

// isDiacritic reports whether mark r is an optional diacritic that search ignores: the combining
// marks shared by many scripts (accents on Latin, Greek and Cyrillic letters, variation
// selectors) and Hebrew and Arabic vowel points. The marks of Thai, Devanagari and other scripts
// whose marks spell the word are kept.
func isDiacritic(r rune) bool {
	if r == 0x3099 || r == 0x309a { // the Japanese voicing marks make another kana
		return false
	}
	return unicode.In(r, unicode.Inherited, unicode.Hebrew, unicode.Arabic)
}

// isSymbol reports whether r is a symbol that search finds: a character of Unicode's symbol
// categories (math, currency, modifier and other symbols, emoji among them), or # % @ &.
func isSymbol(r rune) bool {
	if r < utf8.RuneSelf {
		return strings.IndexByte("#%@&+<=>|~$^`", byte(r)) >= 0
	}
	return unicode.IsSymbol(r)
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// isIgnorable reports whether r joins the characters around it without being one: format
// characters such as the soft hyphen, zero-width joiners and bidirectional marks. The zero-width
// space is a break between words, as written in Thai and Khmer.
func isIgnorable(r rune) bool { return r >= utf8.RuneSelf && r != 0x200b && unicode.Is(unicode.Cf, r) }

// foldWidth returns the ordinary form of a full-width or half-width character ("Ｃ" gives "C",
// "ﾃ" gives "テ", U+3000 a space), and any other character itself.
func foldWidth(r rune) rune {
	if r < 0x20a9 || (r > 0x20a9 && r < 0x3000) || (r > 0x3000 && r < 0xff00) || r > 0xffef {
		return r // the forms are U+20A9, U+3000 and U+FF00-U+FFEF
	}
	if f := width.LookupRune(r).Folded(); f != 0 {
		return f
	}
	return r
}

// asciiWord tells the ASCII letters and digits, for the common case of scanTokens.
var asciiWord = func() (w [utf8.RuneSelf]bool) {
	for c := range w {
		w[c] = isWordRune(rune(c))
	}
	return w
}()

// scanTokens calls fn for each token of text, in order, gap tokens included, until fn returns
// false. Keys are not set (see keyer).
func scanTokens(text string, fn func(t token) bool) {
	var prev token
	started := false
	emit := func(t token) bool {
		if started && t.start != prev.end && (t.kind == symbolToken || prev.kind == symbolToken) &&
			!fn(token{start: t.start, end: t.start, kind: gapToken}) {
			return false
		}
		prev, started = t, true
		return fn(t)
	}
	open, stop := false, false
	var cur token
	flush := func(end int) {
		if open {
			cur.end = end
			stop = stop || !emit(cur)
			open = false
		}
	}
	prevWord := false // the character before was part of a word or glyph
	for i := 0; i < len(text) && !stop; {
		if c := text[i]; c < utf8.RuneSelf && asciiWord[c] { // a run of ASCII letters and digits
			if !open || cur.kind != wordToken {
				flush(i)
				cur, open = token{start: i, kind: wordToken}, true
			}
			for i++; i < len(text) && text[i] < utf8.RuneSelf && asciiWord[text[i]]; i++ {
			}
			prevWord = true
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		r = foldWidth(r)
		switch {
		case r >= utf8.RuneSelf && unicode.Is(unicode.M, r):
			// A mark belongs to the token before it; a mark with nothing before it that spells
			// (not a diacritic) is a word of its own, as the tokenizer would make it.
			if !open && !isDiacritic(r) {
				cur, open = token{start: i, kind: wordToken}, true
			}
			i += size
			continue
		case isIgnorable(r):
			i += size
			continue
		case isWordRune(r):
			if isSpaceless(r) {
				flush(i)
				cur, open = token{start: i, kind: glyphToken}, true
			} else if !open || cur.kind != wordToken {
				flush(i)
				cur, open = token{start: i, kind: wordToken}, true
			}
			prevWord = true
			i += size
			continue
		case r == '.' && !prevWord:
			// A dot that starts a word (".NET", ".env") is a symbol; any other is punctuation.
			next, _ := utf8.DecodeRuneInString(text[i+size:])
			flush(i)
			if isWordRune(foldWidth(next)) {
				stop = stop || !emit(token{start: i, end: i + size, kind: symbolToken})
			}
		case isSymbol(r):
			flush(i)
			cur, open = token{start: i, kind: symbolToken}, true
			// Marks after a symbol (a variation selector, a keycap) stay in its span.
		default:
			flush(i)
		}
		prevWord = false
		i += size
	}
	if !stop {
		flush(len(text))
	}
}

// keyer makes the keys of a text's tokens, remembering the folded form of words that are not
// plain ASCII (text repeats its words; folding them is the dear part).
type keyer map[string]string

// key returns the index form of the token t of text.
func (k keyer) key(text string, t token) string {
	word := text[t.start:t.end]
	switch {
	case t.kind == gapToken:
		return gapKey
	case t.kind == symbolToken:
		r, _ := utf8.DecodeRuneInString(word)
		return symbolKey(foldWidth(r))
	case isASCII(word):
		return strings.ToLower(word)
	}
	if f, ok := k[word]; ok {
		return f
	}
	f := fold(word)
	if len(k) < 1<<14 {
		k[word] = f
	}
	return f
}

// countTokens returns how many tokens text has, gaps left out.
func countTokens(text string) int {
	n := 0
	scanTokens(text, func(t token) bool {
		if t.kind != gapToken {
			n++
		}
		return true
	})
	return n
}

// tokenize returns the tokens of text with their keys.
func tokenize(text string) []token {
	var out []token
	k := keyer{}
	scanTokens(text, func(t token) bool {
		t.key = k.key(text, t)
		out = append(out, t)
		return true
	})
	return out
}

// indexText returns text as the index takes it: the keys of its tokens, separated by spaces.
func indexText(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	k := keyer{}
	scanTokens(text, func(t token) bool {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k.key(text, t))
		return true
	})
	return b.String()
}

// fold lower-cases a word, reads its full-width and half-width forms as their ordinary forms, and
// removes its diacritics and format characters.
func fold(word string) string {
	if isASCII(word) {
		return strings.ToLower(word)
	}
	// Text that neither case, width, decomposition nor diacritics change (most glyphs of Chinese,
	// Japanese, Thai...) is itself.
	plain := true
	for _, r := range word {
		if foldWidth(r) != r || unicode.IsUpper(r) || isIgnorable(r) || (unicode.Is(unicode.M, r) && isDiacritic(r)) {
			plain = false
			break
		}
	}
	// Composed and decomposed alike (a kana and a voicing mark typed apart, as half-width ﾌﾟ
	// reads, is its composed kana).
	if plain && norm.NFD.QuickSpanString(word) == len(word) && norm.NFC.QuickSpanString(word) == len(word) {
		return word
	}
	word = strings.Map(foldWidth, word) // the same string when no form is wide or narrow
	lower := norm.NFD.String(strings.ToLower(word))
	return norm.NFC.String(strings.Map(func(r rune) rune {
		if isIgnorable(r) || (unicode.Is(unicode.M, r) && isDiacritic(r)) {
			return -1
		}
		return r
	}, lower))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
