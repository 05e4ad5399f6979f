package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/semaphore"
)

// BudgetWait is how long a request waits for room in the budget before it is answered 503.
const BudgetWait = 5 * time.Second

// retryAfter is the Retry-After of a 503 for want of memory, in seconds.
const retryAfter = 5

// Busy returns the error of a request that could not get the memory or connection it needs in
// time (503, with Retry-After set by whoever answers it).
func Busy(format string, args ...any) *Error {
	return &Error{Code: CodeUnavailable, Message: fmt.Sprintf(format, args...)}
}

var errNoMemory = Busy("The server is busy building other large answers; try again in a few seconds (see Retry-After).")

// Budget bounds the memory that answers under construction hold at once, in bytes: a request
// reserves what it is about to hold before it reads it and gives it back once written, and waits
// while others hold the rest. Answers that hold little reserve nothing. A nil *Budget bounds
// nothing.
//
// The bound is what keeps a few requests for very large pages from exhausting the server's memory
// together: each still gets its answer, one after the other, and one that waited longer than
// BudgetWait is answered 503 instead.
type Budget struct {
	sem  *semaphore.Weighted
	size int64
}

// NewBudget returns a budget of size bytes.
func NewBudget(size int64) *Budget {
	return &Budget{sem: semaphore.NewWeighted(size), size: size}
}

// minReserve is the least a request reserves: holding less is not worth accounting for.
const minReserve = 64 << 10

// Reserve takes n bytes of the budget for an answer that has not started, waiting up to
// BudgetWait. When none came free in time, it sets Retry-After on c and returns a 503 error to
// answer. A request for more than the whole budget waits for all of it. Call release exactly
// once, after the answer is written.
func (b *Budget) Reserve(c *gin.Context, n int64) (release func(), err error) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), BudgetWait)
	defer cancel()
	release, err = b.take(ctx, n)
	if errors.Is(err, context.DeadlineExceeded) && c.Request.Context().Err() == nil {
		c.Header("Retry-After", strconv.Itoa(retryAfter))
		return nil, errNoMemory
	}
	return release, err
}

// hold takes n bytes for an answer under way, waiting as long as the request lives: an answer
// that has started cannot be replaced by an error any more.
func (b *Budget) hold(ctx context.Context, n int64) (release func(), err error) {
	return b.take(ctx, n)
}

func (b *Budget) take(ctx context.Context, n int64) (func(), error) {
	if b == nil || n < minReserve {
		return func() {}, nil
	}
	n = min(n, b.size)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return nil, err
	}
	return func() { b.sem.Release(n) }, nil
}
