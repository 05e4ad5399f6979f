package people

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"quire/app/webui"
)

// formCookie carries a signed-out browser's random value, to which the CSRF tokens of the forms
// it is shown before signing in (sign-in, forgot and reset password) are bound: a form posted
// from elsewhere lacks the cookie's token, so nobody can sign a browser in to an account of
// theirs (login CSRF) even where the browser sends no Sec-Fetch-Site.
const formCookie = "quire_form"

// secureCookies reports whether cookies get the Secure attribute: when the site's base URL is
// https.
func (s *Service) secureCookies() bool { return strings.HasPrefix(s.BaseURL, "https://") }

// SetSessionCookie gives the browser the session's cookie: HttpOnly, SameSite=Lax, Path=/,
// Secure when the base URL is https, kept until the session's absolute end (the server ends it
// sooner when idle).
func (s *Service) SetSessionCookie(c *gin.Context, secret string, ss *Session) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", Expires: ss.ExpiresAt.Time,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie tells the browser to forget its session cookie.
func (s *Service) ClearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

// SessionCSRFToken is the CSRF token of the session: what every unsafe request made with it
// must carry (webui.CSRFField or webui.CSRFHeader).
func (s *Service) SessionCSRFToken(ctx context.Context, ss *Session) (string, error) {
	return s.CSRFToken(ctx, "session:"+strconv.FormatInt(ss.ID, 10))
}

// FormToken returns the CSRF token a form of this request carries: the session's when the
// browser is signed in (webui.CSRFToken), otherwise one bound to the browser's form cookie,
// which it sets when missing. The context is used without its cancellation, so that a form
// whose body could not be read is still shown again.
func (s *Service) FormToken(c *gin.Context) (string, error) {
	if tok := webui.CSRFToken(c); tok != "" {
		return tok, nil
	}
	value := ""
	if ck, err := c.Request.Cookie(formCookie); err == nil && len(ck.Value) == 43 {
		value = ck.Value
	} else {
		raw := make([]byte, 32)
		if _, err := rand.Read(raw); err != nil {
			return "", err
		}
		value = base64.RawURLEncoding.EncodeToString(raw)
		http.SetCookie(c.Writer, &http.Cookie{Name: formCookie, Value: value, Path: "/", HttpOnly: true,
			Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
	}
	return s.CSRFToken(context.WithoutCancel(c.Request.Context()), "form:"+value)
}

// CheckFormToken reports whether token is the CSRF token of a form of this request, as
// FormToken made it. For a signed-in browser app's middleware has checked the session's token
// already; this checks it again, which is cheap.
func (s *Service) CheckFormToken(c *gin.Context, token string) bool {
	if want := webui.CSRFToken(c); want != "" {
		return hmac.Equal([]byte(token), []byte(want))
	}
	ck, err := c.Request.Cookie(formCookie)
	return err == nil && ck.Value != "" && s.CheckCSRF(c.Request.Context(), "form:"+ck.Value, token)
}
