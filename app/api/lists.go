package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"

	"github.com/gin-gonic/gin"
)

// MaxLimit is the largest page a list answers when asked with limit, and the page of a cursor
// given without limit.
const MaxLimit = 1000

// ListQuery is what a client asked of a list. Without limit and cursor it asks for the whole list
// (Limit 0), as Papyrs' lists answer; with them, for at most Limit items after the Cursor
// position. With Since, only items created or changed at or after it, oldest first.
type ListQuery struct {
	Limit  int
	Cursor []string
	Since  *Time
	// Offset is how many items to skip before the first, for lists that keep Papyrs' page
	// numbers (pages/records); cursors make it 0.
	Offset int
}

// Whole reports whether the client asked for the whole list rather than one page of it.
func (q ListQuery) Whole() bool { return q.Limit == 0 }

// ParseList reads limit, cursor and since from p, recording errors in p. A cursor without
// limit asks for a page of MaxLimit items, as it always has.
func ParseList(p *Params) ListQuery {
	var q ListQuery
	if p.Has("limit") {
		q.Limit = int(p.Int("limit", 0))
		if q.Limit < 1 || q.Limit > MaxLimit {
			p.Fail(Invalid("limit", "Parameter \"limit\" must be between 1 and %d; leave it out for the whole list.", MaxLimit))
		}
	}
	if c := p.String("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		if err == nil {
			err = json.Unmarshal(raw, &q.Cursor)
		}
		if err != nil || len(q.Cursor) == 0 {
			p.Fail(Invalid("cursor", "Parameter \"cursor\" is not a cursor this server gave out; start again without it."))
		}
		if q.Limit == 0 {
			q.Limit = MaxLimit
		}
	}
	if s := p.String("since"); s != "" {
		t, err := ParseTime(s)
		if err != nil {
			p.Fail(Invalid("since", "Parameter \"since\": %v.", err))
		}
		q.Since = &t
	}
	return q
}

// CheckCursor refuses a cursor that is not of the n keys the list gives out (one from another
// list), rather than starting the list again.
func (q ListQuery) CheckCursor(n int) error {
	if len(q.Cursor) != 0 && len(q.Cursor) != n {
		return Invalid("cursor", "Parameter \"cursor\" is not a cursor of this list; start again without it.")
	}
	return nil
}

// EncodeCursor makes an opaque cursor from the sort key of the last item answered.
func EncodeCursor(key ...string) string {
	raw, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(raw)
}

// SetNextLink sets the Link header that points at the following page when next is a cursor.
func SetNextLink(c *gin.Context, next string) {
	if next != "" {
		u := RequestURL(c)
		q := u.Query()
		q.Set("cursor", next)
		q.Del("page")       // the cursor takes over from Papyrs' page number
		q.Del("auth_token") // a token never travels in a header that proxies and logs keep
		u.RawQuery = q.Encode()
		c.Header("Link", "<"+u.String()+`>; rel="next"`)
	}
}

type prefixKey struct{}

// WithPathPrefix records the /@slug prefix that the front handler took off the path.
func WithPathPrefix(ctx context.Context, prefix string) context.Context {
	return context.WithValue(ctx, prefixKey{}, prefix)
}

// PathPrefix returns the /@slug prefix of the request as the client sent it, or "".
func PathPrefix(ctx context.Context) string {
	s, _ := ctx.Value(prefixKey{}).(string)
	return s
}

// RequestURL returns the absolute URL the client asked for, subsite prefix included.
func RequestURL(c *gin.Context) *url.URL {
	scheme := "http"
	if c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	u := *c.Request.URL
	u.Scheme, u.Host = scheme, c.Request.Host
	u.Path = PathPrefix(c.Request.Context()) + c.Request.URL.Path
	u.RawPath = ""
	return &u
}
