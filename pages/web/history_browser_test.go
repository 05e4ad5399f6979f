package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
	"quire/people"
)

// signIn gives the tab a browser session of u, as signing in at /login would.
func signIn(t *testing.T, ctx context.Context, site *apptest.Site, u *people.User) {
	t.Helper()
	ss := site.SignIn(u)
	browser.Step(t, ctx, "sign in", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ss.Cookie.Name, Value: ss.Cookie.Value, URL: site.URL})
		return err
	}))
}

// checkHistory runs axe and the CSP check on the tab's page and saves it at both widths as NAME-WIDTH.
func checkHistory(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browser.CSPViolations(t, ctx)
	for _, w := range []int64{browser.Desktop, browser.Phone} {
		browser.Viewport(t, ctx, w)
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("%s-%d", name, w))
	}
	browser.Viewport(t, ctx, browser.Desktop)
}

// TestHistoryInBrowser opens a page's history, follows an edit to its diff, restores the older
// version (a form with its CSRF token, in a browser session) and finds it on the page.
func TestHistoryInBrowser(t *testing.T) {
	t.Parallel()
	site, _, c, p := historySite(t, "<p>Lunch is at noon in the <b>big room</b>.</p><p>Bring a cup.</p>")
	v1 := p.JSON[0][0]
	editParagraph(t, c, p, v1.ID, "<p>Lunch is at one in the <b>big room</b>.</p><p>Bring a cup and a plate.</p>")
	ctx := browser.New(t)
	signIn(t, ctx, site, site.Owner)
	base := site.URL + "/@" + people.DefaultSlug

	browser.Step(t, ctx, "open the page's history from the page", chromedp.Navigate(base+"/"+p.Slug+"/"),
		chromedp.Click(chromedp.CSS(".page-history a")), chromedp.WaitVisible(chromedp.ID("timeline")))
	if first := browser.Read(t, ctx, chromedp.Text(chromedp.CSS("#timeline li a"))); first != "Text edited" {
		t.Errorf("newest change %q, want the edit", first)
	}
	checkHistory(t, ctx, "history")

	browser.Step(t, ctx, "open the edit's diff", chromedp.Click(chromedp.CSS("#timeline li a")), chromedp.WaitVisible(chromedp.ID("diff")))
	del := browser.Read(t, ctx, chromedp.Text(chromedp.CSS("#diff del")))
	ins := browser.Read(t, ctx, chromedp.Text(chromedp.CSS("#diff ins")))
	if !strings.Contains(del, "noon") || !strings.Contains(ins, "one") {
		t.Errorf("diff shows removed %q and added %q, want noon removed and one added", del, ins)
	}
	checkHistory(t, ctx, "history-diff")

	browser.Step(t, ctx, "restore version 1", chromedp.Click(chromedp.CSS(".restore button")), chromedp.WaitVisible(chromedp.ID("restored")))
	if got := browser.Read(t, ctx, chromedp.Text(chromedp.ID("restored"))); got != "Version 1 was restored as version 3." {
		t.Errorf("after the restore the page says %q", got)
	}
	checkHistory(t, ctx, "history-restored")
	// Back on the page (its breadcrumb), the restored text shows.
	browser.Step(t, ctx, "go back to the page", chromedp.Click(chromedp.CSS(`.crumbs a[href$="/`+p.Slug+`/"]`)),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("w%d", v1.ID))))
	if got := browser.Read(t, ctx, chromedp.Text(chromedp.ID(fmt.Sprintf("w%d", v1.ID)))); !strings.Contains(got, "Lunch is at noon") || strings.Contains(got, "plate") {
		t.Errorf("the page shows %q after the restore, want version 1's text", got)
	}
	checkHistory(t, ctx, "history-page-after-restore")
}
