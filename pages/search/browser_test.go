package search_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"quire/app/apptest/browser"
)

// TestSearchInBrowser types in the top bar's box as a signed-in member, sees the suggestions and
// reaches them by keyboard, submits, sees the results grouped with their matches marked (and
// nothing of a subsite she is not in), then walks to the second page of another search and back
// with the browser's back button. axe and the CSP check run on the results page at both widths.
func TestSearchInBrowser(t *testing.T) {
	t.Parallel()
	w := seedSearch(t)
	ctx := browser.New(t)
	session := w.site.SignIn(w.vera)
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
		Name: session.Cookie.Name, Value: session.Cookie.Value, URL: w.site.URL}); err != nil {
		t.Fatal(err)
	}
	browser.Step(t, ctx, "open the home subsite, signed in",
		chromedp.Navigate(w.site.URL+"/@home/"),
		chromedp.WaitVisible(chromedp.ID("q")),
	)
	browser.Step(t, ctx, "type in the box and see suggestions",
		chromedp.SendKeys(chromedp.ID("q"), "holiday boo"),
		chromedp.WaitVisible(chromedp.CSS(`#search-suggestions a[href="/@home/holiday-booking/"]`)),
	)
	browser.Screenshot(t, ctx, "search-suggestions")
	browser.Step(t, ctx, "reach the first suggestion with Tab", chromedp.KeyEvent(kb.Tab))
	if href := browser.Read(t, ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute("href")`)); href != "/@home/holiday-booking/" {
		t.Errorf("Tab from the box focuses %q, not the first suggestion", href)
	}
	browser.Step(t, ctx, "submit a search from the box",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("q").value = ""`),
		chromedp.SendKeys(chromedp.ID("q"), "holiday"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.result-group`)),
	)
	if loc := browser.Read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/search?q=holiday") {
		t.Errorf("the results are at %s, not a URL carrying the query", loc)
	}
	heads := browser.Read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".result-group h2")].map(h => h.firstChild.textContent.trim())`))
	if strings.Join(heads, ",") != "Pages,Files,People,Form entries,Comments" {
		t.Errorf("groups %q", heads)
	}
	if marks := browser.Read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".snippet mark")].map(m => m.textContent)`)); len(marks) == 0 || !strings.EqualFold(marks[0], "holiday") {
		t.Errorf("marks %q", marks)
	}
	main := browser.Read(t, ctx, chromedp.Text(chromedp.ID("main")))
	if !strings.Contains(main, "<script>alert(1)</script> holiday") || strings.Contains(main, "Holiday secrets") {
		t.Errorf("the results show %q", main)
	}
	if v := browser.Read(t, ctx, chromedp.Evaluate[string](`document.getElementById("q").value`)); v != "holiday" {
		t.Errorf("the box holds %q", v)
	}
	for _, width := range []int64{browser.Desktop, browser.Phone} {
		browser.Viewport(t, ctx, width)
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, map[int64]string{browser.Desktop: "search-results-1280", browser.Phone: "search-results-375"}[width])
	}
	browser.CSPViolations(t, ctx)
	browser.Viewport(t, ctx, browser.Desktop)

	browser.Step(t, ctx, "search for the trip notes and go to their second page",
		chromedp.Evaluate[chromedp.Void](`document.getElementById("q").value = ""`),
		chromedp.SendKeys(chromedp.ID("q"), "trip note"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`a[rel=next]`)),
		chromedp.Click(chromedp.CSS(`a[rel=next]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[rel=prev]`)),
	)
	second := browser.Read(t, ctx, chromedp.Location())
	if !strings.Contains(second, "page=2") || !strings.Contains(second, "q=trip+note") {
		t.Errorf("page 2 is at %s", second)
	}
	browser.Screenshot(t, ctx, "search-page-2")
	// Page 2, the last, has no next link.
	browser.Step(t, ctx, "go back with the browser", chromedp.Evaluate[chromedp.Void](`history.back()`))
	waitFor(t, ctx, `document.querySelector("a[rel=next]") !== null`)
	if loc := browser.Read(t, ctx, chromedp.Location()); !strings.HasSuffix(loc, "/search?q=trip+note") {
		t.Errorf("back leads to %s", loc)
	}
	if n := browser.Read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".result").length`)); n != 20 {
		t.Errorf("page 1 shows %d results after going back", n)
	}
	browser.Step(t, ctx, "go forward again", chromedp.Evaluate[chromedp.Void](`history.forward()`))
	waitFor(t, ctx, `document.querySelector("a[rel=prev]") !== null`)
}

// waitFor polls expression in the tab until it is true, within browser.Timeout. It is for a
// page the browser's history brings back (history.back()): chromedp's NavigateBack waits for a
// load event that a page restored from the back-forward cache never fires, and its node queries
// and Poll keep to the execution context of the document before, so an evaluation may fail while
// chromedp catches up with the new one.
func waitFor(t *testing.T, ctx context.Context, expression string) {
	t.Helper()
	deadline := time.Now().Add(browser.Timeout)
	for {
		tctx, cancel := context.WithTimeout(ctx, time.Second)
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](expression))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is not true after %s (last error: %v)", expression, browser.Timeout, err)
		}
		time.Sleep(50 * time.Millisecond) // the tick of a poll with a deadline
	}
}
