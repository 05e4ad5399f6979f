package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quire/app/apptest"
)

// TestFlashMessages: creating a page, saving its settings, trashing and restoring it each lead
// to a page that says so once, in a role="status" line; the cookie that carried the message is
// cleared by the page that shows it, and a cookie with a made-up message shows nothing.
func TestFlashMessages(t *testing.T) {
	t.Parallel()
	e := startEditSite(t)
	follow := func(what string, res *apptest.Response, want string) {
		t.Helper()
		var flash *http.Cookie
		for _, ck := range (&http.Response{Header: res.Header}).Cookies() {
			if ck.Name == "quire_flash" {
				flash = ck
			}
		}
		if flash == nil || flash.MaxAge <= 0 || !flash.HttpOnly || flash.SameSite != http.SameSiteLaxMode {
			t.Fatalf("%s: flash cookie %+v", what, flash)
		}
		c := withHeader(e.web, "Cookie", flash.Name+"="+flash.Value)
		shown := editGet(c, res.Header.Get("Location"), false).Want(200)
		if body := string(shown.Body); !strings.Contains(body, `<p class="flash" role="status">`+want+`</p>`) {
			t.Errorf("%s: the page after does not say %q: %.2000s", what, want, body)
		}
		if sc := shown.Header.Get("Set-Cookie"); !strings.Contains(sc, "quire_flash=;") || !strings.Contains(sc, "Max-Age=0") {
			t.Errorf("%s: the page that shows the message does not clear it: %q", what, sc)
		}
	}
	made := editPost(e.web, "/@home/-/new/", url.Values{"title": {"Rota"}, "layout": {"100"}}, false).Want(303)
	follow("create", made, "Page created. Add its first paragraph or heading below.")
	saved := editPost(e.web, "/@home/rota/settings/", url.Values{"title": {"Rota 2027"}, "layout": {"100"}}, false).Want(303)
	if loc := saved.Header.Get("Location"); loc != "/@home/rota-2027/" {
		t.Errorf("settings saved lead to %q, not the page", loc)
	}
	follow("settings", saved, "Page settings saved.")
	trashed := editPost(e.web, "/@home/rota-2027/delete/", nil, false).Want(303)
	follow("trash", trashed, "Page moved to the trash. Restore it from here.")
	restored := editPost(e.web, fmt.Sprintf("/@home/-/trash/%d/restore/", e.pageID+1), nil, false).Want(303)
	follow("restore", restored, "Page restored from the trash.")

	// Without the cookie, and with one that names no message, no status line.
	for _, cookie := range []string{"", "quire_flash=%3Cb%3Eyou+won%3C%2Fb%3E"} {
		c := e.web
		if cookie != "" {
			c = withHeader(e.web, "Cookie", cookie)
		}
		if body := string(editGet(c, "/@home/plans/", false).Want(200).Body); strings.Contains(body, `class="flash"`) {
			t.Errorf("cookie %q: a flash line: %.2000s", cookie, body)
		}
	}
}
