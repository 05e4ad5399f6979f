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

var shownSecret = regexp.MustCompile(`id="new-token" readonly value="(qt_[A-Za-z0-9_-]+)"`)

// The API tokens page with plain form posts: every form needs the session's CSRF token, the
// secret is shown on the answer to the create form alone, and a bad form changes nothing.
func TestTokensPageForms(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_RATE", apptest.FastRate))
	u := person(t, site, "Tia Tokens", "right password")
	b := newBrowser(t, site)
	b.signIn(u.Email, "right password", "/account")
	form := url.Values{"name": {"nightly export"}, "scopes": {"read", "pages:write"}, "expires": {"30"}}
	if p := b.post("/account/tokens", form); p.status != http.StatusForbidden || strings.Contains(p.body, "qt_") {
		t.Fatalf("create without the CSRF token: %d", p.status)
	}
	form.Set("csrf_token", b.csrf("/account/tokens"))
	p := b.post("/account/tokens", form)
	m := shownSecret.FindStringSubmatch(p.body)
	if p.status != 200 || m == nil || p.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d, Cache-Control %q, secret shown: %v\n%s", p.status, p.header.Get("Cache-Control"), m != nil, p.body)
	}
	secret := m[1]
	var debug struct {
		Token struct {
			ID        int64    `json:"id"`
			Name      string   `json:"name"`
			Scopes    []string `json:"scopes"`
			ExpiresAt *string  `json:"expires_at"`
		} `json:"token"`
	}
	site.Client(secret).Get("auth/debug/").Want(200).Decode(&debug)
	if debug.Token.Name != "nightly export" || len(debug.Token.Scopes) != 4 || debug.Token.ExpiresAt == nil {
		t.Errorf("the token made by the form: %+v, want read's three scopes and pages:write, expiring", debug.Token)
	}
	again := b.get("/account/tokens")
	if strings.Contains(again.body, secret) || !strings.Contains(again.body, "nightly export") {
		t.Errorf("the list after the secret was shown: secret there %v, name there %v", strings.Contains(again.body, secret),
			strings.Contains(again.body, "nightly export"))
	}

	// A form without a scope is shown again with the problem and what was typed.
	bad := url.Values{"csrf_token": {form.Get("csrf_token")}, "name": {"no scopes"}}
	if p := b.post("/account/tokens", bad); p.status != 400 || !strings.Contains(p.body, `id="error"`) || !strings.Contains(p.body, `value="no scopes"`) {
		t.Errorf("create without scopes: %d\n%s", p.status, p.body)
	}

	rename := fmt.Sprintf("/account/tokens/%d/rename", debug.Token.ID)
	if p := b.post(rename, url.Values{"csrf_token": {form.Get("csrf_token")}, "name": {"weekly export"}}); p.status != 303 {
		t.Errorf("rename: %d", p.status)
	}
	if !strings.Contains(b.get("/account/tokens").body, "weekly export") {
		t.Errorf("the list does not show the new name")
	}
	revoke := fmt.Sprintf("/account/tokens/%d/revoke", debug.Token.ID)
	if p := b.post(revoke, url.Values{}); p.status != 403 {
		t.Errorf("revoke without the CSRF token: %d", p.status)
	}
	site.Client(secret).Get("auth/debug/").Want(200)
	if p := b.post(revoke, url.Values{"csrf_token": {form.Get("csrf_token")}}); p.status != 303 {
		t.Errorf("revoke: %d", p.status)
	}
	site.Client(secret).Get("auth/debug/").Error(401, "invalid_token")
	// Someone else's token is not found.
	other := site.User("Olga Other")
	_, tok, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: other.ID, Name: "olga"})
	if err != nil {
		t.Fatal(err)
	}
	if p := b.post(fmt.Sprintf("/account/tokens/%d/revoke", tok.ID), url.Values{"csrf_token": {form.Get("csrf_token")}}); p.status != 404 {
		t.Errorf("revoking someone else's token: %d, want 404", p.status)
	}
}

// A person makes a token in the browser, sees it once, uses it, and revokes it, on a desktop
// and on a phone-sized screen.
func TestTokensInBrowser(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_RATE", apptest.FastRate))
	u := person(t, site, "Bea Browser", "right password")
	for _, width := range []int64{browser.Desktop, browser.Phone} {
		ctx := browser.New(t)
		browser.Viewport(t, ctx, width)
		name := fmt.Sprintf("script %d", width)
		browser.Step(t, ctx, "sign in and open the tokens page from the account page",
			chromedp.Navigate(site.URL+"/login?next=/account"),
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), u.Email),
			chromedp.SendKeys(chromedp.ID("password"), "right password"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.ID("tokens-link")),
			chromedp.Click(chromedp.ID("tokens-link")),
			chromedp.WaitVisible(chromedp.ID("new-token-form")),
		)
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("tokens-empty-%d", width))
		browser.Step(t, ctx, "make a token",
			chromedp.SendKeys(chromedp.ID("token-name"), name),
			chromedp.Click(chromedp.CSS(`input[value="comments:write"]`)),
			chromedp.SetValue(chromedp.ID("token-expires"), "90"),
			chromedp.Click(chromedp.ID("create-token")),
			chromedp.WaitVisible(chromedp.ID("new-token")),
		)
		secret := browser.Read(t, ctx, chromedp.Value(chromedp.ID("new-token")))
		if !strings.HasPrefix(secret, "qt_") {
			t.Fatalf("%d px: the secret shown is %q", width, secret)
		}
		browser.Axe(t, ctx)
		browser.Screenshot(t, ctx, fmt.Sprintf("tokens-secret-%d", width))
		api := site.Client(secret)
		api.Get("pages/all/").Want(200)
		if e := api.Post("pages/create/", map[string]any{"title": "x", "json": []any{[]any{}}}).Error(403, "missing_scope"); e["scope"] != "pages:write" {
			t.Errorf("%d px: the read token writing: %v", width, e)
		}
		browser.Step(t, ctx, "reload: the secret is gone",
			chromedp.Navigate(site.URL+"/account/tokens"),
			chromedp.WaitVisible(chromedp.ID("token-list")),
		)
		html := browser.Read(t, ctx, chromedp.OuterHTML(chromedp.CSS("html")))
		if strings.Contains(html, secret) || !strings.Contains(html, name) {
			t.Errorf("%d px: after a reload the secret is there: %v; the token is listed: %v", width, strings.Contains(html, secret), strings.Contains(html, name))
		}
		browser.Screenshot(t, ctx, fmt.Sprintf("tokens-list-%d", width))
		browser.Step(t, ctx, "revoke it",
			chromedp.Click(chromedp.CSS(`#token-list li:first-child button.danger`)),
			chromedp.WaitVisible(chromedp.ID("notice")),
		)
		if notice := browser.Read(t, ctx, chromedp.Text(chromedp.ID("notice"))); !strings.Contains(notice, "revoked") {
			t.Errorf("%d px: after revoking the page says %q", width, notice)
		}
		api.Get("pages/all/").Error(401, "invalid_token")
		browser.CSPViolations(t, ctx)
	}
}
