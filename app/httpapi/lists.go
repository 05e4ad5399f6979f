package httpapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"

	"github.com/gin-gonic/gin"

	"quire/app/api"
)

// ParseList reads limit, cursor and since from p, recording errors in p. A cursor without
// limit asks for a page of MaxLimit items, as it always has.
func ParseList(p *Params) api.ListQuery {
	var q api.ListQuery
	if p.Has("limit") {
		q.Limit = int(p.Int("limit", 0))
		if q.Limit < 1 || q.Limit > api.MaxLimit {
			p.Fail(api.Invalid("limit", "Parameter \"limit\" must be between 1 and %d; leave it out for the whole list.", api.MaxLimit))
		}
	}
	if c := p.String("cursor"); c != "" {
		raw, err := base64.RawURLEncoding.DecodeString(c)
		if err == nil {
			err = json.Unmarshal(raw, &q.Cursor)
		}
		if err != nil || len(q.Cursor) == 0 {
			p.Fail(api.Invalid("cursor", "Parameter \"cursor\" is not a cursor this server gave out; start again without it."))
		}
		if q.Limit == 0 {
			q.Limit = api.MaxLimit
		}
	}
	if s := p.String("since"); s != "" {
		t, err := api.ParseTime(s)
		if err != nil {
			p.Fail(api.Invalid("since", "Parameter \"since\": %v.", err))
		}
		q.Since = &t
	}
	return q
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
