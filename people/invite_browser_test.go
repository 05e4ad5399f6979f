package people_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/app/apptest"
)

// browser starts headless Chromium for the test. Chromium must be installed (`make test` does
// it); a browser that cannot start fails the test rather than skipping it.
func browser(t *testing.T) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.WindowSize(900, 800))...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, bound to ctx
		t.Fatalf("start Chromium (make test installs it): %v", err)
	}
	return ctx
}

// step runs actions with a deadline, so that a page that never shows fails instead of hanging.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// read runs one action that reads a value.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// screenshot saves the page as PNG (quality 100 asks for PNG; below it Chromium writes JPEG) under QUIRE_SCREENSHOTS (or the test's temporary directory).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png := read(t, ctx, chromedp.FullScreenshot(100))
	dir := os.Getenv("QUIRE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestAcceptInvitationInBrowser(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Client(site.OwnerTk).SiteWide().Post("people/invite/", map[string]any{"email_address": "mae@example.com", "name": "Mae"}).Want(200)
	link := inviteLink.FindString(outbox(t, site)[0].Body)
	ctx := browser(t)

	step(t, ctx, "fill the form with two different passwords",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.Clear(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Mae Jemison"),
		chromedp.SendKeys(chromedp.ID("password"), "to the stars 1"),
		chromedp.SendKeys(chromedp.ID("confirm"), "to the stars 2"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if problem := read(t, ctx, chromedp.Text(chromedp.ID("error"))); !strings.Contains(problem, "passwords differ") {
		t.Errorf("error shown: %q, want that the passwords differ", problem)
	}
	screenshot(t, ctx, "invite-error")

	name := read(t, ctx, chromedp.Value(chromedp.ID("name")))
	step(t, ctx, "fill the form again",
		chromedp.SendKeys(chromedp.ID("password"), "to the stars 1"),
		chromedp.SendKeys(chromedp.ID("confirm"), "to the stars 1"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	)
	// Accepting signs the person in and takes them to the front page.
	at := ""
	for deadline := time.Now().Add(20 * time.Second); at != site.URL+"/" && time.Now().Before(deadline); {
		at, _ = chromedp.Run(ctx, chromedp.Location()) // fails while the page navigates: ask again
	}
	if at != site.URL+"/" {
		t.Errorf("after accepting, the browser is at %q, want the front page", at)
	}
	step(t, ctx, "the account page, signed in", chromedp.Navigate(site.URL+"/account"), chromedp.WaitVisible(chromedp.ID("account")))
	if heading := read(t, ctx, chromedp.Text(chromedp.ID("account"))); name != "Mae Jemison" || heading != "Mae Jemison" {
		t.Errorf("the form kept name %q and the account page is headed %q; want the name typed, signed in", name, heading)
	}
	screenshot(t, ctx, "invite-done")
	if _, err := site.Inst.People.CheckPassword(context.Background(), "mae@example.com", "to the stars 1"); err != nil {
		t.Errorf("the password set in the browser does not work: %v", err)
	}
}
