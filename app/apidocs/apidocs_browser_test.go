package apidocs_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"quire/app/apptest"
	"quire/app/apptest/browser"
	"quire/people"
)

// TestMain closes the browser the browser tests share when they end.
func TestMain(m *testing.M) { browser.Main(m) }

// requests records the URL of every request the tab makes, for offsite.
type requests struct {
	sync.Mutex
	urls []string
}

// watch opens a tab that records its requests, signed in as u when u is not nil.
func watch(t *testing.T, site *apptest.Site, u *people.User) (context.Context, *requests) {
	t.Helper()
	ctx := browser.New(t)
	seen := &requests{}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			seen.Lock()
			seen.urls = append(seen.urls, e.Request.URL)
			seen.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	browser.Step(t, ctx, "watch the network", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	}))
	if u != nil {
		cookie := site.SignIn(u).Cookie
		browser.Step(t, ctx, "sign in "+u.Name, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetCookie, network.SetCookieParams{Name: cookie.Name, Value: cookie.Value, URL: site.URL})
			return err
		}))
	}
	return ctx, seen
}

// offsite returns the requests that went anywhere but the loopback test server.
func (r *requests) offsite(site string) []string {
	r.Lock()
	defer r.Unlock()
	var out []string
	for _, raw := range r.urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && !strings.HasPrefix(raw, site+"/")) {
			out = append(out, raw)
		}
	}
	return out
}

// rendered waits until Scalar has rendered the document: the introduction of the document.
func rendered(t *testing.T, ctx context.Context) {
	t.Helper()
	browser.Read(t, ctx, chromedp.Poll[bool](`document.querySelector("#docs") !== null && document.querySelector("#docs").innerText.includes("The REST API of Quire")`))
}

// TestDocsUnderCSP renders /docs for a signed-in person in Chromium under the web UI's strict
// CSP: Scalar draws the API's operations inside the frame (top bar with the person's menu), meets
// no CSP violation and fetches nothing but from the test server (no fonts or scripts from a CDN,
// no proxy, no telemetry), at both widths. (Not axe: Scalar's own markup has findings of its own,
// such as a second <main> and a combobox without aria-expanded.)
func TestDocsUnderCSP(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx, seen := watch(t, site, site.Owner)
	browser.Step(t, ctx, "open /docs", chromedp.Navigate(site.URL+"/docs"))
	rendered(t, ctx)
	if name := browser.Read(t, ctx, chromedp.Evaluate[string](`document.querySelector("header.topbar .user summary")?.innerText || ""`)); !strings.Contains(name, site.Owner.Name) {
		t.Errorf("the top bar's account menu reads %q, want the signed-in person's name", name)
	}
	browser.Screenshot(t, ctx, "docs-desktop")
	browser.Viewport(t, ctx, browser.Phone)
	browser.Screenshot(t, ctx, "docs-phone")
	browser.CSPViolations(t, ctx)
	if off := seen.offsite(site.URL); len(off) > 0 {
		t.Errorf("the page fetched from outside the test server: %q", off)
	}
}

// TestDocsForVisitors shows /docs to someone signed out, with a link to sign in, and no page at a
// subsite's URL (/@slug/docs), where the web's 404 never says whether the subsite exists.
func TestDocsForVisitors(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx, seen := watch(t, site, nil)
	browser.Step(t, ctx, "open /docs", chromedp.Navigate(site.URL+"/docs"))
	rendered(t, ctx)
	if href := browser.Read(t, ctx, chromedp.Evaluate[string](`document.querySelector("main a[href^='/login']")?.getAttribute("href") || ""`)); href != "/login?next=%2Fdocs" {
		t.Errorf("sign-in link %q, want /login?next=%%2Fdocs", href)
	}
	browser.CSPViolations(t, ctx)
	if off := seen.offsite(site.URL); len(off) > 0 {
		t.Errorf("the page fetched from outside the test server: %q", off)
	}
	site.Subsite("Secret", "secret")
	for _, path := range []string{"/@secret/docs", "/@nowhere/docs"} {
		resp, err := http.Get(site.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s signed out: %d, want 404", path, resp.StatusCode)
		}
	}
}
