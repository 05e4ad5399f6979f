package links_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"quire/app/apptest/browser"
)

// TestMain closes the browser the browser tests share when they end.
func TestMain(m *testing.M) { browser.Main(m) }

// checkPage runs axe and the CSP check on the tab's page and saves it at both widths.
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	browser.CSPViolations(t, ctx)
	for _, w := range []int64{browser.Desktop, browser.Phone} {
		browser.Viewport(t, ctx, w)
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("links-%s-%d", name, w))
	}
	browser.Viewport(t, ctx, browser.Desktop)
}

// fetchStatus fetches a URL from the tab's page, as a click on a link would, and answers its
// status and, for a 200, its text.
func fetchStatus(t *testing.T, ctx context.Context, u string) (int, string) {
	t.Helper()
	type fetched struct {
		Status int    `json:"status"`
		Text   string `json:"text"`
	}
	out := browser.Read(t, ctx, chromedp.Evaluate[fetched](fmt.Sprintf(
		`fetch(%q).then(async r => ({status: r.status, text: r.ok ? await r.text() : ""}))`, u), chromedp.EvalAwaitPromise))
	return out.Status, out.Text
}

// TestShareInBrowser makes a link on the page's Share screen, opens it in a fresh browser
// without a session, passes its email and password form, reads the page, is refused a download;
// a second link allows it; then the first is revoked on the Share screen and no longer opens.
func TestShareInBrowser(t *testing.T) {
	t.Parallel()
	w := seed(t)
	s := w.site
	ed := browser.New(t)
	ss := s.SignIn(s.Owner)
	browser.Step(t, ed, "sign in", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: ss.Cookie.Name, Value: ss.Cookie.Value, URL: s.URL})
		return err
	}))
	browser.Step(t, ed, "open the page and its Share screen",
		chromedp.Navigate(s.URL+"/@home/quarterly-report/"),
		chromedp.Click(chromedp.CSS(`.page-editing a[href$="/share/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#no-links`)),
	)
	checkPage(t, ed, "share-empty")
	browser.Step(t, ed, "create a link with a password and an email form",
		chromedp.SendKeys(chromedp.CSS(`#link-name`), "Auditors"),
		chromedp.SendKeys(chromedp.CSS(`#link-password`), "open sesame"),
		chromedp.Click(chromedp.CSS(`#link-email`)),
		chromedp.Click(chromedp.CSS(`.new-link button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#created-url`)),
	)
	first := browser.Read(t, ed, chromedp.Value(chromedp.CSS(`#created-url`)))
	if !linkURL.MatchString(first) {
		t.Fatalf("the created link's URL: %q", first)
	}
	checkPage(t, ed, "share-created")

	// A visitor: a fresh browser context, no session, no cookie.
	v := browser.New(t)
	browser.Step(t, v, "open the link",
		chromedp.Navigate(first),
		chromedp.WaitVisible(chromedp.CSS(`#password`)),
	)
	checkPage(t, v, "gate")
	browser.Step(t, v, "give a wrong password",
		chromedp.SendKeys(chromedp.CSS(`#email`), "auditor@example.com"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "wrong one"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#error`)),
	)
	checkPage(t, v, "gate-error")
	browser.Step(t, v, "give the right password",
		chromedp.SetValue(chromedp.CSS(`#password`), "open sesame"),
		chromedp.Click(chromedp.CSS(`button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#page-title`)),
	)
	if body := browser.Read(t, v, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(body, "Revenue grew 12%") ||
		!strings.Contains(body, "Downloads are not allowed") || strings.Contains(body, "Your question") {
		t.Errorf("the shared page shows: %s", body)
	}
	if n := browser.Read(t, v, chromedp.Evaluate[int](`document.querySelectorAll('a[href^="/@"], form, .topbar, .sidebar').length`)); n != 0 {
		t.Errorf("the shared page has %d links into the wiki, forms or site bars", n)
	}
	if ok := browser.Read(t, v, chromedp.Evaluate[bool](`(() => { const i = document.querySelector('figure img'); return i.complete && i.naturalWidth > 0 })()`)); !ok {
		t.Error("the page's image did not load through the link")
	}
	checkPage(t, v, "page")
	if st, _ := fetchStatus(t, v, fmt.Sprintf("%s/files/%d/figures.csv", first, w.attachment)); st != 403 {
		t.Errorf("a download through a link without downloads: %d", st)
	}

	// A second link allows downloads.
	browser.Step(t, ed, "create a link that allows downloads",
		chromedp.Navigate(s.URL+"/@home/quarterly-report/share/"),
		chromedp.WaitVisible(chromedp.CSS(`table.links`)),
		chromedp.Click(chromedp.CSS(`#link-download`)),
		chromedp.Click(chromedp.CSS(`.new-link button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#created-url`)),
	)
	second := browser.Read(t, ed, chromedp.Value(chromedp.CSS(`#created-url`)))
	browser.Step(t, v, "open the second link", chromedp.Navigate(second), chromedp.WaitVisible(chromedp.CSS(`.attachment a[download]`)))
	href := browser.Read(t, v, chromedp.Evaluate[string](`document.querySelector('.attachment a[download]').href`))
	if st, text := fetchStatus(t, v, href); st != 200 || text != "q,revenue\nQ4,112\n" {
		t.Errorf("a download through a link with downloads: %d %q", st, text)
	}

	// The views, then revoke the first link.
	browser.Step(t, ed, "read the first link's views",
		chromedp.Navigate(s.URL+"/@home/quarterly-report/share/"),
		chromedp.WaitVisible(chromedp.CSS(`table.links`)),
		chromedp.Click(chromedp.CSS(`table.links tbody tr:last-child td:nth-child(3) a`)),
		chromedp.WaitVisible(chromedp.CSS(`#views`)),
	)
	if views := browser.Read(t, ed, chromedp.Text(chromedp.CSS(`#views`))); !strings.Contains(views, "auditor@example.com") {
		t.Errorf("the views list: %s", views)
	}
	checkPage(t, ed, "views")
	browser.Step(t, ed, "revoke the first link",
		chromedp.Navigate(s.URL+"/@home/quarterly-report/share/"),
		chromedp.WaitVisible(chromedp.CSS(`table.links`)),
		chromedp.Click(chromedp.CSS(`table.links tbody tr:last-child button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`table.links tbody tr:last-child td.revoked`)),
	)
	checkPage(t, ed, "share-revoked")
	browser.Step(t, v, "open the revoked link again", chromedp.Navigate(first), chromedp.WaitVisible(chromedp.CSS(`#error`)))
	if title := browser.Read(t, v, chromedp.Title()); !strings.Contains(title, "Not Found") {
		t.Errorf("a revoked link shows %q", title)
	}
}
