package web_test

// Browser tests with chromedp directly, until app/apptest/browser (one shared Chromium, a context
// per person, Screenshot, Axe) lands; they authenticate with an API token header until sessions do.

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browserAs starts headless Chromium whose every request carries the API token.
func browserAs(t *testing.T, token string, width, height int) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.WindowSize(width, height))...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
		Headers: network.Headers{"X-Auth-Token": token}}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func value[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// shot saves a full-page PNG under QUIRE_SCREENSHOTS (or the test's temporary directory).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := value(t, ctx, chromedp.FullScreenshot(100))
	dir := os.Getenv("QUIRE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNavigateTreeInBrowser opens a folder of the sidebar, follows it to a page, and goes back up
// by the breadcrumbs. (Without script, opening a folder shows the link to the folder's page.)
func TestNavigateTreeInBrowser(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	ctx := browserAs(t, w.site.OwnerTk, 1280, 900)
	do(t, ctx, "open the subsite home and a folder",
		chromedp.Navigate(w.site.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar`)),
		chromedp.Click(chromedp.CSS(`nav.sidebar details > summary`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.sidebar details[open] .tree-children a`)),
	)
	shot(t, ctx, "tree-home-1280")
	do(t, ctx, "follow the folder and a page in it",
		chromedp.Click(chromedp.CSS(`nav.sidebar details[open] .tree-children a`)),
		chromedp.WaitVisible(chromedp.CSS(`main h1`)),
		chromedp.Click(chromedp.CSS(`main .folder-contents a[href$="/team-handbook/"]`)),
		chromedp.WaitVisible(chromedp.ID("page-title")),
	)
	if cur := value(t, ctx, chromedp.Text(chromedp.CSS(`nav.sidebar a[aria-current=page]`))); cur != "Team handbook" {
		t.Errorf("the sidebar marks %q", cur)
	}
	crumbs := value(t, ctx, chromedp.Text(chromedp.CSS(`nav.crumbs`)))
	if !strings.Contains(crumbs, "Home") || !strings.Contains(crumbs, "Handbook") || !strings.Contains(crumbs, "Team handbook") {
		t.Errorf("breadcrumbs %q", crumbs)
	}
	do(t, ctx, "go up by the breadcrumbs",
		chromedp.Click(chromedp.CSS(`nav.crumbs li:nth-child(2) a`)),
		chromedp.WaitVisible(chromedp.CSS(`main .folder-contents`)),
	)
	if h := value(t, ctx, chromedp.Text(chromedp.CSS(`main h1`))); h != "Handbook" {
		t.Errorf("the breadcrumb led to %q", h)
	}
}

// TestReadPageInBrowser shows the page with every widget kind wide and at 375 px, where the
// columns and the sidebar stack and nothing overflows sideways.
func TestReadPageInBrowser(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	for _, width := range []int{1280, 375} {
		ctx := browserAs(t, w.site.OwnerTk, width, 900)
		do(t, ctx, "open the page",
			chromedp.Navigate(w.site.URL+"/@home/team-handbook/"),
			chromedp.WaitVisible(chromedp.CSS(`figure.image img`)),
		)
		shot(t, ctx, "page-"+map[int]string{1280: "1280", 375: "375"}[width])
		overflow := value(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if overflow {
			t.Errorf("%d px: the page scrolls sideways", width)
		}
		cols := value(t, ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll('.column')].map(c => c.getBoundingClientRect().width)`))
		if len(cols) != 2 {
			t.Fatalf("%d columns", len(cols))
		}
		if width == 1280 && (cols[0]/(cols[0]+cols[1]) < 0.6 || cols[0]/(cols[0]+cols[1]) > 0.72) {
			t.Errorf("1280 px: columns %v are not at 66/34", cols)
		}
		if width == 375 && cols[0] != cols[1] {
			t.Errorf("375 px: columns %v do not stack", cols)
		}
	}
}

// TestFrameByKeyboard: the first Tab reaches the skip link, which shows; the switcher and the user
// menu open from the keyboard at 375 px.
func TestFrameByKeyboard(t *testing.T) {
	t.Parallel()
	w := seedWiki(t)
	w.site.Subsite("Engineering", "eng")
	ctx := browserAs(t, w.site.OwnerTk, 375, 700)
	do(t, ctx, "tab to the skip link",
		chromedp.Navigate(w.site.URL+"/@home/team-handbook/"),
		chromedp.WaitVisible(chromedp.ID("page-title")),
		chromedp.KeyEvent("\t"),
	)
	if got := value(t, ctx, chromedp.Evaluate[string](`document.activeElement.className + ' ' + document.activeElement.getBoundingClientRect().top`)); !strings.HasPrefix(got, "skip ") || strings.HasPrefix(got, "skip -") {
		t.Errorf("the first Tab focuses %q, want the skip link, on screen", got)
	}
	shot(t, ctx, "frame-skip-375")
	do(t, ctx, "open the switcher and the user menu by keyboard",
		chromedp.Focus(chromedp.CSS(`details.switcher summary`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`details.switcher[open] nav a[href="/@eng/"]`)),
	)
	shot(t, ctx, "frame-switcher-375")
	do(t, ctx, "the user menu",
		chromedp.Focus(chromedp.CSS(`details.user summary`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`details.user[open] a[href="/account"]`)),
	)
	shot(t, ctx, "frame-user-375")
}
