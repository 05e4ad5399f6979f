package markdown

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/text"

	"quire/app/api"
	"quire/widgets"
)

// anyWidgets lets Split make as many widgets as a test's document holds.
const anyWidgets = 1 << 30

// sections puts a heading at the first line break after every 256 KB of src, so that no run of
// blocks makes a widget larger than a widget may be.
func sections(src string) string {
	var b strings.Builder
	for len(src) > 256<<10 {
		i := strings.IndexByte(src[256<<10:], '\n')
		if i < 0 {
			break
		}
		b.WriteString(src[:256<<10+i+1])
		b.WriteString("\n# Part\n\n")
		src = src[256<<10+i+1:]
	}
	b.WriteString(src)
	return b.String()
}

// fill repeats unit until the text is n bytes or just under.
func fill(unit string, n int) string { return strings.Repeat(unit, n/len(unit)) }

// lines makes n bytes or just under of lines made by line(i).
func lines(n int, line func(i int) string) string {
	var b strings.Builder
	for i := 0; ; i++ {
		l := line(i) + "\n"
		if b.Len()+len(l) > n {
			return b.String()
		}
		b.WriteString(l)
	}
}

// ordinaryMarkdown is a document as people write them, n bytes or just under: headings,
// paragraphs with emphasis and links, nested lists, quotes, code and a table.
func ordinaryMarkdown(n int) string {
	section := `## Section %d

Quire keeps **every version** of a widget, so an edit is never lost; see [the guide](https://example.com/guide/%d)
and the *API reference* for ` + "`pages/get`" + `. Ask in #help when in doubt.

- Wi-Fi: **quire-guest**, password on the [board](/@home/board/)
  - printers on the second floor
    1. North wing
    2. South wing
- Lunch at _noon_

> Quoted from the handbook: be kind, write things down.

` + "```go\nfunc main() { fmt.Println(\"hello\") }\n```" + `

| Room | Seats | Screen |
|:-----|------:|:------:|
| Ada  | 8     | yes    |
| Grace| 12    | no     |

`
	var b strings.Builder
	for i := 0; ; i++ {
		s := fmt.Sprintf(section, i, i)
		if b.Len()+len(s) > n {
			return b.String()
		}
		b.WriteString(s)
	}
}

// TestCheckMarkdownAccepts: documents people write, including deep but sane nesting and long
// tables, pass the checks.
func TestCheckMarkdownAccepts(t *testing.T) {
	t.Parallel()
	size := MaxBytes
	if raceDetector {
		size /= 32 // see TestPathologicalMarkdown
	}
	tests := map[string]string{
		"ordinary document at the size limit": ordinaryMarkdown(size),
		"list nested to the limit by indentation": lines(size/2, func(i int) string {
			return strings.Repeat("  ", i%MaxNesting) + "- item"
		}),
		"list markers chained to the limit":              strings.Repeat("* ", MaxNesting) + "x",
		"quotes chained to the limit":                    strings.Repeat("> ", MaxNesting) + "x",
		"quotes and lists mixed to the limit":            strings.Repeat("> - ", MaxNesting/2) + "x",
		"a long thematic break":                          strings.Repeat("- ", 500),
		"a long starred rule":                            strings.Repeat("* ", 500),
		"a list of a thousand bold items":                lines(size/2, func(i int) string { return fmt.Sprintf("- **item %d** _note_", i) }),
		"a table of the widest kind":                     "|" + strings.Repeat(" h |", MaxTableColumns) + "\n|" + strings.Repeat("---|", MaxTableColumns) + "\n" + strings.Repeat("|"+strings.Repeat(" c |", MaxTableColumns)+"\n", size/2048),
		"fenced code full of markers":                    "```\n" + lines(size/8, func(i int) string { return strings.Repeat("> * ", 50) + "[a](b" }) + "```\n",
		"fence in a list item, full of markers":          "- ```\n" + lines(size/8, func(i int) string { return "  " + strings.Repeat("> * ", 50) }) + "  ```\n- next",
		"fence in a quote, full of markers":              "> ~~~\n" + lines(size/8, func(i int) string { return "> " + strings.Repeat("* ", 50) }) + "> ~~~\n",
		"a long table with emphasis in every row":        "| h | i |\n|---|---|\n" + lines(size/8, func(i int) string { return fmt.Sprintf("| **a%d** | *b* _c_ |", i) }),
		"a long numbered list with emphasis":             lines(size/4, func(i int) string { return fmt.Sprintf("%d. **item** _%d_", i+1, i) }),
		"a long quote with emphasis, a paragraph a line": lines(size/4, func(i int) string { return "> **a** _b_\n>" }),
		"indented code after a paragraph":                "text\n\n" + lines(size/8, func(i int) string { return "        " + strings.Repeat("* ", 40) }),
		"one paragraph at the marks limit":               fill("*a* ", MaxEmphasis*2),
		"links with long targets":                        lines(size/2, func(i int) string { return "[a](https://example.com/" + strings.Repeat("x", 200) + ") and more" }),
		"lazy continuation lines":                        lines(size/8, func(i int) string { return [2]string{"- a", "lazy"}[i%2] }),
		"windows line endings":                           strings.ReplaceAll(ordinaryMarkdown(size/8), "\n", "\r\n"),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if len(src) > MaxBytes {
				t.Fatalf("test input is %d bytes, over the limit", len(src))
			}
			if _, err := Split("val", sections(src), anyWidgets); err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
	}
}

// pathological is input on which CommonMark parsers are known to spend time growing faster
// than the input: cmark's test/pathological_tests.py, commonmark.js issue #160, goldmark issues
// #555 and #592, and what Quire's own attack found. Each is made as large as Quire accepts Markdown,
// and want says which limit refuses it ("" when it must be accepted).
func pathological(n int) []struct{ name, src, want string } {
	nest := func(i int) string { return strings.Repeat("  ", i) + "* a" }
	return []struct{ name, src, want string }{
		{"list markers repeated on one line", fill("* ", n-1) + "x", "nests lists and quotes"},
		{"dash markers repeated on one line", fill("- ", n-1) + "x", "nests lists and quotes"},
		{"ordered markers repeated on one line", fill("1. ", n-1) + "x", "nests lists and quotes"},
		{"deeply nested lists by indentation", lines(n, nest), "nests lists and quotes"},
		{"deeply nested lists with lazy lines", lines(n, func(i int) string {
			if i%2 == 1 {
				return "lazy"
			}
			return nest(i / 2)
		}), "nests lists and quotes"},
		{"nested block quotes", fill("> ", n-1) + "a", "nests lists and quotes"},
		{"quotes around lists", fill("> 1. ", n-1) + "a", "nests lists and quotes"},
		{"nested lists at the nesting limit, repeated", sections(lines(n-1000, func(i int) string { return nest(i % MaxNesting) })), ""},
		{"nested strong emphasis", fill("*a **a ", n/2) + "b" + fill(" a** a*", n/2), "too many of the characters *"},
		{"emphasis closers without openers", fill("a_ ", n), "too many of the characters *"},
		{"emphasis openers without closers", fill("_a ", n), "too many of the characters *"},
		{"link closers without openers", fill("a]", n), "too many of the characters ["},
		{"link openers without closers", fill("[a", n), "too many of the characters ["},
		{"mismatched openers and closers", fill("*a_ ", n), "too many of the characters *"},
		{"openers and closers multiple of 3", "a**b" + fill("c* ", n-4), "too many of the characters *"},
		{"link openers and emphasis closers", fill("[ a_", n), "too many of the characters *"},
		{"nested brackets", fill("[", n/2-1) + "a" + fill("]", n/2-1), "too many of the characters ["},
		{"mixed emphasis markers (goldmark #555)", fill("*a_b*c_d**e_f*g**h*i_j**", n), "too many of the characters *"},
		{"emphasis at the limit in one paragraph", fill("c* ", 3*MaxEmphasis) + "\n\n" +
			sections(lines(n-3*MaxEmphasis-1000, func(int) string { return "plain text" })), ""},
		{"brackets at the limit in one paragraph", fill("[a] ", 2*MaxBrackets) + "\n\n" +
			sections(lines(n-2*MaxBrackets-1000, func(int) string { return "plain text" })), ""},
		{"emphasis spread under the limit over many paragraphs", sections(lines(n-1000, func(i int) string {
			return fill("*a_ ", 40) + "\n"
		})), ""},
		{"unclosed links with <", fill("[a](<b", n), "link targets"},
		{"unclosed links", fill("[a](b", n), "link targets"},
		{"many link openers before a long word", fill("[a](", 4000) + strings.Repeat("b", n-16000), "link targets"},
		{"unclosed links, a paragraph each", sections(lines(n-1000, func(i int) string { return "[a](b" + strings.Repeat("c", 60) + " x\n" })), ""},
		{"backticks", func() string {
			var b strings.Builder
			for i := 1; b.Len()+i+1 <= n; i++ {
				b.WriteString("e" + strings.Repeat("`", i))
			}
			return b.String()
		}(), "runs of backticks"},
		{"code spans, closed", sections(lines(n-1000, func(int) string { return fill("a `code` and ``more`` ", 200) })), ""},
		{"link definitions in a row", lines(n, func(i int) string { return fmt.Sprintf("[%d]: u", i+1) }), "link reference definitions"},
		{"link definitions in runs under the limit", lines(n-100, func(i int) string {
			return fmt.Sprintf("[%d]: u", i+1) + [2]string{"", "\n"}[min(1, (i+1)%(MaxDefinitions/50))] // runs of 80
		}) + "\n[1] [2] [0]", ""},
		{"raw HTML tag left open", "<a " + lines(min(n, widgets.MaxHTMLBytes-1024), func(int) string { return "b c" }), ""},
		{"table of the most columns, rows short", "|" + strings.Repeat("h|", MaxTableColumns) + "\n|" +
			strings.Repeat("-|", MaxTableColumns) + "\n" + fill("x\n", n-1000), "cells"},
		{"table too wide", "|" + strings.Repeat("h|", 1000) + "\n|" + strings.Repeat("-|", 1000) + "\n", "columns"},
		{"emphasis nested inside itself", fill("*", 2000) + "a" + fill("*", 2000), "nests HTML elements"},
		{"HTML nested in Markdown", fill("<div>", 5*(widgets.MaxHTMLDepth+1)) + "x", "nests HTML elements"},
		{"markers after a fence opened in a quote", "> ```\n" + fill("* ", n-10) + "x", "nests lists and quotes"},
		{"markers after a fence opened in a list item", "- ```\n" + fill("> ", n-10) + "x", "nests lists and quotes"},
		{"markers after a fence opened in a list item, blank line between", "- ```\n\n" + fill("* ", n-10) + "x", "nests lists and quotes"},
		{"emphasis in a quoted paragraph, a line at a time", lines(n, func(int) string { return "> " + fill("*a_ ", 80) }), "characters *"},
		{"emphasis in lines numbered 2, which cannot interrupt a paragraph", "p\n" + lines(n-2, func(int) string { return "2. " + fill("*a_ ", 80) }),
			"characters *"},
		{"emphasis under a delimiter row its header does not match", "a\n|-|-|\n" + lines(n-10, func(int) string { return fill("*a_ ", 80) }),
			"characters *"},
		{"markers after a fence indented into a paragraph", "p\n    ```\n" + fill("* ", n-20) + "x", "nests lists and quotes"},
		{"ordinary document at the size limit", ordinaryMarkdown(n), ""},
	}
}

// TestPathologicalMarkdown runs each pathological input at the largest size Quire accepts through
// Split: each must end (within the test's deadline, without a timed assertion here: the
// benchmarks measure speed) and be accepted, or refused by the limit that names it. Under the
// race detector, which parses several times slower, the inputs that are accepted (and so
// parsed whole) are a 32nd of that size; refusals come before parsing and keep full size.
func TestPathologicalMarkdown(t *testing.T) {
	t.Parallel()
	full, accepted := pathological(MaxBytes), pathological(MaxBytes)
	if raceDetector {
		accepted = pathological(MaxBytes / 32)
	}
	for i, tc := range full {
		if tc.want == "" {
			tc = accepted[i]
		}
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.src) > MaxBytes {
				t.Fatalf("test input is %d bytes, over the limit", len(tc.src))
			}
			_, err := Split("val", tc.src, anyWidgets)
			var e *api.Error
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (!errors.As(err, &e) || e.Field != "val" || e.Code != api.CodeInvalid || !strings.Contains(e.Message, tc.want)):
				t.Fatalf("err = %v; want a validation error on \"val\" saying %q", err, tc.want)
			}
		})
	}
}

// TestSplitCountsWidgetsFirst: a document that would make more widgets than asked is
// refused before anything is rendered, naming the count.
func TestSplitCountsWidgetsFirst(t *testing.T) {
	t.Parallel()
	_, err := Split("val", strings.Repeat("# h\n\np\n\n", 101), 200)
	var e *api.Error
	if !errors.As(err, &e) || e.Field != "val" || !strings.Contains(e.Message, "101 top-level headings and 101 runs") {
		t.Fatalf("err = %v; want a validation error counting 202 widgets", err)
	}
	if got, err := Split("val", strings.Repeat("# h\n\np\n\n", 100), 200); err != nil || len(got) != 200 {
		t.Fatalf("200 widgets: got %d, %v", len(got), err)
	}
}

// BenchmarkMarkdownLimits compares the checks made before parsing with the parse itself and with
// the whole of Split, on an ordinary document of 256 KB: the checks must cost a small
// fraction of the parse. Compare the ns/op of the three from one run.
func BenchmarkMarkdownLimits(b *testing.B) {
	src := ordinaryMarkdown(256 << 10)
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if err := checkMarkdown("val", src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			engine().Parser().Parse(text.NewReader([]byte(src)))
		}
	})
	b.Run("Split", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := Split("val", src, anyWidgets); err != nil {
				b.Fatal(err)
			}
		}
	})
}
