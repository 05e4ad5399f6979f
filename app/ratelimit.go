package app

import (
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"quire/app/api"
	"quire/app/httpapi"
	"quire/people"
)

// rateLimiter keeps one token bucket per API token (or client IP for requests without one).
// Memory stays bounded: past maxBuckets, buckets are dropped as evict says.
type rateLimiter struct {
	mu         sync.Mutex
	buckets    map[string]*bucket
	maxBuckets int
	now        func() time.Time
}

type bucket struct {
	lim  *rate.Limiter
	rate people.Rate
	// tokens were left at the last request, at; evict reckons from them without locking lim.
	tokens float64
	at     time.Time
}

// tokensAt returns the allowance the bucket has at now.
func (b *bucket) tokensAt(now time.Time) float64 {
	return min(float64(b.rate.N), b.tokens+float64(now.Sub(b.at))/float64(b.rate.Interval()))
}

func newRateLimiter(maxBuckets int, now func() time.Time) *rateLimiter {
	return &rateLimiter{buckets: map[string]*bucket{}, maxBuckets: maxBuckets, now: now}
}

// verdict is the outcome of one request against its bucket.
type verdict struct {
	allowed   bool
	remaining int
	reset     time.Duration // until the bucket is full again
	retry     time.Duration // until the next request is allowed, when refused
}

// take spends one request of key's bucket at rate r.
func (l *rateLimiter) take(key string, r people.Rate) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil || b.rate != r {
		if len(l.buckets) >= l.maxBuckets {
			l.evict(now)
		}
		b = &bucket{lim: rate.NewLimiter(rate.Every(r.Interval()), r.N), rate: r}
		l.buckets[key] = b
	}
	v := verdict{allowed: b.lim.AllowN(now, 1)}
	tokens := b.lim.TokensAt(now)
	b.tokens, b.at = tokens, now
	v.remaining = int(math.Max(0, math.Floor(tokens)))
	v.reset = time.Duration((float64(r.N) - tokens) * float64(r.Interval()))
	if !v.allowed {
		v.retry = time.Duration((1 - tokens) * float64(r.Interval()))
	}
	return v
}

// evict makes room: it forgets the buckets that are full (a new one would be the same), then,
// down to half the bound, buckets with allowance left, and only then buckets that are holding
// their client back, so that a flood of new keys cannot reset a limited one.
func (l *rateLimiter) evict(now time.Time) {
	target := l.maxBuckets / 2
	var spare []string
	for key, b := range l.buckets {
		switch tokens := b.tokensAt(now); {
		case tokens >= float64(b.rate.N):
			delete(l.buckets, key)
		case tokens >= 1:
			spare = append(spare, key)
		}
	}
	for _, key := range spare {
		if len(l.buckets) < target {
			return
		}
		delete(l.buckets, key)
	}
	for key := range l.buckets {
		if len(l.buckets) < target {
			return
		}
		delete(l.buckets, key)
	}
}

func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// ceilSeconds rounds a duration up to whole seconds, for headers.
func ceilSeconds(d time.Duration) string {
	return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10)
}

// describeRate writes a rate as people read it: "6 requests per 60 seconds".
func describeRate(r people.Rate) string {
	secs := r.Per.Seconds()
	unit := "seconds"
	if secs == 1 {
		unit = "second"
	}
	return fmt.Sprintf("%d requests per %s %s", r.N, strconv.FormatFloat(secs, 'f', -1, 64), unit)
}

// limitRate is the middleware: it applies the caller's bucket, sets the RateLimit-* headers on
// every answer, and answers 429 with Retry-After when the bucket is empty.
func (s *Server) limitRate(c *gin.Context) {
	key, r := "ip:"+c.ClientIP(), s.cfg.rate
	var unreadable error
	if actor := people.ActorFrom(c.Request.Context()); actor != nil && actor.Token != nil {
		key = "token:" + strconv.FormatInt(actor.Token.ID, 10)
		if actor.Token.Rate != "" {
			// CreateToken stores rates as ParseRate reads them, so one it cannot read was written
			// around Quire. Neither the site's default nor no limit is what the token was given:
			// the token is refused (401, saying what to do; counted at the site's rate, whose
			// headers it carries as every answer does) and the log says which token.
			own, err := people.ParseRate(actor.Token.Rate)
			if err != nil {
				s.log.Error(fmt.Sprintf("API token %d has a stored rate that is not a rate (revoke it and make a new one)", actor.Token.ID),
					"request_id", requestID(c), "err", err)
				unreadable = err
			} else {
				r = own
			}
		}
	} else if actor != nil { // a browser session (session.go)
		// A page shows avatars and files by the dozen, which the API's rate for scripts (--rate)
		// would refuse: a person's browser sessions together have --session-rate.
		key, r = "user:"+strconv.FormatInt(actor.User.ID, 10), s.cfg.sessionRate
	}
	c.Set(httpapi.KeyRate, r.String())
	v := s.limiter.take(key, r)
	h := c.Writer.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(r.N))
	h.Set("RateLimit-Remaining", strconv.Itoa(v.remaining))
	h.Set("RateLimit-Reset", ceilSeconds(v.reset))
	switch {
	case unreadable != nil:
		c.Error(&api.Error{Code: api.CodeInvalidToken, Message: "This API token's rate limit cannot be read, " +
			"so it cannot be used; ask a site owner to revoke it and make you a new one."})
		c.Abort()
	case !v.allowed:
		h.Set("Retry-After", ceilSeconds(v.retry))
		c.Error(&api.Error{Code: api.CodeRateLimited, Message: fmt.Sprintf(
			"Rate limit of %s exceeded; retry in %s seconds.", describeRate(r), ceilSeconds(v.retry))})
		c.Abort()
	}
}
