package app

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/apidocs"
	"quire/app/cors"
	"quire/app/hooks"
	"quire/app/httpapi"
	"quire/app/sqldb"
	"quire/app/webui"
	"quire/pages/links"
	"quire/pages/rest"
	"quire/people"
	peoplerest "quire/people/rest"
	"quire/people/tokens"
	peopleweb "quire/people/web"
	"quire/static"
)

// Server answers HTTP for a site: the API under /api/v1/ and /@slug/api/v1/, and health checks.
type Server struct {
	*Site
	cfg     Config
	log     *slog.Logger
	limiter *rateLimiter
	engine  *gin.Engine
	// crossOrigin refuses unsafe browser requests from other sites (session.go).
	crossOrigin *http.CrossOriginProtection
	pace        bodyPace // how long a request body may take (bodies.go); tests shorten it
}

// maxRateBuckets bounds the rate limiter's memory (about 200 bytes a bucket).
const maxRateBuckets = 100_000

// NewServer builds the router of site. log receives the access log and errors.
func NewServer(site *Site, log *slog.Logger) (*Server, error) {
	doc, err := OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	if _, err := webui.Load(); err != nil { // a template that does not parse stops the start
		return nil, err
	}
	s := &Server{Site: site, cfg: site.Config, log: log, limiter: newRateLimiter(maxRateBuckets, site.DB.Now),
		pace: bodyPace{grace: bodyGrace, rate: minBodyRate}, crossOrigin: newCrossOrigin(site.Config.BaseURL)}
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	_ = e.SetTrustedProxies(nil) // ClientIP is the peer address unless a proxy is configured
	// CORS answers preflights before the API's gate (authentication, rate limit), as browsers send
	// them without the token.
	e.Use(s.assignRequestID, s.logAccess, cors.Middleware(s.cfg.CORSOrigins), s.writeErrors, s.recoverPanics)

	e.GET("/healthz", s.health)
	e.GET("/api/v1/openapi.json", serveOpenAPI(doc))
	// A body is judged (boundBodies) once its request is authenticated and counted: a request
	// without a valid token is a 401 whatever it declares, and a 413 carries the RateLimit headers.
	v1 := e.Group("/api/v1", s.authenticate, s.limitRate, s.requirePlace, s.boundBodies, s.idempotency)
	peoplerest.Routes(v1, s.People)
	tokens.New(s.People).Routes(v1)
	rest.Routes(v1, s.Pages)
	s.Search.Routes(v1)
	hooks.Routes(v1, s.Hooks)
	s.Links.Routes(v1)
	// Outside the API but behind the same gate: things the API's answers link to.
	gated := e.Group("", s.authenticate, s.limitRate, s.requirePlace, s.boundBodies)
	peoplerest.AvatarRoutes(gated, s.People)
	rest.FileRoutes(gated, s.Pages)
	// Web pages: server-rendered, scripts from /static only, strict headers (webHeaders).
	web := e.Group("", s.webHeaders)
	web.GET("/static/*filepath", s.serveStatic)
	web.Use(s.limitWeb, s.boundBodies, s.webSession)
	peopleweb.New(s.People).Routes(web)
	// Share links' own pages (/s/SECRET): no one need be signed in.
	links.NewPublic(s.Links, s.People, site.DB.Now).PublicRoutes(web)
	web.GET("/docs", s.optionalFrame, apidocs.Page) // open to visitors too (package apidocs)
	// Signed-in web pages: a person (session or token), their subsite from /@slug, the frame.
	signedIn := e.Group("", s.webHeaders, s.boundBodies, s.webSession, s.limitSignedIn, s.requireWebPlace)
	s.webPages(signedIn)

	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)
	s.engine = e
	return s, nil
}

// Routes lists the method and path of every route the server answers.
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// Routes lists the method and path of every route the instance answers.
func (inst *Instance) Routes() gin.RoutesInfo { return inst.server.Handler.(*Server).Routes() }

// keyWebPage marks a request for a web page: its errors are answered as an HTML page.
const keyWebPage = "quire.web_page"

// webHeaders sets the security headers of every web page and marks the request as a web page,
// so that its errors answer the HTML error page.
//
// The Content-Security-Policy lets a page load scripts, styles, images and fonts from this site
// only, never inline script or eval (htmx runs with allowEval off, templates/layout.html), and
// connect to this site only (htmx's requests). The one inline style it admits is one carrying
// the request's nonce: Trix inserts its default styles as a <style> element, with the nonce it
// reads from the page's trix-csp-nonce meta tag (templates.Render fills it in). Images may also
// be data: URLs, which Trix's toolbar icons are. No page may be framed, change the base URL or
// post a form elsewhere.
//
// Referrer-Policy is no-referrer on every page, not just those whose URL carries a token
// (invitations, password resets): nothing here reads the Referer (CSRF checks read Origin and
// Sec-Fetch-Site), so no page needs to send it, and a new token page cannot forget to hide it.
func (s *Server) webHeaders(c *gin.Context) {
	c.Set(keyWebPage, true)
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", webCSP(newNonce()))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}

// webCSP is the Content-Security-Policy of a web page whose inline styles carry nonce.
func webCSP(nonce string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-" + nonce + "'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
}

// newNonce returns a CSP nonce: 128 random bits in base64 (CSP 3 asks for at least 128).
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

// serveStatic answers a static file at its content-hashed URL (package static), and the
// not-found page for any other URL under /static/.
func (s *Server) serveStatic(c *gin.Context) {
	if !static.Serve(c.Writer, c.Request, c.Param("filepath")) {
		s.answerErrorPage(c, http.StatusNotFound, "Nothing here: "+c.Request.URL.Path)
	}
}

// webRate is how many web page requests one address may make: enough for people, not for
// guessing.
var webRate = people.Rate{N: 60, Per: time.Minute}

// limitWeb limits web pages per client address, answering the HTML error page's 429.
func (s *Server) limitWeb(c *gin.Context) {
	v := s.limiter.take("web:"+c.ClientIP(), webRate)
	if !v.allowed {
		c.Header("Retry-After", ceilSeconds(v.retry))
		s.answerErrorPage(c, http.StatusTooManyRequests, "Too many requests from your address; try again in a minute.")
	}
}

// ServeHTTP is the front handler. gin cannot route a "@" inside a segment, so /@slug/rest is
// served as /rest with the prefix kept in the request context; API paths without their
// trailing slash are served as if it were there.
//
// HEAD is served as GET on every route (gin has no HEAD of its own): the handler answers a GET,
// and net/http, which still holds the request as HEAD, sends its status and headers and drops
// its body (giving a Content-Length when the body is small, as for the GET). So a HEAD costs
// what a GET costs, counts against the rate limit as one, and a HEAD where only POST is allowed
// is 405.
//
// Every request body is put on its pace first (paceBody), so that no route, and no answer
// given before routing, waits on a slow body without bound.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = s.paceBody(w, r)
	if r.Method == http.MethodHead {
		r = r.WithContext(context.WithValue(r.Context(), headKey{}, true))
		r.Method = http.MethodGet
	}
	if strings.HasPrefix(r.URL.Path, "/@") {
		slug, rest, found := strings.Cut(r.URL.Path[2:], "/")
		if !found {
			target := r.URL.Path + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusPermanentRedirect)
			return
		}
		r = r.WithContext(httpapi.WithPathPrefix(r.Context(), "/@"+slug))
		u := *r.URL
		u.Path, u.RawPath = "/"+rest, ""
		r.URL = &u
	}
	if p := r.URL.Path; strings.HasPrefix(p, "/api/") && !strings.HasSuffix(p, "/") && !strings.HasSuffix(p, ".json") {
		u := *r.URL
		u.Path, u.RawPath = p+"/", ""
		r.URL = &u
	}
	s.engine.ServeHTTP(w, r)
}

type headKey struct{}

// method returns the method the client sent: HEAD for a HEAD served as GET.
func method(r *http.Request) string {
	if head, _ := r.Context().Value(headKey{}).(bool); head {
		return http.MethodHead
	}
	return r.Method
}

const keyRequestID = "quire.request_id"

var clientRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// assignRequestID takes a sane X-Request-Id from the client or makes one, and echoes it.
func (s *Server) assignRequestID(c *gin.Context) {
	id := c.GetHeader("X-Request-Id")
	if !clientRequestID.MatchString(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = "req_" + hex.EncodeToString(b)
	}
	c.Set(keyRequestID, id)
	c.Header("X-Request-Id", id)
	// The caches a request consults (people's at authentication, the page answers) read the
	// database's epochs once for the request.
	c.Request = c.Request.WithContext(sqldb.WithEpochs(c.Request.Context()))
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(keyRequestID) }

// logAccess writes one line per request, also for one whose handler panicked or was aborted.
func (s *Server) logAccess(c *gin.Context) {
	start := time.Now()
	defer s.writeAccessLine(c, start)
	c.Next()
}

func (s *Server) writeAccessLine(c *gin.Context, start time.Time) {
	route := c.FullPath()
	if route == "" {
		route = "(no route)"
	}
	var userID int64
	if a := people.ActorFrom(c.Request.Context()); a != nil {
		userID = a.User.ID
	}
	s.log.Info("request", "id", requestID(c), "method", method(c.Request), "prefix", httpapi.PathPrefix(c.Request.Context()),
		"path", route, "status", c.Writer.Status(), "bytes", max(c.Writer.Size(), 0),
		"duration_ms", float64(time.Since(start).Microseconds())/1000, "user", userID)
}

const keyAuthError = "quire.auth_error"

var errMissingToken = &api.Error{Code: api.CodeInvalidToken,
	Message: "Missing API token: send it in the X-Auth-Token header (or Authorization: Bearer)."}

var errBadToken = &api.Error{Code: api.CodeInvalidToken,
	Message: "Invalid API token: it is unknown, expired or revoked."}

// credential returns the token a request carries, from the places API.md lists, in order.
func credential(c *gin.Context) string {
	if t := strings.TrimSpace(c.GetHeader("X-Auth-Token")); t != "" {
		return t
	}
	if h := c.GetHeader("Authorization"); len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return c.Query("auth_token")
}

// authenticate finds the actor: by API token, or, for a request without one, by session cookie
// (session.go). A failure is kept, not answered, so that the rate limiter counts
// the request (by IP) before requirePlace answers 401.
func (s *Server) authenticate(c *gin.Context) {
	secret := credential(c)
	if secret == "" {
		s.authenticateSession(c)
		return
	}
	actor, err := s.People.Authenticate(c.Request.Context(), secret)
	if errors.Is(err, people.ErrInvalidToken) {
		err = errBadToken
	}
	if err != nil {
		c.Set(keyAuthError, err)
		return
	}
	c.Request = c.Request.WithContext(people.WithActor(c.Request.Context(), actor))
}

// requirePlace answers 401 for a failed authentication, and resolves the subsite the URL names:
// a subsite the caller is not a member of is not found, exactly like one that does not exist.
func (s *Server) requirePlace(c *gin.Context) {
	if err, failed := c.Get(keyAuthError); failed {
		c.Error(err.(error))
		c.Abort()
		return
	}
	ctx := c.Request.Context()
	actor := people.ActorFrom(ctx)
	prefix := httpapi.PathPrefix(ctx)
	place := people.Place{SiteWide: prefix == ""}
	var err error
	if place.SiteWide {
		place.Subsite, err = s.People.RequestSubsite(ctx, actor, "")
	} else {
		place.Subsite, err = s.People.RequestSubsite(ctx, actor, strings.ToLower(prefix[2:]))
		if errors.Is(err, people.ErrSubsiteNotFound) || (err == nil && !actor.IsMember(place.Subsite.ID)) {
			err = people.ErrNotFound
		}
	}
	if err != nil {
		c.Error(err)
		c.Abort()
		return
	}
	c.Request = c.Request.WithContext(people.WithPlace(ctx, place))
}

func (s *Server) health(c *gin.Context) {
	var one int
	if err := s.DB.R.QueryRowContext(c.Request.Context(), `SELECT 1`).Scan(&one); err != nil {
		s.log.Error("health check", "error", err.Error())
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": "the database does not answer"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// limitUnrouted counts an API request that matched no route against its caller's rate, as
// every API request is, so that its answer carries the RateLimit headers too. It reports whether
// the request was within the limit.
func (s *Server) limitUnrouted(c *gin.Context) bool {
	if !strings.HasPrefix(c.Request.URL.Path, "/api/") {
		return true
	}
	s.authenticate(c)
	s.limitRate(c)
	return !c.IsAborted()
}

func (s *Server) noRoute(c *gin.Context) {
	if !s.limitUnrouted(c) {
		return
	}
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		// A 405 lists the methods its target allows (RFC 9110, 15.5.6): an action that does not
		// exist allows none, which an empty Allow says. (gin's c.Header would drop an empty value.)
		c.Writer.Header()["Allow"] = []string{""}
		s.answerError(c, api.CodeMethodNotAllowed, "Unknown API action "+method(c.Request)+" "+
			httpapi.PathPrefix(c.Request.Context())+c.Request.URL.Path+". The actions are listed at /api/v1/openapi.json.", "")
		return
	}
	s.answerError(c, api.CodeNotFound, "Nothing here: "+c.Request.URL.Path, "")
}

func (s *Server) noMethod(c *gin.Context) {
	if !s.limitUnrouted(c) {
		return
	}
	allowed := c.Writer.Header().Get("Allow")
	if strings.Contains(allowed, http.MethodGet) && !strings.Contains(allowed, http.MethodHead) {
		allowed += ", " + http.MethodHead // every GET route answers HEAD too (ServeHTTP)
		c.Header("Allow", allowed)
	}
	s.answerError(c, api.CodeMethodNotAllowed, "Method "+method(c.Request)+" is not allowed on "+
		c.Request.URL.Path+"; use "+strings.ReplaceAll(allowed, ",", " or")+".", "")
}
