package web_test

// Browser tests on the shared harness (app/apptest/browser); a tab authenticates with an API
// token header until sessions land.

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"quire/app/apptest/browser"
)

// tabAs opens a tab whose every request, htmx's too, carries the API token.
func tabAs(t *testing.T, token string) context.Context {
	t.Helper()
	ctx := browser.New(t)
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"X-Auth-Token": token}}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// check runs axe and the CSP check on the page at both widths, with a screenshot of each.
func check(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, w := range []int64{browser.Desktop, browser.Phone} {
		browser.Viewport(t, ctx, w)
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, name+"-"+map[int64]string{browser.Desktop: "desktop", browser.Phone: "phone"}[w])
	}
	browser.CSPViolations(t, ctx)
	browser.Viewport(t, ctx, browser.Desktop)
}

// TestNavigateTreeInBrowser opens a folder of the sidebar (its contents fetched by htmx when it
// opens), follows a page in it, and goes back up by the breadcrumbs.
func TestNavigateTreeInBrowser(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	ctx := tabAs(t, w.site.OwnerTk)
	browser.Step(t, ctx, "open the site and the Handbook folder",
		chromedp.Navigate(w.site.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)),
		chromedp.Click(chromedp.CSS(`nav.sidebar details > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar details[open] .tree-children a[href="/@home/equipment/"]`)),
	)
	if link := browser.Read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('nav.sidebar > ul > li > details > .tree-children > a.tree-open').length`)); link != 0 {
		t.Errorf("the opened folder still shows its fallback link: htmx did not load it")
	}
	check(t, ctx, "tree-home")
	browser.Step(t, ctx, "open the Money subfolder, then a page",
		chromedp.Click(chromedp.CSS(`nav.sidebar details[open] details > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar a[href="/@home/travel/"]`)),
		chromedp.Click(chromedp.CSS(`nav.sidebar a[href="/@home/team-handbook/"]`)),
		chromedp.WaitVisible(chromedp.ID("page-title")),
	)
	if cur := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`nav.sidebar a[aria-current=page]`))); cur != "Team handbook" {
		t.Errorf("the sidebar marks %q", cur)
	}
	crumbs := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`nav.crumbs`)))
	if !strings.Contains(crumbs, "Home") || !strings.Contains(crumbs, "Handbook") || !strings.Contains(crumbs, "Team handbook") {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	browser.Step(t, ctx, "go up by the breadcrumbs",
		chromedp.Click(chromedp.CSS(`nav.crumbs li:nth-child(2) a`)),
		chromedp.WaitVisible(chromedp.CSS(`main .folder-contents`)),
	)
	if h := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); h != "Handbook" {
		t.Errorf("the breadcrumb led to %q", h)
	}
	check(t, ctx, "folder")
}

// TestReadPageInBrowser shows the page with every widget kind wide and at phone width, where the
// columns and the sidebar stack and nothing overflows sideways.
func TestReadPageInBrowser(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	ctx := tabAs(t, w.site.OwnerTk)
	browser.Step(t, ctx, "open the page",
		chromedp.Navigate(w.site.URL+"/@home/team-handbook/"),
		chromedp.WaitVisible(chromedp.CSS(`figure.image img`)),
	)
	for _, width := range []int64{browser.Desktop, browser.Phone} {
		browser.Viewport(t, ctx, width)
		if browser.Read(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
			t.Errorf("%d px: the page scrolls sideways", width)
		}
		cols := browser.Read(t, ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll('.column')].map(c => c.getBoundingClientRect().width)`))
		if len(cols) != 2 {
			t.Fatalf("%d columns", len(cols))
		}
		if share := cols[0] / (cols[0] + cols[1]); width == browser.Desktop && (share < 0.6 || share > 0.72) {
			t.Errorf("desktop: columns %v are not at 66/34", cols)
		}
		if width == browser.Phone && cols[0] != cols[1] {
			t.Errorf("phone: columns %v do not stack", cols)
		}
	}
	check(t, ctx, "page")

	browser.Step(t, ctx, "send the form empty, then post a comment",
		chromedp.SendKeys(chromedp.CSS(`.form input[type=email]`), "not an address"),
		chromedp.Click(chromedp.CSS(`.form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.form .field.invalid .field-error`)),
	)
	if n := browser.Read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('.form .field-error').length`)); n != 3 {
		t.Errorf("%d field errors, want 3 (name, email, the rules)", n)
	}
	browser.Axe(t, ctx)
	browser.Screenshot(t, ctx, "page-form-errors")
	browser.Step(t, ctx, "post a comment",
		chromedp.SendKeys(chromedp.CSS(`.comment-form textarea`), "Is the trip on a weekday?"),
		chromedp.Click(chromedp.CSS(`.comment-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.posts .post-body`)),
	)
	if got := browser.Read(t, ctx, chromedp.Text(chromedp.CSS(`.posts .post-body`))); !strings.Contains(got, "Is the trip on a weekday?") {
		t.Errorf("the comment shows %q", got)
	}
	browser.CSPViolations(t, ctx)
}

// TestFrameByKeyboard: the first Tab reaches the skip link, which shows; the switcher and the user
// menu open from the keyboard at phone width.
func TestFrameByKeyboard(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	w.site.Subsite("Engineering", "eng")
	ctx := tabAs(t, w.site.OwnerTk)
	browser.Viewport(t, ctx, browser.Phone)
	browser.Step(t, ctx, "tab to the skip link",
		chromedp.Navigate(w.site.URL+"/@home/team-handbook/"),
		chromedp.WaitVisible(chromedp.ID("page-title")),
		chromedp.KeyEvent("\t"),
	)
	got := browser.Read(t, ctx, chromedp.Evaluate[string](`document.activeElement.className + ' ' + document.activeElement.getBoundingClientRect().top`))
	if !strings.HasPrefix(got, "skip ") || strings.HasPrefix(got, "skip -") {
		t.Errorf("the first Tab focuses %q, want the skip link, on screen", got)
	}
	browser.Step(t, ctx, "open the switcher by keyboard",
		chromedp.Focus(chromedp.CSS(`details.switcher summary`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`details.switcher[open] nav a[href="/@eng/"]`)),
	)
	browser.Screenshot(t, ctx, "frame-switcher-phone")
	browser.Step(t, ctx, "open the user menu by keyboard",
		chromedp.Focus(chromedp.CSS(`details.user summary`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`details.user[open] a[href="/account"]`)),
	)
	browser.Axe(t, ctx)
	browser.Screenshot(t, ctx, "frame-user-phone")
}

// TestTopbarMenusExclusiveInBrowser: at a phone's width, opening the user menu closes the
// subsite switcher and the other way round (one name, an exclusive group of <details>), so the
// two never cover each other; no script is involved.
func TestTopbarMenusExclusiveInBrowser(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	ctx := tabAs(t, w.site.OwnerTk)
	browser.Viewport(t, ctx, browser.Phone)
	open := `[...document.querySelectorAll('header.topbar details')].filter(d => d.open).map(d => d.className).join(',')`
	browser.Step(t, ctx, "open the switcher",
		chromedp.Navigate(w.site.URL+"/@home/"),
		chromedp.Click(chromedp.CSS(`details.switcher > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.switcher nav`)),
	)
	if got := browser.Read(t, ctx, chromedp.Evaluate[string](open)); got != "switcher menu" {
		t.Errorf("after opening the switcher, open: %q", got)
	}
	browser.Step(t, ctx, "open the user menu", chromedp.Click(chromedp.CSS(`details.user > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.user ul`)))
	if got := browser.Read(t, ctx, chromedp.Evaluate[string](open)); got != "user menu" {
		t.Errorf("after opening the user menu, open: %q", got)
	}
	browser.Screenshot(t, ctx, "topbar-user-menu-phone")
	browser.Step(t, ctx, "the switcher again", chromedp.Click(chromedp.CSS(`details.switcher > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`details.switcher nav`)))
	if got := browser.Read(t, ctx, chromedp.Evaluate[string](open)); got != "switcher menu" {
		t.Errorf("after opening the switcher again, open: %q", got)
	}
	browser.Axe(t, ctx)
	browser.CSPViolations(t, ctx)
}
