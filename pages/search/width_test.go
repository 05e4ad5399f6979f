package search_test

import (
	"strconv"
	"testing"

	"quire/app/apptest"
	"quire/pages/search"
)

// Over the API: full-width and half-width forms are their ordinary forms, terms are separated by
// any space (U+3000 as Japanese input methods type it), a symbol phrase finds its characters only
// as they stand, and snippets show the text as written with the match marked.
func TestSearchWidthSpacesAndSymbolPhrases(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	for _, p := range []struct{ title, text string }{
		{"Template primer", "Ｃ＋＋　テンプレート入門"},
		{"Language notes", "C++17 brought structured bindings."},
		{"Arithmetic", "Try C + C to double it."},
		{"Vitamins", "Vitamin C daily."},
		{"出張規程", "東京と大阪の出張"},
		{"Half width", "ﾃﾝﾌﾟﾚｰﾄ ｶﾞｽ"},
	} {
		c.Post("pages/create/", map[string]any{"title": p.title, "json": body1(p.text)}).Want(200)
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"C++", []string{"Template primer", "Language notes"}},
		{"Ｃ＋＋", []string{"Template primer", "Language notes"}},
		{"c+", []string{"Template primer", "Language notes"}},
		{`"C + C"`, []string{"Arithmetic"}},
		{`"C + +"`, nil},
		{"C", []string{"Template primer", "Language notes", "Arithmetic", "Vitamins"}},
		{"東京\u3000大阪", []string{"出張規程"}},
		{"東京\u3000名古屋", nil},
		{"テンプレート", []string{"Template primer", "Half width"}},
		{"ﾃﾝﾌﾟﾚｰﾄ", []string{"Template primer", "Half width"}},
		{"ガス", []string{"Half width"}},
		{"ｖｉｔａｍｉｎ\u3000ｃ", []string{"Vitamins"}},
	}
	for _, tc := range cases {
		got := apptest.SearchResults(t, c, tc.q)
		names := make([]string, len(got))
		for i, r := range got {
			names[i] = r["title"].(string)
		}
		if !sameSet(names, tc.want) {
			t.Errorf("search %q: %v, want %v", tc.q, names, tc.want)
		}
	}
	// Snippets show the text as written, the match marked whole (a widget's text has its runs of
	// white space, U+3000 among them, as one space: widgets.PlainText).
	for _, tc := range []struct{ q, title, want string }{
		{"C++", "Template primer", "<mark>Ｃ＋＋</mark> テンプレート入門"},
		{"c+", "Language notes", "<mark>C+</mark>+17 brought structured bindings."},
		{`"C + C"`, "Arithmetic", "Try <mark>C</mark> <mark>+</mark> <mark>C</mark> to double it."},
		{"ﾃﾝﾌﾟﾚｰﾄ", "Template primer", "Ｃ＋＋ <mark>テンプレート</mark>入門"},
		{"テンプレート", "Half width", "<mark>ﾃﾝﾌﾟﾚｰﾄ</mark> ｶﾞｽ"},
	} {
		var snippet string
		for _, r := range apptest.SearchResults(t, c, tc.q) {
			if r["title"] == tc.title {
				snippet = r["snippet"].(string)
			}
		}
		if snippet != tc.want {
			t.Errorf("search %q: snippet of %q is %q, want %q", tc.q, tc.title, snippet, tc.want)
		}
	}
}

// A database indexed by the previous format is indexed again at start: its words are what the
// rebuild makes of the text as written.
func TestSearchRebuildsTheLastFormatAtStart(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	c.Post("pages/create/", map[string]any{"title": "Ｃ＋＋ guide", "json": body1("ﾃﾝﾌﾟﾚｰﾄ basics")}).Want(200)
	// The index of the format before: none of its words are this format's.
	execStopped(t, site, `DELETE FROM search_fts; DELETE FROM search_titles;
		UPDATE search_state SET value = ? WHERE name = 'format'`, strconv.Itoa(search.Format-1))
	site.Restart()
	c = site.Client(site.OwnerTk)
	for _, q := range []string{"C++", "テンプレート", "guide"} {
		got := searchUntil(t, c, q, func(r []map[string]any) bool { return len(r) > 0 })
		if len(got) != 1 || got[0]["title"] != "Ｃ＋＋ guide" {
			t.Errorf("search %q after the restart: %v, want the page", q, apptest.Titles(got))
		}
	}
	var format string
	site.Inst.DB.R.QueryRow(`SELECT value FROM search_state WHERE name = 'format'`).Scan(&format)
	if format != strconv.Itoa(search.Format) {
		t.Errorf("format %q after the rebuild, want %d", format, search.Format)
	}
}
