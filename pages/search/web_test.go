package search_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"quire/app/apptest"
	"quire/people"
)

// searchWiki is a site for the search page's tests: in the home subsite, pages about holidays
// (one titled like a script tag), a file, a person; in a board subsite, a page only its members
// may find.
type searchWiki struct {
	site   *apptest.Site
	owner  *apptest.Client
	viewer *apptest.Client // a member of home only
	vera   *people.User    // the viewer
}

// manyNotes is how many "Trip note" pages the wiki has: more than one page of results.
const manyNotes = 25

func seedSearch(t *testing.T) *searchWiki {
	t.Helper()
	s := apptest.Start(t)
	w := &searchWiki{site: s, owner: s.Client(s.OwnerTk).In("home")}
	create := func(c *apptest.Client, title, html string) int64 {
		return c.Post("pages/create/", map[string]any{"title": title,
			"json": [][]map[string]any{{{"classname": "Paragraph", "val": html}}}}).Want(200).ID()
	}
	id := create(w.owner, "Holiday booking", "<p>Book your holiday two weeks ahead; <b>&lt;b&gt;</b> is not bold here.</p>")
	w.owner.Upload(fmt.Sprintf("page/%d/attachment/create/", id), map[string]string{"column": "0"},
		"holiday-policy.txt", strings.NewReader("The holiday policy: twenty days a year.")).Want(200)
	create(w.owner, "<script>alert(1)</script> holiday", "<p>A title that looks like code.</p>")
	for i := range manyNotes {
		create(w.owner, fmt.Sprintf("Trip note %d", i+1), "<p>Notes about the trip.</p>")
	}
	signup := w.owner.Post("pages/create/", map[string]any{"title": "Sign-up sheet", "json": [][]map[string]any{{
		{"classname": "Form", "val": "<p>Put your name down.</p>", "fields": []map[string]any{{"label": "Name"}}},
		{"classname": "Discussion", "val": "<p>Questions.</p>"},
	}}}).Want(200).ID()
	w.owner.Post(fmt.Sprintf("pages/records/%d/", signup), map[string]any{"name": "Helga, back from holiday"}).Want(200)
	w.owner.Post(fmt.Sprintf("feed/post/%d/", signup), map[string]any{"msg": "Who covers my holiday?"}).Want(200)
	s.Member("Holiday Hannah", s.Home(), people.RoleViewer)
	w.vera, w.viewer = s.Member("Vera Viewer", s.Home(), people.RoleViewer)
	s.Subsite("Board", "board")
	create(s.Client(s.OwnerTk).In("board"), "Holiday secrets", "<p>The board's holiday secrets.</p>")
	return w
}

// web fetches a web path ("/search?q=...") as the client's person.
func web(c *apptest.Client, path string) *apptest.Response {
	return c.Do("GET", c.SiteWide().URL(path), nil, "")
}

func searchPath(base, q string, extra ...string) string {
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return base + "?" + v.Encode()
}

var (
	groupHeads   = regexp.MustCompile(`<h2 id="cat-([A-Za-z]+)">`)
	resultTitles = regexp.MustCompile(`<a class="result-title" href="([^"]*)">([^<]*)</a>`)
	nextLink     = regexp.MustCompile(`<a href="([^"]*)" rel="next">`)
	prevLink     = regexp.MustCompile(`<a href="([^"]*)" rel="prev">`)
)

func submatches(re *regexp.Regexp, body string, n int) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(body, -1) {
		out = append(out, m[n])
	}
	return out
}

// TestSearchPageGroupsAndMarks: results come grouped by category in a fixed order, each title
// linking to the API's lnk, the snippet's matches marked and everything else escaped (a title or
// text that looks like HTML shows as text), and the query stays in the box.
func TestSearchPageGroupsAndMarks(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	body := string(web(w.owner, searchPath("/search", "holiday")).Want(200).Body)
	if got := strings.Join(submatches(groupHeads, body, 1), ","); got != "Page,File,Contact,Form,Comment" {
		t.Errorf("groups %q, want Page,File,Contact,Form,Comment", got)
	}
	for _, want := range []string{`href="/@home/sign-up-sheet/#record-`, `href="/@home/sign-up-sheet/#post-`} {
		if !strings.Contains(body, want) {
			t.Errorf("no link %s…", want)
		}
	}
	if !strings.Contains(body, `<a class="result-title" href="/@home/holiday-booking/">Holiday booking</a>`) {
		t.Errorf("no link to the page's url")
	}
	if !strings.Contains(body, `href="/@home/files/`) || !strings.Contains(body, `>holiday-policy.txt</a>`) {
		t.Errorf("no link to the file")
	}
	if !strings.Contains(body, `>Holiday Hannah</a>`) {
		t.Errorf("no person")
	}
	if !strings.Contains(body, `&lt;script&gt;alert(1)&lt;/script&gt; holiday`) || strings.Contains(body, `<script>alert`) {
		t.Errorf("the page titled like a script tag is not shown as text")
	}
	if !strings.Contains(body, `Book your <mark>holiday</mark> two weeks ahead; &lt;b&gt; is not bold here.`) {
		t.Errorf("the snippet is not the escaped text with its match marked: %s", body)
	}
	if strings.Count(body, "<mark>") < 2 || strings.Contains(body, "&lt;mark&gt;") {
		t.Errorf("marks are missing or escaped")
	}
	if !strings.Contains(body, `value="holiday"`) {
		t.Errorf("the query is not kept in the search box")
	}
	if !strings.Contains(body, `<a href="/@home/">Home</a>`) {
		t.Errorf("results do not name their subsite")
	}
}

// TestSearchPagePaginates walks the results a page at a time by the next and previous links,
// which carry the query and the category; no result shows twice, and each page holds at most
// the page size.
func TestSearchPagePaginates(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	path := searchPath("/@home/search", "trip note", "cat", "Page")
	seen := map[string]bool{}
	var pages []string
	for path != "" && len(pages) < 5 {
		pages = append(pages, path)
		body := string(web(w.owner, path).Want(200).Body)
		titles := submatches(resultTitles, body, 2)
		if len(titles) == 0 || len(titles) > 20 {
			t.Fatalf("%s: %d results", path, len(titles))
		}
		for _, title := range titles {
			if seen[title] {
				t.Errorf("%s: %q again", path, title)
			}
			seen[title] = true
		}
		if len(pages) > 1 {
			if prev := submatches(prevLink, body, 1); len(prev) != 1 || unescape(prev[0]) != pages[len(pages)-2] {
				t.Errorf("%s: previous link %q, want %q", path, prev, pages[len(pages)-2])
			}
		} else if strings.Contains(body, `rel="prev"`) {
			t.Errorf("the first page links to a previous one")
		}
		path = ""
		if next := submatches(nextLink, body, 1); len(next) == 1 {
			path = unescape(next[0])
			if u, _ := url.Parse(path); u.Path != "/@home/search" || u.Query().Get("q") != "trip note" || u.Query().Get("cat") != "Page" {
				t.Errorf("the next link %q does not carry the query and category", path)
			}
		}
	}
	if len(pages) != 2 || len(seen) != manyNotes {
		t.Errorf("%d pages, %d notes; want 2 pages and %d notes", len(pages), len(seen), manyNotes)
	}
	// Past the last page: a page that says so.
	if body := string(web(w.owner, searchPath("/search", "trip note", "page", "9")).Want(200).Body); !strings.Contains(body, "There are no more results.") {
		t.Errorf("page 9 does not say there are no more results")
	}
}

func unescape(s string) string { return html.UnescapeString(s) }

// TestSearchPageFilters: the category links, the current one marked, and a filtered page only
// holding its category.
func TestSearchPageFilters(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	body := string(web(w.owner, searchPath("/search", "holiday", "cat", "File")).Want(200).Body)
	if got := strings.Join(submatches(groupHeads, body, 1), ","); got != "File" {
		t.Errorf("groups %q on the File filter", got)
	}
	for _, want := range []string{
		`<a href="/search?q=holiday">All</a>`, `<a href="/search?cat=Page&amp;q=holiday">Pages</a>`,
		`<a href="/search?cat=File&amp;q=holiday" aria-current="page">Files</a>`,
		`<a href="/search?cat=Contact&amp;q=holiday">People</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s", want)
		}
	}
}

// TestSearchPageEmptyAndNothingFound: without a query, a page that says what to type; a query
// that finds nothing says so and offers it without each word, and in a subsite, everywhere.
func TestSearchPageEmptyAndNothingFound(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	if body := string(web(w.owner, "/search").Want(200).Body); !strings.Contains(body, "Type words in the search box") {
		t.Errorf("the empty search page does not help: %s", body)
	}
	body := string(web(w.owner, searchPath("/@home/search", "holiday zebra")).Want(200).Body)
	for _, want := range []string{"Nothing found for “holiday zebra”", `<a href="/@home/search?q=zebra">zebra</a>`,
		`<a href="/@home/search?q=holiday">holiday</a>`, `<a href="/search?q=holiday&#43;zebra">Search every subsite`} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in %s", want, body)
		}
	}
}

// TestSearchPageOnlyWhatTheReaderMaySee: a subsite's content never shows to someone who is not
// its member, site-wide or on its URL, on the page or in the suggestions.
func TestSearchPageOnlyWhatTheReaderMaySee(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	for _, path := range []string{searchPath("/search", "holiday"), searchPath("/search", "secrets"),
		searchPath("/@home/search", "secrets"), searchPath("/search/suggest", "secr"), searchPath("/search", "secrets", "cat", "Page")} {
		if body := string(web(w.viewer, path).Want(200).Body); strings.Contains(body, "Holiday secrets") || strings.Contains(body, "@board") {
			t.Errorf("%s shows the board's page to a non-member", path)
		}
		// The same URL shows it to the owner, who may see every subsite: the check above can fail.
		if !strings.HasPrefix(path, "/@home/") {
			if body := string(web(w.owner, path).Want(200).Body); !strings.Contains(body, "Holiday secrets") {
				t.Errorf("%s does not show the board's page to the owner", path)
			}
		}
	}
	web(w.viewer, searchPath("/@board/search", "holiday")).Want(404)
	web(w.viewer, searchPath("/@board/search/suggest", "holiday")).Want(404)
	if body := string(web(w.viewer, searchPath("/search", "holiday")).Want(200).Body); !strings.Contains(body, ">Holiday booking</a>") {
		t.Errorf("a member does not find home's page")
	}
}

// TestSearchSuggestions: the fragment under the box holds links to the best few things whose
// words begin with what was typed, and a link to every result; an empty box answers nothing.
func TestSearchSuggestions(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	body := string(web(w.owner, searchPath("/search/suggest", "holiday boo")).Want(200).Body)
	if strings.Contains(body, "<html") || !strings.Contains(body, `<a href="/@home/holiday-booking/">`) {
		t.Errorf("not a fragment with the page whose words begin with what was typed: %s", body)
	}
	if !strings.Contains(body, `<a href="/search?q=holiday&#43;boo">All results for “holiday boo”</a>`) {
		t.Errorf("no link to every result: %s", body)
	}
	if n := strings.Count(body, "<li><a "); n > 8 {
		t.Errorf("%d suggestions", n)
	}
	if body := strings.TrimSpace(string(web(w.owner, "/search/suggest?q=").Want(200).Body)); body != "" {
		t.Errorf("an empty box answers %q", body)
	}
	if body := unescape(string(web(w.owner, "/search/suggest?q=%01").Want(200).Body)); !strings.Contains(body, "control character U+0001") {
		t.Errorf("a control character is not explained: %q", body)
	}
}

// TestSearchPageRefusesBadInput answers a query it cannot run with the search page, a 4xx and a
// message, never a 500.
func TestSearchPageRefusesBadInput(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	for _, tc := range []struct {
		name, rawQuery, message string
	}{
		{"too long", "q=" + strings.Repeat("a", 100<<10), "longer than 500 characters"},
		{"control character", "q=holi%00day", "control character U+0000"},
		{"line break", "q=holi%0Aday", "line break"},
		{"not UTF-8", "q=%FF%FE", "not valid UTF-8"},
		{"nothing to search", "q=%2A%2A%22%22", "at least one word"},
		{"unknown category", "q=holiday&cat=Nope", "no category"},
		{"page zero", "q=holiday&page=0", "from 1 to 50"},
		{"page past the bound", "q=holiday&page=51", "from 1 to 50"},
		{"page not a number", "q=holiday&page=two", "from 1 to 50"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := web(w.owner, "/search?"+tc.rawQuery).Want(400)
			if body := unescape(string(r.Body)); !strings.Contains(body, tc.message) || !strings.Contains(body, "This search cannot run.") {
				t.Errorf("no %q on the page: %.2000s", tc.message, body)
			}
		})
	}
	// A megabyte of query is over the request line the server reads: a 4xx all the same.
	if r := web(w.owner, "/search?q="+strings.Repeat("a", 1<<20)); r.Status < 400 || r.Status > 499 {
		t.Errorf("a 1-MB query: %d", r.Status)
	}
}
