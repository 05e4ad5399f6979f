package apptest

import (
	"context"
	"net/http"

	"quire/people"
)

// Session is a browser session of a person: the cookie a browser would hold, and the CSRF token
// its unsafe requests must carry (form field "csrf_token" or header "X-CSRF-Token").
type Session struct {
	Cookie *http.Cookie
	CSRF   string
}

// SignIn starts a browser session for u directly through the service (no password, no rate
// limit), as signing in at /login would. Put Cookie in a request, a cookie jar, or a browser
// (chromedp: network.SetCookie(Cookie.Name, Cookie.Value).WithURL(site.URL)).
func (s *Site) SignIn(u *people.User) Session {
	s.t.Helper()
	ctx := context.Background()
	secret, ss, err := s.Inst.People.StartSession(ctx, u.ID, "apptest", "127.0.0.1")
	if err != nil {
		s.t.Fatalf("apptest: start session: %v", err)
	}
	csrf, err := s.Inst.People.SessionCSRFToken(ctx, ss)
	if err != nil {
		s.t.Fatalf("apptest: session CSRF token: %v", err)
	}
	return Session{Cookie: &http.Cookie{Name: people.SessionCookie, Value: secret, Path: "/"}, CSRF: csrf}
}

// SetPassword gives u a password, so that a test can sign in at /login.
func (s *Site) SetPassword(u *people.User, password string) {
	s.t.Helper()
	if err := s.Inst.People.SetUserPassword(context.Background(), u.ID, password); err != nil {
		s.t.Fatalf("apptest: set password: %v", err)
	}
}
