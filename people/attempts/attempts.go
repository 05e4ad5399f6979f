// Package attempts counts what a key (an account, an address, a share link and an address) did,
// such as failed sign-ins or wrong passwords, so that a caller can hold it back.
package attempts

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"quire/people"
)

// Counter counts what a key did in token buckets of x/time/rate: the key may do it rate.N times,
// and gets one more each rate.Interval. Unlike app's request limiter it can be asked without
// spending (Wait), so that only failures count. Its memory is bounded (maxKeys).
type Counter struct {
	mu      sync.Mutex
	rate    people.Rate
	now     func() time.Time
	buckets map[string]*rate.Limiter
}

// maxKeys bounds the memory of one counter (about 150 bytes a key).
const maxKeys = 50_000

// New returns a counter allowing r, read on the clock now.
func New(r people.Rate, now func() time.Time) *Counter {
	return &Counter{rate: r, now: now, buckets: map[string]*rate.Limiter{}}
}

// Wait returns how long key must wait before it may try again: 0 when it may now.
func (a *Counter) Wait(key string) time.Duration {
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

// Spend counts one attempt of key.
func (a *Counter) Spend(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	b := a.buckets[key]
	if b == nil {
		if len(a.buckets) >= maxKeys {
			a.evict(now)
		}
		b = rate.NewLimiter(rate.Every(a.rate.Interval()), a.rate.N)
		a.buckets[key] = b
	}
	b.AllowN(now, 1)
}

// Forget clears key's count (a successful sign-in clears its account's failures).
func (a *Counter) Forget(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.buckets, key)
}

// evict drops the keys that are back to their full allowance (forgetting them changes
// nothing), then, if that was not enough, any keys but those being held back.
func (a *Counter) evict(now time.Time) {
	for k, b := range a.buckets {
		if b.TokensAt(now) >= float64(a.rate.N) {
			delete(a.buckets, k)
		}
	}
	for k, b := range a.buckets {
		if len(a.buckets) < maxKeys*3/4 {
			return
		}
		if b.TokensAt(now) >= 1 {
			delete(a.buckets, k)
		}
	}
}
