package web

import (
	"math"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"quire/people"
)

// attempts counts what a key (an account, an address) did in token buckets of x/time/rate: the
// key may do it rate.N times, and gets one more each rate.Interval. Unlike app's request limiter
// it can be asked without spending (wait), so that only failures count against sign-in.
type attempts struct {
	mu      sync.Mutex
	rate    people.Rate
	now     func() time.Time
	buckets map[string]*rate.Limiter
}

// maxAttemptKeys bounds the memory of one counter (about 150 bytes a key).
const maxAttemptKeys = 50_000

func newAttempts(r people.Rate, now func() time.Time) *attempts {
	return &attempts{rate: r, now: now, buckets: map[string]*rate.Limiter{}}
}

// wait returns how long key must wait before it may try again: 0 when it may now.
func (a *attempts) wait(key string) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	b := a.buckets[key]
	if b == nil {
		return 0
	}
	if tokens := b.TokensAt(a.now()); tokens < 1 {
		return time.Duration((1 - tokens) * float64(a.rate.Interval()))
	}
	return 0
}

// spend counts one attempt of key.
func (a *attempts) spend(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	b := a.buckets[key]
	if b == nil {
		if len(a.buckets) >= maxAttemptKeys {
			a.evict(now)
		}
		b = rate.NewLimiter(rate.Every(a.rate.Interval()), a.rate.N)
		a.buckets[key] = b
	}
	b.AllowN(now, 1)
}

// forget clears key's count (a successful sign-in clears its account's failures).
func (a *attempts) forget(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.buckets, key)
}

// evict drops the keys that are back to their full allowance (forgetting them changes
// nothing), then, if that was not enough, any keys but those being held back.
func (a *attempts) evict(now time.Time) {
	for k, b := range a.buckets {
		if b.TokensAt(now) >= float64(a.rate.N) {
			delete(a.buckets, k)
		}
	}
	for k, b := range a.buckets {
		if len(a.buckets) < maxAttemptKeys*3/4 {
			return
		}
		if b.TokensAt(now) >= 1 {
			delete(a.buckets, k)
		}
	}
}

// minutes writes a wait as whole minutes, rounded up: "1 minute", "3 minutes".
func minutes(d time.Duration) string {
	n := int(math.Ceil(d.Minutes()))
	if n <= 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// seconds writes a wait as whole seconds, rounded up, for Retry-After.
func seconds(d time.Duration) string { return strconv.Itoa(int(math.Ceil(d.Seconds()))) }
