package people_test

import (
	"net/http"
	"net/url"
	"testing"

	"quire/app/api"
	"quire/app/apptest"
)

// A cursor that none of a list's pages gave out is refused, naming "cursor": never the list
// started again, nor one cut short by a key that compares as something else.
func TestListsRefuseCursorsTheyDidNotGive(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	owner := site.Client(site.OwnerTk)
	// Two of each, so that every list has a page after the first.
	site.Subsite("One", "one")
	site.User("Second Person")
	owner.SiteWide().Post("people/invite/", map[string]any{"email_address": "a@example.com"}).Want(200)
	owner.SiteWide().Post("people/invite/", map[string]any{"email_address": "b@example.com"}).Want(200)

	joined := "2026-01-02T03:04:05.000000Z"
	for _, tc := range []struct {
		list   string
		client *apptest.Client
		cursor []string
	}{
		{"subsites/all/", owner.SiteWide(), []string{"0"}},
		{"subsites/all/", owner.SiteWide(), []string{"-1"}},
		{"subsites/all/", owner.SiteWide(), []string{"+1"}},
		{"subsites/all/", owner.SiteWide(), []string{"01"}},
		{"subsites/all/", owner.SiteWide(), []string{"x"}},
		{"subsites/all/", owner.SiteWide(), []string{"1", "2"}},
		{"mail/outbox/", owner.SiteWide(), []string{"0"}},
		{"mail/outbox/", owner.SiteWide(), []string{" 2"}},
		{"mail/outbox/", owner.SiteWide(), []string{"1", "2"}},
		{"people/all/", owner.SiteWide(), []string{joined, "x"}},
		{"people/all/", owner.SiteWide(), []string{joined, "0"}},
		{"people/all/", owner.SiteWide(), []string{"yesterday", "1"}},
		{"people/all/", owner.SiteWide(), []string{"2026-01-02", "1"}},
		{"people/all/", owner, []string{joined, "-5"}},
		{"people/all/", owner, []string{"zzzz", "1"}},
	} {
		q := url.Values{"limit": {"1"}, "cursor": {api.EncodeCursor(tc.cursor...)}}
		r := tc.client.Do(http.MethodGet, tc.client.URL(tc.list)+"?"+q.Encode(), nil, "")
		if m := r.Error(400, "invalid_request"); m["field"] != "cursor" {
			t.Errorf("%s with cursor %q: field %v, want cursor", tc.list, tc.cursor, m["field"])
		}
	}
}
