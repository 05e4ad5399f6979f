// Package cors lets scripts on other web origins call the API (the Fetch standard's
// cross-origin resource sharing), for the origins the owner lists with --cors-origins and no
// others. It wraps github.com/rs/cors, which implements the standard's preflight and answer
// headers, and holds it to Quire's rules:
//
//   - Only /api/... paths (site-wide and /@slug/api/...) speak CORS; web pages never do.
//   - Origins are exact (scheme://host[:port]); no wildcard, so a list is what an owner reviewed.
//   - Credentials are never allowed: a cross-origin script authenticates with an API token in
//     X-Auth-Token or Authorization, never with the browser's session cookie, so no other site
//     can act as a signed-in person. (Access-Control-Allow-Credentials is never sent, and the
//     session's CSRF checks still refuse an unsafe cross-origin request that carries a cookie.)
//   - A preflight (OPTIONS with Access-Control-Request-Method) is answered 204 before
//     authentication and the rate limit, as the browser sends it without the token. An allowed
//     origin gets Access-Control-Allow-Origin, -Methods, -Headers and -Max-Age; any other origin
//     gets the same 204 without them, which the browser reads as a refusal.
//   - Every API answer says Vary: Origin, so that a cache never gives one origin's answer to
//     another; an allowed origin's answers carry Access-Control-Allow-Origin and
//     Access-Control-Expose-Headers (ExposedHeaders).
package cors

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	rscors "github.com/rs/cors"
)

// Methods are the methods the API answers, which a preflight may ask for.
var Methods = []string{http.MethodGet, http.MethodHead, http.MethodPost}

// Headers are the request headers a cross-origin script may send (besides the CORS-safelisted
// ones): the token headers, a JSON body's type, and the API's own request headers. X-CSRF-Token
// is not among them: it goes with a session cookie, which is never sent cross-origin.
var Headers = []string{"X-Auth-Token", "Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"}

// ExposedHeaders are the answer headers a cross-origin script may read (besides the
// CORS-safelisted ones): the rate limit's, a list's next page, a 429's or 503's wait, the
// request's id and an idempotent replay's mark.
var ExposedHeaders = []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Link",
	"Retry-After", "X-Request-Id", "Idempotent-Replayed"}

// MaxAge is how long, in seconds, a browser may keep a preflight's answer: two hours, the most
// Chromium keeps one.
const MaxAge = 7200

// ParseOrigins reads a comma-separated list of origins, such as
// "https://app.example.com, http://localhost:3000", as --cors-origins takes it. Each must be an
// http or https origin: a scheme, a host and an optional port, with no path (a trailing slash
// is forgiven), query, fragment or user. They are returned as browsers send them in the Origin
// header (RFC 6454): lowercase, without the scheme's default port. "*" is refused: list the
// origins. An empty list allows none.
func ParseOrigins(list string) ([]string, error) {
	var origins []string
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if item == "*" || item == "null" {
			return nil, fmt.Errorf("%q is not allowed: list each origin, such as https://app.example.com", item)
		}
		u, err := url.Parse(strings.TrimSuffix(item, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(item, "?") ||
			strings.Contains(u.Host, "*") {
			return nil, fmt.Errorf("%q is not an origin: write scheme://host[:port], such as https://app.example.com, with no path", item)
		}
		host, port := strings.ToLower(u.Hostname()), u.Port()
		if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
			port = ""
		}
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		origin := u.Scheme + "://" + host
		if port != "" {
			origin += ":" + port
		}
		origins = append(origins, origin)
	}
	return origins, nil
}

// Middleware returns the gin middleware that answers CORS for the API's paths as the package
// comment says, allowing origins (as ParseOrigins returns them; none allows none). It must run
// before authentication and the rate limit, and after any prefix (/@slug) is taken off the
// path.
func Middleware(origins []string) gin.HandlerFunc {
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		allowed[o] = true
	}
	c := rscors.New(rscors.Options{
		// A function rather than AllowedOrigins: rs/cors reads an empty AllowedOrigins as "any".
		AllowOriginFunc:      func(origin string) bool { return allowed[origin] },
		AllowedMethods:       Methods,
		AllowedHeaders:       Headers,
		ExposedHeaders:       ExposedHeaders,
		MaxAge:               MaxAge,
		AllowCredentials:     false,
		OptionsSuccessStatus: http.StatusNoContent,
	})
	return func(g *gin.Context) {
		if !strings.HasPrefix(g.Request.URL.Path, "/api/") {
			g.Next()
			return
		}
		passed := false
		c.ServeHTTP(g.Writer, g.Request, func(http.ResponseWriter, *http.Request) {
			passed = true
			g.Next()
		})
		if !passed { // a preflight, answered
			g.Abort()
		}
	}
}
