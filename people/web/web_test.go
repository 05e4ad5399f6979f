package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"quire/app/apptest"
	"quire/people"
)

// client is a Go HTTP client with a cookie jar that does not follow redirects, so that a test
// sees each 303 and its Location.
type client struct {
	t    *testing.T
	site *apptest.Site
	c    *http.Client
	// header is added to every request (Sec-Fetch-Site and the like).
	header http.Header
}

func newBrowser(t *testing.T, site *apptest.Site) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, site: site, header: http.Header{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *client) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.site.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(got)}
}

func (b *client) get(path string) page { return b.do(http.MethodGet, path, nil) }

func (b *client) post(path string, form url.Values) page { return b.do(http.MethodPost, path, form) }

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// csrf returns the CSRF token of the form on the page at path.
func (b *client) csrf(path string) string {
	b.t.Helper()
	p := b.get(path)
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		b.t.Fatalf("GET %s: %d, no CSRF token in\n%s", path, p.status, p.body)
	}
	return m[1]
}

// signIn posts the sign-in form as a person would, after loading it.
func (b *client) signIn(email, password, next string) page {
	b.t.Helper()
	return b.post("/login", url.Values{"csrf_token": {b.csrf("/login")}, "email": {email}, "password": {password}, "next": {next}})
}

// signedIn reports whether the browser's session opens the account page.
func (b *client) signedIn() bool {
	b.t.Helper()
	p := b.get("/account")
	return p.status == http.StatusOK && strings.Contains(p.body, `id="account"`)
}

// sessionCookie returns the Set-Cookie header of the session cookie in an answer.
func sessionCookie(p page) *http.Cookie {
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == people.SessionCookie {
			return c
		}
	}
	return nil
}

func person(t *testing.T, site *apptest.Site, name, password string) *people.User {
	t.Helper()
	u := site.User(name)
	site.SetPassword(u, password)
	return u
}

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Sam Sign", "right password")
	b := newBrowser(t, site)

	// One message for a wrong password and an unknown address, and no session.
	for _, tc := range []struct{ email, password string }{{u.Email, "wrong password"}, {"nobody@example.com", "right password"}, {u.Email, ""}} {
		p := b.signIn(tc.email, tc.password, "/account")
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Email or password is wrong.") || sessionCookie(p) != nil {
			t.Errorf("sign in as %q with %q: %d, cookie %v\n%s", tc.email, tc.password, p.status, sessionCookie(p), p.body)
		}
		if !strings.Contains(p.body, `value="`+tc.email+`"`) {
			t.Errorf("the form shown again lost the address typed")
		}
	}
	if b.signedIn() {
		t.Fatal("signed in after wrong passwords")
	}

	p := b.signIn(strings.ToUpper(u.Email), "right password", "/account?tab=1")
	ck := sessionCookie(p)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/account?tab=1" || ck == nil {
		t.Fatalf("sign in: %d to %q, cookie %v; want 303 to /account?tab=1 with the session cookie", p.status, p.header.Get("Location"), ck)
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure || ck.Expires.IsZero() {
		t.Errorf("session cookie %+v; want HttpOnly, SameSite=Lax, Path=/, not Secure on http, with an expiry", ck)
	}
	if !b.signedIn() {
		t.Fatal("not signed in after signing in")
	}
	// Signed in, /login goes on.
	if p := b.get("/login?next=/account"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/account" {
		t.Errorf("GET /login signed in: %d %q", p.status, p.header.Get("Location"))
	}

	// Signing out ends the session on the server: the old cookie no longer works anywhere.
	acct := b.get("/account")
	token := csrfField.FindStringSubmatch(acct.body)[1]
	out := b.post("/logout", url.Values{"csrf_token": {token}})
	if out.status != http.StatusSeeOther || !strings.HasPrefix(out.header.Get("Location"), "/login") || sessionCookie(out).MaxAge >= 0 {
		t.Errorf("sign out: %d %v", out.status, out.header)
	}
	old := newBrowser(t, site)
	old.header.Set("Cookie", ck.Name+"="+ck.Value)
	if p := old.get("/account"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/login?next=") {
		t.Errorf("the account page with the cookie of a signed-out session: %d %q; want 303 to /login", p.status, p.header.Get("Location"))
	}
	if p := old.get("/api/v1/auth/debug/"); p.status != http.StatusUnauthorized {
		t.Errorf("the API with the cookie of a signed-out session: %d, want 401", p.status)
	}
}

// ?next= only ever leads to a path of this site.
func TestSignInNextStaysLocal(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	u := person(t, site, "Nia Next", "right password")
	for _, tc := range []struct{ next, want string }{
		{"/@team/a-page/?x=1#top", "/@team/a-page/?x=1#top"},
		{"", "/"},
		{"//evil.example/", "/"},
		{"https://evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"http:/evil.example", "/"},
	} {
		b := newBrowser(t, site)
		p := b.signIn(u.Email, "right password", tc.next)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != tc.want {
			t.Errorf("next %q: %d to %q, want 303 to %q", tc.next, p.status, p.header.Get("Location"), tc.want)
		}
	}
}

// clock is a clock the test moves, read by the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	site := apptest.Start(t)
	clk := &clock{t: time.Now()}
	site.Inst.DB.Now = clk.now
	u := site.User("Eve Expiry")

	// Idle: each request moves the idle end on; a week without one ends the session.
	b := newBrowser(t, site)
	b.header.Set("Cookie", site.SignIn(u).Cookie.String())
	for range 4 {
		clk.advance(people.DefaultSessionIdle - time.Hour)
		if !b.signedIn() {
			t.Fatalf("signed out after %v of use", clk.now().Sub(time.Now()))
		}
	}
	clk.advance(people.DefaultSessionIdle + time.Minute)
	if b.signedIn() {
		t.Error("still signed in after a week idle")
	}

	// Absolute: however used, a session ends 30 days after sign-in.
	b = newBrowser(t, site)
	b.header.Set("Cookie", site.SignIn(u).Cookie.String())
	start := clk.now()
	for clk.now().Sub(start) < people.DefaultSessionLifetime-24*time.Hour {
		clk.advance(24 * time.Hour)
		if !b.signedIn() {
			t.Fatalf("signed out after %v in daily use", clk.now().Sub(start))
		}
	}
	clk.advance(24 * time.Hour)
	if b.signedIn() {
		t.Errorf("still signed in %v after sign-in", clk.now().Sub(start))
	}
}
