package widgets

import "testing"

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, html, want string }{
		{"empty", "", ""},
		{"inline markup dropped", "<p>Hello <b>World</b>!</p>", "Hello World!"},
		{"paragraphs make lines", "<p>a</p><p>b</p>", "a\nb"},
		{"headings and divs make lines", "<h1>T</h1>text<div>d</div>after", "T\ntext\nd\nafter"},
		{"br makes a line", "a<br>b<br/>c", "a\nb\nc"},
		{"list items make lines", "<ul><li>x</li><li>y<ol><li>z</li></ol></li></ul>", "x\ny\nz"},
		{"blockquote and hr", "<blockquote>q</blockquote><hr>r", "q\nr"},
		{"entities decoded", "<p>&lt;b&gt; &amp; &quot;q&quot; &#39;s&#39; &copy; &#x263A;</p>", "<b> & \"q\" 's' © ☺"},
		{"nbsp folded", "a&nbsp;&nbsp;b", "a b"},
		{"source line breaks are spaces", "<p>one\ntwo\r\nthree</p>", "one two three"},
		{"runs of spaces folded", "<p>  a   b  </p>", "a b"},
		{"pre keeps its line breaks", "<pre>line 1\nline 2\n\nline 4</pre>after", "line 1\nline 2\nline 4\nafter"},
		{"pre with code", "<pre><code class=\"language-go\">func f() {\n\treturn\n}</code></pre>", "func f() {\nreturn\n}"},
		{"table cells separated", "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>", "a b\n1 2"},
		{"cells without spaces between tags", "<table><tr><td>x</td><td>y</td><td>z</td></tr></table>", "x y z"},
		{"images have no text", "<p><img src=\"/a.png\" alt=\"logo\">caption</p>", "caption"},
		{"checkbox has no text", "<ul><li><input type=\"checkbox\" disabled> todo</li></ul>", "todo"},
	}
	for _, tc := range tests {
		if got := PlainText(tc.html); got != tc.want {
			t.Errorf("%s: PlainText(%q) = %q; want %q", tc.name, tc.html, got, tc.want)
		}
	}
}

func TestTextToHTML(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, text, want string }{
		{"empty", "", ""},
		{"plain", "Hello", "Hello"},
		{"special characters escaped", `<b>a & "b" 'c'</b>`, "&lt;b&gt;a &amp; &#34;b&#34; &#39;c&#39;&lt;/b&gt;"},
		{"entities stay literal", "&amp; &lt;", "&amp;amp; &amp;lt;"},
		{"newline", "a\nb", "a<br>b"},
		{"windows line ending", "a\r\nb", "a<br>b"},
		{"old mac line ending", "a\rb", "a<br>b"},
		{"blank line", "a\n\nb", "a<br><br>b"},
		{"script as text", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
	}
	for _, tc := range tests {
		if got := TextToHTML(tc.text); got != tc.want {
			t.Errorf("%s: TextToHTML(%q) = %q; want %q", tc.name, tc.text, got, tc.want)
		}
	}
	// The round trip: the plain text of the HTML is the text, one line per line.
	if got := PlainText(TextToHTML("a < b\nc & d")); got != "a < b\nc & d" {
		t.Errorf("PlainText(TextToHTML(...)) = %q", got)
	}
}

// TestHeadingKeepsInlineContent: a heading's HTML loses an editor's block wrappers (Trix's
// <div>, a pasted <p> or <h1>) and keeps every inline element and all of its text; a heading of
// two blocks stays refused, as two lines.
func TestHeadingKeepsInlineContent(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"<div>Welcome</div>":                            "Welcome",
		"<div><strong>Our</strong> <em>team</em></div>": "<strong>Our</strong> <em>team</em>",
		"<p>Plain &amp; simple</p>":                     "Plain &amp; simple",
		"<h1><div>Nested <a href=\"https://example.com/\" rel=\"nofollow\">link</a></div></h1>": "Nested <a href=\"https://example.com/\" rel=\"nofollow noreferrer noopener\" target=\"_blank\">link</a>",
		"Already inline": "Already inline",
	} {
		c, err := NewContent(Heading, Input{Val: &in})
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.HTML != want || c.Text != PlainText(want) {
			t.Errorf("%q: HTML %q text %q, want %q", in, c.HTML, c.Text, want)
		}
	}
	two := "<div>One</div><div>Two</div>"
	if _, err := NewContent(Heading, Input{Val: &two}); err == nil {
		t.Error("a heading of two lines was accepted")
	}
	para := "<div>Kept as written</div>"
	if c, err := NewContent(Paragraph, Input{Val: &para}); err != nil || c.HTML != para {
		t.Errorf("a paragraph's blocks changed: %q, %v", c.HTML, err)
	}
}
