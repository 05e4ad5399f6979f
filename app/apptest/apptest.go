// Package apptest starts a real Quire server on a temporary data directory and calls it over real
// HTTP, for the tests of every package. It also makes users, subsites and tokens directly through
// the services, which is faster than the API and needs no rate allowance.
package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"quire/app"
	"quire/app/apptest/syncbuf"
	"quire/people"
)

// Site is a running server on its own data directory.
type Site struct {
	t       testing.TB
	Data    string
	env     map[string]string
	Inst    *app.Instance
	URL     string
	Owner   *people.User
	OwnerTk string          // an API token of the owner with a generous rate
	log     *syncbuf.Buffer // the server's log, read while the server writes it
	stopped bool
}

// Option changes how a test site starts.
type Option func(env map[string]string)

// WithEnv sets a QUIRE_* variable for the server.
func WithEnv(name, value string) Option {
	return func(env map[string]string) { env[name] = value }
}

// FastRate is the rate of tokens made by Token unless told otherwise: high enough that tests
// never meet the limit by accident.
const FastRate = "100000/1s"

var counter atomic.Int64

// Start runs a server on a new temporary data directory; it stops when the test ends.
func Start(t testing.TB, opts ...Option) *Site {
	t.Helper()
	env := map[string]string{
		"QUIRE_DATA":        t.TempDir(),
		"QUIRE_ADDR":        "127.0.0.1:0",
		"QUIRE_OWNER_EMAIL": "owner@example.com",
		// bcrypt's lowest cost: at the default, each password hash takes about a second under
		// the race detector, and every test site hashes the owner's. Tests of login timing
		// set the default back with WithEnv.
		"QUIRE_PASSWORD_COST": "4",
	}
	for _, o := range opts {
		o(env)
	}
	s := &Site{t: t, Data: env["QUIRE_DATA"], env: env}
	s.start()
	t.Cleanup(func() { s.Stop() })
	owner, err := people.FindUserByEmail(context.Background(), s.Inst.DB.R, "owner@example.com")
	if err != nil {
		t.Fatalf("apptest: the first start made no owner: %v", err)
	}
	s.Owner = owner
	s.OwnerTk = s.Token(owner)
	return s
}

func (s *Site) start() {
	s.t.Helper()
	cfg, err := app.ConfigFromEnv(s.env)
	if err != nil {
		s.t.Fatalf("apptest: config: %v", err)
	}
	if s.log == nil {
		s.log = &syncbuf.Buffer{}
	}
	var logOut io.Writer = s.log
	if os.Getenv("QUIRE_TEST_LOG") != "" {
		logOut = os.Stderr
	}
	inst, err := app.Start(context.Background(), cfg, io.Discard, slog.New(slog.NewTextHandler(logOut, nil)))
	if err != nil {
		s.t.Fatalf("apptest: start: %v", err)
	}
	s.Inst, s.URL, s.stopped = inst, inst.URL, false
}

// Stop stops the server; calling it twice is fine.
func (s *Site) Stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	// Connections the client dialled but never used look new to the server, and Shutdown waits
	// five seconds for such a connection to send its request: close them first.
	httpClient.CloseIdleConnections()
	if err := s.Inst.Stop(); err != nil {
		s.t.Errorf("apptest: stop: %v", err)
	}
}

// Restart stops the server and starts it again on the same data directory (on a new port).
func (s *Site) Restart() {
	s.t.Helper()
	s.Stop()
	s.start()
}

// CLI runs a quire command against the site's data directory and returns its output and code.
func (s *Site) CLI(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = app.Run(context.Background(), args, map[string]string{"QUIRE_DATA": s.Data}, &out, &errOut)
	return out.String(), errOut.String(), code
}

// User makes a person on the site (who joins the auto-join subsites, home among them).
func (s *Site) User(name string) *people.User {
	s.t.Helper()
	n := counter.Add(1)
	email := fmt.Sprintf("%s.%d@example.com", strings.ToLower(strings.ReplaceAll(name, " ", ".")), n)
	u, err := s.Inst.People.CreateUser(context.Background(), people.NewUser{Email: email, Name: name})
	if err != nil {
		s.t.Fatalf("apptest: create user: %v", err)
	}
	return u
}

// Token makes an API token for u with FastRate, or the rate given.
func (s *Site) Token(u *people.User, rate ...string) string {
	s.t.Helper()
	r := FastRate
	if len(rate) > 0 {
		r = rate[0]
	}
	secret, _, err := s.Inst.People.CreateToken(context.Background(), people.NewToken{UserID: u.ID, Name: "test", Rate: r})
	if err != nil {
		s.t.Fatalf("apptest: create token: %v", err)
	}
	return secret
}

// ScopedToken makes a FastRate token of u with only the given scopes.
func (s *Site) ScopedToken(u *people.User, scopes ...string) string {
	s.t.Helper()
	secret, _, err := s.Inst.People.CreateToken(context.Background(), people.NewToken{UserID: u.ID, Name: "scoped",
		Rate: FastRate, Scopes: scopes})
	if err != nil {
		s.t.Fatalf("apptest: create token: %v", err)
	}
	return secret
}

// Subsite makes a subsite (with no members).
func (s *Site) Subsite(title, slug string) *people.Subsite {
	s.t.Helper()
	sub, err := s.Inst.People.CreateSubsite(context.Background(), people.NewSubsite{Title: title, Slug: slug}, 0)
	if err != nil {
		s.t.Fatalf("apptest: create subsite: %v", err)
	}
	return sub
}

// Home returns the default subsite.
func (s *Site) Home() *people.Subsite {
	s.t.Helper()
	sub, err := s.Inst.People.DefaultSubsite(context.Background(), s.Inst.DB.R)
	if err != nil {
		s.t.Fatalf("apptest: default subsite: %v", err)
	}
	return sub
}

// Join gives u the role in sub (people.RoleNone removes them).
func (s *Site) Join(sub *people.Subsite, u *people.User, role people.Role) {
	s.t.Helper()
	ctx := context.Background()
	var err error
	if role == people.RoleNone {
		err = s.Inst.People.RemoveFromSubsite(ctx, sub.ID, u.ID)
	} else {
		_, err = s.Inst.People.AddToSubsite(ctx, sub, u.ID, role)
	}
	if err != nil {
		s.t.Fatalf("apptest: join: %v", err)
	}
}

// Member makes a person with a token who has role in sub (and, being new, the default role in
// home). It returns the user and a client for them addressed at sub.
func (s *Site) Member(name string, sub *people.Subsite, role people.Role) (*people.User, *Client) {
	s.t.Helper()
	u := s.User(name)
	if role != people.RoleNone || sub.Slug != people.DefaultSlug {
		s.Join(sub, u, role)
	}
	return u, s.Client(s.Token(u)).In(sub.Slug)
}

// Client calls the API as the holder of token ("" for no token), on the site-wide URL.
func (s *Site) Client(token string) *Client {
	return &Client{site: s, token: token}
}

// Client calls the API of a site.
type Client struct {
	site    *Site
	token   string
	prefix  string // "/@slug" or ""
	Headers http.Header
}

// In returns a client addressing the subsite with the slug.
func (c *Client) In(slug string) *Client {
	cc := *c
	cc.prefix = "/@" + slug
	return &cc
}

// SiteWide returns a client addressing the site-wide URL.
func (c *Client) SiteWide() *Client {
	cc := *c
	cc.prefix = ""
	return &cc
}

// Response is an answer, read whole.
type Response struct {
	t      testing.TB
	Method string
	URL    string
	Status int
	Header http.Header
	Body   []byte
}

// URL returns the absolute URL of an API path such as "pages/all/".
func (c *Client) URL(path string) string {
	if strings.HasPrefix(path, "/") {
		return c.site.URL + c.prefix + path
	}
	return c.site.URL + c.prefix + "/api/v1/" + path
}

// Get calls GET on an API path ("pages/all/") with optional query parameters.
func (c *Client) Get(path string, query ...url.Values) *Response {
	u := c.URL(path)
	if len(query) > 0 {
		u += "?" + query[0].Encode()
	}
	return c.Do(http.MethodGet, u, nil, "")
}

// Post calls POST with body encoded as JSON (nil sends no body).
func (c *Client) Post(path string, body any) *Response {
	if body == nil {
		return c.Do(http.MethodPost, c.URL(path), nil, "")
	}
	b, err := json.Marshal(body)
	if err != nil {
		c.site.t.Fatalf("apptest: encode body: %v", err)
	}
	return c.Do(http.MethodPost, c.URL(path), bytes.NewReader(b), "application/json")
}

// PostRaw calls POST with a body as it is and the content type given.
func (c *Client) PostRaw(path, contentType, body string) *Response {
	return c.Do(http.MethodPost, c.URL(path), strings.NewReader(body), contentType)
}

var httpClient = &http.Client{
	Timeout:       60 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
}

// Do sends a request to an absolute URL.
func (c *Client) Do(method, u string, body io.Reader, contentType string) *Response {
	t := c.site.t
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatalf("apptest: %v", err)
	}
	if c.token != "" {
		req.Header.Set("X-Auth-Token", c.token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, vs := range c.Headers {
		req.Header[k] = vs
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("apptest: %s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("apptest: read %s %s: %v", method, u, err)
	}
	if msg := checkContract(method, u, resp.StatusCode, resp.Header, b); msg != "" {
		t.Errorf("apptest: %s; body: %.500s", msg, b)
	}
	// A token never travels in a header that proxies and logs keep (httpapi.SetNextLink).
	if link := resp.Header.Get("Link"); link != "" {
		for _, tok := range append(req.URL.Query()["auth_token"], c.token, "auth_token") {
			if tok != "" && strings.Contains(link, tok) {
				t.Errorf("apptest: %s %s: the Link header %q carries a token", method, u, link)
			}
		}
	}
	return &Response{t: t, Method: method, URL: u, Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Want fails the test unless the status is want; it prints the body.
func (r *Response) Want(want int) *Response {
	r.t.Helper()
	if r.Status != want {
		r.t.Fatalf("%s %s: status %d, want %d; body: %s", r.Method, r.URL, r.Status, want, r.Body)
	}
	return r
}

// Decode decodes the JSON body into v.
func (r *Response) Decode(v any) *Response {
	r.t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		r.t.Fatalf("%s %s: decode %T: %v; body: %s", r.Method, r.URL, v, err, r.Body)
	}
	return r
}

// Object decodes the body as a JSON object.
func (r *Response) Object() map[string]any {
	r.t.Helper()
	var m map[string]any
	r.Decode(&m)
	return m
}

// List decodes the body as a JSON list of objects.
func (r *Response) List() []map[string]any {
	r.t.Helper()
	var l []map[string]any
	r.Decode(&l)
	return l
}

// ID returns the "id" of the body's object as an integer.
func (r *Response) ID() int64 {
	r.t.Helper()
	id, ok := r.Object()["id"].(float64)
	if !ok {
		r.t.Fatalf("%s %s: no id in %s", r.Method, r.URL, r.Body)
	}
	return int64(id)
}

// Error decodes an error body and checks its status and code.
func (r *Response) Error(status int, code string) map[string]any {
	r.t.Helper()
	r.Want(status)
	m := r.Object()
	if m["code"] != code || int(m["status"].(float64)) != status || m["request_id"] == "" || m["error"] == "" {
		r.t.Fatalf("%s %s: error body %s, want code %q and status %d with a message and request id", r.Method, r.URL, r.Body, code, status)
	}
	return m
}

// LogText returns what the server has logged so far.
func (s *Site) LogText() string { return s.log.String() }
