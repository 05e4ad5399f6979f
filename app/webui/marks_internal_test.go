package webui

import "testing"

// fillMarks replaces every mark of both kinds, in any order and next to each other, and leaves
// the page it was given as it was (it is kept for other answers).
func TestFillMarks(t *testing.T) {
	t.Parallel()
	marks, values := [2]string{"<N>", "<CSRF>"}, [2]string{"nonce1", "tok"}
	for page, want := range map[string]string{
		"":                             "",
		"plain":                        "plain",
		"<N>":                          "nonce1",
		"a<CSRF>b<N>c<N><CSRF><CSRF>d": "atokbnonce1cnonce1toktokd",
		"<N><N>x<CSRF>":                "nonce1nonce1xtok",
		"<CSRF":                        "<CSRF",
	} {
		in := []byte(page)
		if got := string(fillMarks(in, marks, values)); got != want {
			t.Errorf("fillMarks(%q) = %q, want %q", page, got, want)
		}
		if string(in) != page {
			t.Errorf("fillMarks changed its page %q to %q", page, in)
		}
	}
}
