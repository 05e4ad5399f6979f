package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/sqldb"
)

// numbers is a list of the items 1..n (each padded to size bytes of JSON), read in keyset
// batches as a store would read rows; failAt, when not 0, is the batch that fails.
type numbers struct {
	n, size, failAt int
	mu              sync.Mutex
	batches         []int // the size of each batch asked for
}

type number struct {
	N   int    `json:"n"`
	Pad string `json:"pad,omitempty"`
}

func (l *numbers) read(_ context.Context, _ api.DBTX, q api.ListQuery) ([]number, []string, error) {
	l.mu.Lock()
	l.batches = append(l.batches, q.Limit)
	batch := len(l.batches)
	l.mu.Unlock()
	if batch == l.failAt {
		return nil, nil, errors.New("the disk is on fire")
	}
	from := 1 + q.Offset
	if len(q.Cursor) == 1 {
		last, _ := strconv.Atoi(q.Cursor[0])
		from = last + 1
	}
	var out []number
	for i := from; i <= l.n && len(out) < q.Limit; i++ {
		out = append(out, number{N: i, Pad: strings.Repeat("x", max(l.size-20, 0))})
	}
	if len(out) == 0 || out[len(out)-1].N == l.n {
		return out, nil, nil
	}
	return out, []string{strconv.Itoa(out[len(out)-1].N)}, nil
}

// serveNumbers serves the list at /list/ as the API would, with the errors a handler recorded
// collected in errs, reading through db.
func serveNumbers(t *testing.T, l *numbers, budget *Budget) (url string, errs func() []string) {
	url, errs, _ = serveNumbersFrom(t, l, budget)
	return url, errs
}

func serveNumbersFrom(t *testing.T, l *numbers, budget *Budget) (url string, errs func() []string, db *sqldb.DB) {
	t.Helper()
	db, err := sqldb.Open(filepath.Join(t.TempDir(), "list.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var mu sync.Mutex
	var recorded []string
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(func(c *gin.Context) {
		defer func() {
			mu.Lock()
			for _, err := range c.Errors {
				recorded = append(recorded, err.Error())
			}
			mu.Unlock()
		}()
		c.Next()
	})
	e.GET("/list/", func(c *gin.Context) {
		p, err := ParseParams(c)
		if err != nil {
			c.Error(err)
			return
		}
		q := ParseList(p)
		if err := p.Err(); err != nil {
			c.AbortWithStatusJSON(http.StatusBadRequest, gin.H{"error": err.Error()})
			return
		}
		AnswerList(c, List[number]{DB: db, Budget: budget, Query: q, Read: l.read})
		if len(c.Errors) > 0 && !c.Writer.Written() {
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": c.Errors[0].Error()})
		}
	})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return srv.URL + "/list/", func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), recorded...)
	}, db
}

func get(t *testing.T, url string) (*http.Response, []byte, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func decodeNumbers(t *testing.T, body []byte) []int {
	t.Helper()
	var list []number
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("decode %.200s: %v", body, err)
	}
	out := make([]int, len(list))
	for i, x := range list {
		out[i] = x.N
	}
	return out
}

func wantRange(t *testing.T, got []int, from, to int) {
	t.Helper()
	if len(got) != to-from+1 || (len(got) > 0 && (got[0] != from || got[len(got)-1] != to)) {
		t.Fatalf("got %d items from %v to %v, want %d to %d", len(got), first(got), last(got), from, to)
	}
	for i, n := range got {
		if n != from+i {
			t.Fatalf("item %d is %d, want %d", i, n, from+i)
		}
	}
}

func first(l []int) any {
	if len(l) == 0 {
		return nil
	}
	return l[0]
}

func last(l []int) any {
	if len(l) == 0 {
		return nil
	}
	return l[len(l)-1]
}

func TestWholeListIsStreamedInBatches(t *testing.T) {
	t.Parallel()
	l := &numbers{n: 5000, size: 100}
	url, errs := serveNumbers(t, l, nil)
	resp, body, err := get(t, url)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, error %v", resp.StatusCode, err)
	}
	wantRange(t, decodeNumbers(t, body), 1, 5000)
	if link := resp.Header.Get("Link"); link != "" {
		t.Errorf("a whole list has Link %q; want none", link)
	}
	// Batches start small and grow to about batchBytes of items, never past MaxLimit.
	if l.batches[0] != firstBatch || len(l.batches) < 5 {
		t.Errorf("batches %v; want a first of %d and then several", l.batches, firstBatch)
	}
	for _, n := range l.batches {
		if n > api.MaxLimit || n*100 > 2*batchBytes {
			t.Errorf("a batch of %d items of 100 bytes; want at most %d and about %d bytes", n, api.MaxLimit, batchBytes)
		}
	}
	if len(errs()) != 0 {
		t.Errorf("errors recorded: %v", errs())
	}
}

func TestWholeListOfLargeItemsHoldsOneAtATime(t *testing.T) {
	t.Parallel()
	l := &numbers{n: 12, size: 400 << 10}
	url, _ := serveNumbers(t, l, nil)
	_, body, err := get(t, url)
	if err != nil {
		t.Fatal(err)
	}
	wantRange(t, decodeNumbers(t, body), 1, 12)
	for _, n := range l.batches[1:] {
		if n != 1 {
			t.Errorf("batches %v; after the first, items larger than a batch come one at a time", l.batches)
			break
		}
	}
}

// TestErrorWhileReadingIsAnswered: a list is read whole before its answer starts, so that an
// error in any batch, the first or a later one, is a clean error answer, never a shorter list.
func TestErrorWhileReadingIsAnswered(t *testing.T) {
	t.Parallel()
	for _, failAt := range []int{1, 3} {
		t.Run(fmt.Sprint("batch ", failAt), func(t *testing.T) {
			t.Parallel()
			l := &numbers{n: 5000, size: 100, failAt: failAt}
			url, errs := serveNumbers(t, l, nil)
			resp, body, err := get(t, url)
			if err != nil || resp.StatusCode != 500 || !strings.Contains(string(body), "on fire") {
				t.Errorf("status %d, body %.200s, error %v; want a clean 500 with the read's error", resp.StatusCode, body, err)
			}
			if got := errs(); len(got) != 1 || !strings.Contains(got[0], "on fire") {
				t.Errorf("errors recorded %v; want the read's, for the log", got)
			}
		})
	}
}

func TestPagedListsFollowLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		n, size     int
		query       string
		wantPages   int
		wantPerPage int
	}{
		{"limit", 2500, 50, "?limit=1000", 3, 1000},
		{"small limit", 7, 50, "?limit=2", 4, 2},
		{"whole", 10, 50, "", 1, 10},
		// Items of 1 MB: a page ends once it holds MaxPagedBytes, whatever the limit.
		{"large items", 20, 1<<20 + 100, "?limit=20", 3, MaxPagedBytes >> 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := &numbers{n: tt.n, size: tt.size}
			url, _ := serveNumbers(t, l, nil)
			next := url + tt.query
			var all []int
			pages := 0
			for next != "" {
				resp, body, err := get(t, next)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("%s: status %d, error %v, body %.200s", next, resp.StatusCode, err, body)
				}
				got := decodeNumbers(t, body)
				if pages == 0 && tt.wantPerPage != 0 && len(got) != tt.wantPerPage {
					t.Errorf("first page has %d items, want %d", len(got), tt.wantPerPage)
				}
				all = append(all, got...)
				pages++
				next = ""
				if link := resp.Header.Get("Link"); link != "" {
					next = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
				}
				if pages > 100 {
					t.Fatal("the Link headers do not end")
				}
			}
			wantRange(t, all, 1, tt.n)
			if pages != tt.wantPages {
				t.Errorf("%d pages, want %d", pages, tt.wantPages)
			}
		})
	}
}

func TestBudgetWaitsForRoom(t *testing.T) {
	t.Parallel()
	b := NewBudget(4<<20, t.TempDir()) // 3 MB to build answers in, 1 MB for answers waiting
	ctx := context.Background()
	small, err := b.Reserve(ctx, minReserve-1)
	if err != nil {
		t.Fatal(err)
	}
	small()                            // nothing was held
	all, err := b.Reserve(ctx, 10<<20) // more than the building share: waits for all of it
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		release, err := b.Reserve(ctx, 512<<10)
		if err == nil {
			release()
		}
		done <- err
	}()
	all()
	if err := <-done; err != nil {
		t.Errorf("a request waiting for room got %v once it came free", err)
	}
	held, _ := b.Reserve(ctx, 3<<20)
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Reserve(ended, 1<<20); !errors.Is(err, context.Canceled) {
		t.Errorf("a request whose context ended got %v; want its context's error", err)
	}
	// The waiting share is apart: a full building share leaves it whole.
	if release, ok := b.tryHold(1 << 20); !ok {
		t.Error("no room for a waiting answer while answers being built hold their share")
	} else if _, ok := b.tryHold(1); ok {
		t.Error("the waiting share gave more than it has")
	} else {
		release()
	}
	held()
}
