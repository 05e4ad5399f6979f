package search_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"quire/app/apptest"
)

// paragraphs is a one-column page body of paragraphs (and headings, written "# text").
func paragraphs(texts ...string) [][]map[string]any {
	col := []map[string]any{}
	for _, t := range texts {
		if h, ok := strings.CutPrefix(t, "# "); ok {
			col = append(col, map[string]any{"classname": "Heading", "val": h, "format": "text"})
			continue
		}
		col = append(col, map[string]any{"classname": "Paragraph", "val": t, "format": "text"})
	}
	return [][]map[string]any{col}
}

// relevanceSite is a small intranet: a handbook with its files and a discussion, policies,
// programming guides, a person, and text that is not English.
func relevanceSite(t *testing.T) (*apptest.Site, *apptest.Client) {
	t.Helper()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	create := func(title string, body [][]map[string]any, tags ...string) int64 {
		return c.Post("pages/create/", map[string]any{"title": title, "json": body, "tags": tags}).Want(200).ID()
	}
	handbook := create("Handbook", [][]map[string]any{{
		{"classname": "Paragraph", "val": "Everything new staff need: holidays, expenses and the VPN."},
		{"classname": "Discussion"},
	}})
	for _, name := range []string{"handbook.pdf", "handbook-2023.pdf", "Handbook appendix.docx", "old handbook scan.pdf"} {
		c.Upload(fmt.Sprintf("page/%d/attachment/create/", handbook), nil, name, strings.NewReader("%PDF-1.4 binary")).Want(200)
	}
	c.Post(fmt.Sprintf("feed/post/%d/", handbook), map[string]any{"msg": "Where is the printed handbook kept?"}).Want(200)
	create("Employee handbook 2024", paragraphs("The 2024 edition. Holidays: 25 days a year."))
	create("Travel policy", paragraphs("Book trains early; the handbook lists per diems. Expenses need receipts."), "finance")
	feedback := c.Post("pages/create/", map[string]any{"title": "Feedback", "json": []any{[]any{map[string]any{
		"classname": "Form", "val": "Tell us", "fields": []any{map[string]any{"name": "note", "label": "Note", "type": "textarea"}}}}}}).Want(200).ID()
	c.Post(fmt.Sprintf("pages/records/%d/", feedback), map[string]any{"note": "The handbook needs a section on parking"}).Want(200)
	create("C++ style guide", paragraphs("We write C++17 and use RAII everywhere."))
	create("Compilers", paragraphs("The build moved to C++20 last year."))
	create("Vitamin C and you", paragraphs("Vitamin C helps with colds. Oranges have vitamin C."))
	create("C# coding standards", paragraphs("Our services run on .NET 8 with C# 12."))
	create("F# notes", paragraphs("F# is a functional language on .NET too."))
	create("ASP.NET migration", paragraphs("Moving the intranet from ASP.NET to Go."))
	create("Party planning", paragraphs("Bring snacks 🎉 and a good mood.", "Budget: 50% food, 50% music; costs a+b."))
	create("Ada Lovelace Day", paragraphs("We celebrate women in science every October."))
	create("VPN setup", paragraphs("# Remote access", "Install the client and sign in with your badge."))
	site.Member("Ada Lovelace", site.Home(), "viewer")
	create("ภาษาไทย", paragraphs("ภาษาไทยเป็นภาษาที่สวยงาม"))
	create("ພາສາລາວ", paragraphs("ພາສາລາວເປັນພາສາທີ່ງາມ"))
	create("ភាសាខ្មែរ", paragraphs("ភាសាខ្មែរជាភាសាដ៏ស្រស់ស្អាត"))
	create("မြန်မာစာ", paragraphs("မြန်မာဘာသာစကားသည်လှပသည်"))
	create("日本語", paragraphs("会議室は三階にあります。コーヒーはガスで沸かします。"))
	return site, c
}

// The ranking rule of the README, as a table: query, then the results expected first, in order
// (a group "a|b" in either order). Tiers: the whole title, every word in the title (pages, then
// people, then files; the shorter title first), one part of the text (BM25), words spread over
// parts.
func TestSearchRelevance(t *testing.T) {
	t.Parallel()
	_, c := relevanceSite(t)
	cases := []struct {
		q     string
		top   []string
		exact bool // nothing else is found
	}{
		{"handbook", []string{"Page:Handbook", "Page:Employee handbook 2024", "File:handbook.pdf",
			"File:handbook-2023.pdf|File:Handbook appendix.docx", "File:handbook-2023.pdf|File:Handbook appendix.docx",
			"File:old handbook scan.pdf", "Page:Travel policy|Form:Feedback|Comment:Comment on Handbook",
			"Page:Travel policy|Form:Feedback|Comment:Comment on Handbook", "Page:Travel policy|Form:Feedback|Comment:Comment on Handbook"}, true},
		{"HANDBOOK", []string{"Page:Handbook", "Page:Employee handbook 2024"}, false},
		{"handb*", []string{"Page:Handbook", "Page:Employee handbook 2024", "File:handbook.pdf"}, false},
		{"employee handbook", []string{"Page:Employee handbook 2024"}, true},
		{"ada lovelace", []string{"Contact:Ada Lovelace", "Page:Ada Lovelace Day"}, true},
		{"holidays", []string{"Page:Handbook|Page:Employee handbook 2024", "Page:Handbook|Page:Employee handbook 2024"}, true},
		{"receipts finance", []string{"Page:Travel policy"}, true}, // text and a tag
		{"travel receipts", []string{"Page:Travel policy"}, true},  // title and text
		{"remote badge", []string{"Page:VPN setup"}, true},         // a heading and the paragraph after it
		{`"remote badge"`, nil, true},                                     // a phrase stays in one part
		{"C++", []string{"Page:C++ style guide", "Page:Compilers"}, true}, // in C++20 too, not in Vitamin C
		{"c++17", []string{"Page:C++ style guide"}, true},                 // inside a longer term
		{"C#", []string{"Page:C# coding standards"}, true},                // not C, not F#
		{"F#", []string{"Page:F# notes"}, true},                           // not C#
		{".NET", []string{"Page:C# coding standards|Page:F# notes", "Page:C# coding standards|Page:F# notes"}, true},
		{"net", []string{"Page:ASP.NET migration", "Page:C# coding standards|Page:F# notes", "Page:C# coding standards|Page:F# notes"}, true},
		{"vitamin c", []string{"Page:Vitamin C and you"}, true},
		{"🎉", []string{"Page:Party planning"}, true},
		{"50%", []string{"Page:Party planning"}, true},
		{"a+b", []string{"Page:Party planning"}, true},
		{"ภาษา", []string{"Page:ภาษาไทย"}, true},
		{"ที่", []string{"Page:ภาษาไทย"}, true},
		{"สวยงาม", []string{"Page:ภาษาไทย"}, true},
		{"ที", nil, true}, // a tone mark makes another syllable
		{"ພາສາ", []string{"Page:ພາສາລາວ"}, true},
		{"ខ្មែរ", []string{"Page:ភាសាខ្មែរ"}, true},
		{"ស្អាត", []string{"Page:ភាសាខ្មែរ"}, true},
		{"ဘာသာ", []string{"Page:မြန်မာစာ"}, true},
		{"လှပ", []string{"Page:မြန်မာစာ"}, true},
		{"三階", []string{"Page:日本語"}, true},
		{"ガス", []string{"Page:日本語"}, true},
		{"カス", nil, true}, // a voicing mark makes another word
	}
	for _, tc := range cases {
		results := apptest.SearchResults(t, c, tc.q)
		got := apptest.Titles(results)
		ok := len(got) >= len(tc.top) && (!tc.exact || len(got) == len(tc.top))
		for i := 0; ok && i < len(tc.top); i++ {
			ok = contains(strings.Split(tc.top[i], "|"), got[i])
		}
		if !ok {
			t.Errorf("search %q:\n got %v\nwant %v first%s", tc.q, got, tc.top, map[bool]string{true: ", and nothing else"}[tc.exact])
			continue
		}
		for i := 1; i < len(results); i++ {
			if results[i]["weight"].(float64) > results[i-1]["weight"].(float64) {
				t.Errorf("search %q: weight rises from %v to %v at result %d", tc.q, results[i-1]["weight"], results[i]["weight"], i)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Snippets show the text as written, the match marked, whatever the script or symbol.
func TestSearchSnippetsMarkTheTextAsWritten(t *testing.T) {
	t.Parallel()
	_, c := relevanceSite(t)
	cases := []struct{ q, want string }{
		{"C++", "We write <mark>C++</mark>17"},
		{"c#", "with <mark>C#</mark> 12"},
		{".net", "on <mark>.NET</mark> 8"},
		{"🎉", "snacks <mark>🎉</mark> and"},
		{"ภาษา", "<mark>ภาษา</mark>ไทยเป็น<mark>ภาษา</mark>ที่สวยงาม"},
		{"ខ្មែរ", "ភាសា<mark>ខ្មែរ</mark>ជា"},
		{"badge", "with your <mark>badge</mark>."},
		{"remote badge", "<mark>Remote</mark> access"},
		{"handbook", "Where is the printed <mark>handbook</mark> kept?"},
		{"parking", "The handbook needs a section on <mark>parking</mark>"},
	}
	for _, tc := range cases {
		var snippets []string
		for _, r := range apptest.SearchResults(t, c, tc.q) {
			snippets = append(snippets, r["snippet"].(string))
		}
		if !strings.Contains(strings.Join(snippets, "\n"), tc.want) {
			t.Errorf("search %q: snippets %q, want one to hold %q", tc.q, snippets, tc.want)
		}
	}
}

// Each answer of search with a next page links to it without the caller's auth_token, as every
// list does (httpapi.SetNextLink).
func TestSearchNextLinkCarriesNoToken(t *testing.T) {
	t.Parallel()
	site, _ := relevanceSite(t)
	anon := site.Client("")
	for _, base := range []string{site.URL + "/api/v1/search/query/", site.URL + "/@home/api/v1/search/query/"} {
		r := anon.Do("GET", base+"?"+url.Values{"q": {"handbook"}, "limit": {"2"}, "auth_token": {site.OwnerTk}}.Encode(), nil, "").Want(200)
		link := r.Header.Get("Link")
		if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "cursor=") || strings.Contains(link, "auth_token") ||
			strings.Contains(link, site.OwnerTk) {
			t.Errorf("GET %s: Link %q; want a next link with a cursor and no token", base, link)
		}
	}
}
