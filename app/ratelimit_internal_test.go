package app

import (
	"runtime"
	"strconv"
	"testing"
	"time"

	"quire/people"
)

// fakeClock is a clock the test moves; the limiter's tests call it from one goroutine.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLimiterRefills(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	l := newRateLimiter(10, clock.now)
	r := people.Rate{N: 3, Per: time.Minute}
	for i := 0; i < 3; i++ {
		if v := l.take("k", r); !v.allowed || v.remaining != 2-i {
			t.Fatalf("request %d: %+v, want allowed with %d remaining", i, v, 2-i)
		}
	}
	v := l.take("k", r)
	if v.allowed || v.retry <= 0 || v.retry > 20*time.Second || v.reset != time.Minute {
		t.Fatalf("fourth request: %+v, want refused, retry within 20s, full again in 60s", v)
	}
	clock.advance(v.retry)
	if v := l.take("k", r); !v.allowed {
		t.Fatalf("after Retry-After: %+v, want allowed", v)
	}
	if v := l.take("k", r); v.allowed {
		t.Fatalf("one request came back, two were taken: %+v", v)
	}
	// A new rate for the key (the token's rate was changed) starts a new bucket.
	if v := l.take("k", people.Rate{N: 10, Per: time.Minute}); !v.allowed || v.remaining != 9 {
		t.Fatalf("new rate: %+v", v)
	}
}

// TestLimiterMemoryIsBounded feeds a million distinct keys (tokens or addresses) to the limiter:
// it keeps at most maxRateBuckets buckets, and a key that is being limited stays limited.
func TestLimiterMemoryIsBounded(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	l := newRateLimiter(maxRateBuckets, clock.now)
	r := people.Rate{N: 6, Per: time.Minute}
	for i := 0; i < 6; i++ {
		l.take("token:abuser", r)
	}
	if v := l.take("token:abuser", r); v.allowed {
		t.Fatal("the seventh request was allowed")
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	largest := 0
	for i := 0; i < 1_000_000; i++ {
		l.take("ip:"+strconv.Itoa(i), r)
		if i%1000 == 0 {
			clock.advance(time.Millisecond)
			largest = max(largest, l.size())
		}
	}
	if n := l.size(); n > maxRateBuckets || largest > maxRateBuckets {
		t.Errorf("the limiter holds %d buckets (at most %d on the way), want at most %d", n, largest, maxRateBuckets)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 200<<20 {
		t.Errorf("the heap grew by %d MB", grown>>20)
	}
	if v := l.take("token:abuser", r); v.allowed {
		t.Errorf("the limited token was forgotten in the flood and allowed again: %+v", v)
	}
}
