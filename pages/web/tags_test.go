package web_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/app/apptest/browser"
	"quire/people"
)

// hrefs answers the links of a page's main element that point under prefix, in order.
func hrefs(body, prefix string) []string {
	main := body[strings.Index(body, "<main"):]
	var out []string
	for _, m := range regexp.MustCompile(`href="([^"]+)"`).FindAllStringSubmatch(main, -1) {
		if h := html.UnescapeString(m[1]); strings.HasPrefix(h, prefix) {
			out = append(out, h)
		}
	}
	return out
}

// TestTagPages lists a tag's pages a batch at a time, the subsite's tags with their counts, and
// links a page's tags to their pages; a tag no live page has is the web's 404.
func TestTagPages(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	s := w.site
	_, viewer := s.Member("Vera Viewer", s.Home(), people.RoleViewer)
	for i := range 52 {
		w.owner.Post("pages/create/", map[string]any{"title": fmt.Sprintf("Bulk %02d", i), "json": []any{[]any{}},
			"tags": []string{"Bulk", "a/b c"}}).Want(200)
	}

	r := get(viewer, "/@home/-/tags/bulk/").Want(200)
	body := string(r.Body)
	if !strings.Contains(body, "<h1>Tag: Bulk</h1>") || !strings.Contains(body, "52 pages have this tag") {
		t.Errorf("the tag page lacks its heading or count: %s", body)
	}
	pagesShown := hrefs(body, "/@home/bulk-")
	if len(pagesShown) != 50 || pagesShown[0] != "/@home/bulk-51/" {
		t.Fatalf("the tag page lists %d pages from %v, want 50 from the newest", len(pagesShown), pagesShown[:1])
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(body)
	if next == nil {
		t.Fatalf("no link to the next batch")
	}
	rest := hrefs(string(get(viewer, html.UnescapeString(next[1])).Want(200).Body), "/@home/bulk-")
	if strings.Join(rest, " ") != "/@home/bulk-01/ /@home/bulk-00/" {
		t.Errorf("the second batch lists %v", rest)
	}

	list := string(get(viewer, "/@home/-/tags/").Want(200).Body)
	escaped := "/@home/-/tags/" + url.PathEscape("a/b c") + "/"
	for _, want := range []string{`href="/@home/-/tags/Bulk/">Bulk</a> <span class="meta">52 pages`,
		`href="` + escaped + `">a/b c</a>`, `href="/@home/-/tags/onboarding/">onboarding</a> <span class="meta">1 page<`} {
		if !strings.Contains(list, want) {
			t.Errorf("the tag list lacks %s: %s", want, list)
		}
	}
	if r := get(viewer, escaped).Want(200); !strings.Contains(string(r.Body), "<h1>Tag: a/b c</h1>") {
		t.Errorf("the tag with a slash has no page: %s", r.Body)
	}
	get(viewer, "/@home/-/tags/bulk").Want(301)
	get(viewer, "/@home/-/tags/nosuch/").Want(404)
	get(viewer, "/@home/-/tags/bulk/?after=x").Want(404)

	page := string(get(viewer, "/@home/team-handbook/").Want(200).Body)
	if !strings.Contains(page, `<a href="/@home/-/tags/hr/">hr</a>`) {
		t.Errorf("the page's tags do not link to their pages: %s", page)
	}
}

// TestTagPageInBrowser follows a page's tag to the tag's page and on to the tag list, checked by
// axe and for CSP violations at desktop and phone widths.
func TestTagPageInBrowser(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	w.owner.Post("pages/create/", map[string]any{"title": "New starters", "path": "Handbook", "json": []any{[]any{}},
		"tags": "onboarding"}).Want(200)
	ctx := tabAs(t, w.site.OwnerTk)
	browser.Step(t, ctx, "open the handbook and follow its onboarding tag",
		chromedp.Navigate(w.site.URL+"/@home/team-handbook/"),
		chromedp.WaitVisible(chromedp.ID("page-title")),
		chromedp.Click(chromedp.CSS(`.page-meta .tags a[href="/@home/-/tags/onboarding/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
	)
	if h := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); h != "Tag: onboarding" {
		t.Errorf("the tag link led to %q", h)
	}
	if n := browser.Read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('main .page-list li').length`)); n != 2 {
		t.Errorf("the tag page lists %d pages, want 2", n)
	}
	check(t, ctx, "tag")
	browser.Step(t, ctx, "go to every tag",
		chromedp.Click(chromedp.CSS(`main a[href="/@home/-/tags/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`main .page-list`)),
	)
	if h := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`main .page-list`))); !strings.Contains(h, "hr") || !strings.Contains(h, "onboarding") {
		t.Errorf("the tag list shows %q", h)
	}
	check(t, ctx, "tags")
}
