package people_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
)

func TestAcceptInvitationInBrowser(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	site.Client(site.OwnerTk).SiteWide().Post("people/invite/", map[string]any{"email_address": "mae@example.com", "name": "Mae"}).Want(200)
	link := inviteLink.FindString(outbox(t, site)[0].Body)
	ctx := browser.New(t)

	browser.Step(t, ctx, "open the invitation", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("password")))
	for _, w := range []int64{browser.Desktop, browser.Phone} {
		browser.Viewport(t, ctx, w)
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, "invite-"+map[int64]string{browser.Desktop: "desktop", browser.Phone: "phone"}[w])
	}
	browser.Viewport(t, ctx, browser.Desktop)

	browser.Step(t, ctx, "fill the form with two different passwords",
		chromedp.Clear(chromedp.ID("name")),
		chromedp.SendKeys(chromedp.ID("name"), "Mae Jemison"),
		chromedp.SendKeys(chromedp.ID("password"), "to the stars 1"),
		chromedp.SendKeys(chromedp.ID("confirm"), "to the stars 2"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.ID("error")),
	)
	if problem := browser.Read(t, ctx, chromedp.Text(chromedp.ID("error"))); !strings.Contains(problem, "passwords differ") {
		t.Errorf("error shown: %q, want that the passwords differ", problem)
	}
	browser.Axe(t, ctx)
	browser.Screenshot(t, ctx, "invite-error")

	name := browser.Read(t, ctx, chromedp.Value(chromedp.ID("name")))
	browser.Step(t, ctx, "fill the form again",
		chromedp.SendKeys(chromedp.ID("password"), "to the stars 1"),
		chromedp.SendKeys(chromedp.ID("confirm"), "to the stars 1"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
	)
	// Accepting signs the person in and takes them to the front page, which leads to the first
	// subsite they belong to (pages/web).
	at, front := "", site.URL+"/@home/"
	for deadline := time.Now().Add(browser.Timeout); at != front && time.Now().Before(deadline); {
		at, _ = chromedp.Run(ctx, chromedp.Location()) // fails while the page navigates: ask again
	}
	if at != front {
		t.Errorf("after accepting, the browser is at %q, want the front page's subsite home %s", at, front)
	}
	browser.Step(t, ctx, "the account page, signed in", chromedp.Navigate(site.URL+"/account"), chromedp.WaitVisible(chromedp.ID("account")))
	if heading := browser.Read(t, ctx, chromedp.Text(chromedp.ID("account"))); name != "Mae Jemison" || heading != "Mae Jemison" {
		t.Errorf("the form kept name %q and the account page is headed %q; want the name typed, signed in", name, heading)
	}
	browser.Axe(t, ctx)
	browser.CSPViolations(t, ctx)
	browser.Screenshot(t, ctx, "invite-done")
	if _, err := site.Inst.People.CheckPassword(context.Background(), "mae@example.com", "to the stars 1"); err != nil {
		t.Errorf("the password set in the browser does not work: %v", err)
	}
}
