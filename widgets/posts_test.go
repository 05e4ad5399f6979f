package widgets

import "testing"

func TestPostHTML(t *testing.T) {
	t.Parallel()
	cases := []struct{ text, want string }{
		{"hello", "hello"},
		{"a <b>bold</b> & co", "a &lt;b&gt;bold&lt;/b&gt; &amp; co"},
		{"one\ntwo\r\nthree", "one<br/>two<br/>three"},
		{"see https://example.com/a?x=1&y=2.", `see <a href="https://example.com/a?x=1&amp;y=2" rel="nofollow noreferrer noopener" target="_blank">https://example.com/a?x=1&amp;y=2</a>.`},
		{"(http://example.com/wiki/Go_(lang))", `(<a href="http://example.com/wiki/Go_(lang)" rel="nofollow noreferrer noopener" target="_blank">http://example.com/wiki/Go_(lang)</a>)`},
		{`x "https://e.com/"><script>alert(1)</script>`, `x &#34;<a href="https://e.com/" rel="nofollow noreferrer noopener" target="_blank">https://e.com/</a>&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"javascript:alert(1)", "javascript:alert(1)"},
	}
	for _, tc := range cases {
		if got, err := PostHTML("msg", tc.text); err != nil || got != tc.want {
			t.Errorf("PostHTML(%q)\n got %s\nwant %s", tc.text, got, tc.want)
		}
	}
}
