package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"quire/people"
)

// This file drives Chromium directly until the shared harness (app/apptest/browser) lands; it
// then moves to it. Until sessions land, the browser signs in with an API token header.

// browserAs starts headless Chromium whose every request carries token.
func browserAs(t *testing.T, token string) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.DefaultExecAllocatorOptions[:]...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{
			Headers: network.Headers{"X-Auth-Token": token}})
		return err
	}))
	if err != nil {
		t.Fatalf("start Chromium (make test installs it): %v", err)
	}
	return ctx
}

// do runs actions with a deadline, so that a page that never shows fails instead of hanging.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

// shoot saves the page at each width as PNG under QUIRE_SCREENSHOTS (or the test's temporary
// directory).
func shoot(t *testing.T, ctx context.Context, name string, widths ...int64) {
	t.Helper()
	dir := os.Getenv("QUIRE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	for _, w := range widths {
		do(t, ctx, "resize", chromedp.EmulateViewport(w, 800))
		tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		png, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, w)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	do(t, ctx, "resize", chromedp.EmulateViewport(1280, 800))
}

// TestHistoryInBrowser opens a page's history, follows an edit to its diff, restores the older
// version and finds it on the page.
func TestHistoryInBrowser(t *testing.T) {
	t.Parallel()
	site, _, c, p := historySite(t, "<p>Lunch is at noon in the <b>big room</b>.</p><p>Bring a cup.</p>")
	v1 := p.JSON[0][0]
	edit(t, c, p, v1.ID, "<p>Lunch is at one in the <b>big room</b>.</p><p>Bring a cup and a plate.</p>")
	ctx := browserAs(t, site.OwnerTk)
	base := site.URL + "/@" + people.DefaultSlug

	do(t, ctx, "open the history", chromedp.EmulateViewport(1280, 800),
		chromedp.Navigate(base+historyPath(p)), chromedp.WaitVisible(chromedp.ID("timeline")))
	if first := text(t, ctx, "#timeline li a"); first != "Text edited" {
		t.Errorf("newest change %q, want the edit", first)
	}
	shoot(t, ctx, "history", 1280, 375)

	do(t, ctx, "open the edit's diff", chromedp.Click(chromedp.CSS("#timeline li a")), chromedp.WaitVisible(chromedp.ID("diff")))
	if del, ins := text(t, ctx, "#diff del"), text(t, ctx, "#diff ins"); !strings.Contains(del, "noon") || !strings.Contains(ins, "one") {
		t.Errorf("diff shows removed %q and added %q, want noon removed and one added", del, ins)
	}
	shoot(t, ctx, "history-diff", 1280, 375)

	do(t, ctx, "restore version 1", chromedp.Click(chromedp.CSS(".restore button")), chromedp.WaitVisible(chromedp.ID("restored")))
	if got := text(t, ctx, "#restored"); got != "Version 1 was restored as version 3." {
		t.Errorf("after the restore the page says %q", got)
	}
	shoot(t, ctx, "history-restored", 1280, 375)
	// The page answers the restored text. (The page view comes with web-read's frame.)
	var page pageRef
	c.Get(fmt.Sprintf("pages/get/%d/", p.ID)).Want(200).Decode(&page)
	if got := page.JSON[0][0].HTML; got != v1.HTML {
		t.Errorf("the page holds %q after the restore, want %q", got, v1.HTML)
	}
}
