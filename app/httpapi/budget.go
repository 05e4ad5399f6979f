package httpapi

import (
	"context"
	"os"
	"quire/app/api"
	"time"

	"golang.org/x/sync/semaphore"
)

// BudgetWait is how long a request waits for room in the budget before it is answered 503.
const BudgetWait = 5 * time.Second

var errNoMemory = api.Busy("The server is busy building other large answers; try again in a few seconds (see Retry-After).")

// Budget bounds the memory that large answers hold at once, in bytes, in two shares:
//
//   - Three quarters for answers being read and built: a request reserves what it is about to
//     hold (Reserve) before it reads it and gives it back once it is encoded, and waits while
//     others hold the rest. This is what keeps a few requests for very large pages from
//     exhausting the server's memory together: each still gets its answer, one after the other,
//     and one that waited longer than BudgetWait is answered 503 instead.
//   - A quarter for answers built and waiting for their clients to take them (Spool): a spool
//     takes its share without waiting, and when there is none it keeps its answer in a file
//     instead. So however many clients read slowly, they never make another request wait.
//
// Answers that hold less than minReserve reserve nothing. A nil *Budget bounds nothing.
type Budget struct {
	building    *semaphore.Weighted
	size        int64 // of building
	waiting     *semaphore.Weighted
	waitingSize int64
	// dir is where spools keep what they do not hold in memory (os.TempDir() when "").
	dir string
}

// NewBudget returns a budget of size bytes whose spools keep what they do not hold in memory in
// files in dir (created when first needed). dir should be on a disk rather than in memory: the
// data directory's, not a tmpfs /tmp.
func NewBudget(size int64, dir string) *Budget {
	waiting := size / 4
	return &Budget{building: semaphore.NewWeighted(size - waiting), size: size - waiting,
		waiting: semaphore.NewWeighted(waiting), waitingSize: waiting, dir: dir}
}

// minReserve is the least a request reserves: holding less is not worth accounting for.
const minReserve = 64 << 10

// Reserve takes n bytes of the budget for an answer being built, waiting up to BudgetWait. When
// none came free in time it returns a 503 error (Busy), and ctx's error when ctx ended first. A
// request for more than the building share waits for all of it. Call release exactly once, once
// what was reserved for is no longer held.
func (b *Budget) Reserve(ctx context.Context, n int64) (release func(), err error) {
	if b == nil || n < minReserve {
		return func() {}, nil
	}
	n = min(n, b.size)
	wait, cancel := context.WithTimeout(ctx, BudgetWait)
	defer cancel()
	if err := b.building.Acquire(wait, n); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, errNoMemory
	}
	return func() { b.building.Release(n) }, nil
}

// tryHold takes n bytes of the share of answers waiting for their clients, if they are free now.
func (b *Budget) tryHold(n int64) (release func(), ok bool) {
	if b == nil {
		return func() {}, true
	}
	if !b.waiting.TryAcquire(n) {
		return nil, false
	}
	return func() { b.waiting.Release(n) }, true
}

// spillDir returns the directory of spools' files.
func (b *Budget) spillDir() string {
	if b == nil || b.dir == "" {
		return os.TempDir()
	}
	return b.dir
}
