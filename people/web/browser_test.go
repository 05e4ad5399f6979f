package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/app/apptest"
)

// Until the shared browser harness (app/apptest/browser) lands, this file starts Chromium with
// chromedp directly; it fails, never skips, when Chromium cannot start.

func startBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:], chromedp.WindowSize(width, height))...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start Chromium (make test installs it): %v", err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

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

func shot(t *testing.T, ctx context.Context, name string) {
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

// A person signs in with a wrong and then the right password, sees their account, and signs
// out, on a desktop and on a phone-sized screen.
func TestSignInInBrowser(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Bo Browser", "right password")
	for _, width := range []int{1280, 375} {
		ctx := startBrowser(t, width, 900)
		run(t, ctx, "sign in with a wrong password",
			chromedp.Navigate(site.URL+"/login?next=/account"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), u.Email),
			chromedp.SendKeys(chromedp.ID("password"), "wrong password"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("error")),
		)
		if problem := read(t, ctx, chromedp.Text(chromedp.ID("error"))); problem != "Email or password is wrong." {
			t.Errorf("%d px: the error says %q", width, problem)
		}
		shot(t, ctx, fmt.Sprintf("login-wrong-%d", width))
		run(t, ctx, "sign in with the right password",
			chromedp.SendKeys(chromedp.ID("password"), "right password"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("account")),
		)
		if heading := read(t, ctx, chromedp.Text(chromedp.ID("account"))); heading != "Bo Browser" {
			t.Errorf("%d px: the account page is headed %q", width, heading)
		}
		shot(t, ctx, fmt.Sprintf("account-%d", width))
		run(t, ctx, "sign out",
			chromedp.Click(chromedp.ID("sign-out")),
			chromedp.WaitVisible(chromedp.ID("notice")),
		)
		if notice := read(t, ctx, chromedp.Text(chromedp.ID("notice"))); !strings.Contains(notice, "signed out") {
			t.Errorf("%d px: after signing out the page says %q", width, notice)
		}
		shot(t, ctx, fmt.Sprintf("signed-out-%d", width))
		run(t, ctx, "the account page signed out",
			chromedp.Navigate(site.URL+"/account"),
			chromedp.WaitVisible(chromedp.ID("email")),
		)
		if at := read(t, ctx, chromedp.Location()); !strings.Contains(at, "/login?next=") {
			t.Errorf("%d px: the account page after signing out is at %s, want the sign-in page", width, at)
		}
	}
}
