package httpapi

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"quire/app/api"
	"quire/app/sqldb"
)

// Every list endpoint answers through AnswerList (or StreamList for another format than JSON):
// one mechanism that reads the list in batches by its sort key, each encoded into the answer's
// Spool before the next is read, so that a request holds one batch in memory however long the
// list is, and sends the answer once the list is read.

const (
	// batchBytes is about how much of a list one batch holds, encoded: each batch has as many
	// items as the items of the one before suggest fit in it (one when they are larger).
	batchBytes = 256 << 10
	// firstBatch is how many items the first batch reads, before the size of the list's items is
	// known, unless the list says they are small: few, since one item may be megabytes (a widget
	// version, a form record).
	firstBatch = 4
	// firstBatchBytes is the most a first batch of items of a known largest size may hold.
	firstBatchBytes = 1 << 20
	// batchGrowth bounds how much larger a batch may be than the one before.
	batchGrowth = 8
	// MaxPagedBytes bounds the answer of a list asked one page at a time (limit or cursor): past
	// it the page ends early, and its Link continues where it stopped.
	MaxPagedBytes = 8 << 20
)

// List is how a list endpoint answers: what the client asked and how to read it.
type List[T any] struct {
	DB     *sqldb.DB
	Budget *Budget // nil: no bound
	Query  api.ListQuery
	Read   api.ListReader[T]
	// ItemBytes, for a list of small items, is the most one item may take (encoded), so that
	// the first batch can be as large as such items allow; 0 for items that may be megabytes
	// (widget versions, records), whose first batch is a few.
	ItemBytes int64
}

// first returns the size of the list's first batch.
func (l List[T]) first() int {
	if l.ItemBytes <= 0 {
		return firstBatch
	}
	return int(min(max(firstBatchBytes/l.ItemBytes, 1), api.MaxLimit))
}

// ListEncoder writes a list's items in one format.
type ListEncoder[T any] interface {
	// Header sets the answer's headers: its Content-Type and any other.
	Header(h http.Header)
	// Begin writes what comes before the first item, Item one item, End what follows the last.
	Begin(w io.Writer) error
	Item(w io.Writer, item T) error
	End(w io.Writer) error
}

// AnswerList answers the list as a bare JSON array (Papyrs' shape); see StreamList.
func AnswerList[T any](c *gin.Context, l List[T]) {
	StreamList(c, l, &jsonArray[T]{})
}

// StreamList answers the list in enc's format: the whole list when the client asked for no page
// (no limit, no cursor), else one page of it, ended early past MaxPagedBytes, with a Link header
// to the next page when more remain.
//
// The list is read in one read transaction, so that it is the list as it was at one instant, in
// batches, each encoded into a Spool before the next is read and with room for it reserved in
// l.Budget (a 503 when none came in time); the transaction ends before the first byte is sent, and
// the answer then goes out at the client's pace (Spool.Send). An error while reading is answered
// as an error: a client never gets a valid but shorter list.
func StreamList[T any](c *gin.Context, l List[T], enc ListEncoder[T]) {
	spool := l.Budget.NewSpool()
	defer spool.Close()
	next, err := readList(c.Request.Context(), l, enc, spool)
	if err != nil {
		c.Error(err)
		return
	}
	if next != nil {
		SetNextLink(c, api.EncodeCursor(next...))
	}
	enc.Header(c.Writer.Header())
	spool.Send(c)
}

// readList reads the list in one read transaction and writes it to w in enc's format. It returns
// the cursor of the next page when the client asked for a page and more remain.
func readList[T any](ctx context.Context, l List[T], enc ListEncoder[T], w *Spool) (next []string, err error) {
	tx, err := l.DB.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback() // read only: nothing to commit
	if err := enc.Begin(w); err != nil {
		return nil, err
	}
	q := l.Query
	whole, remaining := q.Whole(), q.Limit
	sizes := batchSizes{n: l.first()}
	// release gives back the budget of the batch under way, once it is encoded. The first batch
	// is small (firstBatch items, or firstBatchBytes of items of a known size) and reserves none.
	release := func() {}
	defer func() { release() }()
	for {
		q.Limit = sizes.n
		if !whole {
			q.Limit = min(q.Limit, remaining)
		}
		items, more, err := l.Read(ctx, tx, q)
		if err != nil {
			return nil, err
		}
		before := w.Len()
		for _, item := range items {
			if err := enc.Item(w, item); err != nil {
				return nil, err
			}
		}
		sizes.record(len(items), w.Len()-before)
		release()
		release = func() {}
		next, remaining = more, remaining-len(items)
		if next == nil || !whole && (remaining <= 0 || w.Len() >= MaxPagedBytes) {
			break
		}
		most := api.MaxLimit
		if !whole {
			most = remaining
		}
		q.Cursor, q.Offset = next, 0
		held, err := l.Budget.Reserve(ctx, sizes.estimate(sizes.next(most)))
		if err != nil {
			return nil, err
		}
		release = held
	}
	return next, enc.End(w)
}

// batchSizes sizes a list's batches so that each holds about batchBytes.
type batchSizes struct {
	n       int // items in the next batch
	batches int
	items   int64
	bytes   int64
	avg     int64 // bytes of an item of the last batch, on average
}

func (s *batchSizes) record(items int, bytes int64) {
	s.batches++
	if items > 0 {
		s.items += int64(items)
		s.bytes += bytes
		s.avg = max(bytes/int64(items), 1)
	}
}

// next returns the size of the next batch, at most most.
func (s *batchSizes) next(most int) int {
	if s.avg > 0 {
		s.n = int(min(max(batchBytes/s.avg, 1), int64(s.n)*batchGrowth, int64(api.MaxLimit)))
	}
	s.n = max(min(s.n, most), 1)
	return s.n
}

// estimate returns how many bytes n items will take, going by the last batch.
func (s *batchSizes) estimate(n int) int64 { return int64(n) * s.avg }

// jsonArray writes a list as a JSON array, each item as encoding/json (and so gin) writes it.
type jsonArray[T any] struct{ n int }

func (a *jsonArray[T]) Header(h http.Header) {
	h.Set("Content-Type", "application/json; charset=utf-8")
}

func (a *jsonArray[T]) Begin(w io.Writer) error {
	_, err := io.WriteString(w, "[")
	return err
}

func (a *jsonArray[T]) Item(w io.Writer, item T) error {
	b, err := json.Marshal(item)
	if err != nil {
		return err
	}
	if a.n > 0 {
		if _, err := io.WriteString(w, ","); err != nil {
			return err
		}
	}
	a.n++
	_, err = w.Write(b)
	return err
}

func (a *jsonArray[T]) End(w io.Writer) error {
	_, err := io.WriteString(w, "]")
	return err
}
