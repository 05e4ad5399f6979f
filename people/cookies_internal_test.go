package people

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
)

// The session cookie is Secure exactly when the site's base URL is https.
func TestSessionCookieSecure(t *testing.T) {
	gin.SetMode(gin.ReleaseMode) // as the server runs it; quiet
	for _, tc := range []struct {
		base   string
		secure bool
	}{{"https://wiki.example.com", true}, {"http://127.0.0.1:8080", false}} {
		s := &Service{BaseURL: tc.base}
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
		s.SetSessionCookie(c, "qs_secret", &Session{ExpiresAt: api.NewTime(time.Now().Add(time.Hour))})
		s.ClearSessionCookie(c)
		for _, ck := range (&http.Response{Header: w.Header()}).Cookies() {
			if ck.Name != SessionCookie || ck.Secure != tc.secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" {
				t.Errorf("base %s: cookie %+v; want %s, HttpOnly, SameSite=Lax, Path=/, Secure %v", tc.base, ck, SessionCookie, tc.secure)
			}
		}
	}
}
