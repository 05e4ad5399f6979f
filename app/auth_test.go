package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// whoami calls auth/debug with the request as set up by prepare and returns the status and the
// user id answered.
func whoami(t *testing.T, site *apptest.Site, prepare func(r *http.Request)) (int, map[string]any) {
	t.Helper()
	c := site.Client("")
	req, err := http.NewRequest(http.MethodGet, c.URL("auth/debug/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	prepare(req)
	c.Headers = req.Header
	r := c.Do(http.MethodGet, req.URL.String(), nil, "")
	return r.Status, r.Object()
}

func TestTokenPlaces(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := site.User("Tess Token")
	tok := site.Token(u)
	cases := []struct {
		name    string
		prepare func(r *http.Request)
	}{
		{"X-Auth-Token", func(r *http.Request) { r.Header.Set("X-Auth-Token", tok) }},
		{"Authorization Bearer", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }},
		{"Authorization bearer in lower case", func(r *http.Request) { r.Header.Set("Authorization", "bearer "+tok) }},
		{"auth_token query", func(r *http.Request) { r.URL.RawQuery = url.Values{"auth_token": {tok}}.Encode() }},
	}
	for _, tc := range cases {
		status, body := whoami(t, site, tc.prepare)
		if strings.Contains(site.LogText(), tok[len(tok)-20:]) {
			t.Errorf("%s: the log shows the token", tc.name)
		}
		user, _ := body["user"].(map[string]any)
		if status != 200 || user == nil || int64(user["id"].(float64)) != u.ID {
			t.Errorf("%s: status %d, body %v; want 200 as user %d", tc.name, status, body, u.ID)
		}
	}
}

func TestBadTokens(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, apptest.WithEnv("QUIRE_RATE", apptest.FastRate)) // requests without a valid token share one bucket
	ctx := t.Context()
	u := site.User("Bea Bad")
	past := time.Now().Add(-time.Minute)
	future := time.Now().Add(time.Hour)
	expired, _, err := site.Inst.People.CreateToken(ctx, people.NewToken{UserID: u.ID, Name: "expired", ExpiresAt: &past, Rate: apptest.FastRate})
	if err != nil {
		t.Fatal(err)
	}
	later, _, err := site.Inst.People.CreateToken(ctx, people.NewToken{UserID: u.ID, Name: "later", ExpiresAt: &future, Rate: apptest.FastRate})
	if err != nil {
		t.Fatal(err)
	}
	site.Client(later).Get("auth/debug/").Want(200)

	cases := []struct {
		name, token string
		msg         string
	}{
		{"none", "", "Missing API token"},
		{"unknown", "qt_" + strings.Repeat("A", 43), "Invalid API token"},
		{"not a token", "hello", "Invalid API token"},
		{"very long", "qt_" + strings.Repeat("x", 5000), "Invalid API token"},
		{"expired", expired, "Invalid API token"},
	}
	for _, tc := range cases {
		for _, path := range []string{"auth/debug/", "pages/all/"} {
			for _, c := range []*apptest.Client{site.Client(tc.token), site.Client(tc.token).In("home")} {
				m := c.Get(path).Error(401, "invalid_token")
				if m["type"] != "authentication_error" || !strings.HasPrefix(m["error"].(string), tc.msg) {
					t.Errorf("%s on %s: %v, want authentication_error %q...", tc.name, path, m, tc.msg)
				}
			}
		}
	}
	// A subsite that does not exist is not revealed to a caller without a token.
	site.Client("").In("nosuch").Get("pages/all/").Error(401, "invalid_token")
}

func TestRevokeTakesEffectAtOnce(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx := t.Context()
	u := site.User("Rita Revoked")
	secret, tok, err := site.Inst.People.CreateToken(ctx, people.NewToken{UserID: u.ID, Name: "script", Rate: apptest.FastRate})
	if err != nil {
		t.Fatal(err)
	}
	other := site.Token(u)
	c := site.Client(secret)
	c.Get("pages/all/").Want(200)
	if _, err := site.Inst.People.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	c.Get("pages/all/").Error(401, "invalid_token")
	c.Post("pages/create/", map[string]any{"title": "After revoke", "json": [][]any{{}}}).Error(401, "invalid_token")
	site.Client(other).Get("pages/all/").Want(200) // only that token

	// Deleting the person ends all their tokens.
	site.Client(site.OwnerTk).Post(fmt.Sprintf("people/delete/%d/", u.ID), nil).Want(200)
	site.Client(other).Get("pages/all/").Error(401, "invalid_token")
	if list := site.Client(site.OwnerTk).Get("pages/all/").List(); len(list) != 0 {
		t.Errorf("refused requests created pages: %v", list)
	}
}

func TestLastUsedIsWritten(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	ctx := t.Context()
	u := site.User("Lou Lastused")
	secret, tok, err := site.Inst.People.CreateToken(ctx, people.NewToken{UserID: u.ID, Name: "fresh", Rate: apptest.FastRate})
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() *time.Time {
		list, err := site.Inst.People.ListTokens(ctx, u.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.ID == tok.ID && x.LastUsedAt != nil {
				return &x.LastUsedAt.Time
			}
		}
		return nil
	}
	if got := lastUsed(); got != nil {
		t.Fatalf("a new token has last_used_at %v", got)
	}
	before := time.Now().Add(-time.Second)
	site.Client(secret).Get("auth/debug/").Want(200)
	got := lastUsed()
	if got == nil || got.Before(before) || got.After(time.Now().Add(time.Second)) {
		t.Errorf("last_used_at %v after a request at %v", got, before)
	}
}
