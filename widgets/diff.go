package widgets

import (
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// DiffOp says where a part of a diff comes from.
type DiffOp int8

// The parts of a diff: text both versions hold, text only the newer holds, text only the older
// holds.
const (
	DiffEqual DiffOp = iota
	DiffInsert
	DiffDelete
)

// DiffPart is a run of text of one DiffOp.
type DiffPart struct {
	Op   DiffOp
	Text string
}

// Inserted and Deleted report the part's op, for templates.
func (p DiffPart) Inserted() bool { return p.Op == DiffInsert }

// Deleted reports whether the part is text only the older version holds.
func (p DiffPart) Deleted() bool { return p.Op == DiffDelete }

// diffTimeout bounds the time of one diff: past it, diff-match-patch stops refining and answers
// the coarser (still correct) result it has. A widget's text is at most MaxHTMLBytes, so the
// memory of one diff is bounded too.
const diffTimeout = 500 * time.Millisecond

// Diff compares two texts (such as the Text of two versions of a widget, where line breaks are
// paragraph breaks) and returns the parts that turn older into newer, in order: joining the
// Equal and Delete parts gives older, the Equal and Insert parts give newer. Short texts are
// compared word by word (a word is a run of letters and digits; every other character is a
// token of its own), which is how people read a change to prose; texts of more distinct words
// than there are runes, line by line.
func Diff(older, newer string) []DiffPart {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = diffTimeout
	var diffs []diffmatchpatch.Diff
	var words wordTable
	var lines []string
	a := words.runes(older)
	b := words.runes(newer)
	if !words.full {
		diffs = words.expand(dmp.DiffCleanupSemantic(dmp.DiffMainRunes(a, b, false)))
	} else {
		a, b, lines = dmp.DiffLinesToRunes(older, newer)
		diffs = dmp.DiffCharsToLines(dmp.DiffMainRunes(a, b, false), lines)
	}
	parts := make([]DiffPart, 0, len(diffs))
	for _, d := range diffs {
		op := DiffEqual
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = DiffInsert
		case diffmatchpatch.DiffDelete:
			op = DiffDelete
		}
		parts = append(parts, DiffPart{Op: op, Text: d.Text})
	}
	return parts
}

// wordTable maps each distinct word of two texts to one rune, so that diff-match-patch, which
// compares runes, compares words. Runes are numbered from 0 up, skipping the surrogate range,
// which is no rune of a string; full is set when the words outnumber the runes.
type wordTable struct {
	index map[string]rune
	words []string
	full  bool
}

// runes returns text as one rune per word.
func (t *wordTable) runes(text string) []rune {
	if t.index == nil {
		t.index = map[string]rune{}
	}
	var out []rune
	for len(text) > 0 {
		n := wordLen(text)
		w := text[:n]
		r, ok := t.index[w]
		if !ok {
			r = rune(len(t.words))
			if r >= 0xD800 {
				r += 0x800
			}
			if r > unicode.MaxRune {
				t.full = true
				return nil
			}
			t.index[w] = r
			t.words = append(t.words, w)
		}
		out = append(out, r)
		text = text[n:]
	}
	return out
}

// wordLen is the length in bytes of the word text starts with: a run of letters and digits, or
// one other character.
func wordLen(text string) int {
	end := strings.IndexFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	switch {
	case end < 0:
		return len(text)
	case end > 0:
		return end
	}
	for i := range text[1:] {
		return i + 1
	}
	return len(text)
}

// expand turns a diff of word runes back into a diff of text.
func (t *wordTable) expand(diffs []diffmatchpatch.Diff) []diffmatchpatch.Diff {
	for i, d := range diffs {
		var b strings.Builder
		for _, r := range d.Text {
			if r >= 0xE000 {
				r -= 0x800
			}
			b.WriteString(t.words[r])
		}
		diffs[i].Text = b.String()
	}
	return diffs
}
