package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
	"quire/people"
)

var resetLinkShown = regexp.MustCompile(`<input id="reset-link" readonly value="([^"]+)">`)

// TestPeoplePageResetLink: an owner lists the site's people and makes a reset link for one,
// shown once in the answer; the link then opens the reset form. Anyone else, and the page on a
// subsite's URL, get the web's 404.
func TestPeoplePageResetLink(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ann := person(t, site, "Ann Archer", "ann's password")
	owner := newBrowser(t, site)
	owner.header.Set("Cookie", site.SignIn(site.Owner).Cookie.String())
	list := owner.get("/-/people/")
	if list.status != http.StatusOK || !strings.Contains(list.body, "<strong>Ann Archer</strong>") ||
		!strings.Contains(list.body, fmt.Sprintf(`action="/-/people/%d/reset-link/"`, ann.ID)) ||
		!strings.Contains(list.body, `<a href="/-/people/">People</a>`) || resetLinkShown.MatchString(list.body) {
		t.Fatalf("people page: %d %.3000s", list.status, list.body)
	}
	token := csrfField.FindStringSubmatch(list.body)[1]
	made := owner.post(fmt.Sprintf("/-/people/%d/reset-link/", ann.ID), url.Values{"csrf_token": {token}})
	m := resetLinkShown.FindStringSubmatch(made.body)
	if made.status != http.StatusOK || m == nil || !strings.Contains(made.body, "Reset link for <strong>Ann Archer</strong>") ||
		made.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("after making a link: %d %q %.3000s", made.status, made.header.Get("Cache-Control"), made.body)
	}
	link := strings.TrimPrefix(m[1], site.URL)
	anon := newBrowser(t, site)
	if p := anon.get(link); p.status != http.StatusOK || !strings.Contains(p.body, "password") {
		t.Errorf("the reset link %s: %d", link, p.status)
	}
	if again := owner.get("/-/people/"); resetLinkShown.MatchString(again.body) {
		t.Errorf("the link is shown again")
	}
	if p := owner.post("/-/people/999999/reset-link/", url.Values{"csrf_token": {token}}); p.status != http.StatusNotFound {
		t.Errorf("a reset link for no one: %d", p.status)
	}
	if p := owner.get("/@home/-/people/"); p.status != http.StatusNotFound {
		t.Errorf("on a subsite's URL: %d", p.status)
	}

	_, _ = site.Member("Bob Member", site.Home(), people.RoleAdmin)
	member := newBrowser(t, site)
	member.header.Set("Cookie", site.SignIn(ann).Cookie.String())
	if p := member.get("/-/people/"); p.status != http.StatusNotFound || strings.Contains(p.body, "Ann Archer</strong>") {
		t.Errorf("a non-owner sees the people page: %d", p.status)
	}
	mt := csrfField.FindStringSubmatch(member.get("/account").body)[1]
	if p := member.post(fmt.Sprintf("/-/people/%d/reset-link/", ann.ID), url.Values{"csrf_token": {mt}}); p.status != http.StatusNotFound {
		t.Errorf("a non-owner makes a reset link: %d", p.status)
	}
}

// TestPeoplePageInBrowser: the owner opens People from the user menu, makes a reset link and
// sees it, at 1280 and 375 px, axe-clean.
func TestPeoplePageInBrowser(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	person(t, site, "Ann Archer", "ann's password")
	site.SetPassword(site.Owner, "owner password")
	for _, width := range []int64{browser.Desktop, browser.Phone} {
		ctx := browser.New(t)
		browser.Viewport(t, ctx, width)
		browser.Step(t, ctx, "sign in",
			chromedp.Navigate(site.URL+"/login?next=/"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), site.Owner.Email),
			chromedp.SendKeys(chromedp.ID("password"), "owner password"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("details.user")),
		)
		browser.Step(t, ctx, "open People from the user menu",
			chromedp.Click(chromedp.CSS("details.user > summary")),
			chromedp.Click(chromedp.CSS(`details.user a[href="/-/people/"]`)),
			chromedp.WaitVisible(chromedp.CSS(".people-list")),
		)
		browser.Axe(t, ctx)
		browser.Step(t, ctx, "make Ann's reset link",
			chromedp.Click(chromedp.CSS(`.people-list li:first-child button`)),
			chromedp.WaitVisible(chromedp.ID("reset-link")),
		)
		if v := browser.Read(t, ctx, chromedp.Evaluate[string](`document.getElementById('reset-link').value`)); !strings.HasPrefix(v, site.URL+"/password/reset/") {
			t.Errorf("%d px: the link shown is %q", width, v)
		}
		if browser.Read(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
			t.Errorf("%d px: the people page scrolls sideways", width)
		}
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("people-reset-link-%d", width))
		browser.CSPViolations(t, ctx)
	}
}
