package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
)

func TestMain(m *testing.M) { browser.Main(m) }

// A person signs in with a wrong and then the right password, sees their account, and signs
// out, on a desktop and on a phone-sized screen.
func TestSignInInBrowser(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Bo Browser", "right password")
	for _, width := range []int64{browser.Desktop, browser.Phone} {
		ctx := browser.New(t)
		browser.Viewport(t, ctx, width)
		browser.Step(t, ctx, "sign in with a wrong password",
			chromedp.Navigate(site.URL+"/login?next=/account"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), u.Email),
			chromedp.SendKeys(chromedp.ID("password"), "wrong password"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("error")),
		)
		if problem := browser.Read(t, ctx, chromedp.Text(chromedp.ID("error"))); problem != "Email or password is wrong." {
			t.Errorf("%d px: the error says %q", width, problem)
		}
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("login-wrong-%d", width))
		browser.Step(t, ctx, "sign in with the right password",
			chromedp.SendKeys(chromedp.ID("password"), "right password"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("account")),
		)
		if heading := browser.Read(t, ctx, chromedp.Text(chromedp.ID("account"))); heading != "Bo Browser" {
			t.Errorf("%d px: the account page is headed %q", width, heading)
		}
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("account-%d", width))
		browser.Step(t, ctx, "sign out",
			chromedp.Click(chromedp.ID("sign-out")),
			chromedp.WaitVisible(chromedp.ID("notice")),
		)
		if notice := browser.Read(t, ctx, chromedp.Text(chromedp.ID("notice"))); !strings.Contains(notice, "signed out") {
			t.Errorf("%d px: after signing out the page says %q", width, notice)
		}
		browser.Screenshot(t, ctx, fmt.Sprintf("signed-out-%d", width))
		browser.Step(t, ctx, "the account page signed out",
			chromedp.Navigate(site.URL+"/account"),
			chromedp.WaitVisible(chromedp.ID("email")),
		)
		if at := browser.Read(t, ctx, chromedp.Location()); !strings.Contains(at, "/login?next=") {
			t.Errorf("%d px: the account page after signing out is at %s, want the sign-in page", width, at)
		}
		browser.CSPViolations(t, ctx)
	}
}
