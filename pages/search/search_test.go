package search_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"quire/app"
	"quire/app/apptest"
	"quire/people"
)

// execStopped stops the site and runs query on its database, as another program (an older
// version, a crash) may have left it; the caller restarts the site.
func execStopped(t *testing.T, site *apptest.Site, query string, args ...any) {
	t.Helper()
	site.Stop()
	cfg, err := app.ConfigFromEnv(map[string]string{"QUIRE_DATA": site.Data})
	if err != nil {
		t.Fatal(err)
	}
	old, err := app.OpenSite(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := old.DB.Exec(context.Background(), query, args...); err != nil {
		t.Fatal(err)
	}
}

// body1 is a one-column page body with a paragraph.
func body1(html string) [][]map[string]any {
	return [][]map[string]any{{{"classname": "Paragraph", "val": html}}}
}

func TestSearchFindsPagesRankedAndMarked(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	c.Post("pages/create/", map[string]any{"title": "Travel policy", "json": body1("<p>Book trains early. Expenses need receipts.</p>")}).Want(200)
	c.Post("pages/create/", map[string]any{"title": "Kitchen rules", "json": body1("<p>The travel mugs live in the <b>left</b> cupboard &lt;script&gt;.</p>")}).Want(200)
	c.Post("pages/create/", map[string]any{"title": "Onboarding", "json": body1("<p>Welcome aboard, receipts for everything.</p>")}).Want(200)

	got := apptest.SearchResults(t, c, "travel")
	if len(got) != 2 || got[0]["title"] != "Travel policy" || got[1]["title"] != "Kitchen rules" {
		t.Fatalf("search travel: got %v, want the title match before the body match", apptest.Titles(got))
	}
	if got[0]["weight"].(float64) <= got[1]["weight"].(float64) {
		t.Errorf("weights %v then %v: want the better first", got[0]["weight"], got[1]["weight"])
	}
	snippet := got[1]["snippet"].(string)
	if !strings.Contains(snippet, "<mark>travel</mark>") || strings.Contains(snippet, "<script>") || !strings.Contains(snippet, "&lt;script&gt;") {
		t.Errorf("snippet %q: want the match marked and text escaped", snippet)
	}
	if got[0]["lnk"] != "/@home/travel-policy/" || got[0]["url"] != site.URL+"/@home/travel-policy/" || got[0]["icon"] != "page" {
		t.Errorf("links of %v", got[0])
	}

	cases := []struct {
		q    string
		want []string
	}{
		{"recei*", []string{"Page:Onboarding", "Page:Travel policy"}},
		{"receipts welcome", []string{"Page:Onboarding"}},
		{`"book trains"`, []string{"Page:Travel policy"}},
		{`"trains book"`, []string{}},
		{"nothinglikethis", []string{}},
	}
	for _, tc := range cases {
		got := apptest.Titles(apptest.SearchResults(t, c, tc.q))
		if strings.Join(got, "|") != strings.Join(tc.want, "|") && !(len(tc.want) == 2 && len(got) == 2 && sameSet(got, tc.want)) {
			t.Errorf("search %q: got %v, want %v", tc.q, got, tc.want)
		}
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestSearchCJK(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	c.Post("pages/create/", map[string]any{"title": "东京出差指南", "json": body1("<p>我们公司的报销流程很简单。</p>")}).Want(200)
	c.Post("pages/create/", map[string]any{"title": "会議室の予約", "json": body1("<p>会議室は三階にあります。</p>")}).Want(200)
	c.Post("pages/create/", map[string]any{"title": "회사 안내", "json": body1("<p>회의실은 삼층에 있습니다.</p>")}).Want(200)
	cases := []struct{ q, want string }{
		{"报销", "东京出差指南"}, // a two-character word inside a longer run
		{"出差", "东京出差指南"},
		{"東京", ""}, // traditional form differs from the simplified text: no match
		{"会議", "会議室の予約"},
		{"予約", "会議室の予約"},
		{"회의실", "회사 안내"},
	}
	for _, tc := range cases {
		got := apptest.SearchResults(t, c, tc.q)
		switch {
		case tc.want == "" && len(got) != 0:
			t.Errorf("search %q: got %v, want nothing", tc.q, apptest.Titles(got))
		case tc.want != "" && (len(got) != 1 || got[0]["title"] != tc.want):
			t.Errorf("search %q: got %v, want %q", tc.q, apptest.Titles(got), tc.want)
		case tc.want != "" && !strings.Contains(got[0]["snippet"].(string), "<mark>"):
			t.Errorf("search %q: snippet %q has no mark", tc.q, got[0]["snippet"])
		}
	}
	got := apptest.SearchResults(t, c, "报销")
	if s := got[0]["snippet"].(string); !strings.Contains(s, "<mark>报</mark><mark>销</mark>") && !strings.Contains(s, "<mark>报销</mark>") {
		t.Errorf("snippet %q: want the CJK text back without separators and the match marked", s)
	}
	if strings.Contains(got[0]["snippet"].(string), "\u200b") {
		t.Errorf("snippet %q keeps the index's separators", got[0]["snippet"])
	}
}

func TestSearchOnlyWhatTheReaderMaySee(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	secret := site.Subsite("Board", "board")
	eng := site.Subsite("Engineering", "eng")
	owner := site.Client(site.OwnerTk)
	owner.In("board").Post("pages/create/", map[string]any{"title": "Merger plans zebra", "json": body1("zebra acquisition")}).Want(200)
	owner.In("eng").Post("pages/create/", map[string]any{"title": "Zebra release", "json": body1("zebra build")}).Want(200)
	trashed := owner.Post("pages/create/", map[string]any{"title": "Old zebra", "json": body1("zebra")}).Want(200).ID()
	owner.Post(fmt.Sprintf("pages/delete/%d/", trashed), nil).Want(200)

	alice, ac := site.Member("Alice Zebrafish", eng, people.RoleViewer)
	_ = alice
	boardie, _ := site.Member("Bob Boardmember", secret, people.RoleViewer)
	_ = boardie

	// Alice is in home (auto-join) and eng: the board page never shows, on any URL.
	if got := apptest.Titles(apptest.SearchResults(t, ac.SiteWide(), "zebra*")); !sameSet(got, []string{"Page:Zebra release", "Contact:Alice Zebrafish"}) {
		t.Errorf("site-wide search by a member of home and eng: got %v", got)
	}
	if got := apptest.Titles(apptest.SearchResults(t, ac, "zebra")); !sameSet(got, []string{"Page:Zebra release"}) {
		t.Errorf("search on the eng URL: got %v", got)
	}
	ac.In("board").Get("search/query/", url.Values{"q": {"zebra"}}).Error(404, "not_found")
	if got := apptest.SearchResults(t, ac.SiteWide(), "merger"); len(got) != 0 {
		t.Errorf("a non-member found %v", apptest.Titles(got))
	}
	// Contacts: Bob shares no subsite with Alice except home (both auto-joined), so he is visible
	// once; the owner sees everyone once.
	if got := apptest.Titles(apptest.SearchResults(t, ac.SiteWide(), "bob", "cat", "Contact")); len(got) != 1 {
		t.Errorf("contacts found by Alice: %v, want Bob once", got)
	}
	site.Join(site.Home(), boardie, people.RoleNone)
	if got := apptest.Titles(apptest.SearchResults(t, ac.SiteWide(), "bob", "cat", "Contact")); len(got) != 0 {
		t.Errorf("Bob left home, Alice still finds %v", got)
	}
	if got := apptest.Titles(apptest.SearchResults(t, owner, "bob")); len(got) != 1 {
		t.Errorf("owner finds %v, want Bob once", got)
	}
	if got := apptest.Titles(apptest.SearchResults(t, owner, "zebra*")); !sameSet(got, []string{"Page:Merger plans zebra", "Page:Zebra release", "Contact:Alice Zebrafish"}) {
		t.Errorf("owner finds %v (the trashed page must not show)", got)
	}
}

func TestSearchNeverFailsOnOddQueries(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	c.Post("pages/create/", map[string]any{"title": "Odd", "json": body1("odd text NEAR(a b) col:umn")}).Want(200)
	for _, q := range []string{`"`, `"""`, `odd"`, `*`, `odd*"`, `AND`, `OR NOT`, `NEAR(odd text)`, `col:umn`, `^odd`,
		`(odd`, `odd)`, `-odd`, `+odd`, `odd AND`, `{odd}`, `'odd'`, `odd\`, "\x00odd", `%`, `_`, `🦓`, `ödd`,
		strings.Repeat("odd ", 40)} {
		r := c.Get("search/query/", url.Values{"q": {q}})
		if r.Status != 200 && r.Status != 400 {
			t.Errorf("search %q: status %d: %s", q, r.Status, r.Body)
		}
	}
	c.Get("search/query/").Error(400, "invalid_request")
	c.Get("search/query/", url.Values{"q": {strings.Repeat("x", 501)}}).Error(400, "invalid_request")
	c.Get("search/query/", url.Values{"q": {"odd"}, "cat": {"Nope"}}).Error(400, "invalid_request")
}

func TestSearchFollowsChangesAndPaginates(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	page := c.Post("pages/create/", map[string]any{"title": "Notes", "json": body1("first draft walrus")}).Want(200).Object()
	id := int64(page["id"].(float64))
	widget := page["json"].([]any)[0].([]any)[0].(map[string]any)
	c.Post(fmt.Sprintf("page/%d/paragraph/update/%d/", id, int64(widget["id"].(float64))), map[string]any{"val": "second draft narwhal"}).Want(200)
	if got := apptest.SearchResults(t, c, "walrus"); len(got) != 0 {
		t.Errorf("old text still found: %v", apptest.Titles(got))
	}
	if got := apptest.SearchResults(t, c, "narwhal"); len(got) != 1 {
		t.Errorf("new text not found: %v", apptest.Titles(got))
	}
	for i := 0; i < 5; i++ {
		c.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Narwhal %d", i), "json": body1("x")}).Want(200)
	}
	first := c.Get("search/query/", url.Values{"q": {"narwhal"}, "limit": {"4"}}).Want(200)
	link := first.Header.Get("Link")
	if !strings.Contains(link, `rel="next"`) {
		t.Fatalf("no Link header on a first page of 4 of 6: %q", first.Header)
	}
	next := c.Do("GET", strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">"), nil, "").Want(200)
	var a, b struct{ Results []map[string]any }
	first.Decode(&a)
	next.Decode(&b)
	if len(a.Results) != 4 || len(b.Results) != 2 || next.Header.Get("Link") != "" {
		t.Errorf("pages of %d and %d (link %q), want 4 and 2 and no more", len(a.Results), len(b.Results), next.Header.Get("Link"))
	}
}

// Files, their text, form entries and comments of a subsite are found by its members only: a non-member
// tries every URL and category, prefixes and phrases included.
func TestSearchLeaksNothingToNonMembers(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	board := site.Subsite("Board", "board")
	_, member := site.Member("Bea Boardmember", board, people.RoleViewer)
	_, outsider := site.Member("Otto Outsider", site.Home(), people.RoleEditor)
	owner := site.Client(site.OwnerTk).In("board")

	page := owner.Post("pages/create/", map[string]any{"title": "Minutes", "json": [][]map[string]any{{
		{"classname": "Paragraph", "val": "nothing to see"},
		{"classname": "Form", "fields": []any{map[string]any{"name": "idea", "label": "Idea", "type": "textarea"}}},
		{"classname": "Discussion"},
	}}}).Want(200).ID()
	owner.Upload(fmt.Sprintf("page/%d/attachment/create/", page), nil, "okapi-takeover.txt",
		strings.NewReader("The okapi takeover closes in March.")).Want(200)
	member.In("board").Post(fmt.Sprintf("pages/records/%d/", page), map[string]any{"idea": "sell the okapi division"}).Want(200)
	member.In("board").Post(fmt.Sprintf("feed/post/%d/", page), map[string]any{"msg": "The okapi takeover vote is Friday"}).Want(200)

	want := map[string]bool{"File": true, "Form": true, "Comment": true}
	for _, q := range []string{"okapi", "okap*", `"okapi takeover"`, "takeover", "division"} {
		for _, r := range apptest.SearchResults(t, member.In("board"), q) {
			delete(want, fmt.Sprint(r["cat"]))
		}
		for _, c := range []*apptest.Client{outsider, outsider.SiteWide(), outsider.In("home")} {
			for _, cat := range []string{"", "Page", "File", "Form", "Comment"} {
				if got := apptest.SearchResults(t, c, q, "cat", cat); len(got) != 0 {
					t.Errorf("a non-member searching %q (cat %q) at %s found %v", q, cat, c.URL("search/query/"), apptest.Titles(got))
				}
			}
		}
		outsider.In("board").Get("search/query/", url.Values{"q": {q}}).Error(404, "not_found")
	}
	if len(want) != 0 {
		t.Errorf("the member did not find the board's %v; the test proves nothing without them", want)
	}
}

// Past 1,000 matches a search ranks the newest 1,000 and the newest title matches: an old page
// with the word in its title is still found, above the pages that only mention it.
func TestSearchPastTheCandidateWindow(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	c := site.Client(site.OwnerTk)
	old := c.Post("pages/create/", map[string]any{"title": "Quokka handbook", "json": body1("all about it")}).Want(200).ID()
	for i := range 1001 {
		c.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Note %d", i), "json": body1("a quokka was seen")}).Want(200)
	}
	got := apptest.SearchResults(t, c, "quokka", "limit", "5")
	if len(got) != 5 || got[0]["id"] != float64(old) {
		t.Errorf("search quokka: %v; want the old title match first", apptest.Titles(got))
	}
	if got := apptest.SearchResults(t, c, "quok*", "limit", "1"); len(got) != 1 || got[0]["id"] != float64(old) {
		t.Errorf("search quok*: %v; want the old title match first", apptest.Titles(got))
	}
}
