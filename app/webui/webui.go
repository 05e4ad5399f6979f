// Package webui is the HTML side of handlers, as app/httpapi is the JSON side: what every web
// page shares (the frame around it, rendering, the CSRF token its forms carry). Domain packages'
// web handlers (pages/web, people/web) use it; it imports no domain package's handlers.
package webui

import "github.com/gin-gonic/gin"

// CSRFField is the name of the hidden form field that carries the request's CSRF token, and
// CSRFHeader the header that carries it on requests made by script (htmx sends it from the
// page's hx-headers). Every unsafe request of a signed-in browser session must carry one of them.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// keyCSRF holds the request's CSRF token in the gin context.
const keyCSRF = "quire.csrf_token"

// SetCSRFToken records the CSRF token of the request's session; the session middleware calls it.
func SetCSRFToken(c *gin.Context, token string) { c.Set(keyCSRF, token) }

// CSRFToken returns the CSRF token forms of this request must carry: "" when the request has no
// browser session (a signed-out visitor, or an API token, which needs none).
func CSRFToken(c *gin.Context) string { return c.GetString(keyCSRF) }
