package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people/mail"
)

// Every unsafe request made with a session needs the session's CSRF token and a same-site
// origin; a signed-out form needs the token bound to its form cookie.
func TestCSRF(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Cy Surf", "right password")
	s := site.SignIn(u)
	signedIn := func() *client {
		b := newBrowser(t, site)
		b.header.Set("Cookie", s.Cookie.String())
		return b
	}
	cases := []struct {
		name       string
		token      string
		fetchSite  string
		wantStatus int
	}{
		{"no token", "", "", http.StatusForbidden},
		{"a wrong token", "forged", "", http.StatusForbidden},
		{"another session's token", site.SignIn(u).CSRF, "", http.StatusForbidden},
		{"the token from another site", s.CSRF, "cross-site", http.StatusForbidden},
		{"the token, same origin", s.CSRF, "same-origin", http.StatusSeeOther},
		{"the token, no Sec-Fetch-Site", s.CSRF, "", http.StatusSeeOther},
	}
	for _, tc := range cases {
		b := signedIn()
		if tc.fetchSite != "" {
			b.header.Set("Sec-Fetch-Site", tc.fetchSite)
		}
		form := url.Values{}
		if tc.token != "" {
			form.Set("csrf_token", tc.token)
		}
		p := b.post("/account/sessions/end-others", form)
		if p.status != tc.wantStatus {
			t.Errorf("%s: %d, want %d", tc.name, p.status, tc.wantStatus)
		}
		if tc.wantStatus == http.StatusForbidden && (!strings.Contains(p.header.Get("Content-Type"), "text/html") || !strings.Contains(p.body, "CSRF")) {
			t.Errorf("%s: the refusal is not the HTML error page that says why:\n%s", tc.name, p.body)
		}
	}

	// The header works as the field does (htmx), on web pages and on the API.
	b := signedIn()
	b.header.Set("X-CSRF-Token", s.CSRF)
	if p := b.post("/account/sessions/end-others", url.Values{}); p.status != http.StatusSeeOther {
		t.Errorf("the token in the header: %d, want 303", p.status)
	}
	api := signedIn()
	if p := api.get("/api/v1/auth/debug/"); p.status != http.StatusOK || !strings.Contains(p.body, u.Email) {
		t.Errorf("the API with a session cookie: %d %s", p.status, p.body)
	}
	if p := api.post("/api/v1/people/reset_link/1/", url.Values{}); p.status != http.StatusForbidden || !strings.Contains(p.body, "CSRF") {
		t.Errorf("an unsafe API request with a session and no token: %d %s; want 403 naming the CSRF check", p.status, p.body)
	}
	api.header.Set("X-CSRF-Token", s.CSRF)
	if p := api.post(fmt.Sprintf("/api/v1/people/reset_link/%d/", u.ID), url.Values{}); p.status != http.StatusForbidden || !strings.Contains(p.body, "owner") {
		t.Errorf("with the token the request is judged on its merits (a non-owner): %d %s", p.status, p.body)
	}
	// A token request needs no CSRF token, whatever the browser headers say.
	c := site.Client(site.OwnerTk).SiteWide()
	c.Headers = http.Header{"Sec-Fetch-Site": {"cross-site"}}
	c.Post(fmt.Sprintf("people/reset_link/%d/", u.ID), nil).Want(200)

	// Signed out: the sign-in form needs its token and a same-site origin (login CSRF).
	v := newBrowser(t, site)
	good := v.csrf("/login")
	for _, tc := range []struct {
		name, token, fetchSite string
		want                   int
	}{
		{"no token", "", "", http.StatusForbidden},
		{"a wrong token", "forged", "", http.StatusForbidden},
		{"from another site", good, "cross-site", http.StatusForbidden},
		{"the token", good, "same-origin", http.StatusSeeOther},
	} {
		v.header.Del("Sec-Fetch-Site")
		if tc.fetchSite != "" {
			v.header.Set("Sec-Fetch-Site", tc.fetchSite)
		}
		p := v.post("/login", url.Values{"csrf_token": {tc.token}, "email": {u.Email}, "password": {"right password"}})
		if p.status != tc.want {
			t.Errorf("sign-in form, %s: %d, want %d", tc.name, p.status, tc.want)
		}
	}
	// Another browser's form token does not work with this browser's cookie.
	w := newBrowser(t, site)
	w.csrf("/login")
	if p := w.post("/login", url.Values{"csrf_token": {good}, "email": {u.Email}, "password": {"right password"}}); p.status != http.StatusForbidden {
		t.Errorf("another browser's form token: %d, want 403", p.status)
	}
}

func TestSignInRateLimits(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	clk := &clock{t: time.Now()}
	site.Inst.DB.Now = clk.now
	u := person(t, site, "Rae Rate", "right password")
	b := newBrowser(t, site)
	tok := b.csrf("/login")
	try := func(email, password string) page {
		return b.post("/login", url.Values{"csrf_token": {tok}, "email": {email}, "password": {password}})
	}
	tooMany := regexp.MustCompile(`Too many attempts; try again in \d+ minutes?\.`)
	for _, email := range []string{u.Email, "nobody@example.com"} {
		for i := range 5 {
			if p := try(email, "wrong"); p.status != http.StatusBadRequest {
				t.Fatalf("%s failure %d: %d", email, i+1, p.status)
			}
		}
		// The sixth, even with the right password, is refused, and an account that does not
		// exist is answered the same.
		p := try(email, "right password")
		if p.status != http.StatusTooManyRequests || !tooMany.MatchString(p.body) || sessionCookie(p) != nil || p.header.Get("Retry-After") == "" {
			t.Errorf("%s after 5 failures: %d %v\n%s", email, p.status, p.header, p.body)
		}
	}
	// Time gives attempts back.
	clk.advance(15 * time.Minute)
	if p := try(u.Email, "right password"); p.status != http.StatusSeeOther {
		t.Errorf("after 15 minutes: %d, want 303", p.status)
	}

	// Per address: 20 failures over any accounts, then every account is refused from there.
	c := newBrowser(t, site)
	tok = c.csrf("/login")
	for i := range 20 {
		p := c.post("/login", url.Values{"csrf_token": {tok}, "email": {fmt.Sprintf("guess%d@example.com", i%10)}, "password": {"wrong"}})
		if p.status != http.StatusBadRequest {
			t.Fatalf("address failure %d: %d", i+1, p.status)
		}
	}
	if p := c.post("/login", url.Values{"csrf_token": {tok}, "email": {u.Email}, "password": {"right password"}}); p.status != http.StatusTooManyRequests || !tooMany.MatchString(p.body) {
		t.Errorf("after 20 failures from one address: %d\n%s", p.status, p.body)
	}
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Pat Change", "old password")
	here, there := newBrowser(t, site), newBrowser(t, site)
	here.signIn(u.Email, "old password", "/")
	there.signIn(u.Email, "old password", "/")
	acct := here.get("/account")
	if !strings.Contains(acct.body, "Sign out everywhere else (1)") {
		t.Errorf("the account page does not offer to end the other session:\n%s", acct.body)
	}
	tok := csrfField.FindStringSubmatch(acct.body)[1]
	for _, tc := range []struct {
		name, current, password, confirm, want string
	}{
		{"wrong current", "not it", "new password", "new password", "The current password is wrong."},
		{"differ", "old password", "new password", "new passwort", "differ"},
		{"short", "old password", "short", "short", "at least 8 characters"},
	} {
		p := here.post("/account", url.Values{"csrf_token": {tok}, "current_password": {tc.current}, "password": {tc.password}, "confirm": {tc.confirm}})
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, tc.want) {
			t.Errorf("%s: %d, want 400 saying %q\n%s", tc.name, p.status, tc.want, p.body)
		}
	}
	if !there.signedIn() {
		t.Fatal("a refused change ended the other session")
	}
	p := here.post("/account", url.Values{"csrf_token": {tok}, "current_password": {"old password"}, "password": {"new password"}, "confirm": {"new password"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("change: %d\n%s", p.status, p.body)
	}
	if !here.signedIn() || there.signedIn() {
		t.Errorf("after the change: here signed in %v (want true), there %v (want false)", here.signedIn(), there.signedIn())
	}
	if p := newBrowser(t, site).signIn(u.Email, "new password", "/"); p.status != http.StatusSeeOther {
		t.Errorf("the new password does not sign in: %d", p.status)
	}
}

var resetLink = regexp.MustCompile(`https?://\S+/password/reset/[A-Za-z0-9_-]+`)

func outbox(t *testing.T, site *apptest.Site) []mail.Mail {
	t.Helper()
	var list []mail.Mail
	site.Client(site.OwnerTk).SiteWide().Get("mail/outbox/").Want(200).Decode(&list)
	return list
}

func TestForgotAndReset(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Fay Forgot", "old password")
	other := newBrowser(t, site)
	other.signIn(u.Email, "old password", "/")

	b := newBrowser(t, site)
	ask := func(email string) page {
		return b.post("/password/forgot", url.Values{"csrf_token": {b.csrf("/password/forgot")}, "email": {email}})
	}
	known, unknown := ask(u.Email), ask("nobody@example.com")
	nonce := regexp.MustCompile(`content="[A-Za-z0-9_+/=-]{16,}"`) // the CSP nonce, new each answer
	same := func(p page, email string) string {
		return nonce.ReplaceAllString(strings.ReplaceAll(p.body, email, "X"), "")
	}
	if known.status != 200 || unknown.status != 200 || same(known, u.Email) != same(unknown, "nobody@example.com") {
		t.Errorf("forgot: the answers for an account and for none differ:\n%d %s\n%d %s", known.status, known.body, unknown.status, unknown.body)
	}
	mails := outbox(t, site)
	if len(mails) != 1 || mails[0].To != u.Email || !resetLink.MatchString(mails[0].Body) {
		t.Fatalf("outbox %+v; want one mail with a reset link to %s", mails, u.Email)
	}
	link := strings.TrimPrefix(resetLink.FindString(mails[0].Body), site.URL)

	tok := b.csrf(link)
	if p := b.post(link, url.Values{"csrf_token": {tok}, "password": {"new password"}, "confirm": {"other"}}); p.status != 400 {
		t.Errorf("passwords that differ: %d", p.status)
	}
	p := b.post(link, url.Values{"csrf_token": {tok}, "password": {"new password"}, "confirm": {"new password"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" || sessionCookie(p) == nil {
		t.Fatalf("reset: %d %v", p.status, p.header)
	}
	if !b.signedIn() || other.signedIn() {
		t.Errorf("after the reset: this browser signed in %v (want true), the other %v (want false)", b.signedIn(), other.signedIn())
	}
	if p := b.get(link); p.status != http.StatusNotFound {
		t.Errorf("the link once used: %d, want 404", p.status)
	}
	if p := newBrowser(t, site).signIn(u.Email, "new password", "/"); p.status != http.StatusSeeOther {
		t.Errorf("the new password does not sign in: %d", p.status)
	}

	// Mails per account are limited, silently: the answer stays the same.
	for range 5 {
		if p := ask(u.Email); p.status != 200 {
			t.Fatalf("forgot again: %d", p.status)
		}
	}
	if n := len(outbox(t, site)); n != 3 {
		t.Errorf("%d mails after 7 asks; want 3 (the limit per account per hour)", n)
	}
	for range 3 {
		ask("nobody@example.com") // the 8th to 10th
	}
	if p := ask(u.Email); p.status != http.StatusTooManyRequests || !strings.Contains(p.body, "Too many attempts") {
		t.Errorf("the 11th ask from one address in an hour: %d, want 429", p.status)
	}
}

// Owners can make a reset link for someone; it works like a mailed one.
func TestResetLinkByOwner(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Lou Lost", "old password")
	_, them := site.Member("Not Owner", site.Home(), "admin")
	them.SiteWide().Post(fmt.Sprintf("people/reset_link/%d/", u.ID), nil).Error(403, "forbidden")
	site.Client(site.OwnerTk).SiteWide().Post("people/reset_link/99999/", nil).Error(404, "not_found")
	got := site.Client(site.OwnerTk).SiteWide().Post(fmt.Sprintf("people/reset_link/%d/", u.ID), nil).Want(200).Object()
	link, _ := got["link"].(string)
	if !strings.HasPrefix(link, site.URL+"/password/reset/") || got["expires_at"] == nil {
		t.Fatalf("reset_link answered %v", got)
	}
	if n := len(outbox(t, site)); n != 0 {
		t.Errorf("an owner's reset link sent %d mails, want none", n)
	}
	b := newBrowser(t, site)
	path := strings.TrimPrefix(link, site.URL)
	if p := b.post(path, url.Values{"csrf_token": {b.csrf(path)}, "password": {"fresh password"}, "confirm": {"fresh password"}}); p.status != http.StatusSeeOther || !b.signedIn() {
		t.Errorf("using the owner's link: %d, signed in %v", p.status, b.signedIn())
	}
	// An invitation link is not a reset link, nor the other way round.
	if p := b.get("/invite/" + strings.TrimPrefix(path, "/password/reset/")); p.status != http.StatusNotFound {
		t.Errorf("a reset token at /invite/: %d, want 404", p.status)
	}
}
