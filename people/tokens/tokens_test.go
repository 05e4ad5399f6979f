package tokens_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// fastAPI gives tokens made through the API (which get the site's rate) room for a test's calls.
var fastAPI = apptest.WithEnv("QUIRE_RATE", apptest.FastRate)

// mustToken makes a token of u directly (as the CLI does), with the scopes given.
func mustToken(t *testing.T, site *apptest.Site, u *people.User, scopes []string, subsiteID *int64) string {
	t.Helper()
	secret, _, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: u.ID, Name: "fixture",
		Rate: apptest.FastRate, Scopes: scopes, SubsiteID: subsiteID})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// without returns every scope but one.
func without(scope string) []string {
	return slices.DeleteFunc(slices.Clone(people.AllScopes), func(s string) bool { return s == scope })
}

// TestEachScopeGuardsItsEndpoints calls, for each scope, an endpoint that needs it: a token with
// that scope alone succeeds, a token with every other scope gets 403 missing_scope naming it.
func TestEachScopeGuardsItsEndpoints(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, fastAPI)
	eng := site.Subsite("Engineering", "eng")
	owner := site.Client(site.OwnerTk).In("eng")
	pageID := owner.Post("pages/create/", map[string]any{"title": "Lunch",
		"json": []any{[]any{map[string]any{"classname": "Paragraph", "val": "Order here"}}}}).Want(200).ID()
	form := owner.Post(fmt.Sprintf("page/%d/form/create/", pageID), map[string]any{"val": "Order",
		"fields": []any{map[string]any{"label": "Dish", "type": "text"}}}).Want(200).Object()
	field := form["fields"].([]any)[0].(map[string]any)["name"].(string)
	owner.Post(fmt.Sprintf("page/%d/discussion/create/", pageID), nil).Want(200)
	member, _ := site.Member("Mo Member", eng, people.RoleViewer)

	type call struct {
		slug, method, path string
		body               map[string]any
	}
	n := 0
	cases := map[string]func() call{
		people.ScopePagesRead: func() call { return call{"eng", "GET", "pages/all/", nil} },
		people.ScopePagesWrite: func() call {
			n++
			return call{"eng", "POST", "pages/create/", map[string]any{"title": fmt.Sprintf("New %d", n), "json": []any{[]any{}}}}
		},
		people.ScopeRecordsRead: func() call { return call{"eng", "GET", fmt.Sprintf("pages/records/%d/", pageID), nil} },
		people.ScopeRecordsWrite: func() call {
			return call{"eng", "POST", fmt.Sprintf("pages/records/%d/", pageID), map[string]any{field: "Soup"}}
		},
		people.ScopeCommentsWrite: func() call {
			return call{"eng", "POST", fmt.Sprintf("feed/post/%d/", pageID), map[string]any{"msg": "Soup, please"}}
		},
		people.ScopePeopleRead: func() call { return call{"eng", "GET", "people/all/", nil} },
		people.ScopePeopleWrite: func() call {
			return call{"eng", "POST", fmt.Sprintf("people/set_permission/%d/", member.ID), map[string]any{"role": "editor"}}
		},
		people.ScopeSubsitesAdmin: func() call {
			n++
			return call{"", "POST", "subsites/create/", map[string]any{"title": fmt.Sprintf("Team %d", n)}}
		},
		people.ScopeHooksWrite: func() call { return call{"", "GET", "hooks/all/", nil} },
	}
	for _, scope := range people.AllScopes {
		mk, ok := cases[scope]
		if !ok {
			continue
		}
		t.Run(scope, func(t *testing.T) {
			do := func(secret string) *apptest.Response {
				c := mk()
				cl := site.Client(secret)
				if c.slug != "" {
					cl = cl.In(c.slug)
				}
				if c.method == "GET" {
					return cl.Get(c.path)
				}
				return cl.Post(c.path, c.body)
			}
			do(mustToken(t, site, site.Owner, []string{scope}, nil)).Want(200)
			e := do(mustToken(t, site, site.Owner, without(scope), nil)).Error(403, "missing_scope")
			if e["scope"] != scope || !strings.Contains(e["error"].(string), `"`+scope+`"`) {
				t.Errorf("without %s: %v, want the scope named in scope and the message", scope, e)
			}
		})
	}
	if len(cases) != len(people.AllScopes) {
		t.Errorf("%d scopes have an endpoint in the table, want all %d", len(cases), len(people.AllScopes))
	}
}

// tokenItem is a token as tokens/all and tokens/create answer it.
type tokenItem struct {
	ID         int64    `json:"id"`
	UserID     int64    `json:"user_id"`
	Name       string   `json:"name"`
	Prefix     string   `json:"prefix"`
	Scopes     []string `json:"scopes"`
	CreatedBy  *int64   `json:"created_by"`
	LastUsedAt *string  `json:"last_used_at"`
	ExpiresAt  *string  `json:"expires_at"`
	RevokedAt  *string  `json:"revoked_at"`
	SubsiteID  *int64   `json:"subsite_id"`
	Subsite    *string  `json:"subsite"`
	Secret     string   `json:"token"`
}

func listTokens(t *testing.T, c *apptest.Client, query ...url.Values) []tokenItem {
	t.Helper()
	var out []tokenItem
	c.Get("tokens/all/", query...).Want(200).Decode(&out)
	return out
}

func TestSelfServiceTokens(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, fastAPI)
	eng := site.Subsite("Engineering", "eng")
	ada, adaFull := site.Member("Ada", eng, people.RoleEditor)
	adaFull = adaFull.SiteWide()

	// Create: groups become the scopes they stand for; the secret is in this answer only.
	var made tokenItem
	r := adaFull.Post("tokens/create/", map[string]any{"name": "zapier", "scopes": []string{"read", "comments:write"}}).Want(200)
	r.Decode(&made)
	want := []string{"pages:read", "records:read", "comments:write", "people:read"}
	if !strings.HasPrefix(made.Secret, "qt_") || !strings.HasPrefix(made.Secret, made.Prefix) || made.Name != "zapier" ||
		!slices.Equal(made.Scopes, want) || made.UserID != ada.ID || made.CreatedBy == nil || *made.CreatedBy != ada.ID ||
		made.Subsite != nil || made.ExpiresAt != nil || made.LastUsedAt != nil {
		t.Fatalf("created %+v, want scopes %v", made, want)
	}
	zap := site.Client(made.Secret)
	var debug struct {
		Token     tokenItem      `json:"token"`
		Scopes    []string       `json:"scopes"`
		RateLimit map[string]any `json:"rate_limit"`
	}
	zap.Get("auth/debug/").Want(200).Decode(&debug)
	if debug.Token.ID != made.ID || !slices.Equal(debug.Scopes, want) || debug.RateLimit["limit"] == nil || debug.RateLimit["rate"] == "" {
		t.Errorf("auth/debug with the new token: %+v", debug)
	}

	// The list shows it, used just now, and never a secret.
	lr := adaFull.Get("tokens/all/").Want(200)
	if strings.Contains(string(lr.Body), made.Secret[len(made.Prefix):]) {
		t.Errorf("tokens/all shows a secret: %s", lr.Body)
	}
	list := listTokens(t, adaFull)
	if len(list) != 2 || list[0].ID != made.ID || list[0].Secret != "" || list[0].LastUsedAt == nil {
		t.Errorf("list %+v, want the new token first, used, then the fixture", list)
	}

	// Rename.
	adaFull.Post(fmt.Sprintf("tokens/rename/%d/", made.ID), map[string]any{"name": "zapier (sales)"}).Want(200).Decode(&made)
	if made.Name != "zapier (sales)" {
		t.Errorf("renamed: %q", made.Name)
	}
	adaFull.Post(fmt.Sprintf("tokens/rename/%d/", made.ID), map[string]any{"name": " "}).Error(400, "invalid_request")

	// A token makes no token with more than it has, and manages none that has more.
	e := zap.Post("tokens/create/", map[string]any{"name": "x", "scopes": []string{"write"}}).Error(403, "missing_scope")
	if e["scope"] != "pages:write" {
		t.Errorf("read token making a write token: %v, want pages:write named", e)
	}
	zap.Post("tokens/create/", map[string]any{"name": "narrower", "scopes": []string{"pages:read"}}).Want(200)
	zap.Post(fmt.Sprintf("tokens/revoke/%d/", list[1].ID), nil).Error(403, "missing_scope")

	// Bad requests change nothing and say what to fix.
	before := len(listTokens(t, adaFull))
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"name": "x", "scopes": []string{}}, "scopes"},
		{map[string]any{"name": "x"}, "scopes"},
		{map[string]any{"scopes": []string{"read"}}, "name"},
		{map[string]any{"name": "x", "scopes": []string{"everything"}}, "scopes"},
		{map[string]any{"name": "x", "scopes": []string{"admin"}}, "scopes"},
		{map[string]any{"name": "x", "scopes": []string{"read"}, "expires_at": "2001-01-01T00:00:00Z"}, "expires_at"},
		{map[string]any{"name": "x", "scopes": []string{"read"}, "expires_at": "soon"}, "expires_at"},
		{map[string]any{"name": "x", "scopes": []string{"read"}, "subsite": "nowhere"}, "subsite"},
		{map[string]any{"name": "x", "scopes": []string{"read"}, "secret": "mine"}, "secret"},
	} {
		if e := adaFull.Post("tokens/create/", tc.body).Error(400, "invalid_request"); e["field"] != tc.field {
			t.Errorf("create %v: field %v, want %s (%v)", tc.body, e["field"], tc.field, e["error"])
		}
	}
	if after := len(listTokens(t, adaFull)); after != before {
		t.Errorf("bad requests made tokens: %d, then %d", before, after)
	}

	// Revoke works at once, and again is fine; a revoked token leaves the list.
	var revoked struct {
		Success bool      `json:"success"`
		Token   tokenItem `json:"token"`
	}
	adaFull.Post(fmt.Sprintf("tokens/revoke/%d/", made.ID), nil).Want(200).Decode(&revoked)
	if !revoked.Success || revoked.Token.RevokedAt == nil {
		t.Errorf("revoke: %+v", revoked)
	}
	zap.Get("auth/debug/").Error(401, "invalid_token")
	adaFull.Post(fmt.Sprintf("tokens/revoke/%d/", made.ID), nil).Want(200)
	adaFull.Post(fmt.Sprintf("tokens/rename/%d/", made.ID), map[string]any{"name": "back"}).Error(404, "not_found")
	for _, tok := range listTokens(t, adaFull) {
		if tok.ID == made.ID {
			t.Errorf("the revoked token is still listed")
		}
	}
	adaFull.Post("tokens/revoke/0/", nil).Error(400, "invalid_request")
	adaFull.Post("tokens/revoke/99999/", nil).Error(404, "not_found")
}

func TestOwnersAndOthers(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, fastAPI)
	ada := site.User("Ada")
	bob := site.User("Bob")
	adaC, bobC, owner := site.Client(site.Token(ada)), site.Client(site.Token(bob)), site.Client(site.OwnerTk)
	adaTok := adaC.Post("tokens/create/", map[string]any{"name": "ada's script", "scopes": []string{"read"}}).Want(200).ID()

	// Others see nothing of Ada's tokens, and cannot touch them.
	for _, tok := range listTokens(t, bobC) {
		if tok.UserID != bob.ID {
			t.Errorf("Bob lists someone else's token %+v", tok)
		}
	}
	bobC.Get("tokens/all/", url.Values{"all": {"true"}}).Error(403, "forbidden")
	bobC.Post(fmt.Sprintf("tokens/rename/%d/", adaTok), map[string]any{"name": "mine"}).Error(404, "not_found")
	bobC.Post(fmt.Sprintf("tokens/revoke/%d/", adaTok), nil).Error(404, "not_found")

	// Owners list their own by default, everyone's with all=true, and revoke anyone's.
	for _, tok := range listTokens(t, owner) {
		if tok.UserID != site.Owner.ID {
			t.Errorf("the owner's own list has %+v", tok)
		}
	}
	all := listTokens(t, owner, url.Values{"all": {"1"}})
	if !slices.ContainsFunc(all, func(tok tokenItem) bool { return tok.ID == adaTok }) ||
		!slices.ContainsFunc(all, func(tok tokenItem) bool { return tok.UserID == bob.ID }) {
		t.Errorf("all=1 for the owner: %+v, want Ada's and Bob's tokens", all)
	}
	page := listTokens(t, owner, url.Values{"all": {"1"}, "limit": {"1"}})
	if len(page) != 1 || page[0].ID != all[0].ID {
		t.Errorf("limit 1: %+v", page)
	}
	// A token without subsites:admin does not reach everyone's.
	readOwner := site.Client(mustToken(t, site, site.Owner, []string{"read"}, nil))
	if e := readOwner.Get("tokens/all/", url.Values{"all": {"1"}}).Error(403, "missing_scope"); e["scope"] != "subsites:admin" {
		t.Errorf("all=1 with a read token: %v", e)
	}
	owner.Post(fmt.Sprintf("tokens/revoke/%d/", adaTok), nil).Want(200)
	var gone []tokenItem
	adaC.Get("tokens/all/").Want(200).Decode(&gone)
	if slices.ContainsFunc(gone, func(tok tokenItem) bool { return tok.ID == adaTok }) {
		t.Errorf("Ada still lists the token the owner revoked")
	}
}

func TestSubsiteRestriction(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, fastAPI)
	eng := site.Subsite("Engineering", "eng")
	site.Subsite("Sales", "sales")
	ada, _ := site.Member("Ada", eng, people.RoleEditor)
	owner := site.Client(site.OwnerTk)
	var made tokenItem
	owner.Post("tokens/create/", map[string]any{"name": "eng only", "scopes": []string{"read", "write", "subsites:admin"},
		"subsite": "eng"}).Want(200).Decode(&made)
	if made.Subsite == nil || *made.Subsite != "eng" || made.SubsiteID == nil || *made.SubsiteID != eng.ID {
		t.Fatalf("created %+v, want restricted to eng", made)
	}
	only := site.Client(made.Secret)
	only.In("eng").Get("pages/all/").Want(200)
	only.In("sales").Get("pages/all/").Error(404, "not_found")
	only.In("home").Get("pages/all/").Error(404, "not_found")
	only.Get("pages/all/").Error(404, "not_found") // the site-wide URL acts on home
	only.Post("subsites/create/", map[string]any{"title": "More"}).Error(403, "forbidden")
	var folks []map[string]any
	only.Get("people/all/").Want(200).Decode(&folks)
	for _, p := range folks {
		if p["role"] == nil {
			t.Errorf("the restricted token's site-wide people/all lists %v without an eng role", p["distinguished_name"])
		}
	}
	if !slices.ContainsFunc(folks, func(p map[string]any) bool { return p["id"] == float64(ada.ID) }) {
		t.Errorf("people/all: %v, want eng's members", folks)
	}
	only.Post("tokens/create/", map[string]any{"name": "wider", "scopes": []string{"read"}}).Error(403, "forbidden")
	only.Post("tokens/create/", map[string]any{"name": "other", "scopes": []string{"read"}, "subsite": "sales"}).Error(400, "invalid_request") // sales is out of its reach
	only.Post("tokens/create/", map[string]any{"name": "same", "scopes": []string{"read"}, "subsite": "eng"}).Want(200)
	// A person restricts a token only to a subsite they belong to.
	adaC := site.Client(site.Token(ada))
	adaC.Post("tokens/create/", map[string]any{"name": "x", "scopes": []string{"read"}, "subsite": "sales"}).Error(400, "invalid_request")
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, fastAPI)
	at := time.Now().Add(6 * time.Second) // long enough for the first request under load.UTC().Format(time.RFC3339Nano)
	var made tokenItem
	site.Client(site.OwnerTk).Post("tokens/create/", map[string]any{"name": "brief", "scopes": []string{"read"},
		"expires_at": at}).Want(200).Decode(&made)
	if made.ExpiresAt == nil {
		t.Fatalf("created %+v, want an expiry", made)
	}
	c := site.Client(made.Secret)
	c.Get("pages/all/").Want(200)
	deadline := time.Now().Add(20 * time.Second)
	for c.Get("auth/debug/").Status == 200 {
		if time.Now().After(deadline) {
			t.Fatalf("the token still works 14 s after its expiry %s", *made.ExpiresAt)
		}
		time.Sleep(100 * time.Millisecond)
	}
	c.Get("pages/all/").Error(401, "invalid_token")
}

// TestOldScopeNames holds tokens made before scopes were fine-grained to what they gave.
func TestOldScopeNames(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t, fastAPI)
	eng := site.Subsite("Engineering", "eng")
	old := func(scopes string) *apptest.Client {
		secret, tok, err := site.Inst.People.CreateToken(t.Context(), people.NewToken{UserID: site.Owner.ID, Name: "old " + scopes, Rate: apptest.FastRate})
		if err != nil {
			t.Fatal(err)
		}
		err = site.Inst.DB.Write(t.Context(), func(tx *sql.Tx) error {
			_, err := tx.ExecContext(t.Context(), `UPDATE tokens SET scopes = ? WHERE id = ?`, scopes, tok.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return site.Client(secret)
	}
	for _, tc := range []struct {
		stored string
		want   []string
	}{
		{"read", []string{"pages:read", "records:read", "people:read"}},
		{"write", []string{"pages:write", "records:write", "comments:write", "people:write", "hooks:write"}},
		{"people", []string{"people:read", "people:write"}},
		{"admin", []string{"subsites:admin"}},
		{"read write people admin", people.AllScopes},
	} {
		var d struct {
			Scopes []string `json:"scopes"`
		}
		old(tc.stored).Get("auth/debug/").Want(200).Decode(&d)
		if !slices.Equal(d.Scopes, tc.want) {
			t.Errorf("stored %q reads as %v, want %v", tc.stored, d.Scopes, tc.want)
		}
	}
	reader := old("read").In("eng")
	reader.Get("pages/all/").Want(200)
	reader.Get("people/all/").Want(200)
	if e := reader.Post("pages/create/", map[string]any{"title": "x", "json": []any{[]any{}}}).Error(403, "missing_scope"); e["scope"] != "pages:write" {
		t.Errorf("old read token writing: %v", e)
	}
	admin := old("admin")
	admin.Post("subsites/create/", map[string]any{"title": "Ops"}).Want(200)
	admin.In("eng").Get("pages/all/").Error(403, "missing_scope")
	_ = eng
}
