// Package apidocs serves /docs: the API's OpenAPI document (/api/v1/openapi.json) rendered for a
// person to read by Scalar (@scalar/api-reference, vendored in static/vendor), inside the web
// UI's frame.
//
// Anyone may read it, signed in or not: the document is served to anyone already and holds
// nothing secret (no subsite, page or person). It is site-wide only: /@slug/docs is not found,
// so that the page never says whether a subsite exists. A signed-in person can send requests
// from it (Scalar's "Test Request") with their session: the page's script sends the session
// cookie on same-origin requests only, with the session's CSRF token in X-CSRF-Token on unsafe
// ones, as the API asks of a browser (README, "Signing in").
//
// The page runs under the web UI's strict Content-Security-Policy: no inline script (Scalar's
// configuration is a JSON <script type="application/json">, read by static/docs.js), and no
// inline style but the <style> Scalar inserts, which carries the request's nonce (Scalar reads it
// from <meta property="csp-nonce">). Scalar fetches nothing outside the site: no fonts from its
// CDN (withDefaultFonts off), no proxy, no telemetry, no AI agent or MCP.
package apidocs

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/httpapi"
	"quire/app/webui"
	"quire/people"
)

// DocumentURL is where the OpenAPI document the page renders is served.
const DocumentURL = "/api/v1/openapi.json"

// Config is what the page gives static/docs.js, as JSON: the document's URL and, for a signed-in
// person, the CSRF header and token their unsafe requests send.
type Config struct {
	URL        string `json:"url"`
	SignedIn   bool   `json:"signedIn"`
	CSRFHeader string `json:"csrfHeader,omitempty"`
	CSRFToken  string `json:"csrfToken,omitempty"`
}

// Page answers GET /docs. It runs behind the web pages' session middleware, which records the
// actor and, for a signed-in person, the frame (webui.SetFrame). A subsite's URL (/@slug/docs) is
// the web's 404.
func Page(c *gin.Context) {
	if httpapi.PathPrefix(c.Request.Context()) != "" {
		c.Error(people.ErrNotFound)
		c.Abort()
		return
	}
	cfg := Config{URL: DocumentURL}
	if people.ActorFrom(c.Request.Context()) != nil {
		cfg.SignedIn = true
		if tok := webui.CSRFToken(c); tok != "" {
			cfg.CSRFHeader, cfg.CSRFToken = webui.CSRFHeader, tok
		}
	}
	if err := webui.Render(c, http.StatusOK, "docs.html", webui.Page{Title: "API reference", Data: cfg}); err != nil {
		c.Error(err)
	}
}
