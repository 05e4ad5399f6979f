package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// TestPageViewKeptPerReader checks the page views kept whole for their readers (answerCache):
// each answer carries its own session's CSRF token and its reader's name, and a kept view is
// not answered once what it shows has changed: someone opening the editor, a change to the
// page, or the end of the reader's visit (whose "changes since your last visit" it shows).
func TestPageViewKeptPerReader(t *testing.T) {
	t.Parallel()
	site, clk, api, p := historySite(t, "<p>one</p>")
	session := func(u *people.User) (*apptest.Client, apptest.Session) {
		ss := site.SignIn(u)
		c := *site.Client("")
		c.Headers = http.Header{"Cookie": {ss.Cookie.String()}, "Sec-Fetch-Site": {"same-origin"}}
		return &c, ss
	}
	view := func(c *apptest.Client) string {
		t.Helper()
		return string(c.Get("/@home/" + p.Slug + "/").Want(200).Body)
	}
	ann, _ := site.Member("Ann Reader", site.Home(), people.RoleViewer)
	bea, _ := site.Member("Bea Editor", site.Home(), people.RoleEditor)
	first, ss1 := session(ann)
	second, ss2 := session(ann)
	other, _ := session(bea)

	for i := range 3 { // the first view starts the visit; the next ones may be kept
		if v := view(first); !strings.Contains(v, ss1.CSRF) || strings.Contains(v, ss2.CSRF) {
			t.Fatalf("view %d of the first session does not carry its own CSRF token", i+1)
		}
	}
	if v := view(second); !strings.Contains(v, ss2.CSRF) || strings.Contains(v, ss1.CSRF) {
		t.Errorf("the second session of the same person got another session's CSRF token")
	}
	if v := view(other); !strings.Contains(v, "Bea Editor") || strings.Contains(v, "Ann Reader") {
		t.Errorf("another person's view shows the first person's frame")
	}

	// Bea opens the editor: Ann's next view names her.
	other.Get("/@home/" + p.Slug + "/edit/").Want(200)
	if v := view(first); !strings.Contains(v, "Being edited by: Bea Editor") {
		t.Errorf("a kept view did not show that someone opened the editor")
	}
	// Bea's editor times out (no refresh): after a while Ann's view no longer names her.
	clk.Skip(2 * time.Minute)
	if v := view(first); strings.Contains(v, "Being edited by") {
		t.Errorf("a kept view still names an editor who left two minutes ago")
	}

	// A change to the page shows at once.
	editParagraph(t, api, p, p.JSON[0][0].ID, "<p>one and a half</p>")
	if v := view(first); !strings.Contains(v, "one and a half") {
		t.Errorf("a kept view did not show the page's change")
	}
	// Within the visit the change is not "since the last visit" (that was the first one), and
	// the view is kept; once the visit ends, the next view starts another and tells of it.
	if v := view(first); strings.Contains(v, "since your last visit") {
		t.Errorf("the first visit tells of changes since a visit before it")
	}
	clk.Skip(31 * time.Minute)
	if v := view(first); !strings.Contains(v, "1 change since your last visit") {
		t.Errorf("a view after the visit's end does not tell of the change made during it")
	}

	// A flash message shows on the view it comes with (not a kept one), and only there.
	view(first) // kept
	flashed := *first
	flashed.Headers = http.Header{"Cookie": {first.Headers.Get("Cookie") + "; quire_flash=page-saved"}, "Sec-Fetch-Site": {"same-origin"}}
	if v := view(&flashed); !strings.Contains(v, "Page settings saved.") {
		t.Errorf("a view with a flash message does not show it")
	}
	if v := view(first); strings.Contains(v, "Page settings saved.") {
		t.Errorf("a flash message was kept for later views")
	}
}
