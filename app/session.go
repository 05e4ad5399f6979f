package app

import (
	"crypto/hmac"
	"errors"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/webui"
	"quire/people"
)

// Browser sessions (people/sessions.go) authenticate web pages, and the API too when a request
// carries no API token: a page's ?json and the API console send the browser's cookie. Every
// unsafe request made with a session passes two CSRF checks: Go's cross-origin protection
// (Sec-Fetch-Site or Origin must be this site's) and the session's token in the csrf_token field
// or the X-CSRF-Token header, for browsers that send neither header. Requests with an API token
// are judged as before, byte for byte: a token is not sent by a browser on its own.

var errCSRF = api.Forbidden("This request was refused to protect your account: it came from another site, or its " +
	"form is out of date (a CSRF check). Reload the page and try again.")

// newCrossOrigin returns the cross-origin protection of the site at baseURL, which trusts the
// base URL's origin besides the request's own Host (a proxy may change Host).
func newCrossOrigin(baseURL string) *http.CrossOriginProtection {
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		_ = cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	return cop
}

// sessionActor returns the actor of the request's session cookie, with the session's CSRF
// token recorded for the page's forms (webui.SetCSRFToken). It returns nil and no error for a
// request without the cookie, and people.ErrSessionInvalid for one whose session ended; any
// other error is the database's.
func (s *Server) sessionActor(c *gin.Context) (*people.Actor, error) {
	ck, err := c.Request.Cookie(people.SessionCookie)
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	ctx := c.Request.Context()
	actor, err := s.People.AuthenticateSession(ctx, ck.Value)
	if err != nil {
		return nil, err
	}
	tok, err := s.People.SessionCSRFToken(ctx, actor.Session)
	if err != nil {
		return nil, err
	}
	webui.SetCSRFToken(c, tok)
	return actor, nil
}

// checkCSRF refuses an unsafe request from a foreign origin, and one made with a session (a
// CSRF token recorded) that does not carry the session's token: in the header, or, when
// fromForm (web pages), in the form's field. (Reading the field parses the form, within the
// bound of boundBodies and net/http's 10 MB for a form.)
func (s *Server) checkCSRF(c *gin.Context, fromForm bool) error {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return nil
	}
	if err := s.crossOrigin.Check(c.Request); err != nil {
		return errCSRF
	}
	want := webui.CSRFToken(c)
	if want == "" {
		return nil
	}
	got := c.GetHeader(webui.CSRFHeader)
	if got == "" && fromForm {
		got = c.PostForm(webui.CSRFField)
	}
	if !hmac.Equal([]byte(got), []byte(want)) {
		return errCSRF
	}
	return nil
}

// webSession is the web pages' authentication: an API token as on the API (scripts and tests),
// else the session cookie, else a signed-out visitor. A session that ended loses its cookie and
// the visitor is signed out. Unsafe requests pass checkCSRF; a failure answers the HTML 403.
func (s *Server) webSession(c *gin.Context) {
	ctx := c.Request.Context()
	var actor *people.Actor
	var err error
	if secret := credential(c); secret != "" {
		if actor, err = s.People.Authenticate(ctx, secret); errors.Is(err, people.ErrInvalidToken) {
			err = errBadToken
		}
	} else if actor, err = s.sessionActor(c); errors.Is(err, people.ErrSessionInvalid) {
		s.People.ClearSessionCookie(c)
		actor, err = nil, nil
	}
	if err == nil {
		err = s.checkCSRF(c, true)
	}
	if err != nil {
		c.Error(err)
		c.Abort()
		return
	}
	if actor != nil {
		c.Request = c.Request.WithContext(people.WithActor(ctx, actor))
	}
}

// authenticateSession is authenticate for a request without an API token: the session cookie's
// actor, whose unsafe requests must pass checkCSRF (the X-CSRF-Token header, as a script sends
// it). Without a cookie, or with one whose session ended, the failure is the missing token's,
// as before sessions.
func (s *Server) authenticateSession(c *gin.Context) {
	actor, err := s.sessionActor(c)
	switch {
	case actor == nil && (err == nil || errors.Is(err, people.ErrSessionInvalid)):
		c.Set(keyAuthError, errMissingToken)
		return
	case err != nil:
		c.Set(keyAuthError, err)
		return
	}
	c.Request = c.Request.WithContext(people.WithActor(c.Request.Context(), actor))
	if err := s.checkCSRF(c, false); err != nil {
		c.Set(keyAuthError, err)
	}
}
