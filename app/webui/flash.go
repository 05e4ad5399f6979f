package webui

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// flashCookie carries a flash message across the redirect that follows a form's post: the
// message's code only (Flash* below), never its text, so that a cookie set by anyone else shows
// at most one of our own messages. It lives a minute, and the next page shown clears it.
const flashCookie = "quire_flash"

// The flash messages, by code: what a person is told on the page a successful action leads to.
const (
	FlashPageCreated  = "page-created"
	FlashPageSaved    = "page-saved"
	FlashPageTrashed  = "page-trashed"
	FlashPageRestored = "page-restored"
)

var flashMessages = map[string]string{
	FlashPageCreated:  "Page created. Add its first paragraph or heading below.",
	FlashPageSaved:    "Page settings saved.",
	FlashPageTrashed:  "Page moved to the trash. Restore it from here.",
	FlashPageRestored: "Page restored from the trash.",
}

// SetFlash makes the next page this browser is shown (the target of the redirect the handler
// answers next) say the message of code, once, in the frame's status line (role="status").
// A code that is not one of Flash* is ignored.
func SetFlash(c *gin.Context, code string) {
	if _, ok := flashMessages[code]; !ok {
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: code, Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: frameOfContext(c).SecureCookies, SameSite: http.SameSiteLaxMode})
}

// takeFlash returns the message of the request's flash cookie ("" when there is none) and tells
// the browser to forget the cookie, so that it shows once.
func takeFlash(c *gin.Context) string {
	ck, err := c.Request.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: frameOfContext(c).SecureCookies, SameSite: http.SameSiteLaxMode})
	return flashMessages[ck.Value]
}

// HasFlash reports whether the request carries a flash message to show: its page is then not
// one to keep for later requests.
func HasFlash(c *gin.Context) bool {
	_, err := c.Request.Cookie(flashCookie)
	return err == nil
}
