package widgets

import (
	"errors"
	"strings"
	"testing"

	"quire/app/api"
)

func TestNestsDeeper(t *testing.T) {
	t.Parallel()
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "x" + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		html string
		deep bool
	}{
		{"divs at the limit", nest("<div>", "</div>", MaxHTMLDepth), false},
		{"divs one past the limit", nest("<div>", "</div>", MaxHTMLDepth+1), true},
		{"520 blockquotes", nest("<blockquote>", "</blockquote>", 520), true},
		{"520 blockquotes never closed", strings.Repeat("<blockquote>", 520), true},
		{"stray end tags do not close", strings.Repeat("<div></span>", MaxHTMLDepth+1), true},
		{"void elements do not nest", strings.Repeat("<br><img src=x><hr><input><wbr>", 1000), false},
		{"closed siblings do not nest", strings.Repeat("<p><b>x</b></p>", 1000), false},
		{"paragraphs close each other, as in a browser", strings.Repeat("<p><b>", 200), false},
		{"unclosed list items", "<ul>" + strings.Repeat("<li>item", 1000) + "</ul>", false},
		{"unclosed paragraphs", strings.Repeat("<p>text", 1000), false},
		{"unclosed table cells and rows", "<table>" + strings.Repeat("<tr><td>a<td>b", 1000) + "</table>", false},
		{"unclosed definitions", "<dl>" + strings.Repeat("<dt>t<dd>d", 1000) + "</dl>", false},
		{"unclosed links", strings.Repeat(`<a href="/x">x`, 1000), false},
		{"nested lists within the limit", nest("<ul><li>", "</li></ul>", MaxHTMLDepth/2), false},
		{"nested lists past the limit", nest("<ul><li>", "</li></ul>", MaxHTMLDepth/2+1), true},
		{"an unclosed list item inside a nested list stays nested", strings.Repeat("<ul><li>", MaxHTMLDepth), true},
		{"tables inside cells", nest("<table><tr><td>", "</td></tr></table>", MaxHTMLDepth/3+1), true},
		{"script text is not markup", "<script>" + strings.Repeat("<div>", 1000) + "</script>", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := nestsDeeper(tc.html, MaxHTMLDepth); got != tc.deep {
				t.Fatalf("nestsDeeper = %v, want %v", got, tc.deep)
			}
		})
	}
}

// TestSanitizersRefuseDeepHTML: HTML nested too deep is a validation error naming the field and
// the limit, from every sanitizer, whether the check before sanitizing or the tree after it finds
// it; never an empty result.
func TestSanitizersRefuseDeepHTML(t *testing.T) {
	t.Parallel()
	inputs := map[string]string{
		"520 blockquotes":                         strings.Repeat("<blockquote>", 520) + "x" + strings.Repeat("</blockquote>", 520),
		"self-closing divs, open to a browser":    strings.Repeat("<div/>", 600) + "x",
		"one past the limit":                      strings.Repeat("<div><b>", 51) + "x",
		"implied table parts past the limit":      strings.Repeat("<table><td>", 40) + "x",
		"formatting reopened past the limit":      strings.Repeat(`<b><i><u>`, 40) + "x",
		"allowed elements inside removed ones":    strings.Repeat("<font><b>", 101) + "x",
		"past the parser's own limit, unbalanced": strings.Repeat("<ol><li><div>", 200),
	}
	sanitizers := map[string]func(field, s string) (string, error){
		"SanitizeHTML": SanitizeHTML, "SanitizeMarkdownHTML": SanitizeMarkdownHTML, "SanitizeComment": SanitizeComment,
	}
	for name, input := range inputs {
		for sname, sanitize := range sanitizers {
			t.Run(name+"/"+sname, func(t *testing.T) {
				out, err := sanitize("val", input)
				if sname == "SanitizeComment" && err == nil && strings.Contains(out, "x") {
					return // the comment policy drops the elements, and nothing deep is left
				}
				var e *api.Error
				if !errors.As(err, &e) || e.Code != api.CodeInvalid || e.Field != "val" || !strings.Contains(e.Message, "100 deep") {
					t.Fatalf("got %q, %v; want a validation error on \"val\" naming the limit of %d", out, err, MaxHTMLDepth)
				}
			})
		}
	}
	if out, err := SanitizeHTML("val", strings.Repeat("<div>", MaxHTMLDepth)+"x"); err != nil || !strings.Contains(out, "x") {
		t.Fatalf("HTML at the limit: %q, %v", out, err)
	}
}

// TestApplyNeverEmpties: HTML that shows something never becomes an empty widget; HTML that
// showed nothing to begin with (an editor's empty paragraph) may.
func TestApplyNeverEmpties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, val string
		refused   bool
	}{
		{"script alone", `<script>alert(1)</script>`, true},
		{"style alone", `<style>p{color:red}</style>`, true},
		{"iframe alone", `<iframe src="https://example.com/"></iframe>`, true},
		{"image with an unsafe source", `<img src="javascript:alert(1)">`, true},
		{"form alone", `<form><input type="text" value="x"></form>`, true},
		{"text beside a script", `<p>Hello</p><script>alert(1)</script>`, false},
		{"image with a safe source", `<img src="/files/1/a.png" alt="">`, false},
		{"a rule", `<hr>`, false},
		{"empty", ``, false},
		{"white space", " \n ", false},
		{"an editor's empty paragraph", `<p><br></p>`, false},
		{"an empty div", `<div></div>`, false},
		{"a comment", `<!-- nothing -->`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			val := tc.val
			c, err := Input{Val: &val}.Apply(Content{Classname: Paragraph, Format: FormatHTML})
			var e *api.Error
			switch {
			case tc.refused && (!errors.As(err, &e) || e.Field != "val" || !strings.Contains(e.Message, "Nothing visible is left")):
				t.Fatalf("got %q, %v; want a validation error on \"val\"", c.HTML, err)
			case !tc.refused && err != nil:
				t.Fatalf("refused: %v", err)
			}
		})
	}
}

// ordinaryHTML is HTML as a document people write renders to, n bytes or just under: headings,
// paragraphs with emphasis and links, nested lists, a quote, code and a table.
func ordinaryHTML(n int) string {
	section := `<h2>Section</h2>
<p>Quire keeps <strong>every version</strong> of a widget, so an edit is never lost; see <a href="https://example.com/guide/">the guide</a>
and the <em>API reference</em> for <code>pages/get</code>. Ask in #help when in doubt.</p>
<ul>
<li>Wi-Fi: <strong>quire-guest</strong>, password on the <a href="/@home/board/">board</a>
<ul>
<li>printers on the second floor
<ol>
<li>North wing</li>
<li>South wing</li>
</ol>
</li>
</ul>
</li>
<li>Lunch at <em>noon</em></li>
</ul>
<blockquote>
<p>Quoted from the handbook: be kind, write things down.</p>
</blockquote>
<pre><code class="language-go">func main() { fmt.Println(&quot;hello&quot;) }
</code></pre>
<table>
<thead>
<tr><th style="text-align:left">Room</th><th style="text-align:right">Seats</th></tr>
</thead>
<tbody>
<tr><td style="text-align:left">Ada</td><td style="text-align:right">8</td></tr>
<tr><td style="text-align:left">Grace</td><td style="text-align:right">12</td></tr>
</tbody>
</table>
`
	return strings.Repeat(section, n/len(section))
}

// BenchmarkHTMLNesting compares the nesting check made before sanitizing with sanitizing, on
// 256 KB of ordinary HTML. Compare the ns/op of the two from one run.
func BenchmarkHTMLNesting(b *testing.B) {
	html := ordinaryHTML(256 << 10)
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(html)))
		for b.Loop() {
			if nestsDeeper(html, MaxHTMLDepth) {
				b.Fatal("too deep")
			}
		}
	})
	b.Run("sanitize", func(b *testing.B) {
		b.SetBytes(int64(len(html)))
		for b.Loop() {
			if _, err := SanitizeMarkdownHTML("val", html); err != nil {
				b.Fatal(err)
			}
		}
	})
}
