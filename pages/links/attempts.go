package links

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"quire/people"
)

// attempts counts wrong passwords per key (a link and an address) in token buckets of
// x/time/rate: a key may fail rate.N times, and gets one more try each rate.Interval. It can be
// asked without spending (wait), so that only failures count.
type attempts struct {
	mu      sync.Mutex
	rate    people.Rate
	now     func() time.Time
	buckets map[string]*rate.Limiter
}

// maxAttemptKeys bounds the counter's memory (about 150 bytes a key).
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

// spend counts one failure of key. When the map is full, keys back at their full allowance go
// first; should that not be enough, the map starts again (an attacker filling it with addresses
// gains a few tries per key, never unbounded memory).
func (a *attempts) spend(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	b := a.buckets[key]
	if b == nil {
		if len(a.buckets) >= maxAttemptKeys {
			for k, old := range a.buckets {
				if old.TokensAt(now) >= float64(a.rate.N) {
					delete(a.buckets, k)
				}
			}
			if len(a.buckets) >= maxAttemptKeys {
				clear(a.buckets)
			}
		}
		b = rate.NewLimiter(rate.Every(a.rate.Interval()), a.rate.N)
		a.buckets[key] = b
	}
	b.AllowN(now, 1)
}

// forget clears key's failures (a right password).
func (a *attempts) forget(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.buckets, key)
}
